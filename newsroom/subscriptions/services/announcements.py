"""Announcing a release: when it is due, and the fan-out to its matching subscribers."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from newsroom.releases.models import PressRelease

from ..models import Announcement, Delivery, OutgoingEmail, Subscriber
from .sending import enqueue_batches

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


def announcement_due(release, *, now=None):
    """Whether a release should be announced now; a reason string when not."""
    now = now or timezone.now()
    if not PressRelease.objects.public().filter(pk=release.pk).exists():
        return "not public"
    if not release.send_notification:
        return "do not notify"
    limit = dt.timedelta(hours=settings.SUBSCRIPTIONS_BACKDATE_LIMIT_HOURS)
    if release.published_at and release.published_at < now - limit:
        return "backdated"
    if Announcement.objects.filter(release=release.original).exists():
        return "already announced"
    return None


def release_announce(*, release_id):
    """Fan a release out: one Delivery per matching subscriber, then the batch tasks.

    Idempotent: the Announcement (one per original release) and the unique (release,
    subscriber) pair make a second run create nothing; the batches send only what is pending.
    """
    release = PressRelease.objects.select_related("translation_of").filter(pk=release_id).first()
    if release is None:
        return 0
    reason = announcement_due(release)
    if reason:
        logger.info("Release %s not announced: %s.", release_id, reason)
        return 0
    root = release.original
    now = timezone.now()
    with transaction.atomic():
        announcement, created = Announcement.objects.get_or_create(
            release=root, defaults={"announced_at": now}
        )
        if not created:
            return 0
        subscribers = Subscriber.objects.matching(root.translation_group()).filter(
            frequency=Subscriber.Frequency.IMMEDIATE
        )
        # In chunks, so that memory stays flat whatever the number of subscribers.
        matched, chunk = 0, []
        for pk in subscribers.values_list("pk", flat=True).iterator(chunk_size=2000):
            chunk.append(Delivery(release=root, subscriber_id=pk))
            if len(chunk) == 2000:
                matched += _insert(chunk)
                chunk = []
        matched += _insert(chunk)
        announcement.matched = matched
        announcement.save(update_fields=["matched"])
    enqueue_batches(Delivery.objects.filter(release=root, status=Status.PENDING))
    return matched


def _insert(deliveries):
    Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
    return len(deliveries)


@task()
def announce_release(release_id):
    """Fan a release out (immediately, or when a scheduled release's time has come)."""
    return release_announce(release_id=release_id)
