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


# -- a killed worker, with the database queue ---------------------------------------------------

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker():
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_batch_is_failed_and_its_emails_sent(
    smtp_server, make_subscriber, make_release, settings
):
    """A worker SIGKILLed mid-batch leaves its task RUNNING and a chunk claimed: the recovery
    marks the task failed, takes the stale claims and the rows it never reached up again, and
    leaves alone a batch whose worker is alive (its claims are fresh)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 2
    settings.SUBSCRIPTIONS_BATCH_SIZE = 4
    timeout = dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    subscribers = [make_subscriber() for _ in range(8)]
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in subscribers]
    assert services.enqueue_batches(Delivery.objects.filter(pk__in=ids)) == 2
    dead_task, live_task = DBTaskResult.objects.order_by("enqueued_at")
    assert dead_task.args_kwargs["args"][0] == ids[:4]
    start = timezone.now()
    # The dead worker took its task and claimed a chunk, then was killed.
    dead_task.claim("killed-worker")
    outbox.claim(Delivery, ids[:4], 2)

    later = start + timeout * 2
    with time_machine.travel(later):
        # The other worker is alive: it runs its batch and has just renewed its claims.
        live_task.claim("live-worker")
        outbox.claim(Delivery, ids[4:], 2)
        result = services.emails_recover()

        assert result["dead_tasks"] == 1
        dead_task.refresh_from_db()
        live_task.refresh_from_db()
        assert dead_task.status == "FAILED" and dead_task.exception_class_path.endswith(
            "WorkerDied"
        )
        assert live_task.status == "RUNNING"
        assert result["delivery"] == {"reclaimed": 2, "batches": 1}
        [retry] = DBTaskResult.objects.filter(status="READY")
        assert sorted(retry.args_kwargs["args"][0]) == ids[:4]
        # Nothing twice: a second run finds the new task waiting.
        assert services.emails_recover()["delivery"] == {"reclaimed": 0, "batches": 0}
        _run_worker()
    sent = {m["To"] for m in smtp_server.messages()}
    assert sent == {s.email for s in subscribers[:4]}
    assert set(Delivery.objects.filter(pk__in=ids[:4]).values_list("status", flat=True)) == {
        Status.SENT
    }


@pytest.mark.django_db(transaction=True)
def test_a_backlog_waiting_in_the_database_queue_is_never_enqueued_twice(
    make_subscriber, make_release, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    services.enqueue_batches(Delivery.objects.filter(pk__in=ids))
    timeout = dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    for hours in (1, 5, 24):
        with time_machine.travel(timezone.now() + timeout + dt.timedelta(hours=hours)):
            assert services.emails_recover()["delivery"]["batches"] == 0
    assert DBTaskResult.objects.count() == 1


def test_a_live_batch_renews_its_claims(make_subscriber, make_release, settings, monkeypatch):
    """The heartbeat: while a chunk is being sent, its claims stay younger than the timeout."""
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 3
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    seen = []
    real_send = services.SmtpSession.send

    def slow_send(self, message):
        seen.append(Delivery.objects.get(pk=ids[-1]).claimed_at)
        traveller.shift(dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS / 2))
        return real_send(self, message)

    monkeypatch.setattr(services.SmtpSession, "send", slow_send)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert services.emails_send_batch(model=Delivery, ids=ids)["sent"] == 3
    assert seen[0] < seen[1] < seen[2]
