"""Write-side rules of subscriptions: subscribers, announcements, sending, digests, erasure.

Called alike from views, the admin, tasks and management commands (keyword-only arguments).
"""

import datetime as dt
import logging
import smtplib
import uuid
import zoneinfo

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from newsroom.releases.models import PressRelease

from . import emails
from .models import Announcement, Delivery, Digest, OutgoingEmail, Subscriber, SubscriberKind

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


def normalise_email(address):
    return (address or "").strip().lower()


# -- enqueueing ------------------------------------------------------------------------------


def enqueue(task, *args, run_after=None):
    """Enqueue now, or for later where the backend can defer (the database backend can).

    A backend that cannot defer (the immediate one in unit tests) skips future work: the
    periodic recovery (`send_digests`) picks up what is due.
    """
    if run_after is not None and run_after > timezone.now():
        if not task.get_backend().supports_defer:
            logger.info("Not deferring %s%s: the backend cannot defer.", task.name, args)
            return None
        task = task.using(run_after=run_after)
    return task.enqueue(*args)


def enqueue_on_commit(task, *args, run_after=None):
    transaction.on_commit(lambda: enqueue(task, *args, run_after=run_after))


# -- subscribers -----------------------------------------------------------------------------


def _set_topics(subscriber, *, all_topics, tags, municipalities, counties, kinds):
    subscriber.all_topics = all_topics
    subscriber.save(update_fields=["all_topics"])
    subscriber.tags.set([] if all_topics else tags)
    subscriber.municipalities.set([] if all_topics else municipalities)
    subscriber.counties.set([] if all_topics else counties)
    subscriber.kind_topics.all().delete()
    SubscriberKind.objects.bulk_create(
        [SubscriberKind(subscriber=subscriber, kind=kind) for kind in sorted(set(kinds))]
    )


def _apply_preferences(
    subscriber, *, language, frequency, all_topics, tags, municipalities, counties, kinds
):
    """Set, validate and save a subscriber's preferences (the public form, the manage page)."""
    subscriber.language = language
    subscriber.frequency = frequency
    subscriber.full_clean(exclude=["key"])
    subscriber.save()
    _set_topics(
        subscriber,
        all_topics=all_topics,
        tags=tags,
        municipalities=municipalities,
        counties=counties,
        kinds=kinds,
    )


@transaction.atomic
def subscriber_request(
    *,
    email,
    language,
    frequency,
    all_topics,
    consent_text,
    tags=(),
    municipalities=(),
    counties=(),
    kinds=(),
):
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
    if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
        enqueue_on_commit(tasks().send_subscriber_email, subscriber.pk, "manage")
        return "manage"
    subscriber.status = Subscriber.Status.PENDING
    subscriber.consent_text = consent_text
    subscriber.consent_version = settings.SUBSCRIPTIONS_CONSENT_VERSION
    subscriber.consented_at = now
    subscriber.requested_at = now
    _apply_preferences(
        subscriber,
        language=language,
        frequency=frequency,
        all_topics=all_topics,
        tags=tags,
        municipalities=municipalities,
        counties=counties,
        kinds=kinds,
    )
    enqueue_on_commit(tasks().send_subscriber_email, subscriber.pk, "confirm")
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
def subscriber_update(
    *,
    subscriber,
    language,
    frequency,
    all_topics,
    tags=(),
    municipalities=(),
    counties=(),
    kinds=(),
):
    """New preferences from the manage page (reached through a signed link)."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if frequency != subscriber.frequency and frequency in Subscriber.DIGEST_FREQUENCIES:
        subscriber.digest_since = timezone.now()
    _apply_preferences(
        subscriber,
        language=language,
        frequency=frequency,
        all_topics=all_topics,
        tags=tags,
        municipalities=municipalities,
        counties=counties,
        kinds=kinds,
    )
    return subscriber


def _cancel_pending(subscriber_id):
    """Cancel what is queued for a subscriber, claimed rows (sending) included: the batch
    checks the subscriber again just before sending, and never marks a cancelled row sent."""
    for model in (Delivery, Digest):
        model.objects.filter(
            subscriber_id=subscriber_id, status__in=[Status.PENDING, Status.SENDING]
        ).update(status=Status.CANCELLED)


@transaction.atomic
def subscriber_unsubscribe(*, subscriber):
    """No further email, effective now: queued deliveries and digests are cancelled too."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status not in (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.ERASED):
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    _cancel_pending(subscriber.pk)
    return subscriber


