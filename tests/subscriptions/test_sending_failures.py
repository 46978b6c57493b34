"""Sending failures that are not the subscriber's fault must not count against them."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db
Status = Delivery.Status


class LoginRefusedBackend(LocmemBackend):
    def open(self):
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")


class SenderRefusedBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPSenderRefused(550, b"5.7.1 Sender rejected", "news@example.se")


class DataRefusedBackend(LocmemBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPDataError(554, b"5.6.0 Message rejected")


def _deliveries(make_subscriber, make_release, n=3):
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    subscribers = [make_subscriber(bounce_count=1) for _ in range(n)]
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in subscribers]
    return subscribers, ids


@pytest.mark.parametrize("backend", ["LoginRefusedBackend", "SenderRefusedBackend"])
def test_a_refused_login_or_sender_stops_the_batch_and_bounces_nobody(
    backend, make_subscriber, make_release, settings
):
    settings.EMAIL_BACKEND = f"tests.subscriptions.test_sending_failures.{backend}"
    settings.SUBSCRIPTIONS_BOUNCE_THRESHOLD = 2
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 2
    subscribers, ids = _deliveries(make_subscriber, make_release)

    with pytest.raises(smtplib.SMTPException):
        services.emails_send_batch(model=Delivery, ids=ids)

    for subscriber in subscribers:
        subscriber.refresh_from_db()
        assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.bounce_count == 1
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(d.status, d.attempts, d.claimed_at) for d in rows} == {(Status.PENDING, 0, None)}
    assert mail.outbox == []

    # Once the server lets us in again, everything goes.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.emails_send_batch(model=Delivery, ids=ids)["sent"] == 3


def test_a_refused_message_fails_without_a_bounce(make_subscriber, make_release, settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.test_sending_failures.DataRefusedBackend"
    subscribers, ids = _deliveries(make_subscriber, make_release, n=1)
    counts = services.emails_send_batch(model=Delivery, ids=ids)
    assert counts["failed"] == 1
    assert Delivery.objects.get(pk=ids[0]).status == Status.FAILED
    subscribers[0].refresh_from_db()
    assert subscribers[0].bounce_count == 1
