"""Tasks run by the worker (`manage.py db_worker`); each one is safe to run twice."""

from django.db import transaction
from django_tasks import task

from . import renditions
from .models import Image


@task()
def build_image_renditions(image_id):
    """Make an image's renditions right after its upload, so that no reader waits for them
    (and no burst of first requests builds them). Sizes already made are left alone."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return 0
    return len(renditions.build_renditions(image))


def enqueue_renditions_on_commit(image_id):
    transaction.on_commit(lambda: build_image_renditions.enqueue(image_id))
