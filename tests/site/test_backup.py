"""The portable archive: export_newsroom / import_newsroom (newsroom/site/backup.py)."""

import datetime as dt
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag

from municipalities.models import County, Municipality
from newsroom.contacts.models import PressContact
from newsroom.core import roles
from newsroom.core.models import Agency, ContentReport
from newsroom.mediabank.models import Document, Image
from newsroom.releases.models import (
    PressRelease,
    PreviewLink,
    ReleaseEvent,
    ReleaseRevision,
)
from newsroom.site import backup
from newsroom.subscriptions.models import (
    Announcement,
    Delivery,
    Subscriber,
    SubscriberKind,
)
from tests.subscriptions.helpers import make_digest

ROOT = Path(__file__).resolve().parents[2]


def test_every_model_is_exported_or_excluded_on_purpose():
    exported = {e.label for e in backup.EXPORTED}
    assert not exported & set(backup.EXCLUDED)
    missing = []
    for model in apps.get_models():  # concrete models, not the auto-created m2m tables
        if model._meta.proxy:
            continue
        if model._meta.label_lower not in exported | set(backup.EXCLUDED):
            missing.append(model._meta.label_lower)
    assert missing == [], "add these to backup.EXPORTED (in load order) or backup.EXCLUDED"
    # The project's own apps are exported whole.
    for label in backup.PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            assert model._meta.label_lower in exported, model._meta.label_lower


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def picture(kind):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (11, 79, 138)).save(buffer, format=kind)
    return buffer.getvalue()


def build_everything():
    """The demo newsroom, and at least one row of every exported model, with files."""
    call_command("load_demo", no_users=True, verbosity=0)
    now = timezone.now()  # with microseconds, which must survive
    user = User.objects.create_user("redaktor1", email="redaktor1@example.se", password="x")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    contact = PressContact.objects.first()
    contact.photo.save("foto.jpg", ContentFile(picture("JPEG")))
    agency = Agency.objects.get()
    agency.logo.save("logo.png", ContentFile(picture("PNG")))
    agency.default_contacts.add(contact)
    document = Document(title="Rapport")
    document.file.save("rapport.pdf", ContentFile(b"%PDF-1.7\n% rapport\n"), save=False)
    document.save()
    Image.objects.update(uploaded_by=user)
    release = PressRelease.objects.order_by("pk").first()
    release.documents.add(document)
    PressRelease.objects.filter(pk=release.pk).update(created_by=user, updated_by=user)
    translation = PressRelease.objects.create(
        title="Visit to Borlänge",
        language="en",
        translation_of=release,
        body="<p>In English.</p>",
    )
    translation.municipalities.set(release.municipalities.all())
    ReleaseEvent.objects.create(
        release=release, action=ReleaseEvent.Action.PUBLISH, to_status="published", by=user
    )
    ReleaseRevision.objects.create(
        release=release,
        version=1,
        title=release.title,
        data={"tags": ["Segregation"], "share": 1.5, "å": None},
        created_by=user,
    )
    PreviewLink.objects.create(
        release=release, key="k" * 40, expires_at=now + dt.timedelta(days=7), created_by=user
    )
    ContentReport.objects.create(
        page_url="/sv/", reason="error", message="Fel årtal", email="lasare@example.se"
    )
    ContentReport.objects.update(handled_by=user, handled_at=now)
    subscriber = Subscriber.objects.create(
        email="prenumerant@example.se",
        status=Subscriber.Status.ACTIVE,
        all_topics=False,
        consent_text="Jag samtycker till att få e-post.",
        consent_version="2026-11-1",
        consented_at=now,
        confirmed_at=now,
    )
    subscriber.tags.set(Tag.objects.all()[:2])
    subscriber.municipalities.set(Municipality.objects.all()[:3])
    subscriber.counties.set(County.objects.all()[:1])
    SubscriberKind.objects.create(subscriber=subscriber, kind="news")
    Announcement.objects.create(release=release, announced_at=now, matched=1)
    Delivery.objects.create(release=release, subscriber=subscriber, status="sent", sent_at=now)
    make_digest(subscriber, [release], covers_until=now)


def snapshot(personal_data=True):
    return {
        e.label: backup.serialise(
            backup.model_of(e), natural=e.natural, personal_data=personal_data
        )
        for e in backup.entries(personal_data=personal_data)
    }


def media_files(root):
    root = Path(root)
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "renditions" not in p.parts
    }


