"""Every change of a release: its creation, edits of its content, its workflow state, its
revisions and preview links.

Admin forms, admin buttons, admin actions and management commands all call these functions.
Each one checks the acting user's permission (`by=None` means an operator on the command
line), locks the release's row, refuses a step that its state does not allow with a
`TransitionError` (a `ValidationError`, so forms show it), and records who did what, when.
An edit, a publication or a scheduling based on a version other than the current one is
refused with a `StaleEdit` that carries what changed meanwhile.
"""

import secrets
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import revisions
from .checklist import blocking_problems
from .models import (
    PressRelease,
    PreviewLink,
    Quote,
    ReleaseContact,
    ReleaseEvent,
    ReleaseImage,
    ReleaseRevision,
)
from .signals import release_published, release_scheduled

Status = PressRelease.Status
Action = ReleaseEvent.Action
PUBLISH_PERMISSION = "releases.publish_pressrelease"
CHANGE_PERMISSION = "releases.change_pressrelease"
PREVIEW_SALT = "newsroom.releases.preview"


class TransitionError(ValidationError):
    """A workflow step that the release's state (or content) does not allow."""


class StaleEdit(TransitionError):
    """The release changed after the version the caller saw; nothing was done.

    `changes_meanwhile` holds what changed since (`changes_since`), `current_version` the
    version to start from to do it anyway, knowingly.
    """

    def __init__(self, *, release, base_version):
        self.base_version = base_version
        self.current_version = release.version
        self.changes_meanwhile = changes_since(release, base_version or 0)
        super().__init__(
            _(
                "The release changed after you opened it (version %(base)s, now %(current)s). "
                "Nothing was done."
            )
            % {"base": base_version, "current": release.version},
            code="stale",
        )


# What an edit may change, in the editing form's order: the content, its links, the "About
# us" text and the notes on publication. The state belongs to the workflow.
CONTENT_FIELDS = ("kind", "language", "translation_of", "title", "slug", "lead", "body")
LINK_FIELDS = ("tags", "municipalities", "visit", "funding_round", "documents")
EDITABLE_FIELDS = (*CONTENT_FIELDS, *LINK_FIELDS, "boilerplate", "send_notification", "update_note")


# Permissions ---------------------------------------------------------------------------


def can_publish(user):
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def can_edit(user, release):
    """Press officers edit drafts and releases in review; editors edit in any state."""
    if user is None:
        return True
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    return release is None or release.status in PressRelease.EDITABLE_STATES or can_publish(user)


def can_change_media(user, media):
    """Whether the user may change (or delete) an image or document of the media bank.

    What a release outside review shows (scheduled, published, withdrawn) changes only with
    the publish permission, as the release itself does; media used only by drafts and
    releases in review are free to change.
    """
    if can_publish(user) or media is None or media.pk is None:
        return True
    return not media.releases.exclude(status__in=PressRelease.EDITABLE_STATES).exists()


def _require_publisher(by):
    if not can_publish(by):
        raise PermissionDenied(_("Only editors may publish, schedule or withdraw releases."))


def _require_editor_of(by, release):
    if not can_edit(by, release):
        raise PermissionDenied(_("You may not change this release."))


# Helpers -------------------------------------------------------------------------------


def _lock(release):
    """Lock the release's row for the transaction and bring the instance up to date."""
    PressRelease.objects.select_for_update().filter(pk=release.pk).values_list("pk").get()
    release.refresh_from_db()


def _require_version(release, base_version):
    """Refuse to act on a release that changed after `base_version` (None: not checked)."""
    if base_version is not None and base_version != release.version:
        raise StaleEdit(release=release, base_version=base_version)


def _require_state(release, allowed, message):
    if release.status not in allowed:
        raise TransitionError(message, code="state")


def _require_not_public(release):
    if release.is_public:
        raise TransitionError(
            _("The release is already public: withdraw it instead."), code="public"
        )


def _lock_publishable(release, by, base_version, refusal):
    """What publishing and scheduling both ask: an editor, the version they saw, a release
    not public yet in a state that may go public (`refusal` names the state otherwise)."""
    _require_publisher(by)
    _lock(release)
    _require_version(release, base_version)
    _require_state(
        release,
        PressRelease.PUBLISHABLE_STATES,
        refusal % {"status": release.get_status_display().lower()},
    )
    _require_not_public(release)


