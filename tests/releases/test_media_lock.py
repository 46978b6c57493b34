"""Media that a release outside review shows change only with the publish permission."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from newsroom.mediabank.models import Document
from newsroom.releases.models import PressRelease, ReleaseImage

Status = PressRelease.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def make_document(db):
    def make(title="Rapport"):
        document = Document(title=title)
        document.file.save("rapport.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        document.save()
        return document

    return make


def _release_in(make_release, status):
    fields = {"status": status}
    if status == Status.SCHEDULED:
        fields["publish_at"] = timezone.now() + dt.timedelta(days=1)
    if status == Status.WITHDRAWN:
        fields.update(published_at=timezone.now(), withdrawn_reason="Fel")
    return make_release(**fields)


def _image_of(release, make_image):
    image = make_image(title="Besöket", alt_text="Två personer i ett kommunhus")
    ReleaseImage.objects.create(release=release, image=image)
    return image


def _change_image(client, image, **fields):
    data = {
        "title": image.title,
        "caption": "En ny bildtext",
        "alt_text": "",
        "photographer": "",
        "licence": "free-editorial",
        **fields,
    }
    return client.post(reverse("admin:mediabank_image_change", args=[image.pk]), data)


def _change_document(client, document):
    return client.post(
        reverse("admin:mediabank_document_change", args=[document.pk]), {"title": "Ny titel"}
    )


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.SCHEDULED, Status.WITHDRAWN])
def test_press_officer_cannot_change_an_image_of_a_release_outside_review(
    officer_client, make_release, make_image, status
):
    release = _release_in(make_release, status)
    draft = make_release(status=Status.DRAFT)
    image = _image_of(release, make_image)
    ReleaseImage.objects.create(release=draft, image=image)  # a draft too: still refused
    response = _change_image(officer_client, image)
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.caption == "" and image.alt_text == "Två personer i ett kommunhus"


def test_press_officer_sees_such_an_image_read_only(officer_client, make_release, make_image):
    image = _image_of(make_release(status=Status.PUBLISHED), make_image)
    page = officer_client.get(reverse("admin:mediabank_image_change", args=[image.pk]))
    assert page.status_code == 200
    assert 'name="alt_text"' not in page.content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_press_officer_changes_an_image_only_drafts_use(
    officer_client, make_release, make_image, status
):
    image = _image_of(_release_in(make_release, status), make_image)
    assert _change_image(officer_client, image).status_code == 302
    image.refresh_from_db()
    assert image.caption == "En ny bildtext" and image.alt_text == ""


def test_press_officer_changes_an_image_no_release_uses(officer_client, make_image):
    image = make_image(title="Lös bild")
    assert _change_image(officer_client, image, alt_text="Alt").status_code == 302


def test_editor_changes_an_image_of_a_published_release(editor_client, make_release, make_image):
    image = _image_of(make_release(status=Status.PUBLISHED), make_image)
    assert _change_image(editor_client, image, alt_text="Ny alt").status_code == 302
    image.refresh_from_db()
    assert image.caption == "En ny bildtext" and image.alt_text == "Ny alt"


def test_press_officer_cannot_change_a_document_of_a_published_release(
    officer_client, make_release, make_document
):
    release = make_release(status=Status.PUBLISHED)
    document = make_document()
    release.documents.add(document)
    assert _change_document(officer_client, document).status_code == 403
    document.refresh_from_db()
    assert document.title == "Rapport"


def test_press_officer_changes_a_document_of_a_draft(officer_client, make_release, make_document):
    document = make_document()
    make_release(status=Status.DRAFT).documents.add(document)
    assert _change_document(officer_client, document).status_code == 302
    document.refresh_from_db()
    assert document.title == "Ny titel"


def test_editor_changes_a_document_of_a_published_release(
    editor_client, make_release, make_document
):
    document = make_document()
    make_release(status=Status.PUBLISHED).documents.add(document)
    assert _change_document(editor_client, document).status_code == 302


def test_deleting_media_of_a_published_release_needs_the_publish_permission(
    make_user, editor, make_release, make_image, make_document
):
    release = make_release(status=Status.PUBLISHED)
    image = _image_of(release, make_image)
    document = make_document()
    release.documents.add(document)
    deleter = make_user("deleter")  # may delete media but not publish
    deleter.user_permissions.add(
        *Permission.objects.filter(codename__in=["delete_image", "delete_document"])
    )
    for obj in (image, document):
        model_admin = site._registry[type(obj)]
        for user, allowed in ((deleter, False), (editor, True)):
            request = RequestFactory().get("/")
            request.user = type(user).objects.get(pk=user.pk)  # fresh permission cache
            assert model_admin.has_delete_permission(request) is True
            assert model_admin.has_delete_permission(request, obj) is allowed
