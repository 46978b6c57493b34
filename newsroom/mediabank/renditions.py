"""Web sizes of the image bank's images, made with Pillow and cached on disk.

Every download, the original size too, is re-encoded from the pixels by the newsroom's one
cleaner (`newsroom.core.images.save_clean`): no EXIF, XMP or comment is ever passed on. The
orientation the camera recorded is applied to the pixels first, and the colour profile kept.

Renditions are built by a task right after an upload (`tasks.build_image_renditions`); a
request that finds one missing builds it itself. Either way one build at a time per image and
size: an exclusive `flock` on a lock file beside the renditions, which holds across threads
and processes on the host, and whoever gets the lock second finds the file made. One build
decodes no more than it needs: JPEGs are decoded at a reduced scale (`draft`), and nothing
beyond `MEDIABANK_MAX_IMAGE_PIXELS` is decoded at all.
"""

import fcntl
import hashlib
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps

from newsroom.core.images import save_clean

logger = logging.getLogger(__name__)

# name: (longest side in pixels or None for the full size, label)
SIZES = {
    "small": (640, _("Small")),
    "medium": (1280, _("Medium")),
    "large": (2048, _("Large")),
    "original": (None, _("Original size")),
}
JPEG_QUALITY = {"original": 92}
DEFAULT_JPEG_QUALITY = 85
# Progressive and optimised JPEGs make the encoder hold every coefficient of the picture (and
# Pillow a buffer of a byte per pixel): worth it for web sizes, not for the full size.
PLAIN_JPEG_SIZES = {"original"}


class RenditionError(Exception):
    """The stored image cannot be made into a rendition (too many pixels, damaged)."""


def rendition_dir():
    return Path(settings.MEDIA_ROOT) / "renditions"


def _extension(source_format):
    return "png" if source_format == "PNG" else "jpg"


def _digest(image):
    # The stored file's name changes with each upload, so a new upload gets new renditions.
    return hashlib.sha256(image.file.name.encode()).hexdigest()[:12]


def _existing(directory, size, digest):
    found = sorted(directory.glob(f"{size}-{digest}.*")) if directory.exists() else []
    return found[0] if found else None


@contextmanager
def _build_lock(path):
    """An exclusive lock on `path`, across threads and processes (flock locks an open file
    description: two opens in one process exclude each other as two processes do)."""
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rendition_path(image, size):
    """The cached file for this image and size, made now if missing. Raises KeyError for a size
    that does not exist, RenditionError for an image that cannot be made into one."""
    SIZES[size]  # KeyError for an unknown size
    digest = _digest(image)
    directory = rendition_dir() / str(image.pk)
    existing = _existing(directory, size, digest)
    if existing:
        return existing
    directory.mkdir(parents=True, exist_ok=True)
    with _build_lock(directory / f".{size}-{digest}.lock"):
        # Whoever held the lock before us may have made it.
        return _existing(directory, size, digest) or build_rendition(image, size, directory, digest)


def build_rendition(image, size, directory, digest):
    """Decode, resize and write one rendition (the caller holds its lock)."""
    longest, _label = SIZES[size]
    try:
        with image.file.open("rb") as handle, PILImage.open(handle) as source:
            return _build(source, size, longest, directory / f"{size}-{digest}")
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as error:
        raise RenditionError(str(error)) from error


def _build(source, size, longest, target_stem):
    """Decode (no more than needed), resize and write; a temporary file renamed into place."""
    width, height = source.size
    if width * height > settings.MEDIABANK_MAX_IMAGE_PIXELS:
        raise RenditionError(f"{width}×{height} is over the pixel limit.")
    source_format = source.format
    icc_profile = source.info.get("icc_profile")
    if longest and source_format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale, no smaller than the rendition: a 59-megapixel
        # JPEG becomes a few megapixels in memory instead of 177 MB.
        source.draft(None, (longest, longest))
    # Turned upright in place: no second copy of the pixels when there is nothing to turn.
    ImageOps.exif_transpose(source, in_place=True)
    picture = source
    if longest and max(picture.size) > longest:
        picture.thumbnail((longest, longest), PILImage.Resampling.LANCZOS)
    extension = _extension(source_format)
    target = target_stem.with_name(f"{target_stem.name}.{extension}")
    directory = target.parent
    if extension == "jpg":
        plain = size in PLAIN_JPEG_SIZES
        options = {
            "quality": JPEG_QUALITY.get(size, DEFAULT_JPEG_QUALITY),
            "optimize": not plain,
            "progressive": not plain,
        }
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
    else:
        options = {"optimize": True}
    # Write beside the target and rename: a reader never sees half a file.
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=f".{extension}.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            save_clean(
                picture,
                out,
                "JPEG" if extension == "jpg" else "PNG",
                icc_profile=icc_profile,
                **options,
            )
        # mkstemp makes the file private to us; the proxy that streams it (X-Accel-Redirect,
        # X-Sendfile) reads it as its own user, as it reads the uploads.
        os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def rendition_size(image, size):
    """The pixel size of a rendition, computed without making it."""
    longest, _label = SIZES[size]
    width, height = image.width or 0, image.height or 0
    if not longest or max(width, height) <= longest or not width or not height:
        return width, height
    scale = longest / max(width, height)
    return round(width * scale), round(height * scale)


def offered_sizes(image):
    """The sizes an image is offered in: a web size no smaller than the original is the
    original, offered once."""
    sizes, seen = [], set()
    for size, (longest, _label) in SIZES.items():
        width, height = rendition_size(image, size)
        if longest and (not width or (width, height) == (image.width, image.height)):
            continue
        if (width, height) in seen:
            continue
        seen.add((width, height))
        sizes.append(size)
    return sizes


def build_renditions(image):
    """Every offered size of an image, made now where missing (each under its lock). A size
    that cannot be made is logged and skipped: its download answers 404."""
    made = []
    for size in offered_sizes(image):
        try:
            made.append(rendition_path(image, size))
        except (RenditionError, FileNotFoundError):
            logger.warning("No %s rendition of image %s.", size, image.pk, exc_info=True)
    return made
