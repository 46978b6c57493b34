"""Checks and clean-up of uploads: only real images and PDFs, of a sane size, without EXIF.

Every image that is stored has been opened by Pillow, turned upright by its EXIF
orientation and saved again without EXIF, XMP or text chunks, so no GPS position, camera
serial or author name leaves the newsroom in it (nor in anything derived from it).
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PDF_MAGIC = b"%PDF-"


@dataclass
class CleanImage:
    content: bytes
    format: str
    extension: str
    width: int
    height: int


def _check_size(upload, limit):
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )


def _open_image(upload):
    """Open the upload's header with Pillow; refuse what is not an allowed image or too big."""
    max_pixels = settings.MEDIABANK_MAX_IMAGE_PIXELS
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow warns (and past twice its own limit refuses) on huge images; we decide here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                _(
                    "The image has far too many pixels to be opened safely (a “decompression "
                    "bomb”); the limit is %(limit)s million pixels."
                )
                % {"limit": max_pixels // 1_000_000},
                code="decompression_bomb",
            ) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ValidationError(
                _("The file is not an image: upload a JPEG, PNG or WebP file."),
                code="not_an_image",
            ) from None
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted: upload a JPEG, PNG or WebP file.")
            % {"format": image.format},
            code="image_format",
        )
    width, height = image.size
    if width * height > max_pixels:
        raise ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels; the limit is %(limit)s million "
                "pixels. Make it smaller and upload it again."
            )
            % {"width": width, "height": height, "limit": max_pixels // 1_000_000},
            code="too_many_pixels",
        )
    return image


def clean_image_upload(upload):
    """Validate an uploaded image and return it upright and without personal metadata."""
    _check_size(upload, settings.MEDIABANK_MAX_IMAGE_BYTES)
    image = _open_image(upload)
    try:
        image.load()
        source_format = image.format
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image is damaged and cannot be read: upload it again or export it anew."),
            code="broken_image",
        ) from None
    output = io.BytesIO()
    save_options = {}
    icc_profile = image.info.get("icc_profile")
    if icc_profile:
        save_options["icc_profile"] = icc_profile  # colours, not personal data
    if source_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        save_options.update(quality=92, optimize=True, progressive=True)
    elif source_format == "WEBP":
        save_options.update(quality=92)
    elif source_format == "PNG":
        save_options.update(optimize=True)
    # Saving without `exif=` (and without PNG text chunks) drops all EXIF, GPS included.
    upright.save(output, format=source_format, **save_options)
    return CleanImage(
        content=output.getvalue(),
        format=source_format,
        extension=ALLOWED_IMAGE_FORMATS[source_format],
        width=upright.width,
        height=upright.height,
    )


def validate_document_upload(upload):
    """A PDF by its first bytes (not by its name or the browser's word), within the limit."""
    _check_size(upload, settings.MEDIABANK_MAX_DOCUMENT_BYTES)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The signature must open the file: a page that merely mentions it somewhere is no PDF.
    if not head.startswith(PDF_MAGIC):
        raise ValidationError(_("The file is not a PDF document: upload a PDF."), code="not_a_pdf")
    declared = getattr(upload, "content_type", None)
    if declared and declared not in {
        "application/pdf",
        "application/x-pdf",
        "application/octet-stream",
    }:
        raise ValidationError(
            _("The file was sent as %(type)s, not as a PDF document: upload a PDF.")
            % {"type": declared},
            code="content_type",
        )
    return "application/pdf"
