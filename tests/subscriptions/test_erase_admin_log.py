"""Erasure also removes the address from the admin's history."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from newsroom.subscriptions import services
from newsroom.subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db


def test_erase_blanks_the_admin_log_entries(admin_user, make_subscriber):
    subscriber = make_subscriber(email="spara-inte@example.se")
    other = make_subscriber(email="annan@example.se")
    content_type = ContentType.objects.get_for_model(Subscriber)
    for s in (subscriber, other):
        LogEntry.objects.create(
            user=admin_user,
            content_type=content_type,
            object_id=str(s.pk),
            object_repr=s.email,
            action_flag=CHANGE,
            change_message=f"Changed email to {s.email}.",
        )

    services.subscriber_erase(subscriber=subscriber)

    entry = LogEntry.objects.get(object_id=str(subscriber.pk), content_type=content_type)
    assert entry.object_repr == "" and entry.change_message == ""
    kept = LogEntry.objects.get(object_id=str(other.pk), content_type=content_type)
    assert kept.object_repr == "annan@example.se"
