"""Write-side rules of subscriptions, one module per concept:

- `subscribers`: request, confirm, update, unsubscribe, erase, export;
- `announcements`: when a release is announced, and its fan-out;
- `outbox`: the status machine of every email row (claim, mark, release, defer);
- `sending`: the batch tasks, their send loop and the SMTP session;
- `digests`: daily and weekly digests;
- `recovery`: what a dead worker or a lost task left behind.

Tasks are defined beside the service they run (as pretix does), so the services enqueue
them without an import cycle; `newsroom.subscriptions.tasks` lists them. The names below are
what views, the admin and commands use.
"""

from .announcements import announce_release, announcement_due, release_announce
from .digests import digest_period, digests_plan
from .outbox import enqueue, enqueue_on_commit
from .recovery import emails_recover
from .sending import (
    SmtpSession,
    classify,
    emails_retry_failed,
    emails_send_batch,
    enqueue_batches,
    release_send_test,
    send_delivery_batch,
    send_digest_batch,
)
from .subscribers import (
    Preferences,
    normalise_email,
    send_subscriber_email,
    subscriber_confirm,
    subscriber_erase,
    subscriber_export,
    subscriber_request,
    subscriber_send_email,
    subscriber_unsubscribe,
    subscriber_update,
    subscribers_erase_expired,
)

__all__ = [
    "Preferences",
    "SmtpSession",
    "announce_release",
    "announcement_due",
    "classify",
    "digest_period",
    "digests_plan",
    "emails_recover",
    "emails_retry_failed",
    "emails_send_batch",
    "enqueue",
    "enqueue_batches",
    "enqueue_on_commit",
    "normalise_email",
    "release_announce",
    "release_send_test",
    "send_delivery_batch",
    "send_digest_batch",
    "send_subscriber_email",
    "subscriber_confirm",
    "subscriber_erase",
    "subscriber_export",
    "subscriber_request",
    "subscriber_send_email",
    "subscriber_unsubscribe",
    "subscriber_update",
    "subscribers_erase_expired",
]
