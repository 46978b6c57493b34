"""The outbox: the status machine of every email row (deliveries and digests), after pretix.

A row is created pending, claimed (sending, committed) by one batch just before it goes to
SMTP, then marked sent, back to pending with a backoff, failed or cancelled. Nothing here
talks to SMTP or renders anything; `sending` does, through these steps.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Delivery, Digest, OutgoingEmail, Subscriber

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status
MODELS = (Delivery, Digest)
ERROR_LENGTH = 2000


# -- enqueueing tasks ------------------------------------------------------------------------


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


# -- claiming ---------------------------------------------------------------------------------


def claim(model, ids, limit):
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
    return list(
        model.objects.filter(pk__in=picked, status=Status.SENDING)
        .select_related(*model.CLAIM_RELATED)
        .order_by("pk")
    )


def claim_in_turn(model, ids, limit):
    """Claim a batch's rows a few at a time, looking at each id once.

    A row not claimable when its turn comes is another worker's (locked or already
    sending), not due yet (its retry task will come), or no longer wanted (cancelled).
    """
    ids = sorted(ids)
    for start in range(0, len(ids), limit):
        rows = claim(model, ids[start : start + limit], limit)
        if rows:
            yield rows


def heartbeat(rows):
    """A live batch renews its claims, so that only a dead worker's claims grow stale."""
    if rows:
        type(rows[0]).objects.filter(pk__in=[r.pk for r in rows], status=Status.SENDING).update(
            claimed_at=timezone.now()
        )


def heartbeat_every():
    return dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS / 4)


# -- marking ----------------------------------------------------------------------------------


def mark_sent(row, message_id):
    """Sent: right after the server's "250", one row at a time (crash safety), unless the row
    was cancelled meanwhile.

    One plain UPDATE: it runs once per email, and building it through the ORM cost several
    times the statement itself (0.58 ms against 0.08 ms a row on SQLite, bench/README.md).
    """
    model = type(row)
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, message_id = %s, error = '', "
            f"next_attempt_at = NULL WHERE {pk} = %s AND status = %s",
            [
                Status.SENT.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                message_id,
                row.pk,
                Status.SENDING.value,
            ],
        )
    if row.subscriber.bounce_count:
        Subscriber.objects.filter(pk=row.subscriber_id).update(bounce_count=0)


def retry_delay(attempts):
    """Backoff after a temporary refusal: doubles with each attempt, at most an hour."""
    delay = settings.SUBSCRIPTIONS_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(delay, 3600))


def connect_delay(attempts):
    """Backoff after a refused or dropped connection: short and bounded, so that mail goes
    out within a minute or so of the server's return."""
    delay = settings.SUBSCRIPTIONS_CONNECT_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(delay, settings.SUBSCRIPTIONS_CONNECT_RETRY_MAX_SECONDS))


def mark_failed(row, error, *, permanent, bounce=None):
    """Temporary: back to pending with backoff, until the attempt limit. Permanent: failed,
    and (unless `bounce` is False) a bounce for the subscriber, who stops receiving mail
    after the threshold."""
    if bounce is None:
        bounce = permanent
    model = type(row)
    if permanent or row.attempts >= settings.SUBSCRIPTIONS_MAX_ATTEMPTS:
        model.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.FAILED, error=str(error)[:ERROR_LENGTH], next_attempt_at=None
        )
    else:
        model.objects.filter(pk=row.pk, status=Status.SENDING).update(
            status=Status.PENDING,
            error=str(error)[:ERROR_LENGTH],
            next_attempt_at=timezone.now() + retry_delay(row.attempts),
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
                cancel_pending(subscriber.pk)
            subscriber.save(update_fields=["bounce_count", "status"])


def defer(model, *, claimed, pending_ids, error):
    """No SMTP connection (refused, dropped, timed out): the batch's rows not yet sent go back
    to pending, the attempt and the error recorded, due again after the connection backoff.

    `claimed` are the rows this batch holds (their attempt counted at the claim); the pending
    rows among `pending_ids` that were due count the attempt now. The retry is bounded
    (`connect_delay`), and such a failure never marks a row failed on its own: neither the
    message nor the address is to blame. Returns when they are due again.
    """
    now = timezone.now()
    error = str(error)[:ERROR_LENGTH]
    mine = model.objects.filter(pk__in=[r.pk for r in claimed], status=Status.SENDING)
    due_now = model.objects.filter(pk__in=pending_ids, status=Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    attempts = max(_most_attempts(mine), _most_attempts(due_now) + 1)
    due = now + connect_delay(attempts)
    with transaction.atomic():
        due_now.update(attempts=F("attempts") + 1, error=error, next_attempt_at=due)
        mine.update(status=Status.PENDING, claimed_at=None, error=error, next_attempt_at=due)
    return due


def _most_attempts(rows):
    return rows.order_by("-attempts").values_list("attempts", flat=True).first() or 0


def release_claims(rows):
    """Put claimed rows back to pending as if never taken: the attempt did not happen."""
    if not rows:
        return
    model = type(rows[0])
    model.objects.filter(pk__in=[r.pk for r in rows], status=Status.SENDING).update(
        status=Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
    )


def cancel_claimed(row):
    type(row).objects.filter(pk=row.pk, status=Status.SENDING).update(status=Status.CANCELLED)


def cancel_pending(subscriber_id):
    """Cancel what is queued for a subscriber, claimed rows (sending) included: the batch
    checks the subscriber again just before sending, and never marks a cancelled row sent."""
    for model in MODELS:
        model.objects.filter(
            subscriber_id=subscriber_id, status__in=[Status.PENDING, Status.SENDING]
        ).update(status=Status.CANCELLED)


def still_active(subscriber_ids):
    """Those of `subscriber_ids` who still want email."""
    return set(
        Subscriber.objects.filter(
            pk__in=subscriber_ids, status=Subscriber.Status.ACTIVE
        ).values_list("pk", flat=True)
    )


def reclaim_stale(model, *, now):
    """Claims older than the timeout (their worker died) go back to pending; a row that
    stopped its worker at every attempt is failed. Returns how many went back."""
    timeout = now - dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    stale = model.objects.filter(status=Status.SENDING, claimed_at__lt=timeout)
    stale.filter(attempts__gte=settings.SUBSCRIPTIONS_MAX_ATTEMPTS).update(
        status=Status.FAILED, error="The worker stopped while sending it, every attempt."
    )
    return stale.update(status=Status.PENDING, claimed_at=None, queued_at=None)
