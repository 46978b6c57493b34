"""A subscriber's life: request, confirm, update, unsubscribe, erase (GDPR), export.

Called alike from views, the admin, tasks and management commands (keyword-only arguments).
"""

import dataclasses
import datetime as dt
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .. import emails
from ..models import Subscriber, SubscriberKind
from . import outbox


def normalise_email(address):
    return (address or "").strip().lower()


@dataclasses.dataclass(frozen=True)
class Preferences:
    """What a subscriber chose: language, how often, and what to follow (everything, or
    kinds, tags, municipalities and counties)."""

    language: str
    frequency: str
    all_topics: bool
    tags: tuple = ()
    municipalities: tuple = ()
    counties: tuple = ()
    kinds: tuple = ()

    @classmethod
    def everything(cls, *, language, frequency):
        return cls(language=language, frequency=frequency, all_topics=True)

    def apply(self, subscriber):
        """Set, validate and save them on `subscriber` (a row locked by the caller)."""
        subscriber.language = self.language
        subscriber.frequency = self.frequency
        subscriber.full_clean(exclude=["key"])
        subscriber.save()
        _set_topics(subscriber, self)


def _set_topics(subscriber, preferences):
    everything = preferences.all_topics
    subscriber.all_topics = everything
    subscriber.save(update_fields=["all_topics"])
    subscriber.tags.set([] if everything else preferences.tags)
    subscriber.municipalities.set([] if everything else preferences.municipalities)
    subscriber.counties.set([] if everything else preferences.counties)
    subscriber.kind_topics.all().delete()
    SubscriberKind.objects.bulk_create(
        [SubscriberKind(subscriber=subscriber, kind=k) for k in sorted(set(preferences.kinds))]
    )


@transaction.atomic
def subscriber_request(*, email, consent_text, preferences):
    """Someone asked to subscribe `email`: send a confirmation, or a manage link.

    A new or unconfirmed address gets (again) a confirmation email. An active subscriber's
    preferences are never changed from the public form (anyone can type an address): they get
    a "manage your subscription" link instead. The caller shows the same page either way.
    Returns what was sent, "confirm" or "manage", for tests and logs only.
    """
    email = normalise_email(email)
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        # Two requests for a new address at once: the unique address lets one insert win,
        # the other then finds it.
        try:
            with transaction.atomic():
                Subscriber.objects.create(email=email, requested_at=now)
        except IntegrityError:
            pass
        subscriber = Subscriber.objects.select_for_update().get(email=email)
    if subscriber.status == Subscriber.Status.ACTIVE:
        outbox.enqueue_on_commit(send_subscriber_email, subscriber.pk, "manage")
        return "manage"
    subscriber.status = Subscriber.Status.PENDING
    subscriber.consent_text = consent_text
    subscriber.consent_version = settings.SUBSCRIPTIONS_CONSENT_VERSION
    subscriber.consented_at = now
    subscriber.requested_at = now
    preferences.apply(subscriber)
    outbox.enqueue_on_commit(send_subscriber_email, subscriber.pk, "confirm")
    return "confirm"


@transaction.atomic
def subscriber_confirm(*, subscriber):
    """Double opt-in: the link in the confirmation email was followed."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == Subscriber.Status.ACTIVE:
        return subscriber
    now = timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = now
    subscriber.digest_since = now
    subscriber.unsubscribed_at = None
    subscriber.bounce_count = 0
    subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_update(*, subscriber, preferences):
    """New preferences from the manage page (reached through a signed link)."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if (
        preferences.frequency != subscriber.frequency
        and preferences.frequency in Subscriber.DIGEST_FREQUENCIES
    ):
        subscriber.digest_since = timezone.now()
    preferences.apply(subscriber)
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber):
    """No further email, effective now: queued deliveries and digests are cancelled too."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status not in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.ERASED):
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    outbox.cancel_pending(subscriber.pk)
    return subscriber


@transaction.atomic
def subscriber_erase(*, subscriber):
    """Erase what identifies a subscriber (GDPR). Idempotent.

    The row stays (without address, topics or consent text) so that delivery counts of
    past releases still add up; its key is rotated, so old links stop working.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    outbox.cancel_pending(subscriber.pk)
    _scrub_admin_log(subscriber)
    if subscriber.status == Subscriber.Status.ERASED:
        return subscriber
    subscriber.email = None
    subscriber.key = uuid.uuid4()
    subscriber.status = Subscriber.Status.ERASED
    subscriber.erased_at = timezone.now()
    subscriber.consent_text = ""
    subscriber.save()
    _set_topics(subscriber, Preferences.everything(language="", frequency=""))
    # SMTP errors quote the address.
    subscriber.deliveries.exclude(error="").update(error="")
    subscriber.digests.exclude(error="").update(error="")
    return subscriber


def _scrub_admin_log(subscriber):
    """The admin's history names the subscriber by address (object_repr, change_message)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscriber),
        object_id=str(subscriber.pk),
    ).update(object_repr="", change_message="")


def subscribers_erase_expired(*, now=None):
    """Erase subscribers unsubscribed (or never confirmed) longer than the limit ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SUBSCRIPTIONS_ERASE_AFTER_DAYS)
    due = Subscriber.objects.filter(
        Q(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
        | Q(status=Subscriber.Status.PENDING, requested_at__lt=cutoff)
    )
    count = 0
    for subscriber in due.iterator():
        subscriber_erase(subscriber=subscriber)
        count += 1
    return count


def subscriber_export(*, subscriber):
    """What we hold about a subscriber, for them to download."""
    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "language": subscriber.language,
        "frequency": subscriber.frequency,
        "topics": {
            "everything": subscriber.all_topics,
            "tags": sorted(t.name for t in subscriber.tags.all()),
            "municipalities": sorted(m.name for m in subscriber.municipalities.all()),
            "counties": sorted(c.name for c in subscriber.counties.all()),
            "kinds": subscriber.kinds,
        },
        "consent": {
            "text": subscriber.consent_text,
            "version": subscriber.consent_version,
            "given_at": _iso(subscriber.consented_at),
        },
        "created_at": _iso(subscriber.created_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "unsubscribed_at": _iso(subscriber.unsubscribed_at),
        "bounces_in_a_row": subscriber.bounce_count,
        "emails": [
            {
                "release": d.release.title,
                "status": d.status,
                "sent_at": _iso(d.sent_at),
                "message_id": d.message_id,
            }
            for d in subscriber.deliveries.select_related("release").order_by("pk")
        ]
        + [
            {
                "digest": f"{d.frequency} {d.period.isoformat()}",
                "status": d.status,
                "sent_at": _iso(d.sent_at),
                "message_id": d.message_id,
            }
            for d in subscriber.digests.order_by("pk")
        ],
    }


def _iso(value):
    return value.isoformat() if value else None


def subscriber_send_email(*, subscriber_id, kind):
    """The confirmation or manage-link email, sent by a task."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, email__isnull=False).first()
    if subscriber is None:
        return False
    if kind == "confirm" and subscriber.status != Subscriber.Status.PENDING:
        return False
    return bool(emails.subscriber_message(subscriber, kind).send())


@task()
def send_subscriber_email(subscriber_id, kind):
    return subscriber_send_email(subscriber_id=subscriber_id, kind=kind)