@transaction.atomic
def subscriber_erase(*, subscriber):
    """Erase what identifies a subscriber (GDPR). Idempotent.

    The row stays (without address, topics or consent text) so that delivery counts of
    past releases still add up; its key is rotated, so old links stop working.
    """
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _cancel_pending(subscriber.pk)
    _scrub_admin_log(subscriber)
    if subscriber.status == Subscriber.Status.ERASED:
        return subscriber
    subscriber.email = None
    subscriber.key = uuid.uuid4()
    subscriber.status = Subscriber.Status.ERASED
    subscriber.erased_at = timezone.now()
    subscriber.consent_text = ""
    subscriber.save()
    _set_topics(subscriber, all_topics=True, tags=(), municipalities=(), counties=(), kinds=())
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


# -- announcing a release ----------------------------------------------------------------------


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
        ids = list(subscribers.values_list("pk", flat=True))
        Delivery.objects.bulk_create(
            [Delivery(release=root, subscriber_id=pk) for pk in ids],
            batch_size=1000,
            ignore_conflicts=True,
        )
        announcement.matched = len(ids)
        announcement.save(update_fields=["matched"])
    enqueue_batches(Delivery.objects.filter(release=root, status=Status.PENDING))
    return len(ids)


def enqueue_batches(queryset, *, run_after=None):
    """Split pending rows into batches of SUBSCRIPTIONS_BATCH_SIZE and enqueue a task each.

    The rows are stamped with when their task is due (`queued_at`), so that the recovery
    leaves them alone while that task may still come.
    """
    model = queryset.model
    task = tasks().send_delivery_batch if model is Delivery else tasks().send_digest_batch
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    size = settings.SUBSCRIPTIONS_BATCH_SIZE
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    now = timezone.now()
    deferred = run_after is not None and run_after > now
    if ids and (not deferred or task.get_backend().supports_defer):
        # (A task the backend cannot defer is not enqueued: nothing to wait for.)
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(
                queued_at=run_after if deferred else now
            )
    for batch in batches:
        enqueue_on_commit(task, batch, run_after=run_after)
    return len(batches)


