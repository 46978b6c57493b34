"""Media by direct URL: no stored file is reachable unless the public rule allows it.

Images, renditions and documents of a draft, of a release scheduled for later and of a
withdrawn release answer 404 to anyone at every address they are stored under; those of a
published release answer 200 with their content type; editors and preview links get what
they may see, uncached.
"""

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches
from django.utils import timezone

from newsroom.mediabank import renditions
from newsroom.mediabank.models import Document, Image
from newsroom.releases import services
from newsroom.releases.models import PressRelease
from newsroom.releases.preview import preview_url
from tests.conftest import _jpeg_bytes, attach_images

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
Status = PressRelease.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_SERVE = "django"
    return tmp_path


def new_image(width=1600, height=1000, name="bild.jpg"):
    image = Image(title="Besök", alt_text="Två personer i ett kommunhus")
    image.file.save(name, ContentFile(_jpeg_bytes(width, height)))
    return image


def make_document(title="Rapport"):
    document = Document(title=title)
    document.file.save("rapport.pdf", ContentFile(PDF))
    return document


@pytest.fixture
def release_with_media(make_release):
    """A release of the given status with an image (and all its renditions) and a PDF."""

    def make(status, **fields):
        now = timezone.now()
        if status == Status.SCHEDULED:
            fields.update(publish_at=now + dt.timedelta(days=1))
            fields.update(published_at=fields["publish_at"])
        elif status == Status.WITHDRAWN:
            fields.update(published_at=now - dt.timedelta(days=2), withdrawn_at=now)
        release = make_release(status=status, **fields)
        image = new_image()
        attach_images(release, image)
        document = make_document()
        release.documents.add(document)
        for size in renditions.SIZES:
            renditions.rendition_path(image, size)
        return release, image, document

    return make


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def urls_as_built(request, settings):
    """The URLs as the project builds them with DEBUG off and on (the development server
    used to serve MEDIA_ROOT as it lies)."""
    import newsroom.urls

    settings.DEBUG = request.param
    importlib.reload(newsroom.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(newsroom.urls)
    clear_url_caches()


def stored_paths(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED, Status.WITHDRAWN]
)
def test_no_stored_file_of_a_release_that_is_not_public_is_served(
    client, agency, release_with_media, media, status, urls_as_built
):
    release, image, document = release_with_media(status)
    paths = stored_paths(media)
    # The original, the document, four renditions (and their lock files) are on disk.
    assert image.file.name in paths and document.file.name in paths
    assert sum(path.startswith("renditions/") and not path.endswith(".lock") for path in paths) == 4
    for path in paths:
        assert client.get(f"/media/{path}").status_code == 404, path
    for size in renditions.SIZES:
        assert client.get(f"/sv/images/{image.pk}/download/{size}/").status_code == 404
    assert client.get(image.get_absolute_url()).status_code == 404


