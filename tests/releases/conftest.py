"""Releases in the workflow's states."""

import pytest

from newsroom.releases.models import PressRelease


@pytest.fixture
def draft(make_release, make_contact):
    """A draft that can be published: it has a press contact, a lead and tags."""
    return make_release(
        title="Delegationen besöker Borlänge kommun",
        status=PressRelease.Status.DRAFT,
        contacts=[make_contact(name="Lena Holm")],
        tags=["segregation"],
    )


@pytest.fixture
def in_review(draft):
    draft.status = PressRelease.Status.IN_REVIEW
    draft.save()
    return draft


@pytest.fixture
def make_image(db):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from newsroom.mediabank.models import Image

    def make(title="Bild", alt_text=""):
        buffer = io.BytesIO()
        PILImage.new("RGB", (40, 30), "teal").save(buffer, "PNG")
        image = Image(title=title, alt_text=alt_text)
        image.file.save("bild.png", ContentFile(buffer.getvalue()), save=False)
        image.save()
        return image

    return make
