"""The portable archive: the whole newsroom in one .tar.gz, read back into an empty database.

The archive (format `newsroom-archive`, version 1) holds:

- `manifest.json`: the format and its version, when and from which database vendor it was
  written, whether it holds personal data, one entry per model (`model`, `file`, `count`)
  in load order, and one entry per media file (`name`, `size`, `sha256`);
- `data/NN-app_label.model_name.json`: the rows of one model, a JSON list in the shape of
  Django's "python" serializer (`{"model", "pk", "fields"}`; many-to-many fields are lists
  of primary keys). Primary keys are kept, so links between rows need no rewriting; only
  groups (which `migrate` creates) and the permissions they hold are named by natural key.
  Dates and times are ISO 8601 with microseconds, decimals strings;
- `media/<name>`: each file a row refers to (images, documents, logos, contact photos), at
  its storage name. Renditions are a cache and are made again on demand.

`EXPORTED` lists the models in load order: a new model is added there, or to `EXCLUDED`
with the reason; a test fails while a model of the project's apps is in neither.
"""

import datetime as dt
import decimal
import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
import zlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone

FORMAT = "newsroom-archive"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    label: str
    personal: bool = False  # left out by --without-personal-data
    natural: bool = False  # rows named by natural key (the row may exist after `migrate`)


# In load order. Foreign keys are checked once everything is in, so the order matters only
# for natural keys: groups before the users that belong to them.
EXPORTED = [
    Entry("auth.group", natural=True),
    Entry("auth.user", personal=True),
    Entry("taggit.tag"),
    Entry("municipalities.county"),
    Entry("municipalities.municipality"),
    Entry("municipalities.fundinground"),
    Entry("municipalities.grant"),
    Entry("municipalities.agencyvisit"),
    Entry("municipalities.taggedvisit"),
    Entry("contacts.presscontact"),
    Entry("core.agency"),
    Entry("core.contentreport", personal=True),  # a reader's message and address
    Entry("mediabank.image"),
    Entry("mediabank.document"),
    Entry("releases.pressrelease"),
    Entry("releases.taggedrelease"),
    Entry("releases.quote"),
    Entry("releases.releasecontact"),
    Entry("releases.releaseimage"),
    Entry("releases.releaseevent"),
    Entry("releases.releaserevision"),
    Entry("releases.previewlink"),
    Entry("subscriptions.subscriber", personal=True),
    Entry("subscriptions.subscriberkind", personal=True),
    Entry("subscriptions.announcement"),
    Entry("subscriptions.delivery", personal=True),
    Entry("subscriptions.digest", personal=True),
]

# Models deliberately left out, with the reason.
EXCLUDED = {
    "admin.logentry": "the admin's history of changes, kept with the database backup",
    "auth.permission": "created by migrate",
    "contenttypes.contenttype": "created by migrate",
    "sessions.session": "logins; nobody stays logged in across a restore",
    "taggit.taggeditem": "taggit's generic table, unused (tags go through typed tables)",
    "django_tasks_database.dbtaskresult": "the task queue; queued work is not moved",
    "axes.accessattempt": "failed logins and lockouts; they expire by themselves",
    "axes.accessattemptexpiration": "when a lockout ends; goes with the failed logins",
    "axes.accesslog": "the log of logins, kept with the database backup",
    "axes.accessfailurelog": "the log of failed logins, kept with the database backup",
    "otp_totp.totpdevice": "authenticator secrets: never in an archive; enrol again",
}

# Apps whose every concrete model must be in EXPORTED or EXCLUDED.
PROJECT_APPS = ["core", "municipalities", "contacts", "mediabank", "releases", "subscriptions"]


class ArchiveError(Exception):
    """The archive cannot be written or read; the message says why, for the operator."""


def entries(*, personal_data=True):
    return [e for e in EXPORTED if personal_data or not e.personal]


def model_of(entry):
    return apps.get_model(entry.label)


def _encode(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | dt.timedelta):
        return str(value)
    if isinstance(value, bytes | memoryview):
        raise TypeError("binary fields are not supported by the archive")
    raise TypeError(f"cannot write {type(value).__name__} to the archive")


