from io import BytesIO

import pytest
from PIL import Image as PILImage

from newsroom.mediabank import renditions
from newsroom.releases.models import PressRelease
from tests.conftest import attach_images


@pytest.fixture
def published_image(make_release, make_image):
    image = make_image(title="Besök i Borlänge", personal_exif=True, width=3000, height=2000)
    attach_images(make_release(), image)
    return image


@pytest.mark.parametrize("language", ["sv", "en"])
def test_image_bank_lists_images_of_public_releases_only(
    client, agency, make_release, make_image, published_image, language
):
    draft_image = make_image(title="Bild i utkast")
    attach_images(make_release(status=PressRelease.Status.DRAFT), draft_image)
    make_image(title="Oanvänd bild")
    response = client.get(f"/{language}/images/")
    assert response.status_code == 200
    assert [image.title for image in response.context["images"]] == ["Besök i Borlänge"]
    content = response.content.decode()
    assert "Anna Fotograf" in content  # the credit
    assert f"/{language}/images/{published_image.pk}/download/original/" in content
    assert client.get(f"/sv/images/{draft_image.pk}/").status_code == 404
    assert client.get(f"/sv/images/{draft_image.pk}/download/small/").status_code == 404


@pytest.mark.parametrize(
    "size, longest", [("small", 640), ("medium", 1280), ("large", 2048), ("original", 3000)]
)
def test_downloads_are_resized_and_carry_no_exif(client, agency, published_image, size, longest):
    response = client.get(f"/sv/images/{published_image.pk}/download/{size}/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with PILImage.open(BytesIO(data)) as picture:
        assert max(picture.size) == longest
        assert not picture.getexif()
    assert b"Anna Fotograf" not in data and b"Camera Maker" not in data


def test_renditions_are_cached_on_disk(agency, published_image):
    first = renditions.rendition_path(published_image, "small")
    modified = first.stat().st_mtime_ns
    second = renditions.rendition_path(published_image, "small")
    assert first == second and second.stat().st_mtime_ns == modified
    assert renditions.rendition_size(published_image, "small") == (640, 427)


def test_unknown_size_is_404(client, agency, published_image):
    assert client.get(f"/sv/images/{published_image.pk}/download/huge/").status_code == 404


def test_image_page(client, agency, published_image):
    response = client.get(published_image.get_absolute_url())
    assert response.status_code == 200
    assert "3000×2000" in response.content.decode()


def test_image_bank_query_count_is_fixed(client, agency, make_release, make_image):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attach_images(make_release(), make_image())
    with CaptureQueriesContext(connection) as few:
        client.get("/sv/images/")
    for _ in range(5):
        attach_images(make_release(), make_image(), make_image())
    with CaptureQueriesContext(connection) as many:
        client.get("/sv/images/")
    assert len(few) == len(many)
