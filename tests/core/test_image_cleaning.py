"""Every image that enters the newsroom passes one validator and one cleaner: no GPS, camera
serial, XMP or JPEG comment survives in a stored original or a rendition, whichever field
it came in through; a GIF is a form error everywhere."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as PILImage

from newsroom.contacts.models import PressContact
from newsroom.core.models import Agency
from newsroom.mediabank import renditions
from newsroom.mediabank.models import Image

GPS_IFD, MAKE, BODY_SERIAL = 0x8825, 0x010F, 0xA431
SECRETS = [b"Kamera AB", b"SN-4711-0815", b"a secret comment", b"secret-xmp-author"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def dirty_jpeg(size=(900, 600)):
    """A JPEG with a GPS position, camera make and serial, a comment and XMP."""
    picture = PILImage.new("RGB", size, (200, 30, 30))
    exif = PILImage.Exif()
    exif[MAKE] = "Kamera AB"
    exif[GPS_IFD] = {1: "N", 2: (60.0, 29.0, 4.0), 3: "E", 4: (15.0, 26.0, 1.0)}
    exif.get_ifd(0x8769)[BODY_SERIAL] = "SN-4711-0815"
    buffer = io.BytesIO()
    picture.save(
        buffer,
        "JPEG",
        exif=exif,
        comment=b"a secret comment",
        xmp=b"<x:xmpmeta><dc:creator>secret-xmp-author</dc:creator></x:xmpmeta>",
    )
    data = buffer.getvalue()
    assert all(secret in data for secret in SECRETS)  # the planted metadata is really there
    return data


def gif():
    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 10), "blue").save(buffer, "GIF")
    return buffer.getvalue()


def assert_clean(path):
    data = path.read_bytes()
    assert not [secret for secret in SECRETS if secret in data], path
    with PILImage.open(path) as picture:
        assert not picture.getexif(), path
        assert not {"exif", "xmp", "comment"} & set(picture.info), (path, picture.info.keys())


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_image_bank(client, content, **kwargs):
    return client.post(
        reverse("admin:mediabank_image_add"),
        {
            "file": upload("bild.jpg", content, **kwargs),
            "title": "Besöket",
            "alt_text": "Två personer",
            "licence": "free-editorial",
        },
    )


def post_contact(client, content, **kwargs):
    return client.post(
        reverse("admin:contacts_presscontact_add"),
        {
            "name": "Lena Holm",
            "photo": upload("lena.jpg", content, **kwargs),
            "is_public": "on",
            "order": "0",
        },
    )


def post_logo(client, agency, content, **kwargs):
    return client.post(
        reverse("admin:core_agency_change", args=[agency.pk]),
        {"name": agency.name, "logo": upload("logo.jpg", content, **kwargs)},
    )


def test_the_image_bank_stores_originals_and_renditions_without_metadata(officer_client, media):
    response = post_image_bank(officer_client, dirty_jpeg())
    assert response.status_code == 302
    image = Image.objects.get()
    assert_clean(media / image.file.name)
    for size in renditions.SIZES:
        assert_clean(renditions.rendition_path(image, size))


def test_a_contact_photo_is_stored_without_metadata(editor_client, media):
    response = post_contact(editor_client, dirty_jpeg())
    assert response.status_code == 302
    assert_clean(media / PressContact.objects.get().photo.name)


def test_the_agency_logo_is_stored_without_metadata(editor_client, agency, media):
    response = post_logo(editor_client, agency, dirty_jpeg())
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.logo.name.endswith(".jpg")
    assert_clean(media / agency.logo.name)


def test_a_gif_is_a_form_error_in_every_image_field(officer_client, editor_client, agency):
    response = post_image_bank(officer_client, gif(), content_type="image/gif")
    assert "Bilder i GIF tas inte emot" in str(response.context["adminform"].form.errors["file"])
    response = post_contact(editor_client, gif(), content_type="image/gif")
    assert "Bilder i GIF tas inte emot" in str(response.context["adminform"].form.errors["photo"])
    response = post_logo(editor_client, agency, gif(), content_type="image/gif")
    assert "Bilder i GIF tas inte emot" in str(response.context["adminform"].form.errors["logo"])
    assert not Image.objects.exists() and not PressContact.objects.exists()
    agency.refresh_from_db()
    assert not agency.logo


def test_the_forms_offer_only_the_accepted_formats(editor_client, agency):
    page = editor_client.get(reverse("admin:contacts_presscontact_add")).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp"' in page


def test_code_that_saves_a_file_directly_goes_through_the_same_cleaner(agency, media):
    contact = PressContact.objects.create(name="Lena Holm")
    contact.photo.save("lena.jpeg", ContentFile(dirty_jpeg()))
    assert contact.photo.name.endswith("/lena.jpg")
    assert_clean(media / contact.photo.name)
    agency.logo.save("logo.jpg", ContentFile(dirty_jpeg()))
    assert_clean(media / agency.logo.name)
    with pytest.raises(ValidationError):
        Agency.current().logo.save("logo.gif", ContentFile(gif()))


def test_a_palette_png_keeps_its_transparency(editor_client, media):
    picture = PILImage.new("P", (20, 20), 1)
    picture.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=1)
    response = post_contact(editor_client, buffer.getvalue(), content_type="image/png")
    assert response.status_code == 302
    with PILImage.open(media / PressContact.objects.get().photo.name) as stored:
        assert stored.info.get("transparency") == 1


def store_raw(media, name, content):
    """A file stored as the newsroom used to store it: as uploaded."""
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(content)
    return name


def test_images_stored_before_the_cleaner_are_cleaned_by_a_command(agency, media):
    contact = PressContact.objects.create(name="Lena Holm")
    PressContact.objects.filter(pk=contact.pk).update(
        photo=store_raw(media, "contacts/lena.jpg", dirty_jpeg())
    )
    Agency.objects.filter(pk=agency.pk).update(logo=store_raw(media, "agency/logo.gif", gif()))
    already_clean = Image(title="Ren", alt_text="Ren")
    already_clean.file.save("ren.jpg", ContentFile(dirty_jpeg()))
    clean_name = already_clean.file.name

    out, err = io.StringIO(), io.StringIO()
    call_command("clean_stored_images", "--dry-run", stdout=out, stderr=err)
    assert "1 cleaned, 1 already clean, 1 refused" in out.getvalue()
    assert (media / "contacts/lena.jpg").exists()

    call_command("clean_stored_images", stdout=out, stderr=err)
    contact.refresh_from_db()
    assert contact.photo.name.startswith("contacts/") and contact.photo.name != "contacts/lena.jpg"
    assert not (media / "contacts/lena.jpg").exists()
    assert_clean(media / contact.photo.name)
    # A GIF is reported and left as it is; a clean image is not touched.
    assert "agency/logo.gif" in err.getvalue()
    assert Agency.objects.get().logo.name == "agency/logo.gif"
    assert Image.objects.get().file.name == clean_name

    out = io.StringIO()
    call_command("clean_stored_images", stdout=out, stderr=io.StringIO())
    assert "0 cleaned, 2 already clean, 1 refused" in out.getvalue()