def _user_fields(model):
    User = get_user_model()
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is User and f.null
    ]


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def serialise(model, *, natural=False, personal_data=True, queryset=None):
    """The rows of one model as plain data (Django's "python" serializer), ordered by pk."""
    qs = queryset if queryset is not None else model._default_manager.order_by("pk")
    rows = serializers.serialize(
        "python",
        qs.iterator(chunk_size=500),
        use_natural_foreign_keys=model._meta.app_label == "auth",
        use_natural_primary_keys=natural,
    )
    drop = [] if personal_data else _user_fields(model)
    for row in rows:
        for name in drop:
            row["fields"][name] = None  # staff are left out: who did what is forgotten
        for name, value in row["fields"].items():
            if isinstance(value, list):
                row["fields"][name] = sorted(value, key=json.dumps)
    return rows


class Progress:
    """A one-line counter on a terminal; silent elsewhere."""

    def __init__(self, stream, total):
        self.stream, self.total, self.done = stream, total, 0
        self.active = bool(total) and hasattr(stream, "isatty") and stream.isatty()

    def advance(self, n=1, what=""):
        self.done += n
        if self.active:
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {what:<40}"
            )
            self.stream.flush()

    def close(self):
        if self.active:
            self.stream.write("\n")
            self.stream.flush()


def export(path, *, personal_data=True, progress_stream=None):
    """Write the archive to `path` (permissions 0600); return the manifest."""
    selected = entries(personal_data=personal_data)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "personal_data": personal_data,
        "models": [],
        "files": [],
    }
    file_names = set()
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        outermost = not connection.in_atomic_block
        with transaction.atomic():  # one consistent snapshot (repeatable read on PostgreSQL)
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            total = sum(model_of(e)._default_manager.count() for e in selected)
            progress = Progress(progress_stream, total)
            for number, entry in enumerate(selected, start=1):
                model = model_of(entry)
                rows = serialise(model, natural=entry.natural, personal_data=personal_data)
                for field in _file_fields(model):
                    file_names.update(r["fields"][field.name] for r in rows)
                name = f"data/{number:02d}-{entry.label}.json"
                _add_bytes(tar, name, json.dumps(rows, default=_encode, indent=1).encode())
                manifest["models"].append({"model": entry.label, "file": name, "count": len(rows)})
                progress.advance(len(rows), entry.label)
        missing = []
        for name in sorted(n for n in file_names if n):
            try:  # streamed: a file is never held in memory whole
                with default_storage.open(name, "rb") as handle:
                    digest = _sha256(handle)
                    size = handle.tell()
                    handle.seek(0)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size, info.mode = size, 0o600
                    info.mtime = int(timezone.now().timestamp())
                    tar.addfile(info, handle)
            except (OSError, SuspiciousFileOperation):
                missing.append(name)
                continue
            manifest["files"].append({"name": name, "size": size, "sha256": digest})
        manifest["missing_files"] = missing
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    progress.close()
    return manifest


def _add_bytes(tar, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(content))


def _read_archive(path):
    """The manifest and the data files, in memory, and the names of the media files (read
    later, one at a time); ArchiveError when the file is not a readable archive."""
    members, media = {}, set()
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                if not info.isfile():
                    continue
                if info.name.startswith("media/"):
                    media.add(info.name)
                else:
                    members[info.name] = tar.extractfile(info).read()
    except FileNotFoundError as exc:
        raise ArchiveError(f"No such file: {path}") from exc
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"{path} is not a readable newsroom archive (.tar.gz): {exc}") from exc
    return members, media