def _require_checklist(release):
    problems = blocking_problems(release)
    if problems:
        raise TransitionError(
            [_("Cannot publish: %(problem)s") % {"problem": item.message} for item in problems],
            code="checklist",
        )


def _move(release, *, by, action, to_status, comment="", fields=()):
    from_status = release.status
    if to_status in {Status.PUBLISHED, Status.WITHDRAWN}:
        # A public (or withdrawn) release needs no preview: its links stop working.
        release.preview_links.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    release.status = to_status
    release.version += 1
    release.updated_by = by
    release.save(
        update_fields=[
            "status",
            "version",
            "publish_at",
            "published_at",
            "updated_at",
            "updated_by",
            *fields,
        ]
    )
    return _record(release, by=by, action=action, from_status=from_status, comment=comment)


def _record(release, *, by, action, from_status="", comment=""):
    return ReleaseEvent.objects.create(
        release=release,
        action=action,
        from_status=from_status,
        to_status=release.status,
        comment=comment,
        version=release.version,
        by=by,
    )


def _local(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# Transitions ---------------------------------------------------------------------------


@transaction.atomic
def release_submit(*, release, by, comment=""):
    """Draft → in review."""
    _require_editor_of(by, release)
    _lock(release)
    _require_state(release, {Status.DRAFT}, _("Only a draft can be submitted for review."))
    return _move(release, by=by, action=Action.SUBMIT, to_status=Status.IN_REVIEW, comment=comment)


@transaction.atomic
def release_return_to_draft(*, release, by, comment):
    """In review → draft, with a comment that says what to change."""
    _require_publisher(by)
    _lock(release)
    _require_state(
        release, {Status.IN_REVIEW}, _("Only a release in review can be returned to draft.")
    )
    if not (comment or "").strip():
        raise TransitionError(
            {"comment": _("Say what should change before the release comes back.")},
            code="comment",
        )
    return _move(release, by=by, action=Action.RETURN, to_status=Status.DRAFT, comment=comment)


@transaction.atomic
def release_publish(*, release, by, comment="", base_version=None):
    """Draft, in review or scheduled (before its time) → published now.

    With `base_version` (the version the editor reviewed), a release changed since is
    refused with a `StaleEdit`: nobody publishes a text they have not seen.
    """
    _lock_publishable(
        release, by, base_version, _("A release that is %(status)s cannot be published.")
    )
    _require_checklist(release)
    # Withdrawal is final, so a release published here has been public before only if an
    # earlier publication was recorded (kept for safety should that rule ever change).
    first_publication = not release.events.filter(action=Action.PUBLISH).exists()
    release.publish_at = None
    release.published_at = None  # save() stamps the moment of publication
    event = _move(
        release, by=by, action=Action.PUBLISH, to_status=Status.PUBLISHED, comment=comment
    )
    release_published.send(
        sender=PressRelease, release=release, first_publication=first_publication
    )
    return event


@transaction.atomic
def release_schedule(*, release, by, publish_at, comment="", base_version=None):
    """Draft, in review or scheduled (before its time) → scheduled for a future moment.

    `base_version` as for `release_publish`.
    """
    _lock_publishable(
        release, by, base_version, _("A release that is %(status)s cannot be scheduled.")
    )
    if publish_at is None or timezone.is_naive(publish_at):
        raise TransitionError({"publish_at": _("Give a date and time.")}, code="publish_at")
    if publish_at <= timezone.now():
        raise TransitionError(
            {"publish_at": _("The time to publish at must be in the future.")},
            code="past",
        )
    _require_checklist(release)
    release.publish_at = publish_at
    event = _move(
        release,
        by=by,
        action=Action.SCHEDULE,
        to_status=Status.SCHEDULED,
        comment=comment or _("To be published %(when)s.") % {"when": _local(publish_at)},
    )
    release_scheduled.send(sender=PressRelease, release=release)
    return event


@transaction.atomic
def release_unschedule(*, release, by, comment=""):
    """Scheduled (before its time) → draft."""
    _require_publisher(by)
    _lock(release)
    _require_state(release, {Status.SCHEDULED}, _("The release is not scheduled."))
    _require_not_public(release)
    release.publish_at = None
    release.published_at = None
    return _move(release, by=by, action=Action.UNSCHEDULE, to_status=Status.DRAFT, comment=comment)


@transaction.atomic
def release_withdraw(*, release, by, reason):
    """Public → withdrawn: the page stays with a notice and the reason; no email goes out."""
    _require_publisher(by)
    _lock(release)
    if not release.is_public:
        raise TransitionError(_("Only a public release can be withdrawn."), code="state")
    if not (reason or "").strip():
        raise TransitionError(
            {"reason": _("Give the reason for the withdrawal; it is shown on the page.")},
            code="reason",
        )
    release.withdrawn_reason = reason.strip()
    release.withdrawn_at = timezone.now()
    return _move(
        release,
        by=by,
        action=Action.WITHDRAW,
        to_status=Status.WITHDRAWN,
        comment=release.withdrawn_reason,
        fields=["withdrawn_reason", "withdrawn_at"],
    )


# Creating and editing ------------------------------------------------------------------


@transaction.atomic
def release_create(*, release, by, save_relations=None, comment=""):
    """Save a new release (built by the caller) as version 1, with its first revision.

    `save_relations(release)`, if given, saves its related rows (tags, contacts, images,
    quotes…) once the release has its primary key, before the revision is taken.
    """
    _require_editor_of(by, None)
    release.version = 1
    release.status = Status.DRAFT
    release.created_by = release.updated_by = by
    release.save()
    if save_relations is not None:
        save_relations(release)
    return release_record_revision(release=release, by=by, created=True, comment=comment)


@transaction.atomic
def release_edit(
    *, release, by, base_version, changes, save_relations=None, comment="", action=Action.EDIT
):
    """Change a release's content and record the result as a new revision.

    The row is locked for the transaction, and an edit based on another version than the
    current one is refused with a `StaleEdit` that says what changed meanwhile: any caller
    (the admin, the shell, a command, an import, an API) gets the same protection.
    `changes` maps names of `EDITABLE_FIELDS` to values (many-to-many fields and tags take
    lists); `save_relations(release)`, if given, saves further related rows (the admin's
    inlines) before the revision is taken; `action` names the recorded event (a restore is an
    edit too). A release that has no revision yet (made before
    revisions were kept, or outside `release_create`) first gets one of its stored content,
    so that the edit has something to be compared with.

    Returns the new revision; `release` is updated to the saved state.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"An edit cannot change {', '.join(sorted(unknown))}.")
    stored = PressRelease.objects.select_for_update().get(pk=release.pk)
    _require_editor_of(by, stored)
    if base_version != stored.version:
        raise StaleEdit(release=stored, base_version=base_version)
    if not stored.revisions.exists():
        _record_baseline(stored)
    many = {}
    for name, value in changes.items():
        if PressRelease._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(stored, name, value)
    stored.full_clean(exclude={f.name for f in PressRelease._meta.fields} - set(changes))
    stored.version += 1
    stored.updated_by = by
    stored.save()
    for name, value in many.items():
        getattr(stored, name).set(value)
    if save_relations is not None:
        save_relations(stored)
    revision = release_record_revision(release=stored, by=by, comment=comment, action=action)
    for field in PressRelease._meta.concrete_fields:
        setattr(release, field.attname, getattr(stored, field.attname))
    return revision


# Revisions -----------------------------------------------------------------------------


def _revision_content(release):
    """A revision's content fields: title, lead and body in columns, the rest in `data`."""
    content = revisions.snapshot(release)
    columns = {field: content.pop(field) for field in ("title", "lead", "body")}
    return {**columns, "data": content}


def release_record_revision(*, release, by, created=False, comment="", action=Action.EDIT):
    """Store the release's content as saved (call after its relations are saved too)."""
    revision, _created = ReleaseRevision.objects.update_or_create(
        release=release,
        version=release.version,
        defaults={
            **_revision_content(release),
            "comment": comment,
            "created_by": by,
            "created_at": timezone.now(),
        },
    )
    if created:
        _record(release, by=by, action=Action.CREATE, comment=comment)
    else:
        note = comment
        if release.status != Status.DRAFT and not note:
            note = _("Edited while %(status)s.") % {"status": release.get_status_display().lower()}
        _record(release, by=by, action=action, from_status=release.status, comment=note)
    return revision


def _record_baseline(release):
    """A revision of the release as stored, for a release that has none yet.

    Releases made before revisions existed, loaded from fixtures or made in the shell get
    one on their first edit (never on a page view), so that the edit's diff, and a later
    stale save, can show what changed. Workflow steps raise the version without changing
    the content, which the latest revision still holds: a release with revisions needs none.
    """
    return ReleaseRevision.objects.create(
        release=release,
        version=release.version,
        **_revision_content(release),
        comment=_("Saved before revisions were kept."),
        created_by=release.updated_by,
    )


def changes_since(release, base_version):
    """What changed in a release after `base_version`: the diff and who saved meanwhile."""
    base = release.revisions.filter(version__lte=base_version).first()
    current = release.revisions.first()
    changes = []
    if base and current and current.version > base.version:
        changes = revisions.diff(revisions.revision_data(base), revisions.revision_data(current))
    events = release.events.filter(version__gt=base_version).select_related("by")
    return {"changes": changes, "events": list(events)}


def release_restore_revision(*, release, by, revision, base_version):
    """Make an old revision's content current again, as a new revision: an edit (`release_edit`,
    with its lock, version check and permission) whose changes are the revision's content.

    Relations are restored only while their rows still exist.
    """
    if revision.release_id != release.pk:
        raise TransitionError(_("That revision belongs to another release."), code="revision")
    data = revisions.revision_data(revision)

    def existing(model_label, pairs):
        model = apps.get_model(model_label)
        wanted = [pk for pk, _name in pairs or []]
        found = model.objects.in_bulk(wanted)
        return [found[pk] for pk in wanted if pk in found]

    def one(model_label, pairs):
        found = existing(model_label, pairs)
        return found[0] if found else None

    changes = {
        **{field: data[field] for field in ("title", "lead", "body")},
        **{field: data[field] for field in ("kind", "boilerplate", "update_note") if field in data},
        "visit": one("municipalities.AgencyVisit", data.get("visit")),
        "funding_round": one("municipalities.FundingRound", data.get("funding_round")),
        "tags": data.get("tags") or [],
        "municipalities": existing("municipalities.Municipality", data.get("municipalities")),
        "documents": existing("mediabank.Document", data.get("documents")),
    }

    def restore_rows(release):
        release.releasecontact_set.all().delete()
        for order, contact in enumerate(existing("contacts.PressContact", data.get("contacts"))):
            ReleaseContact.objects.create(release=release, contact=contact, order=order)
        release.releaseimage_set.all().delete()
        for order, image in enumerate(existing("mediabank.Image", data.get("images"))):
            ReleaseImage.objects.create(release=release, image=image, order=order)
        release.quotes.all().delete()
        Quote.objects.bulk_create(
            Quote(release=release, **quote) for quote in data.get("quotes") or []
        )

    return release_edit(
        release=release,
        by=by,
        base_version=base_version,
        changes=changes,
        save_relations=restore_rows,
        comment=_("Restored from version %(version)s.") % {"version": revision.version},
        action=Action.RESTORE,
    )


# Preview links -------------------------------------------------------------------------


def preview_token(link):
    # No timestamp in the token: the link's row holds its expiry and revocation, and the
    # same link always has the same address.
    return signing.Signer(salt=PREVIEW_SALT).sign_object(link.key)


def preview_link_from_token(token):
    """The active link the token names, or None (bad signature, expired, revoked)."""
    try:
        key = signing.Signer(salt=PREVIEW_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    link = PreviewLink.objects.select_related("release").filter(key=key).first()
    if link is None or not link.is_active:
        return None
    return link


@transaction.atomic
def release_preview_link_create(*, release, by, days=None):
    """A new preview link for a release not public yet; the release's older links stop."""
    _require_editor_of(by, release)
    _lock(release)
    if release.status == Status.WITHDRAWN or release.is_public:
        raise TransitionError(
            _("Only a release that is not public yet can have a preview link."), code="state"
        )
    days = days or settings.RELEASE_PREVIEW_DAYS
    now = timezone.now()
    release.preview_links.filter(revoked_at__isnull=True).update(revoked_at=now)
    link = PreviewLink.objects.create(
        release=release,
        key=secrets.token_urlsafe(32),
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    _record(
        release,
        by=by,
        action=Action.PREVIEW_LINK,
        from_status=release.status,
        comment=_("Valid until %(when)s.") % {"when": _local(link.expires_at)},
    )
    return link


@transaction.atomic
def release_preview_link_revoke(*, release, by):
    """Stop every preview link of the release."""
    _require_editor_of(by, release)
    revoked = release.preview_links.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        _record(release, by=by, action=Action.PREVIEW_REVOKE, from_status=release.status)
    return revoked
