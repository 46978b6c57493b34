"""The recovery: what a killed worker or a lost task left behind is taken up, without
re-enqueueing what is still coming."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery
from newsroom.subscriptions.services import outbox

pytestmark = pytest.mark.django_db


Status = Delivery.Status


def test_crash_between_send_and_mark(make_subscriber, fresh_release, monkeypatch, settings):
    """A worker killed after the SMTP server accepted a message but before it was marked:
    the rerun skips it while claimed; the recovery after the claim timeout sends it again,
    with the same Message-ID, and the rest exactly once."""
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 1
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    real_mark = outbox.mark_sent
    calls = {"n": 0}

    def crash_on_second(row, message_id):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        real_mark(row, message_id)

    monkeypatch.setattr(outbox, "mark_sent", crash_on_second)
    with pytest.raises(SystemExit):
        services.emails_send_batch(model=Delivery, ids=ids)
    monkeypatch.setattr(outbox, "mark_sent", real_mark)
    assert len(mail.outbox) == 2
    states = dict(Delivery.objects.values_list("pk", "status"))
    assert [states[i] for i in ids] == [Status.SENT, Status.SENDING, Status.PENDING]

    # The batch runs again at once: the claimed one is left alone, the pending one goes.
    services.emails_send_batch(model=Delivery, ids=ids)
    assert len(mail.outbox) == 3
    assert Delivery.objects.get(pk=ids[1]).status == Status.SENDING

    # Later, the recovery takes the stale claim up again: the one duplicate, same Message-ID.
    later = timezone.now() + dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later):
        services.emails_recover()
        services.emails_send_batch(model=Delivery, ids=ids)
    assert len(mail.outbox) == 4
    assert mail.outbox[1].extra_headers["Message-ID"] == mail.outbox[3].extra_headers["Message-ID"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_recovery_gives_up_on_a_row_that_always_stops_its_worker(
    make_subscriber, fresh_release, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 2
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    stuck = Delivery.objects.create(
        release=release,
        subscriber=make_subscriber(),
        status=Status.SENDING,
        attempts=2,
        claimed_at=timezone.now() - dt.timedelta(hours=2),
    )
    services.emails_recover()
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and "every attempt" in stuck.error


@pytest.fixture
def queue(monkeypatch):
    """A task queue that keeps what it is given (a worker far behind)."""
    queued = []
    monkeypatch.setattr(
        outbox, "enqueue", lambda task, *args, run_after=None: queued.append((task, args))
    )
    return queued


def _batches(result):
    return result["delivery"]["batches"]


def test_recovery_does_not_requeue_batches_still_waiting(
    make_subscriber, make_release, queue, settings, django_capture_on_commit_callbacks
):
    settings.SUBSCRIPTIONS_BATCH_SIZE = 2
    timeout = dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    release = make_release(status=PressRelease.Status.PUBLISHED)
    start = timezone.now()
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    Delivery.objects.update(created_at=start - 2 * timeout)  # an old backlog
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enqueue_batches(Delivery.objects.filter(pk__in=ids)) == 2
    assert len(queue) == 2

    def recover(after):
        with (
            time_machine.travel(start + after),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return _batches(services.emails_recover())

    # Cron runs while the tasks wait in the queue: nothing more.
    assert recover(timeout * 0.4) == 0
    assert recover(timeout * 0.8) == 0
    # Waiting longer than the timeout: the tasks may be lost, enqueue once more...
    assert recover(timeout * 1.2) == 2
    # ...and not again at the next runs.
    assert recover(timeout * 1.6) == 0
    assert recover(timeout * 2.0) == 0
    assert len(queue) == 4


def test_recovery_requeues_a_stale_claim_and_a_row_never_enqueued(
    make_subscriber, make_release, queue, settings, django_capture_on_commit_callbacks
):
    timeout = dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    release = make_release(status=PressRelease.Status.PUBLISHED)
    now = timezone.now()
    claimed = Delivery.objects.create(
        release=release,
        subscriber=make_subscriber(),
        status=Status.SENDING,
        attempts=1,
        claimed_at=now - 2 * timeout,
        queued_at=now - dt.timedelta(minutes=1),
    )
    never = Delivery.objects.create(release=release, subscriber=make_subscriber())
    Delivery.objects.update(created_at=now - 2 * timeout)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.emails_recover()
    assert result["delivery"]["reclaimed"] == 1
    assert [sorted(args[0]) for _task, args in queue] == [sorted([claimed.pk, never.pk])]
    with django_capture_on_commit_callbacks(execute=True):
        assert _batches(services.emails_recover()) == 0
