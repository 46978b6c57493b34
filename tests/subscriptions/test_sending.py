"""Sending a batch: claim-then-send, retries and bounces, what SMTP refuses, subscribers
who leave and releases withdrawn meanwhile, and the message itself."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import emails, services
from newsroom.subscriptions.models import Delivery, Subscriber
from newsroom.subscriptions.services import outbox

pytestmark = pytest.mark.django_db


Status = Delivery.Status


def test_batch_run_twice_sends_only_what_is_pending(make_subscriber, fresh_release):
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    deliveries = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()) for _ in range(4)
    ]
    ids = [d.pk for d in deliveries]

    first = services.emails_send_batch(model=Delivery, ids=ids)
    second = services.emails_send_batch(model=Delivery, ids=ids)

    assert first["sent"] == 4 and second["sent"] == 0
    assert len(mail.outbox) == 4
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4


def test_two_workers_never_take_the_same_delivery(make_subscriber, fresh_release):
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(5)
    ]
    first = outbox.claim(Delivery, ids, 3)
    second = outbox.claim(Delivery, ids, 3)
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert len(first) + len(second) == 5
    assert outbox.claim(Delivery, ids, 3) == []


def test_temporary_failure_is_retried_with_backoff(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 3
    settings.SUBSCRIPTIONS_RETRY_BACKOFF_SECONDS = 60
    subscriber = make_subscriber(email="tillfalligt@example.se")
    flaky_smtp["tillfalligt@example.se"] = {"code": 451, "times": 1}
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=subscriber)

    counts = services.emails_send_batch(model=Delivery, ids=[delivery.pk])

    delivery.refresh_from_db()
    assert counts["retry"] == 1 and mail.outbox == []
    assert delivery.status == Status.PENDING and delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=55)
    # Not before its time…
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    assert mail.outbox == []
    # …but after it.
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_temporary_failures_stop_at_the_attempt_limit(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 2
    subscriber = make_subscriber(email="alltid-fel@example.se")
    flaky_smtp["alltid-fel@example.se"] = {"code": 421, "times": 99}
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=subscriber)
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.attempts == 2
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.bounce_count == 0


def test_permanent_failures_make_a_subscriber_bouncing(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_BOUNCE_THRESHOLD = 2
    subscriber = make_subscriber(email="finns-inte@example.se")
    other = make_subscriber()
    flaky_smtp["finns-inte@example.se"] = {"code": 550, "times": 99}
    for n in range(3):
        release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
        ids = [
            Delivery.objects.create(release=release, subscriber=s).pk for s in (subscriber, other)
        ]
        services.emails_send_batch(model=Delivery, ids=ids)
        subscriber.refresh_from_db()
        if n == 0:
            assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.bounce_count == 1
    assert subscriber.status == Subscriber.Status.BOUNCED
    statuses = list(
        Delivery.objects.filter(subscriber=subscriber)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    # Two bounced; the third was never attempted.
    assert statuses == [Status.FAILED, Status.FAILED, Status.CANCELLED]
    assert "550" in Delivery.objects.filter(subscriber=subscriber).earliest("pk").error
    assert len(mail.outbox) == 3  # the other subscriber got all three


def test_unsubscribe_during_fan_out_stops_queued_deliveries(make_subscriber, fresh_release):
    leaving, staying = make_subscriber(), make_subscriber()
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in (leaving, staying)]

    services.subscriber_unsubscribe(subscriber=leaving)
    services.emails_send_batch(model=Delivery, ids=ids)

    assert [m.to for m in mail.outbox] == [[staying.email]]
    assert Delivery.objects.get(subscriber=leaving).status == Status.CANCELLED


def test_unsubscribed_between_fan_out_and_claim_is_not_sent(make_subscriber, fresh_release):
    """Even if the cancel did not reach a queued row, the claim only takes active ones."""
    leaving = make_subscriber()
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=leaving)
    Subscriber.objects.filter(pk=leaving.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    assert mail.outbox == []
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED


@pytest.mark.parametrize("leave", [services.subscriber_unsubscribe, services.subscriber_erase])
def test_leaving_after_the_claim_stops_the_claimed_email(
    leave, make_subscriber, make_release, monkeypatch, settings
):
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 10
    release = make_release(published_at=timezone.now())
    leaving, staying = make_subscriber(), make_subscriber()
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in (leaving, staying)]
    real_claim = outbox.claim

    def claim_then_leave(model, chunk, limit):
        rows = real_claim(model, chunk, limit)
        if rows:
            leave(subscriber=leaving)  # between the claim and the send
        return rows

    monkeypatch.setattr(outbox, "claim", claim_then_leave)
    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert [m.to for m in mail.outbox] == [[staying.email]]
    assert counts["sent"] == 1 and counts["cancelled"] == 1
    assert Delivery.objects.get(subscriber=leaving).status == Status.CANCELLED


def test_unsubscribe_cancels_a_claimed_row_and_sent_does_not_override_it(
    make_subscriber, make_release
):
    subscriber = make_subscriber()
    delivery = Delivery.objects.create(release=make_release(), subscriber=subscriber)
    [row] = outbox.claim(Delivery, [delivery.pk], 10)
    services.subscriber_unsubscribe(subscriber=subscriber)
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED
    outbox.mark_sent(row, "<x@example.se>")
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED


def _withdraw(release):
    PressRelease.objects.filter(pk=release.pk).update(
        status=PressRelease.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )


def test_withdrawn_release_is_not_sent(make_subscriber, make_release):
    release = make_release(language="sv", published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    _withdraw(release)

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert mail.outbox == []
    assert counts["cancelled"] == 3 and counts["sent"] == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_withdrawn_original_with_a_public_translation_sends_the_translation(
    make_subscriber, make_release
):
    original = make_release(title="Besök", language="sv", published_at=timezone.now())
    make_release(
        title="Visit",
        language="en",
        translation_of=original,
        slug="visit-w",
        published_at=timezone.now(),
    )
    delivery = Delivery.objects.create(release=original, subscriber=make_subscriber(language="sv"))
    _withdraw(original)

    services.emails_send_batch(model=Delivery, ids=[delivery.pk])

    assert [m.subject for m in mail.outbox] == ["Visit"]


def test_version_for_gives_nothing_when_no_version_is_public(make_release):
    release = make_release(language="sv")
    _withdraw(release)
    assert emails.version_for(release, "sv") == (None, False)
    assert emails.version_for(release, "sv", public_only=False)[0] == release


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
    settings.EMAIL_BACKEND = f"tests.subscriptions.test_sending.{backend}"
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
    settings.EMAIL_BACKEND = "tests.subscriptions.test_sending.DataRefusedBackend"
    subscribers, ids = _deliveries(make_subscriber, make_release, n=1)
    counts = services.emails_send_batch(model=Delivery, ids=ids)
    assert counts["failed"] == 1
    assert Delivery.objects.get(pk=ids[0]).status == Status.FAILED
    subscribers[0].refresh_from_db()
    assert subscribers[0].bounce_count == 1