def test_the_files_of_a_published_release_are_served_with_their_type(
    client, agency, release_with_media, media, settings
):
    release, image, document = release_with_media(Status.PUBLISHED)
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == f"public, max-age={settings.MEDIA_MAX_AGE}"
    assert b"".join(response.streaming_content) == image.file.open("rb").read()
    response = client.get(document.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    for size in renditions.offered_sizes(image):
        response = client.get(f"/sv/images/{image.pk}/download/{size}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "attachment" in response["Content-Disposition"]
    # Renditions have no address of their own: only the image bank's download view.
    rendition = renditions.rendition_path(image, "small").relative_to(media).as_posix()
    assert client.get(f"/media/{rendition}").status_code == 404
    # The page links the files at addresses that work.
    page = client.get(release.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in page and f'href="{document.file.url}"' in page


def test_a_release_withdrawn_after_publication_stops_serving_its_files(
    client, agency, release_with_media, editor
):
    release, image, document = release_with_media(Status.PUBLISHED)
    assert client.get(image.file.url).status_code == 200
    services.release_withdraw(release=release, by=editor, reason="Fel siffror.")
    assert client.get(image.file.url).status_code == 404
    assert client.get(document.file.url).status_code == 404
    assert client.get(f"/sv/images/{image.pk}/download/original/").status_code == 404


def test_an_image_shared_with_a_public_release_stays_public(
    client, agency, release_with_media, make_release
):
    release, image, document = release_with_media(Status.DRAFT)
    attach_images(make_release(), image)
    assert client.get(image.file.url).status_code == 200
    assert client.get(document.file.url).status_code == 404


def test_staff_who_may_view_media_get_a_drafts_files_uncached(
    editor_client, officer_client, agency, release_with_media
):
    release, image, document = release_with_media(Status.DRAFT)
    for staff in (editor_client, officer_client):
        for file in (image.file, document.file):
            response = staff.get(file.url)
            assert response.status_code == 200
            assert response["Cache-Control"] == "private, no-store"


def test_staff_without_the_permission_get_nothing(client, make_user, agency, release_with_media):
    release, image, document = release_with_media(Status.DRAFT)
    client.force_login(make_user("praktikant"))  # staff, in no role
    assert client.get(image.file.url).status_code == 404
    assert client.get(document.file.url).status_code == 404


def test_a_preview_link_shows_the_drafts_files(client, agency, release_with_media, press_officer):
    release, image, document = release_with_media(Status.DRAFT)
    link = services.release_preview_link_create(release=release, by=press_officer)
    page = client.get(preview_url(link, absolute=False)).content.decode()
    addresses = re.findall(r'(?:src|href)="(/media/[^"]+)"', page)
    image_urls = [a for a in addresses if a.startswith(image.file.url)]
    document_urls = [a for a in addresses if a.startswith(document.file.url)]
    assert image_urls and document_urls
    for address in image_urls + document_urls:
        response = client.get(address.replace("&amp;", "&"))
        assert response.status_code == 200, address
        assert response["Cache-Control"] == "private, no-store"
    # The same file without the token, with a forged one or another release's: nothing.
    assert client.get(image.file.url).status_code == 404
    assert client.get(image.file.url + "?preview=forged").status_code == 404
    other, other_image, _other_document = release_with_media(Status.DRAFT)
    other_link = services.release_preview_link_create(release=other, by=press_officer)
    other_token = preview_url(other_link, absolute=False).rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"{image.file.url}?preview={other_token}").status_code == 404
    # A revoked link stops serving the files too.
    services.release_preview_link_revoke(release=release, by=press_officer)
    assert client.get(image_urls[0].replace("&amp;", "&")).status_code == 404


@pytest.mark.parametrize("mode", ["nginx", "apache"])
def test_production_hands_the_bytes_to_the_proxy(
    client, agency, release_with_media, settings, media, mode
):
    settings.MEDIA_SERVE = mode
    release, image, document = release_with_media(Status.PUBLISHED)
    response = client.get(document.file.url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    if mode == "nginx":
        assert response["X-Accel-Redirect"] == f"/_protected_media/{document.file.name}"
    else:
        assert response["X-Sendfile"] == str(media / document.file.name)
    download = client.get(f"/sv/images/{image.pk}/download/small/")
    header = download["X-Accel-Redirect" if mode == "nginx" else "X-Sendfile"]
    assert "/renditions/" in header and download.content == b""
    # A refusal is a plain 404, without any header for the proxy to follow.
    draft, draft_image, _document = release_with_media(Status.DRAFT)
    refused = client.get(draft_image.file.url)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused and "X-Sendfile" not in refused


def test_stored_names_carry_a_random_part(db):
    first, second = new_image(), new_image()
    pattern = re.compile(r"^images/\d{4}/\d{2}/[A-Za-z0-9_-]{22}/bild\.jpg$")
    assert pattern.match(first.file.name) and pattern.match(second.file.name)
    assert first.file.name.split("/")[3] != second.file.name.split("/")[3]
    assert re.match(
        r"^documents/\d{4}/\d{2}/[A-Za-z0-9_-]{22}/rapport\.pdf$", make_document().file.name
    )


def test_files_stored_under_the_old_names_keep_working(client, agency, make_release, media):
    image = new_image()
    old_name = "images/2025/05/besok.jpg"
    (media / "images/2025/05").mkdir(parents=True)
    (media / old_name).write_bytes(image.file.open("rb").read())
    type(image).objects.filter(pk=image.pk).update(file=old_name)
    assert client.get(f"/media/{old_name}").status_code == 404  # not public yet
    attach_images(make_release(), image)
    assert client.get(f"/media/{old_name}").status_code == 200


def test_contact_photos_follow_the_contact_and_the_logo_is_public(
    client, editor_client, make_contact, agency
):
    public, hidden = make_contact(), make_contact(is_public=False)
    for contact in (public, hidden):
        contact.photo.save("foto.jpg", ContentFile(_jpeg_bytes(80, 80)))
    agency.logo.save("logo.png", ContentFile(_jpeg_bytes(120, 40)))
    response = client.get(public.photo.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public")
    assert client.get(agency.logo.url).status_code == 200
    assert client.get(hidden.photo.url).status_code == 404
    response = editor_client.get(hidden.photo.url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "name",
    ["../settings.py", "images/../../etc/passwd", "nothing/here.jpg", "renditions/"],
)
def test_names_nobody_stored_are_404(client, db, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_a_nul_byte_in_a_media_address_is_a_bad_request(client, db):
    # The NUL middleware answers before any query (PostgreSQL refuses NUL in a parameter).
    assert client.get("/media/images/%00.jpg").status_code == 400