def emails_retry_failed(*, queryset):
    """Put the failed rows of `queryset` (deliveries or digests) back in the queue, those of
    subscribers still active; return how many (from the admin)."""
    model = queryset.model
    ids = list(
        queryset.filter(
            status=Status.FAILED, subscriber__status=Subscriber.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    model.objects.filter(pk__in=ids, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=None
    )
    enqueue_batches(model.objects.filter(pk__in=ids, status=Status.PENDING))
    return len(ids)


# -- sending -----------------------------------------------------------------------------------


def classify(error):
    """True for a permanent (5xx) refusal of the recipient, False for anything else.

    Only a refused recipient (5xx to RCPT TO) says something about the address; a refused
    login, sender or connection is the server's or our configuration's fault (see
    `_stops_batch`), never the subscriber's.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


# Failures of the connection itself (login, HELO, sender): no message can go out.
_BATCH_STOPPING = (
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPHeloError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
)


def _stops_batch(error):
    return isinstance(error, _BATCH_STOPPING)


def _release_claims(rows):
    """Put claimed rows back to pending as if never taken: the attempt did not happen."""
    if not rows:
        return
    model = type(rows[0])
    model.objects.filter(pk__in=[r.pk for r in rows], status=Status.SENDING).update(
        status=Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
    )


def _claim(model, ids, limit):
    """Mark the due rows among `ids` (at most `limit`) as sending, and commit.

    Row locks with SKIP LOCKED (PostgreSQL) or SQLite's write lock taken at BEGIN
    (transaction_mode IMMEDIATE) mean two workers never take the same row.
    """
    now = timezone.now()
    with transaction.atomic():
        picked = list(
            model.objects.filter(
                pk__in=ids, status=Status.PENDING, subscriber__status=Subscriber.Status.ACTIVE
            )
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not picked:
            return []
        model.objects.filter(pk__in=picked, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    related = (
        ["subscriber", "release", "release__translation_of"]
        if model is Delivery
        else ["subscriber"]
    )
    return list(
        model.objects.filter(pk__in=picked, status=Status.SENDING)
        .select_related(*related)
        .order_by("pk")
    )


def _claim_in_turn(model, ids, limit):
    """Claim the batch's rows a few at a time, looking at each id once.

    A row not claimable when its turn comes is another worker's (locked or already
    sending), not due yet (its retry task will come), or no longer wanted (cancelled).
    """
    ids = sorted(ids)
    for start in range(0, len(ids), limit):
        rows = _claim(model, ids[start : start + limit], limit)
        if rows:
            yield rows


def _mark_sent(row, message_id):
    type(row).objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        message_id=message_id,
        error="",
        next_attempt_at=None,
    )
    if row.subscriber.bounce_count:
        Subscriber.objects.filter(pk=row.subscriber_id).update(bounce_count=0)


def _mark_failed(row, error, *, permanent, bounce=None):
    """Temporary: back to pending with backoff, until the attempt limit. Permanent: failed,
    and (unless `bounce` is False) a bounce for the subscriber, who stops receiving mail
    after the threshold."""
    if bounce is None:
        bounce = permanent
    now = timezone.now()
    model = type(row)
    if permanent or row.attempts >= settings.SUBSCRIPTIONS_MAX_ATTEMPTS:
        model.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.FAILED, error=str(error)[:2000], next_attempt_at=None
        )
    else:
        delay = settings.SUBSCRIPTIONS_RETRY_BACKOFF_SECONDS * 2 ** (row.attempts - 1)
        model.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.PENDING,
            error=str(error)[:2000],
            next_attempt_at=now + dt.timedelta(seconds=delay),
        )
    if bounce:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().get(pk=row.subscriber_id)
            subscriber.bounce_count += 1
            if (
                subscriber.bounce_count >= settings.SUBSCRIPTIONS_BOUNCE_THRESHOLD
                and subscriber.status == Subscriber.Status.ACTIVE
            ):
                subscriber.status = Subscriber.Status.BOUNCED
                _cancel_pending(subscriber.pk)
            subscriber.save(update_fields=["bounce_count", "status"])


def _cancel_claimed(row):
    type(row).objects.filter(pk=row.pk, status=Status.SENDING).update(status=Status.CANCELLED)


def _still_active(subscriber_id):
    return Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.ACTIVE).exists()


def emails_send_batch(*, model, ids):
    """Send the pending rows among `ids` over one SMTP connection; return counts.

    Each row is claimed (sending, committed) before it is handed to SMTP and marked sent
    right after, so a batch run twice, or again after its worker was killed, sends only
    what is still pending. Rows of subscribers no longer active are cancelled, not sent.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    counts["cancelled"] = (
        model.objects.filter(pk__in=ids, status=Status.PENDING)
        .exclude(subscriber__status=Subscriber.Status.ACTIVE)
        .update(status=Status.CANCELLED)
    )
    renderer = emails.ReleaseEmailRenderer()
    public_releases = {}  # root pk -> whether a version of it is still public (once a batch)
    connection = get_connection()
    opened = False
    try:
        for rows in _claim_in_turn(model, ids, settings.SUBSCRIPTIONS_CLAIM_CHUNK):
            for index, row in enumerate(rows):
                message_id = row.get_message_id()
                try:
                    if model is Delivery:
                        if row.release_id not in public_releases:
                            public_releases[row.release_id] = row.release.public_versions().exists()
                        message = (
                            renderer.release_message(
                                root=row.release, subscriber=row.subscriber, message_id=message_id
                            )
                            if public_releases[row.release_id]
                            else None
                        )
                    else:
                        message = renderer.digest_message(
                            digest=row, subscriber=row.subscriber, message_id=message_id
                        )
                    if message is None:  # withdrawn meanwhile (all of the digest's releases)
                        _cancel_claimed(row)
                        counts["cancelled"] += 1
                        continue
                    if not opened:
                        try:
                            connection.open()
                        except (smtplib.SMTPException, OSError):
                            # No connection, or no login: nobody's fault but ours. The rows
                            # stay pending for a later run; no subscriber gets a bounce.
                            _release_claims(rows[index:])
                            raise
                        opened = True
                    # Unsubscribed, erased or bounced since the claim: not another email.
                    if not _still_active(row.subscriber_id):
                        _cancel_claimed(row)
                        counts["cancelled"] += 1
                        continue
                    connection.send_messages([message])
                except (smtplib.SMTPException, OSError) as error:
                    if _stops_batch(error):
                        logger.error(
                            "Sending %s %s stopped the batch: %s", model.__name__, row.pk, error
                        )
                        _release_claims(rows[index:])
                        raise
                    permanent = classify(error)
                    # A 5xx that is not about the recipient (the message refused at DATA):
                    # this message will not go, but the address is not to blame.
                    failed = permanent or (
                        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
                    )
                    logger.warning("Sending %s %s failed: %s", model.__name__, row.pk, error)
                    _mark_failed(row, error, permanent=failed, bounce=permanent)
                    counts["failed" if failed else "retry"] += 1
                    if not permanent and not isinstance(error, smtplib.SMTPResponseException):
                        # The connection may be gone: start a fresh one for the next row.
                        _close_quietly(connection)
                        opened = False
                    continue
                except ValueError as error:  # BadHeaderError too: a newline in a title
                    # This message can never be built; the address is not to blame.
                    logger.warning("Building %s %s failed: %s", model.__name__, row.pk, error)
                    _mark_failed(row, error, permanent=True, bounce=False)
                    counts["failed"] += 1
                    continue
                _mark_sent(row, message_id)
                counts["sent"] += 1
    finally:
        if opened:
            _close_quietly(connection)
    retry = model.objects.filter(pk__in=ids, status=Status.PENDING).exclude(
        next_attempt_at__isnull=True
    )
    first = retry.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if first is not None:
        enqueue_batches(retry, run_after=first)
    return counts


def _close_quietly(connection):
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a broken connection must not stop the batch
        logger.debug("Closing the SMTP connection failed.", exc_info=True)


def emails_recover(*, now=None):
    """Take up what a dead worker left behind; safe to run any time, as often as liked.

    Claims older than the timeout go back to pending (only a row caught between the SMTP
    server's acceptance and its mark can then go out twice, with the same Message-ID) and
    get a new batch task; so do pending rows whose last task was due longer than the timeout
    ago (lost, or taken by a worker that died) or that were never enqueued. Rows whose task
    may still be waiting in the queue are left alone: a backlog gets at most one extra task
    per timeout, not one per run. Scheduled releases whose time has come but were never
    announced are announced.
    """
    now = now or timezone.now()
    timeout = now - dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    result = {}
    for model in (Delivery, Digest):
        stale = model.objects.filter(status=Status.SENDING, claimed_at__lt=timeout)
        # A row that stopped its worker every time (it is not the SMTP server's fault) stops.
        stale.filter(attempts__gte=settings.SUBSCRIPTIONS_MAX_ATTEMPTS).update(
            status=Status.FAILED, error="The worker stopped while sending it, every attempt."
        )
        stale = stale.update(status=Status.PENDING, claimed_at=None, queued_at=None)
        waiting = (
            model.objects.filter(status=Status.PENDING, created_at__lt=timeout)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=timeout))
        )
        result[model._meta.model_name] = {
            "reclaimed": stale,
            "batches": enqueue_batches(waiting),
        }
    limit = now - dt.timedelta(hours=settings.SUBSCRIPTIONS_BACKDATE_LIMIT_HOURS)
    scheduled = (
        PressRelease.objects.public()
        .filter(
            status=PressRelease.Status.SCHEDULED,
            send_notification=True,
            published_at__gte=limit,
            announcement__isnull=True,
        )
        .filter(Q(translation_of__isnull=True) | Q(translation_of__announcement__isnull=True))
    )
    result["scheduled"] = 0
    for release_id in scheduled.values_list("pk", flat=True):
        enqueue_on_commit(tasks().announce_release, release_id)
        result["scheduled"] += 1
    return result


