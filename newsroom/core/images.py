"""Every image that enters the newsroom: one validator, one cleaner, one model field.

Image-bank pictures, contact photos and the agency's logo are all `CleanImageField`s. Whatever
path a file takes in (an admin form, a command, `field_file.save()` in code), it is opened by
Pillow and refused unless it is a real JPEG, PNG or WebP within the byte and pixel limits (a
"decompression bomb" is refused before it is decoded); then it is turned upright by its EXIF
orientation and saved again by `save_clean()`, which writes the pixels and the colour profile
only: no EXIF (GPS, camera serial, owner), no XMP, no JPEG comment, no PNG text chunk. The
renditions are written by the same `save_clean()`.

The ICC colour profile is kept: without it colours shift, and it describes a device's
colours, not a person.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT = "image/jpeg,image/png,image/webp"
# What of an image's `info` a clean copy keeps: the transparent colour of a palette PNG is
# part of the picture. Everything else there (exif, xmp, comment, text chunks, dpi…) goes.
KEPT_INFO = ("transparency",)


@dataclass
class CleanImage:
    content: bytes
    format: str
    extension: str
    width: int
    height: int


def check_size(upload, limit):
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
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


def save_clean(picture, out, image_format, *, icc_profile=None, **options):
    """Write `picture`'s pixels (and colour profile) as `image_format`, and no metadata.

    Pillow copies some of `info` into what it saves (a JPEG's comment, for one), so the
    picture is written from an `info` holding only `KEPT_INFO`.
    """
    picture.info = {key: picture.info[key] for key in KEPT_INFO if key in picture.info}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image_format == "JPEG" and picture.mode not in ("RGB", "L", "CMYK"):
        picture = picture.convert("RGB")
    picture.save(out, format=image_format, **options)


def clean_image_upload(upload):
    """Validate an uploaded image and return it upright and without metadata."""
    check_size(upload, settings.MEDIABANK_MAX_IMAGE_BYTES)
    image = _open_image(upload)
    try:
        image.load()
        source_format = image.format
        icc_profile = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image is damaged and cannot be read: upload it again or export it anew."),
            code="broken_image",
        ) from None
    options = {
        "JPEG": {"quality": 92, "optimize": True, "progressive": True},
        "WEBP": {"quality": 92},
        "PNG": {"optimize": True},
    }[source_format]
    output = io.BytesIO()
    save_clean(upright, output, source_format, icc_profile=icc_profile, **options)
    return CleanImage(
        content=output.getvalue(),
        format=source_format,
        extension=ALLOWED_IMAGE_FORMATS[source_format],
        width=upright.width,
        height=upright.height,
    )


# JPEG segments a clean file may hold: APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe colour
# transform). APP1 (EXIF, XMP), APP13 (IPTC) and the others are metadata.
CLEAN_JPEG_SEGMENTS = {"APP0", "APP2", "APP14"}
METADATA_INFO = {"exif", "xmp", "comment", "photoshop", "XML:com.adobe.xmp"}


def needs_cleaning(content):
    """Whether stored image bytes are of a format we do not take, or hold anything that
    `save_clean` would not have written."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format not in ALLOWED_IMAGE_FORMATS:
                return True
            if METADATA_INFO & set(image.info) or getattr(image, "text", None):
                return True
            applist = getattr(image, "applist", [])
            return any(marker not in CLEAN_JPEG_SEGMENTS for marker, _data in applist)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return True  # not even an image: let the cleaner say so


class CleanedImageFile(SimpleUploadedFile):
    """An image that `clean_image_upload` has passed and cleaned: stored as it is."""


def cleaned_file(name, upload):
    clean = clean_image_upload(upload)
    stem = Path(name or "").stem[:80] or "image"
    return CleanedImageFile(
        f"{stem}.{clean.extension}", clean.content, content_type=f"image/{clean.format.lower()}"
    )


class CleanImageFormField(forms.FileField):
    """A file field that accepts only what `clean_image_upload` passes, and hands on the
    cleaned image: a form error for anything else (a GIF, a bomb, a PDF named .jpg)."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None or not isinstance(upload, UploadedFile):
            return upload
        return cleaned_file(upload.name, upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", ACCEPT)
        return attrs


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Forms hand over what their field already cleaned; any other way in is cleaned here.
        if not isinstance(content, CleanedImageFile):
            content = cleaned_file(name, content)
            name = content.name
        super().save(name, content, save)


class CleanImageField(models.ImageField):
    """An `ImageField` that stores only validated, upright images without metadata."""

    attr_class = CleanImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanImageFormField, **kwargs})
