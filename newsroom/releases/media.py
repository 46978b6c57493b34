"""Which images and documents the public may have: those of public releases, and nothing
else (`PressRelease.objects.public()`: no draft, nothing in review, nothing scheduled for
later, nothing withdrawn).

The same rule decides who may have a stored file (`release_file_access`): anyone, for the
image or document of a public release; otherwise staff who may view images or documents in
the admin, or whoever holds a valid preview link of a release that shows it (the preview
page puts its token on its files' addresses: `{% media_url %}`).
"""

from newsroom.core.files import Access, staff_may
from newsroom.mediabank.models import Document, Image

from .models import PressRelease
from .services import preview_link_from_token

PREVIEW_PARAMETER = "preview"


def public_images():
    """The image bank: the images of public releases, and nothing else."""
    return PressRelease.objects.public_images()


def public_documents():
    """The documents of public releases."""
    return PressRelease.objects.public().documents()


def _previewed_release(request):
    token = request.GET.get(PREVIEW_PARAMETER)
    link = preview_link_from_token(token) if token else None
    return link.release if link else None


# model, the public ones, the release's relation, the admin's permission
_RELEASE_FILES = [
    (Image, public_images, "images", "mediabank.view_image"),
    (Document, public_documents, "documents", "mediabank.view_document"),
]


def release_file_access(request, name):
    """Who may have the stored image or document file `name`; None when it is neither."""
    for model, public, relation, permission in _RELEASE_FILES:
        if public().filter(file=name).exists():
            return Access.PUBLIC
        if not model.objects.filter(file=name).exists():
            continue
        if staff_may(request.user, permission):
            return Access.ALLOWED
        release = _previewed_release(request)
        if release is not None and getattr(release, relation).filter(file=name).exists():
            return Access.ALLOWED
        return Access.DENIED
    return None
