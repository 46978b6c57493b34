"""Digests: what each daily or weekly subscriber gets, once per period."""

import collections
import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from newsroom.releases.models import PressRelease

from ..models import Announcement, Digest, OutgoingEmail, Subscriber, SubscriberKind, Topics
from .sending import enqueue_batches

Status = OutgoingEmail.Status


def digest_period(frequency, now):
    """The latest digest time at or before `now`: (period date, boundary datetime).

    Daily at SUBSCRIPTIONS_DIGEST_HOUR (08:00) local time; weekly on Mondays at that hour.
    """
    zone = zoneinfo.ZoneInfo(settings.SUBSCRIPTIONS_DIGEST_TIME_ZONE)
    local = now.astimezone(zone)
    day = local.date()
    if local.hour < settings.SUBSCRIPTIONS_DIGEST_HOUR:
        day -= dt.timedelta(days=1)
    if frequency == Subscriber.Frequency.WEEKLY:
        day -= dt.timedelta(days=day.weekday())
    boundary = dt.datetime.combine(day, dt.time(settings.SUBSCRIPTIONS_DIGEST_HOUR), tzinfo=zone)
    return day, boundary


def _release_topics(roots):
    """{root pk: Topics} of each release group (the original and its translations)."""
    values = collections.defaultdict(lambda: collections.defaultdict(set))
    rows = PressRelease.objects.filter(Q(pk__in=roots) | Q(translation_of__in=roots)).values_list(
        "pk",
        "translation_of_id",
        "kind",
        "tags__id",
        "municipalities__code",
        "municipalities__county_id",
    )
    for pk, translation_of, kind, tag, municipality, county in rows:
        group = values[translation_of if translation_of in roots else pk]
        group["kinds"].add(kind)
        group["tags"].add(tag)
        group["municipalities"].add(municipality)
        group["counties"].add(county)
    return {
        root: Topics(
            **{name: frozenset(v for v in found if v is not None) for name, found in group.items()}
        )
        for root, group in values.items()
    }


def _subscriber_topics(subscribers):
    """{subscriber pk: Topics}, in four queries whatever their number."""
    ids = [s.pk for s in subscribers]
    found = collections.defaultdict(lambda: collections.defaultdict(set))
    for name, rows in (
        (
            "kinds",
            SubscriberKind.objects.filter(subscriber__in=ids).values_list("subscriber_id", "kind"),
        ),
        (
            "tags",
            Subscriber.tags.through.objects.filter(subscriber__in=ids).values_list(
                "subscriber_id", "tag_id"
            ),
        ),
        (
            "municipalities",
            Subscriber.municipalities.through.objects.filter(subscriber__in=ids).values_list(
                "subscriber_id", "municipality_id"
            ),
        ),
        (
            "counties",
            Subscriber.counties.through.objects.filter(subscriber__in=ids).values_list(
                "subscriber_id", "county_id"
            ),
        ),
    ):
        for subscriber_id, value in rows:
            found[subscriber_id][name].add(value)
    return {
        s.pk: Topics(
            everything=s.all_topics,
            **{name: frozenset(values) for name, values in found[s.pk].items()},
        )
        for s in subscribers
    }


def digests_plan(*, frequency, now=None):
    """Create this period's digest rows (one per subscriber with something new) and enqueue
    their batches. Run again for the same period, it creates nothing: the rows are unique
    per subscriber and period, and each subscriber's window starts where the last ended.

    A fixed number of queries, whatever the number of announcements and subscribers: the
    topics of both sides are read at once and matched in Python (`Topics.matches`).
    """
    now = now or timezone.now()
    period, boundary = digest_period(frequency, now)
    already = Digest.objects.filter(subscriber=OuterRef("pk"), frequency=frequency, period=period)
    subscribers = list(
        Subscriber.objects.active()
        .filter(frequency=frequency, digest_since__lt=boundary)
        .exclude(Exists(already))
    )
    if not subscribers:
        return 0
    last_until = {}
    for subscriber_id, until in (
        Digest.objects.filter(subscriber__in=subscribers)
        .exclude(status=Status.CANCELLED)
        .values_list("subscriber_id", "covers_until")
    ):
        last_until[subscriber_id] = max(until, last_until.get(subscriber_id, until))
    starts = {s.pk: max(filter(None, [s.digest_since, last_until.get(s.pk)])) for s in subscribers}
    announcements = list(
        Announcement.objects.filter(
            announced_at__gte=min(starts.values()), announced_at__lt=boundary
        )
        .filter(Exists(PressRelease.objects.public().in_translation_group(OuterRef("release"))))
        .values_list("release_id", "announced_at")
    )
    if not announcements:
        return 0
    releases = _release_topics({release_id for release_id, _at in announcements})
    topics = _subscriber_topics(subscribers)
    rows = []
    for subscriber in subscribers:
        start, chosen = starts[subscriber.pk], topics[subscriber.pk]
        release_ids = [
            release_id
            for release_id, announced_at in announcements
            if announced_at >= start and chosen.matches(releases[release_id])
        ]
        if release_ids:
            rows.append(
                Digest(
                    subscriber=subscriber,
                    frequency=frequency,
                    period=period,
                    covers_from=start,
                    covers_until=boundary,
                    release_ids=release_ids,
                )
            )
    Digest.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    enqueue_batches(
        Digest.objects.filter(period=period, frequency=frequency, status=Status.PENDING)
    )
    return len(rows)
