"""The recovery re-enqueues a batch only when no task for its rows can still be coming.

A row's batch task stamps `queued_at` (when the task is due to run). Each cron run of the
recovery re-enqueues pending rows only if that was longer than the claim timeout ago (the
task is lost, or stuck behind a dead worker), or the row was never enqueued, or its claim
went stale. A backlog waiting in the queue gets at most one extra task per timeout, not
one per cron run.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.fixture
def queue(monkeypatch):
    """A task queue that keeps what it is given (a worker far behind)."""
    queued = []
    monkeypatch.setattr(
        services, "enqueue", lambda task, *args, run_after=None: queued.append((task, args))
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

    # Cron every five minutes while the tasks wait in the queue: nothing more.
    assert recover(dt.timedelta(minutes=5)) == 0
    assert recover(dt.timedelta(minutes=10)) == 0
    # Waiting longer than the timeout: the tasks may be lost, enqueue once more...
    assert recover(timeout + dt.timedelta(minutes=1)) == 2
    # ...and not again at the next runs.
    assert recover(timeout + dt.timedelta(minutes=6)) == 0
    assert recover(timeout + dt.timedelta(minutes=11)) == 0
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
