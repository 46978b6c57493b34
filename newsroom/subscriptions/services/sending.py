"""Sending: the batch tasks, their send loop, and the SMTP session they share.

A batch claims its rows a few at a time (`outbox`), asks each row for its message
(`Delivery.build_message`, `Digest.build_message`), hands it to SMTP and marks it sent right
after. The task is defined here, beside the service it runs (as pretix does): the services
enqueue it without importing the task module, and `tasks.py` only lists the tasks.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils import timezone
from django_tasks import task

from .. import emails
from ..models import Delivery, Digest, OutgoingEmail, Subscriber
from . import outbox

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


# -- the SMTP session --------------------------------------------------------------------------


def is_connection_failure(error):
    """No connection, or it broke: refused, dropped, timed out, or a 421 greeting."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


class SmtpSession:
    """One SMTP connection for a batch: opened for the first message, reset after a refused
    one, dropped after a broken one (the next message opens a fresh one), closed at the end.

    With Django's SMTP backend a prepared message's bytes go straight to smtplib's
    `sendmail`; any other backend (the test outbox, the console) gets an EmailMessage.
    """

    def __init__(self, backend=None):
        self.backend = backend or get_connection()
        self.raw = isinstance(self.backend, SmtpBackend)
        self.is_open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def open(self):
        if not self.is_open:
            self.backend.open()
            self.is_open = True

    def send(self, message):
        """Send one `emails.Prepared`; raise what SMTP said."""
        self.open()
        try:
            if self.raw:
                self.backend.connection.sendmail(message.sender, [message.recipient], message.data)
            else:
                self.backend.send_messages([message.as_email()])
        except (smtplib.SMTPException, OSError) as error:
            if is_connection_failure(error):
                self.close()
            else:
                self._reset()
            raise

    def _reset(self):
        if not (self.raw and self.is_open):
            return
        try:
            self.backend.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self):
        if not self.is_open:
            return
        self.is_open = False
        try:
            self.backend.close()
        except Exception:  # noqa: BLE001 - closing a broken connection must not stop anything
            logger.debug("Closing the SMTP connection failed.", exc_info=True)


# -- classifying SMTP's answers ----------------------------------------------------------------