def _manifest(members, media):
    try:
        manifest = json.loads(members["manifest.json"])
    except KeyError as exc:
        raise ArchiveError(
            "The archive has no manifest.json: it is not a newsroom archive."
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"The archive's manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("The archive's manifest is not that of a newsroom archive.")
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            f"The archive is format version {manifest.get('version')!r}; "
            f"this newsroom reads version {VERSION}."
        )
    known = {e.label for e in EXPORTED}
    try:
        for item in manifest["models"]:
            if item["model"] not in known:
                raise ArchiveError(f"The archive holds an unknown model: {item['model']!r}.")
            if item["file"] not in members:
                raise ArchiveError(f"The archive lacks {item['file']}.")
        for item in manifest["files"]:
            if f"media/{item['name']}" not in media or not isinstance(item["sha256"], str):
                raise ArchiveError(f"The archive lacks the file {item['name']}.")
    except (KeyError, TypeError) as exc:
        raise ArchiveError(f"The archive's manifest is incomplete: {exc!r}") from exc
    return manifest


def existing_rows():
    """What the database already holds, among the models an import writes (groups aside:
    `migrate` creates them); an empty dict for an empty database."""
    found = {}
    for entry in EXPORTED:
        if entry.natural:
            continue
        model = model_of(entry)
        count = model._default_manager.count()
        if count:
            found[entry.label] = count
    return found


def restore(path, *, progress_stream=None):
    """Load the archive at `path` into an empty database and its files into the storage."""
    members, media = _read_archive(path)
    manifest = _manifest(members, media)
    found = existing_rows()
    if found:
        listed = ", ".join(f"{n} {name}" for name, n in sorted(found.items()))
        raise ArchiveError(
            "The database is not empty (it holds "
            + listed
            + "). import_newsroom restores only into an empty database: create a new one, "
            "run `manage.py migrate`, and import again."
        )
    progress = Progress(progress_stream, sum(i["count"] for i in manifest["models"]))
    written = []
    try:
        with transaction.atomic():
            loaded = []
            with connection.constraint_checks_disabled():
                for item in manifest["models"]:
                    model = apps.get_model(item["model"])
                    loaded.append(model)
                    try:
                        rows = json.loads(members[item["file"]])
                        for obj in serializers.deserialize(
                            "python", rows, handle_forward_references=False
                        ):
                            obj.save()
                    except (
                        DeserializationError,
                        ValueError,
                        TypeError,
                        KeyError,
                        AttributeError,
                        ValidationError,
                        ObjectDoesNotExist,
                        FieldDoesNotExist,
                    ) as exc:
                        raise ArchiveError(f"{item['file']}: cannot be read: {exc}") from exc
                    progress.advance(item["count"], item["model"])
            connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
            _reset_sequences(loaded)
            _restore_files(path, manifest["files"], written)
    except (IntegrityError, DatabaseError) as exc:
        _remove(written)
        raise ArchiveError(f"The archive's rows do not fit this database: {exc}") from exc
    except BaseException:
        _remove(written)
        raise
    finally:
        progress.close()
    return manifest


def _restore_files(path, files, written):
    """Each media file from the archive into the storage, streamed through a temporary file
    and checked against its checksum; the names written are appended to `written`."""
    expected = {f"media/{item['name']}": item for item in files}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for info in tar:
                item = expected.get(info.name)
                if item is not None and info.isfile():
                    written.append(_restore_file(item, tar.extractfile(info)))
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"{path}: the media files cannot be read: {exc}") from exc


def _sha256(handle):
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _restore_file(item, source):
    name = item["name"]
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as copy:
        digest = hashlib.sha256()
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            copy.write(chunk)
        if digest.hexdigest() != item["sha256"]:
            raise ArchiveError(f"The file {name} in the archive is damaged.")
        copy.seek(0)
        try:
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    if _sha256(handle) == item["sha256"]:
                        return None  # already there, the same bytes: nothing to undo
                raise ArchiveError(
                    f"{name} already exists in MEDIA_ROOT ({settings.MEDIA_ROOT}) with other "
                    "content: restore into an empty media folder."
                )
            stored = default_storage.save(name, File(copy, name=name))
        except SuspiciousFileOperation as exc:
            raise ArchiveError(f"The archive holds an unsafe file name: {name!r}") from exc
    if stored != name:
        default_storage.delete(stored)
        raise ArchiveError(f"The storage renamed {name} to {stored}: restore stopped.")
    return stored


def _remove(names):
    for name in names:
        if name:
            default_storage.delete(name)


def _reset_sequences(loaded):
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
