"""Uploaded files: where they are stored, and how the app hands them out.

No upload is served by the web server on its own: every file goes through a view that first
decides who may have it (`newsroom/media.py`), then answers with `send_file()`. By the
`MEDIA_SERVE` setting the bytes come from Django itself (`django`, for development), or from
the proxy through an internal location: nginx's `X-Accel-Redirect` (`nginx`) or Apache's
`X-Sendfile` (`apache`).

Stored names carry a random directory (`RandomPath`), so that knowing a file's title, date
or neighbour tells nothing of its address.
"""

import enum
import mimetypes
import posixpath
import secrets
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header, http_date

MEDIA_SERVE_MODES = ("django", "nginx", "apache")
PRIVATE = "private, no-store"


@deconstructible
class RandomPath:
    """`upload_to` that stores `<prefix>/<random>/<file name>`; the prefix may hold strftime
    codes (`images/%Y/%m/`). The random part has 128 bits: nobody guesses it."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        directory = timezone.now().strftime(self.prefix)
        return posixpath.join(directory, secrets.token_urlsafe(16), posixpath.basename(filename))

    def __eq__(self, other):
        return isinstance(other, RandomPath) and other.prefix == self.prefix


def media_file(name):
    """The stored file of this name, inside MEDIA_ROOT; 404 when there is none."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root or not path.is_file():
        raise Http404("No such file.")
    return root, path


def send_file(request, name, *, public, as_attachment=False, filename=None):
    """The response that hands out the stored file `name` (relative to MEDIA_ROOT), once the
    caller has decided that this request may have it.

    `public` files may be kept by browsers and shared caches for `MEDIA_MAX_AGE` seconds;
    the others are `private, no-store`.
    """
    root, path = media_file(name)
    content_type, encoding = mimetypes.guess_type(path.name)
    content_type = content_type or "application/octet-stream"
    if encoding:  # a stored `x.pdf.gz` is a gzip file, not a PDF to decompress on the fly
        content_type = "application/octet-stream"
    stat = path.stat()
    mode = settings.MEDIA_SERVE
    if mode == "nginx":
        response = HttpResponse(content_type=content_type)
        internal = settings.MEDIA_INTERNAL_URL.rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{internal}/{path.relative_to(root).as_posix()}")
    elif mode == "apache":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = str(path)
    else:
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=int(stat.st_mtime)
        )
        if not_modified is not None:
            response = not_modified
        else:
            response = FileResponse(path.open("rb"), content_type=content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(stat.st_mtime)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, filename or path.name
    )
    response["Cache-Control"] = f"public, max-age={settings.MEDIA_MAX_AGE}" if public else PRIVATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


class Access(enum.Enum):
    """A rule's answer about one stored file: anyone may have it (and caches keep it), this
    request may (and nobody keeps it), or nobody here may."""

    PUBLIC = "public"
    ALLOWED = "allowed"
    DENIED = "denied"


def staff_may(user, permission):
    """Staff who hold `permission` (as the admin would let them see the object)."""
    return user.is_active and user.is_staff and user.has_perm(permission)


def agency_logo_access(request, name):
    """The agency's logo is public: it is on every page."""
    from .models import Agency

    return Access.PUBLIC if Agency.objects.filter(logo=name).exists() else None
