"""Taking up what a dead worker or a lost task left behind (run by `send_digests` and
`recover_deliveries`, every few minutes from cron or a systemd timer)."""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from newsroom.releases.models import PressRelease

from ..models import OutgoingEmail
from . import outbox
from .announcements import announce_release
from .sending import BATCH_TASKS, enqueue_ids

logger = logging.getLogger(__name__)
Status = OutgoingEmail.Status


class WorkerDied(Exception):
    """Recorded on a batch task whose worker stopped (SIGKILL, a lost machine) mid-run."""


def _task_results():
    """django-tasks' database backend's results, or None with another backend."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return None
    backend = next(iter(BATCH_TASKS.values())).get_backend()
    if backend.__class__.__module__.split(".")[0] != "django_tasks_db":
        return None
    return DBTaskResult.objects.filter(backend_name=backend.alias)


def fail_dead_batches(*, now):
    """Mark failed the batch tasks left RUNNING by a dead worker; return the ids they held.

    A live batch renews its claims (`outbox.heartbeat`) at least every quarter of the claim
    timeout, so a batch task that started longer than the timeout ago and holds no claim
    younger than that is dead. Returns {model: ids of the live batches}, for the recovery not
    to enqueue those rows again.
    """
    results = _task_results()
    live = {model: set() for model in BATCH_TASKS}
    if results is None:
        return live, 0
    timeout = now - dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    paths = {task.module_path: model for model, task in BATCH_TASKS.items()}
    dead = 0
    for result in results.filter(
        Q(status="RUNNING") | Q(status="READY"), task_path__in=list(paths)
    ).only("id", "status", "started_at", "args_kwargs", "task_path"):
        model = paths[result.task_path]
        ids = set(result.args_kwargs["args"][0])
        if result.status == "READY":
            live[model] |= ids
            continue
        if (
            result.started_at >= timeout
            or model.objects.filter(
                pk__in=ids, status=Status.SENDING, claimed_at__gte=timeout
            ).exists()
        ):
            live[model] |= ids
            continue
        result.set_failed(WorkerDied("The worker stopped while running this batch."))
        logger.warning("Batch task %s: its worker died; marked failed.", result.id)
        dead += 1
    return live, dead


def emails_recover(*, now=None):
    """Take up what a dead worker left behind; safe to run any time, as often as liked.

    Batch tasks left RUNNING by a dead worker are marked failed; claims older than the
    timeout go back to pending (only a row caught between the SMTP server's acceptance and its
    mark can then go out twice, with the same Message-ID) and get a new batch task; so do
    pending rows that are due and that no live task will send: never enqueued, or their task
    lost or dead. Rows a task still waiting in the queue will send are left alone (with a
    backend whose queue cannot be read: while their task was due less than the timeout ago).
    Scheduled releases whose time has come but were never announced are announced.
    """
    now = now or timezone.now()
    timeout = now - dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS)
    live, dead = fail_dead_batches(now=now)
    result = {"dead_tasks": dead}
    can_see_queue = _task_results() is not None
    for model in BATCH_TASKS:
        reclaimed = outbox.reclaim_stale(model, now=now)
        waiting = model.objects.filter(status=Status.PENDING, created_at__lt=timeout).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        if can_see_queue:
            waiting = waiting.filter(
                Q(queued_at__isnull=True) | Q(queued_at__lt=now - dt.timedelta(seconds=60))
            )
        else:
            waiting = waiting.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=timeout))
        ids = sorted(set(waiting.values_list("pk", flat=True)) - live[model])
        result[model._meta.model_name] = {
            "reclaimed": reclaimed,
            "batches": enqueue_ids(model, ids),
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
        outbox.enqueue_on_commit(announce_release, release_id)
        result["scheduled"] += 1
    return result
