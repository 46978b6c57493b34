"""Tasks run by the worker (`manage.py db_worker`); each one is safe to run twice.

Arguments are ids, never objects; the services do the work.
"""

from django_tasks import task

from . import services
from .models import Delivery, Digest


@task()
def announce_release(release_id):
    """Fan a release out (immediately, or when a scheduled release's time has come)."""
    return services.release_announce(release_id=release_id)


@task()
def send_delivery_batch(delivery_ids):
    return services.emails_send_batch(model=Delivery, ids=delivery_ids)


@task()
def send_digest_batch(digest_ids):
    return services.emails_send_batch(model=Digest, ids=digest_ids)


@task()
def send_subscriber_email(subscriber_id, kind):
    return services.subscriber_send_email(subscriber_id=subscriber_id, kind=kind)
