"""GDPR: erasure after 30 days (idempotent), erasure on request, links and the admin's
history die with it."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery, Subscriber
from newsroom.subscriptions.tokens import make_token

pytestmark = pytest.mark.django_db


def test_unsubscribed_are_erased_after_30_days(make_subscriber, make_release, settings):
    gone = make_subscriber(email="gone@example.se")
    recent = make_subscriber(email="recent@example.se")
    never_confirmed = make_subscriber(
        email="never@example.se", status=Subscriber.Status.PENDING, requested_at=timezone.now()
    )
    active = make_subscriber(email="active@example.se")
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    Delivery.objects.create(
        release=release, subscriber=gone, status="failed", error="550 gone@example.se: no such user"
    )
    services.subscriber_unsubscribe(subscriber=gone)
    days = settings.SUBSCRIPTIONS_ERASE_AFTER_DAYS
    with time_machine.travel(timezone.now() + dt.timedelta(days=days - 5)):
        services.subscriber_unsubscribe(subscriber=recent)
    with time_machine.travel(timezone.now() + dt.timedelta(days=days + 1)):
        call_command("erase_subscribers", stdout=open("/dev/null", "w"))
        call_command("erase_subscribers", stdout=open("/dev/null", "w"))  # idempotent

    emails = set(Subscriber.objects.values_list("email", flat=True))
    assert emails == {None, "recent@example.se", "active@example.se"}
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.ERASED and gone.erased_at and gone.consent_text == ""
    assert Delivery.objects.get().error == ""  # the error quoted the address
    never_confirmed.refresh_from_db()
    assert never_confirmed.email is None
    assert active.pk and Subscriber.objects.get(pk=active.pk).status == "active"


def test_erasure_voids_links_and_allows_a_fresh_subscription(client, make_subscriber, agency):
    subscriber = make_subscriber(email="radera@example.se")
    token = make_token(subscriber, "manage")
    services.subscriber_erase(subscriber=subscriber)
    services.subscriber_erase(subscriber=subscriber)  # idempotent
    response = client.get(reverse("subscriptions:manage", kwargs={"token": token}))
    assert response.status_code == 400
    services.subscriber_request(
        email="radera@example.se",
        consent_text="x",
        preferences=services.Preferences.everything(language="sv", frequency="immediate"),
    )
    assert Subscriber.objects.filter(email="radera@example.se").count() == 1
    assert Subscriber.objects.count() == 2


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