# -- digests -----------------------------------------------------------------------------------


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


def digests_plan(*, frequency, now=None):
    """Create this period's digest rows (one per subscriber with something new) and enqueue
    their batches. Run again for the same period, it creates nothing: the rows are unique
    per subscriber and period, and each subscriber's window starts where the last ended."""
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
    earliest = min(starts.values())
    announcements = Announcement.objects.filter(
        announced_at__gte=earliest,
        announced_at__lt=boundary,
    ).filter(Exists(PressRelease.objects.public().in_translation_group(OuterRef("release"))))
    announcements = announcements.select_related("release")
    wanted = {s.pk: [] for s in subscribers}
    for announcement in announcements:
        group = announcement.release.translation_group()
        for subscriber_id in (
            Subscriber.objects.matching(group)
            .filter(pk__in=wanted.keys())
            .values_list("pk", flat=True)
        ):
            if announcement.announced_at >= starts[subscriber_id]:
                wanted[subscriber_id].append(announcement.release_id)
    rows = [
        Digest(
            subscriber_id=pk,
            frequency=frequency,
            period=period,
            covers_from=starts[pk],
            covers_until=boundary,
            release_ids=release_ids,
        )
        for pk, release_ids in wanted.items()
        if release_ids
    ]
    Digest.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    enqueue_batches(
        Digest.objects.filter(period=period, frequency=frequency, status=Status.PENDING)
    )
    return len(rows)


# -- one-off emails ------------------------------------------------------------------------------


def subscriber_send_email(*, subscriber_id, kind):
    """The confirmation or manage-link email, sent by a task."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, email__isnull=False).first()
    if subscriber is None:
        return False
    if kind == "confirm" and subscriber.status != Subscriber.Status.PENDING:
        return False
    return bool(emails.subscriber_message(subscriber, kind).send())


def release_send_test(*, release, email):
    """The exact email a subscriber would get, to an editor only (for a draft, too)."""
    subscriber = Subscriber(email=email, language=release.language)
    # Not only public versions: the editor tests a draft. In its own language, the version
    # chosen is the release itself.
    renderer = emails.ReleaseEmailRenderer(public_only=False)
    message = renderer.release_message(root=release, subscriber=subscriber, message_id="")
    return message.send()


def tasks():
    from . import tasks as task_module

    return task_module
