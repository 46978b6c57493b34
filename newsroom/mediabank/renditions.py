"""Web sizes of the image bank's images, made with Pillow and cached on disk.

Every download, the original size too, is re-encoded from the pixels: the camera's EXIF
(GPS position, serial numbers, owner's name) is never passed on. The orientation it recorded
is applied to the pixels first, and the colour profile is kept.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps

# name: (longest side in pixels or None for the full size, label)
SIZES = {
    "small": (640, _("Small")),
    "medium": (1280, _("Medium")),
    "large": (2048, _("Large")),
    "original": (None, _("Original size")),
}
JPEG_QUALITY = {"original": 92}
DEFAULT_JPEG_QUALITY = 85


def rendition_dir():
    return Path(settings.MEDIA_ROOT) / "renditions"


def _extension(source_format):
    return "png" if source_format == "PNG" else "jpg"


def rendition_path(image, size):
    """The cached file for this image and size, made now if missing. Raises KeyError for a size
    that does not exist."""
    longest, _label = SIZES[size]
    # The stored file's name changes with each upload, so a new upload gets new renditions.
    digest = hashlib.sha256(image.file.name.encode()).hexdigest()[:12]
    directory = rendition_dir() / str(image.pk)
    existing = list(directory.glob(f"{size}-{digest}.*")) if directory.exists() else []
    if existing:
        return existing[0]
    with image.file.open("rb") as handle, PILImage.open(handle) as source:
        source_format = source.format
        icc_profile = source.info.get("icc_profile")
        picture = ImageOps.exif_transpose(source)
        if longest and max(picture.size) > longest:
            picture.thumbnail((longest, longest), PILImage.Resampling.LANCZOS)
        extension = _extension(source_format)
        target = directory / f"{size}-{digest}.{extension}"
        directory.mkdir(parents=True, exist_ok=True)
        save_options = {"icc_profile": icc_profile} if icc_profile else {}
        if extension == "jpg":
            if picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            save_options.update(
                format="JPEG",
                quality=JPEG_QUALITY.get(size, DEFAULT_JPEG_QUALITY),
                optimize=True,
                progressive=True,
            )
        else:
            save_options.update(format="PNG", optimize=True)
        # Write beside the target and rename: a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=directory, suffix=f".{extension}.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                picture.save(out, **save_options)
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
