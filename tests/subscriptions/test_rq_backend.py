"""django-tasks' RQ backend (django-tasks-rq), chosen with TASKS_REDIS_URL instead of the
database queue: what the newsroom enqueues goes to Redis, and an RQ worker runs it.

Needs a Redis server: .ci/run starts one on 127.0.0.1 and sets REDIS_URL; elsewhere these
tests look on 127.0.0.1:6379 and are skipped, saying so, when nothing answers. The queue
lives in another Redis database than the cache tests' (they empty theirs).
"""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django_tasks.base import TaskResultStatus

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published
from newsroom.subscriptions.models import Delivery, Subscriber
from newsroom.subscriptions.tasks import send_subscriber_email
from tests.redis import redis_reachable, redis_url

QUEUE_URL = redis_url(14)  # away from the cache tests' database


pytestmark = [
    pytest.mark.skipif(
        not redis_reachable(QUEUE_URL),
        reason=f"no Redis server reachable at {QUEUE_URL} (set REDIS_URL; .ci/run starts one)",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def rq_queue(settings):
    """The settings that TASKS_REDIS_URL gives (newsroom/settings/base.py), on the test Redis."""
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": QUEUE_URL, "DEFAULT_TIMEOUT": 3600}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


def run_worker(queue):
    """An RQ worker in burst mode (`manage.py rqworker --burst`), in this process: it runs
    every job in the queue, the ones those jobs enqueue included, then stops."""
    from django_tasks_rq import Job
    from rq import SimpleWorker

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True)


def test_a_task_waits_in_redis_until_an_rq_worker_runs_it(rq_queue, make_subscriber):
    subscriber = make_subscriber(email="rq@example.se", status=Subscriber.Status.PENDING)
    result = send_subscriber_email.enqueue(subscriber.pk, "confirm")
    assert type(result.task.get_backend()).__name__ == "RQBackend"
    assert rq_queue.count == 1 and rq_queue.job_ids == [result.id]
    assert not mail.outbox
    assert send_subscriber_email.get_result(result.id).status == TaskResultStatus.READY

    run_worker(rq_queue)

    assert [message.to for message in mail.outbox] == [["rq@example.se"]]
    finished = send_subscriber_email.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL and finished.return_value is True
    assert rq_queue.count == 0


# Committed transactions, as in a deployment: the tasks enqueue their follow-ups on commit.
@pytest.mark.django_db(transaction=True)
def test_the_subscribe_form_and_a_publication_run_through_rq(
    rq_queue, client, agency, make_release, make_subscriber
):
    response = client.post(
        reverse("subscriptions:subscribe"),
        {
            "email": "ny@example.se",
            "language": "sv",
            "frequency": "immediate",
            "topics": "all",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert rq_queue.count == 1 and not mail.outbox
    run_worker(rq_queue)
    assert [message.to for message in mail.outbox] == [["ny@example.se"]]

    mail.outbox.clear()
    readers = [make_subscriber() for _ in range(3)]
    release = make_release(status=PressRelease.Status.IN_REVIEW, title="Via Redis")
    with transaction.atomic():
        release.status = PressRelease.Status.PUBLISHED
        release.save()
        release_published.send(sender=PressRelease, release=release, first_publication=True)
    assert rq_queue.count >= 1 and not mail.outbox
    run_worker(rq_queue)  # the announcement, then the batches it enqueued

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
