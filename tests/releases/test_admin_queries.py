"""The release's change form costs as many queries with eleven inline rows as with one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.releases.models import PressRelease, ReleaseContact, ReleaseImage
from tests.html import parse
from tests.release_forms import change_form_data, change_url

Status = PressRelease.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def release_with(make_release, make_contact, make_image):
    def make(rows, status=Status.DRAFT):
        release = make_release(status=status)
        for order in range(rows):
            contact = make_contact(name=f"Kontakt {order}")
            ReleaseContact.objects.create(release=release, contact=contact, order=order)
            image = make_image(title=f"Bild {order}", alt_text="Alt")
            ReleaseImage.objects.create(release=release, image=image, order=order)
        return release

    return make


def _queries(client, release):
    url = reverse("admin:releases_pressrelease_change", args=[release.pk])
    client.get(url)  # the first view may store a baseline revision
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_change_form_does_not_query_per_inline_row(editor_client, release_with):
    few, _page = _queries(editor_client, release_with(1))
    release = release_with(11)
    many, page = _queries(editor_client, release)
    assert many == few
    # Every row still shows its chosen contact and image in the autocomplete select.
    for row in release.releasecontact_set.select_related("contact"):
        assert f'<option value="{row.contact_id}" selected>{row.contact}</option>' in page
    for row in release.releaseimage_set.select_related("image"):
        assert f'<option value="{row.image_id}" selected>{row.image}</option>' in page


def test_the_read_only_change_form_does_not_query_per_inline_row(officer_client, release_with):
    few, _page = _queries(officer_client, release_with(1, Status.PUBLISHED))
    many, page = _queries(officer_client, release_with(11, Status.PUBLISHED))
    assert many == few
    assert "Kontakt 10" in page and "Bild 10" in page


def test_a_row_changed_in_a_refused_post_shows_the_new_choice(
    editor_client, release_with, make_contact
):
    release = release_with(1)
    row = release.releasecontact_set.get()
    other = make_contact(name="Ny Kontakt")
    url = change_url(release)
    data = change_form_data(
        editor_client,
        release,
        title="",  # refused: the form comes back
        **{
            "releasecontact_set-TOTAL_FORMS": "1",
            "releasecontact_set-INITIAL_FORMS": "1",
            "releasecontact_set-0-id": row.pk,
            "releasecontact_set-0-release": release.pk,
            "releasecontact_set-0-contact": other.pk,
            "releasecontact_set-0-order": "0",
        },
    )
    page = parse(editor_client.post(url, data))
    selected = page.select_one(
        f'select[name="releasecontact_set-0-contact"] option[value="{other.pk}"]'
    )
    assert selected.has_attr("selected") and selected.get_text() == str(other)
