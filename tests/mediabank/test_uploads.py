"""Uploads to the image bank: real images only, within limits, upright, without personal EXIF."""

import io
import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from newsroom.mediabank.models import Document, Image

GPS_IFD, ORIENTATION, ARTIST, MAKE, SERIAL = 0x8825, 0x0112, 0x013B, 0x010F, 0xA431


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg_with_gps(size=(60, 40), orientation=6):
    image = PILImage.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = PILImage.Exif()
    exif[ORIENTATION] = orientation
    exif[ARTIST] = "Anna Fotograf"
    exif[MAKE] = "Kamera AB"
    exif[GPS_IFD] = {1: "N", 2: (60.0, 29.0, 4.0), 3: "E", 4: (15.0, 26.0, 1.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def noise_jpeg(width, height):
    image = PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_bomb(width=20_000, height=20_000):
    """A real PNG of a few tens of kilobytes that decompresses to `width × height` pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def upload(client, content, name="bild.jpg", content_type="image/jpeg", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type=content_type),
        "title": "Besöket i Borlänge",
        "caption": "",
        "alt_text": "Två personer i ett kommunhus",
        "photographer": "Anna Fotograf",
        "licence": "free-editorial",
        **fields,
    }
    return client.post(reverse("admin:mediabank_image_add"), data)


def form_errors(response):
    return " ".join(str(e) for e in response.context["adminform"].form.errors.get("file", []))


def test_an_image_with_gps_exif_is_stored_upright_and_without_it(officer_client):
    response = upload(officer_client, jpeg_with_gps())
    assert response.status_code == 302, form_errors(response)
    image = Image.objects.get()
    with PILImage.open(image.file.path) as stored:
        exif = stored.getexif()
        assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
        assert ARTIST not in exif and MAKE not in exif and ORIENTATION not in exif
        assert "exif" not in stored.info and "xmp" not in stored.info
        # Orientation 6 (rotate 90° clockwise) was applied: 60 × 40 became 40 × 60 and the
        # blue left half is now on top.
        assert stored.size == (40, 60)
        r, g, b = stored.convert("RGB").getpixel((20, 5))
        assert b > 200 and r < 60
    assert (image.width, image.height) == (40, 60)
    assert image.uploaded_by.username == "kommunikator"


def test_a_real_image_over_the_size_limit_is_refused(officer_client, settings):
    content = noise_jpeg(400, 300)
    settings.MEDIABANK_MAX_IMAGE_BYTES = len(content) - 1
    response = upload(officer_client, content)
    assert response.status_code == 200
    assert "Gränsen är" in form_errors(response)
    assert not Image.objects.exists()


def test_an_image_with_too_many_pixels_is_refused(officer_client, settings):
    settings.MEDIABANK_MAX_IMAGE_PIXELS = 10_000
    response = upload(officer_client, noise_jpeg(200, 100))
    assert response.status_code == 200
    assert "200 × 100 pixlar" in form_errors(response)
    assert not Image.objects.exists()


def test_a_non_image_renamed_jpg_is_refused(officer_client):
    response = upload(officer_client, b"%PDF-1.4\n" + b"not an image " * 100, name="foto.jpg")
    assert response.status_code == 200
    assert "Filen är ingen bild" in form_errors(response)
    assert not Image.objects.exists()


def test_a_gif_is_refused_by_format(officer_client):
    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 10)).save(buffer, "GIF")
    response = upload(officer_client, buffer.getvalue(), name="x.gif", content_type="image/gif")
    assert response.status_code == 200
    assert "Bilder i GIF tas inte emot" in form_errors(response)


def test_a_decompression_bomb_is_refused(officer_client):
    bomb = png_bomb()
    assert len(bomb) < 200_000  # small on disk, 400 million pixels when opened
    response = upload(officer_client, bomb, name="bomb.png", content_type="image/png")
    assert response.status_code == 200
    errors = form_errors(response)
    assert "dekompressionsbomb" in errors or "pixlar" in errors
    assert not Image.objects.exists()


def test_png_and_webp_are_accepted(officer_client):
    for fmt, name in (("PNG", "a.png"), ("WEBP", "b.webp")):
        buffer = io.BytesIO()
        PILImage.new("RGB", (30, 20), "green").save(buffer, fmt)
        response = upload(officer_client, buffer.getvalue(), name=name, content_type="image/x")
        assert response.status_code == 302, form_errors(response)
    assert sorted(Image.objects.values_list("width", "height")) == [(30, 20), (30, 20)]


def test_editing_an_image_keeps_the_file(officer_client):
    upload(officer_client, jpeg_with_gps())
    image = Image.objects.get()
    response = officer_client.post(
        reverse("admin:mediabank_image_change", args=[image.pk]),
        {
            "title": "Ny titel",
            "alt_text": "Alt",
            "licence": "cc0-1.0",
            "caption": "",
            "photographer": "",
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.title == "Ny titel" and image.file.name


def document_upload(client, content, name="rapport.pdf", content_type="application/pdf"):
    return client.post(
        reverse("admin:mediabank_document_add"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "title": "Rapport"},
    )


def test_a_pdf_is_accepted(officer_client):
    response = document_upload(officer_client, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.size > 0


def test_a_non_pdf_renamed_pdf_is_refused(officer_client):
    response = document_upload(officer_client, b"MZ\x90\x00 an executable")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_pdf_sent_as_another_type_is_refused(officer_client):
    response = document_upload(officer_client, b"%PDF-1.7\n", content_type="text/html")
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_pdf_over_the_limit_is_refused(officer_client, settings):
    settings.MEDIABANK_MAX_DOCUMENT_BYTES = 100
    response = document_upload(officer_client, b"%PDF-1.7\n" + b"0" * 200)
    assert response.status_code == 200
    assert "Gränsen är" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize("content_type", ["application/pdf", "application/octet-stream"])
def test_html_that_only_mentions_the_pdf_signature_is_refused(officer_client, content_type):
    html = b"<!-- %PDF-1.7 --><script>alert(1)</script>"
    response = document_upload(officer_client, html, name="report.html", content_type=content_type)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["file"]
    assert [error.code for error in errors] == ["not_a_pdf"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("sent_as", "stored_as"),
    [
        ("report.html", "report.pdf"),
        ("Årsrapport 2024 (slutlig).PDF", "arsrapport-2024-slutlig.pdf"),
        ("svg.svg", "svg.pdf"),
        ("....html", "document.pdf"),
    ],
)
def test_a_pdf_is_always_stored_as_pdf_under_a_slugified_name(officer_client, sent_as, stored_as):
    response = document_upload(officer_client, b"%PDF-1.7\n1 0 obj\n", name=sent_as)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name.rsplit("/", 1)[-1] == stored_as
    assert document.content_type == "application/pdf"
