"""Fixtures shared by the whole suite: small factories for the newsroom's content."""

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from municipalities.models import AgencyVisit, County, FundingRound, Grant, Municipality
from newsroom.contacts.models import PressContact
from newsroom.core.models import Agency
from newsroom.releases.models import PressRelease, Quote, ReleaseContact

# Users in each role and their logged-in clients, for every test folder.
pytest_plugins = ["tests.role_fixtures"]

_seq = itertools.count(1)


@pytest.fixture
def reference_data(db):
    """All 21 counties and 290 municipalities, from the fixture."""
    call_command("loaddata", "fixtures/municipalities.json", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploads of the whole run go to one temporary folder (tests may narrow it further)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="module")
def _demo_newsroom(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo newsroom, loaded once per module that asks for it, never committed.

    It is loaded inside a transaction that is rolled back when the module is done; each
    test's own transaction nests in it as a savepoint (as with TestCase.setUpTestData), so
    a test sees the demo and its own changes vanish after it. A module that asks for the
    demo should ask for it in every test (`pytestmark = pytest.mark.usefixtures("demo")`):
    a test of the same module that does not would see it too.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("load_demo", no_users=True, verbosity=0)
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_newsroom, db):
    """The demo newsroom (reference data, releases, visits, contacts, images)."""


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        name="Delegationen mot segregation",
        short_name="Delmos",
        boilerplate="Om myndigheten: vi arbetar mot segregation.",
        boilerplate_en="About the agency: we work against segregation.",
    )


@pytest.fixture
def county(db):
    return County.objects.get_or_create(
        code="20", defaults={"name": "Dalarnas län", "slug": "dalarnas-lan"}
    )[0]


@pytest.fixture
def borlange(county):
    return Municipality.objects.get_or_create(
        code="2081", defaults={"name": "Borlänge", "slug": "borlange", "county": county}
    )[0]


@pytest.fixture
def make_contact(db):
    def make(**fields):
        n = next(_seq)
        fields.setdefault("name", f"Kontakt {n}")
        fields.setdefault("role", "Pressansvarig")
        fields.setdefault("email", f"kontakt{n}@example.se")
        fields.setdefault("phone", "070-174 06 10")
        return PressContact.objects.create(**fields)

    return make


@pytest.fixture
def make_release(db):
    def make(*, tags=(), municipalities=(), contacts=(), quotes=(), **fields):
        n = next(_seq)
        fields.setdefault("title", f"Pressmeddelande nummer {n}")
        fields.setdefault("lead", "En ingress.")
        fields.setdefault("body", "<p>Brödtext.</p>")
        fields.setdefault("status", PressRelease.Status.PUBLISHED)
        if fields["status"] == PressRelease.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - dt.timedelta(hours=n))
        release = PressRelease.objects.create(**fields)
        if tags:
            release.tags.add(*tags)
        if municipalities:
            release.municipalities.add(*municipalities)
        for order, contact in enumerate(contacts):
            ReleaseContact.objects.create(release=release, contact=contact, order=order)
        for order, (speaker, text) in enumerate(quotes):
            Quote.objects.create(release=release, speaker=speaker, text=text, order=order)
        return release

    return make


@pytest.fixture
def make_visit(borlange):
    def make(**fields):
        n = next(_seq)
        fields.setdefault("municipality", borlange)
        fields.setdefault("date", dt.date(2018, 11, 28))
        fields.setdefault("title", f"Besök {n}")
        fields.setdefault("slug", f"besok-{n}")
        return AgencyVisit.objects.create(**fields)

    return make


@pytest.fixture
def funding_round(db):
    return FundingRound.objects.create(
        name="Särskilt stöd 2018–2020",
        slug="sarskilt-stod-2018-2020",
        first_year=2018,
        last_year=2020,
        yearly_budget=425_000_000,
        municipality_count=32,
    )


@pytest.fixture
def make_grant(funding_round, borlange):
    def make(**fields):
        fields.setdefault("funding_round", funding_round)
        fields.setdefault("municipality", borlange)
        fields.setdefault("year", 2018)
        fields.setdefault("amount", 10_000_000)
        return Grant.objects.create(**fields)

    return make


def _jpeg_bytes(width=1200, height=800, color=(11, 79, 138), exif=None):
    from io import BytesIO

    from PIL import Image as PILImage

    buffer = BytesIO()
    picture = PILImage.new("RGB", (width, height), color)
    options = {"exif": exif} if exif is not None else {}
    picture.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


@pytest.fixture
def make_image(db):
    """An image in the media library, a real JPEG; `personal_exif=True` plants camera EXIF."""
    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from newsroom.mediabank.models import Image

    def make(*, personal_exif=False, width=1200, height=800, **fields):
        n = next(_seq)
        exif = None
        if personal_exif:
            exif = PILImage.Exif()
            exif[0x013B] = "Anna Fotograf"  # Artist
            exif[0x010F] = "Camera Maker"  # Make
            exif[0x8298] = "Anna Fotograf, privat"  # Copyright
        fields.setdefault("title", f"Bild {n}")
        fields.setdefault("alt_text", f"Beskrivning av bild {n}")
        fields.setdefault("photographer", "Anna Fotograf")
        image = Image(**fields)
        image.file.save(f"bild-{n}.jpg", ContentFile(_jpeg_bytes(width, height, exif=exif)))
        image.refresh_from_db()
        return image

    return make


def attach_images(release, *images):
    from newsroom.releases.models import ReleaseImage

    for order, image in enumerate(images):
        ReleaseImage.objects.create(release=release, image=image, order=order)


@pytest.fixture
def on_postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (full-text search): run under .ci/run")