def classify(error):
    """True for a permanent (5xx) refusal of the recipient, False for anything else.

    Only a refused recipient (5xx to RCPT TO) says something about the address; a refused
    login, sender or connection is the server's or our configuration's fault (see
    `stops_batch`), never the subscriber's.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


# Failures of the session itself (login, HELO, sender): no message can go out.
_BATCH_STOPPING = (
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPHeloError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPNotSupportedError,
)


def stops_batch(error):
    return isinstance(error, _BATCH_STOPPING)


class _NoConnection(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


# -- the send loop -----------------------------------------------------------------------------


def _send_one(session, renderer, row, *, active):
    """Send one claimed row; return what became of it ("sent", "retry", "failed",
    "cancelled"). Raise _NoConnection, or an error that stops the batch."""
    try:
        message = row.build_message(renderer)
    except ValueError as error:
        # This message can never be built; the address is not to blame.
        logger.warning("Building %s %s failed: %s", type(row).__name__, row.pk, error)
        outbox.mark_failed(row, error, permanent=True, bounce=False)
        return "failed"
    # Nothing left to send (withdrawn), or unsubscribed, erased or bounced since the claim.
    if message is None or row.subscriber_id not in active:
        outbox.cancel_claimed(row)
        return "cancelled"
    try:
        session.send(message)
    except (smtplib.SMTPException, OSError) as error:
        if is_connection_failure(error):
            raise _NoConnection(error) from error
        if stops_batch(error):
            raise
        permanent = classify(error)
        # A 5xx that is not about the recipient (the message refused at DATA): this message
        # will not go, but the address is not to blame.
        failed = permanent or (
            isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        )
        logger.warning("Sending %s %s failed: %s", type(row).__name__, row.pk, error)
        outbox.mark_failed(row, error, permanent=failed, bounce=permanent)
        return "failed" if failed else "retry"
    outbox.mark_sent(row, row.get_message_id())
    return "sent"


def _send_chunk(session, renderer, rows, ids, counts):
    """Send a chunk of claimed rows, renewing their claim now and then; False when the
    connection failed (the batch's unsent rows are then deferred)."""
    model = type(rows[0])
    # Unsubscribed, erased or bounced since the claim: not another email. (One look for the
    # chunk; a subscriber who leaves while it is being sent is cancelled for what follows.)
    active = outbox.still_active({row.subscriber_id for row in rows})
    every = outbox.heartbeat_every()
    beat = timezone.now()
    for index, row in enumerate(rows):
        if timezone.now() - beat > every:
            outbox.heartbeat(rows[index:])
            beat = timezone.now()
        try:
            counts[_send_one(session, renderer, row, active=active)] += 1
        except _NoConnection as failure:
            logger.warning("No SMTP connection for %s: %s", model.__name__, failure)
            outbox.defer(model, claimed=rows[index:], pending_ids=ids, error=failure)
            counts["retry"] += len(rows) - index
            return False
        except (smtplib.SMTPException, OSError) as error:
            logger.error("Sending %s %s stopped the batch: %s", model.__name__, row.pk, error)
            outbox.release_claims(rows[index:])
            raise
    return True


def emails_send_batch(*, model, ids):
    """Send the pending rows among `ids` over one SMTP connection; return counts.

    Each row is claimed (sending, committed) before it is handed to SMTP and marked sent
    right after, so a batch run twice, or again after its worker was killed, sends only
    what is still pending. Rows of subscribers no longer active are cancelled, not sent.
    Without a connection the batch's unsent rows wait for a short, bounded backoff.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    counts["cancelled"] = (
        model.objects.filter(pk__in=ids, status=Status.PENDING)
        .exclude(subscriber__status=Subscriber.Status.ACTIVE)
        .update(status=Status.CANCELLED)
    )
    renderer = emails.ReleaseEmailRenderer()
    with SmtpSession() as session:
        for rows in outbox.claim_in_turn(model, ids, settings.SUBSCRIPTIONS_CLAIM_CHUNK):
            if not _send_chunk(session, renderer, rows, ids, counts):
                break  # no connection: the rest waits for the backoff
    retry = model.objects.filter(pk__in=ids, status=Status.PENDING).exclude(
        next_attempt_at__isnull=True
    )
    first = retry.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if first is not None:
        enqueue_batches(retry, run_after=first)
    return counts


@task()
def send_delivery_batch(delivery_ids):
    return emails_send_batch(model=Delivery, ids=delivery_ids)


@task()
def send_digest_batch(digest_ids):
    return emails_send_batch(model=Digest, ids=digest_ids)


BATCH_TASKS = {Delivery: send_delivery_batch, Digest: send_digest_batch}


def enqueue_batches(queryset, *, run_after=None):
    """Split pending rows into batches of SUBSCRIPTIONS_BATCH_SIZE and enqueue a task each.

    The rows are stamped with when their task is due (`queued_at`), so that the recovery
    leaves them alone while that task may still come.
    """
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return enqueue_ids(queryset.model, ids, run_after=run_after)


def enqueue_ids(model, ids, *, run_after=None):
    """`enqueue_batches` for a list of ids (sorted)."""
    batch_task = BATCH_TASKS[model]
    size = settings.SUBSCRIPTIONS_BATCH_SIZE
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    now = timezone.now()
    deferred = run_after is not None and run_after > now
    if ids and (not deferred or batch_task.get_backend().supports_defer):
        # (A task the backend cannot defer is not enqueued: nothing to wait for.)
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(
                queued_at=run_after if deferred else now
            )
    for batch in batches:
        outbox.enqueue_on_commit(batch_task, batch, run_after=run_after)
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


def release_send_test(*, release, email):
    """The exact email a subscriber would get, to an editor only (for a draft, too)."""
    subscriber = Subscriber(email=email, language=release.language)
    # Not only public versions: the editor tests a draft. In its own language, the version
    # chosen is the release itself. A Message-ID of its own, not a delivery's.
    renderer = emails.ReleaseEmailRenderer(public_only=False)
    message = renderer.release_message(root=release, subscriber=subscriber, message_id="")
    with SmtpSession() as session:
        session.send(message)
    return 1