def empty_the_newsroom(media_root):
    """A fresh database after `migrate` (flush re-creates permissions and roles), no media."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    Path(media_root).mkdir()


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_back_every_row_and_every_file(media, tmp_path):
    build_everything()
    before, files_before = snapshot(), media_files(media)
    assert [label for label, rows in before.items() if not rows] == []  # every model has rows
    assert len(files_before) == 9  # six demo images, a photo, a logo and a document
    archive = tmp_path / "newsroom.tar.gz"

    call_command("export_newsroom", str(archive), verbosity=0)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    empty_the_newsroom(media)
    assert PressRelease.objects.count() == 0 and media_files(media) == {}
    out = io.StringIO()
    call_command("import_newsroom", str(archive), stdout=out)

    assert snapshot() == before
    assert media_files(media) == files_before
    assert "Restored" in out.getvalue()
    # Sequences were reset: new rows get fresh keys instead of colliding.
    highest = max(r["pk"] for r in before["releases.pressrelease"])
    assert PressRelease.objects.create(title="Ny").pk > highest
    assert Subscriber.objects.create(email="ny@example.se").pk > 1


@pytest.mark.django_db(transaction=True)
def test_without_personal_data_leaves_subscribers_and_staff_out(media, tmp_path):
    build_everything()
    before = snapshot(personal_data=False)
    archive = tmp_path / "public.tar.gz"
    call_command("export_newsroom", str(archive), without_personal_data=True, verbosity=0)

    with tarfile.open(archive) as tar:
        raw = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    labels = {item["model"] for item in manifest["models"]}
    assert manifest["personal_data"] is False
    assert not labels & {"auth.user", "subscriptions.subscriber", "subscriptions.delivery"}
    assert not labels & {"subscriptions.digest", "subscriptions.subscriberkind"}
    assert "core.contentreport" not in labels and "releases.pressrelease" in labels
    for secret in (b"prenumerant@example.se", b"redaktor1", b"lasare@example.se"):
        assert secret not in raw

    empty_the_newsroom(media)
    call_command("import_newsroom", str(archive), verbosity=0)
    assert snapshot(personal_data=False) == before
    assert not PressRelease.objects.filter(created_by__isnull=False).exists()
    assert User.objects.count() == 0 and Subscriber.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_a_database_that_is_not_empty(media, tmp_path, make_release):
    archive = tmp_path / "a.tar.gz"
    call_command("export_newsroom", str(archive), verbosity=0)
    make_release(title="Redan här")
    with pytest.raises(CommandError, match="not empty.*releases.pressrelease"):
        call_command("import_newsroom", str(archive), verbosity=0)
    assert PressRelease.objects.count() == 1


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


@pytest.mark.django_db
def test_a_damaged_archive_is_a_clear_error_not_a_traceback(media, tmp_path):
    make = PressContact.objects.create(name="Anna", email="anna@example.se")
    good = tmp_path / "good.tar.gz"
    call_command("export_newsroom", str(good), verbosity=0)
    make.delete()
    with tarfile.open(good) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    manifest = json.loads(members["manifest.json"])

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good.read_bytes()[:200])
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    no_manifest = _tar(tmp_path / "nomanifest.tar.gz", {"data/x.json": b"[]"})
    future = _tar(
        tmp_path / "future.tar.gz",
        {**members, "manifest.json": json.dumps({**manifest, "version": 99}).encode()},
    )
    bad_json = _tar(tmp_path / "badjson.tar.gz", {**members, "manifest.json": b"{"})
    contacts_file = next(i["file"] for i in manifest["models"] if i["model"].endswith("contact"))
    bad_rows = _tar(
        tmp_path / "badrows.tar.gz",
        {**members, contacts_file: b'[{"model": "contacts.presscontact", "pk": "x"}]'},
    )
    cases = {
        cut: "not a readable newsroom archive",
        garbage: "not a readable newsroom archive",
        no_manifest: "no manifest.json",
        future: "format version 99; this newsroom reads version 1",
        bad_json: "manifest.json is not valid JSON",
        bad_rows: "cannot be read",
        tmp_path / "missing.tar.gz": "No such file",
    }
    for path, message in cases.items():
        with pytest.raises(CommandError, match=message):
            call_command("import_newsroom", str(path), verbosity=0)
    assert PressContact.objects.count() == 0


@pytest.mark.django_db
def test_a_damaged_media_file_is_refused_and_nothing_is_written(media, tmp_path, make_image):
    make_image()
    good = tmp_path / "good.tar.gz"
    call_command("export_newsroom", str(good), verbosity=0)
    with tarfile.open(good) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    name = next(n for n in members if n.startswith("media/"))
    damaged = _tar(tmp_path / "damaged.tar.gz", {**members, name: b"flipped bits"})
    Image.objects.all().delete()
    shutil.rmtree(media)
    media.mkdir()
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_newsroom", str(damaged), verbosity=0)
    assert Image.objects.count() == 0 and media_files(media) == {}


@pytest.mark.django_db
def test_progress_shows_on_a_terminal_only(media, tmp_path, make_release):
    make_release(title="Ett")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    backup.export(tmp_path / "a.tar.gz", progress_stream=terminal)
    backup.export(tmp_path / "b.tar.gz", progress_stream=pipe)
    assert "releases.pressrelease" in terminal.getvalue() and "]" in terminal.getvalue()
    assert pipe.getvalue() == ""


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_to_sqlite_and_back(media, tmp_path):
    """PostgreSQL → archive → a fresh SQLite database → archive → PostgreSQL: identical."""
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (.ci/run): takes its archive through SQLite and back")
    build_everything()
    before, files_before = snapshot(), media_files(media)
    first, second = tmp_path / "from-pg.tar.gz", tmp_path / "from-sqlite.tar.gz"
    call_command("export_newsroom", str(first), verbosity=0)

    sqlite = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "other-media"),
    }
    _manage(sqlite, "migrate", "-v0")
    _manage(sqlite, "createcachetable")  # as a deployment prepares it (README)
    _manage(sqlite, "import_newsroom", str(first), "-v0")
    _manage(sqlite, "export_newsroom", str(second), "-v0")
    assert media_files(tmp_path / "other-media") == files_before

    def data(path):
        with tarfile.open(path) as tar:
            return {m.name: tar.extractfile(m).read() for m in tar if m.name != "manifest.json"}

    assert data(second) == data(first)  # SQLite held every row and file the same
    empty_the_newsroom(media)
    call_command("import_newsroom", str(second), verbosity=0)
    assert snapshot() == before
    assert media_files(media) == files_before
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
