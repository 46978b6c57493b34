"""Users in each role, and a release that passes the blocking checklist items."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from newsroom.core import roles
from newsroom.releases.models import PressRelease


@pytest.fixture
def make_user(db):
    def make(username, role=None, **fields):
        user = get_user_model().objects.create_user(
            username=username, password="pw-for-tests-only", is_staff=True, **fields
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def press_officer(make_user):
    return make_user(
        "kommunikator", roles.PRESS_OFFICER, first_name="Kim", last_name="Kommunikatör"
    )


@pytest.fixture
def editor(make_user):
    return make_user("redaktor", roles.EDITOR, first_name="Rut", last_name="Redaktör")


@pytest.fixture
def administrator(make_user):
    return make_user("administrator", roles.ADMINISTRATOR)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(press_officer):
    return _client_for(press_officer)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


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
