"""Sending a batch: claim-then-send, retries and bounces, what SMTP refuses, subscribers
who leave and releases withdrawn meanwhile, and the message itself."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import emails, services
from newsroom.subscriptions.models import Delivery, Subscriber
from newsroom.subscriptions.services import outbox
from newsroom.subscriptions.tokens import read_token

from .helpers import link_in

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


# -- the message: built once per release and language, stamped per recipient ----------------


def test_each_recipient_gets_a_valid_message_of_their_own(
    smtp_server, make_subscriber, make_release, agency, monkeypatch
):
    """Parsed back with the `email` package, from a real SMTP server: every header and part
    a subscriber relies on, their own links and Message-ID, the subject in UTF-8."""
    from newsroom.subscriptions import emails

    built = []
    real_serialise = emails.MessageTemplate._serialise
    monkeypatch.setattr(
        emails.MessageTemplate, "_serialise", lambda self: built.append(1) or real_serialise(self)
    )
    release = make_release(
        title="Stöd till Borlänge – åäö", lead="Ingress.", published_at=timezone.now()
    )
    subscribers = [make_subscriber(language=lang) for lang in ("sv", "sv", "sv", "en")]
    deliveries = [Delivery.objects.create(release=release, subscriber=s) for s in subscribers]

    counts = services.emails_send_batch(model=Delivery, ids=[d.pk for d in deliveries])

    assert counts["sent"] == 4
    assert len(built) == 2  # once per language, not per recipient
    messages = {m["To"]: m for m in smtp_server.messages()}
    assert set(messages) == {s.email for s in subscribers}
    ids = set()
    for delivery in deliveries:
        delivery.refresh_from_db()
        message = messages[delivery.subscriber.email]
        assert not message.defects
        assert message["Subject"] == "Stöd till Borlänge – åäö"
        assert message["Message-ID"] == delivery.message_id == delivery.get_message_id()
        ids.add(message["Message-ID"])
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https, mailto = [p.strip(" <>") for p in message["List-Unsubscribe"].split(",")]
        token = https.rstrip("/").rpartition("/")[2]
        assert https.startswith("http://testserver/") and "/unsubscribe/" in https
        assert read_token(token, "unsubscribe") == delivery.subscriber  # their own link
        assert mailto.startswith("mailto:") and token in mailto
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for body in (text, html):
            assert "Stöd till Borlänge – åäö" in body and "Ingress." in body
            manage = link_in(body, "manage").rstrip("/").rpartition("/")[2]
            assert read_token(manage, "manage") == delivery.subscriber
            assert https in body
            assert "NEWSROOM" not in body and "placeholder" not in body
    assert len(ids) == 4


CONTROL_TITLES = [
    "Rubrik\nBcc: someone@example.com",
    "Rubrik\r\nBcc: someone@example.com",
    "Rubrik\x0bWord: value",
    "Rubrik\x0cWord:\x1cvalue\x85Word: x\u2028Word: y",
    "Nul\x01and\x1bescape\x7f and\ttab",  # (PostgreSQL stores no NUL)
]


def test_control_characters_in_a_title_still_make_a_valid_email(
    smtp_server, make_subscriber, make_release, agency
):
    """A line break, a vertical tab or another control character in a title (before the
    models refused them, or pasted past them) never fails a delivery or stops the batch."""
    subscriber = make_subscriber(bounce_count=0)
    ids = []
    for n, title in enumerate(CONTROL_TITLES):
        release = make_release(title=f"Rubrik {n}", published_at=timezone.now())
        PressRelease.objects.filter(pk=release.pk).update(title=title, lead=f"Ingress\x0b{n}.")
        ids.append(Delivery.objects.create(release=release, subscriber=subscriber).pk)

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert counts["sent"] == len(CONTROL_TITLES)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}
    messages = smtp_server.messages()
    assert len(messages) == len(CONTROL_TITLES)
    for message in messages:
        assert not message.defects
        assert message["Bcc"] is None and message["Word"] is None
        subject = message["Subject"]
        assert subject.startswith(("Rubrik ", "Nul and"))
        assert all(ch.isprintable() for ch in subject)
        text = message.get_body(("plain",)).get_content()
        assert "\x0b" not in text and "\x01" not in text
    assert {m["Subject"] for m in messages} >= {
        "Rubrik Bcc: someone@example.com",
        "Rubrik Word: value",
        "Nul and escape and tab",
    }


def test_a_message_that_cannot_be_built_fails_alone(make_subscriber, make_release, monkeypatch):
    bad = make_release(title="Trasig", published_at=timezone.now())
    good = make_release(title="Bra rubrik", published_at=timezone.now())
    subscriber = make_subscriber(bounce_count=0)
    ids = [
        Delivery.objects.create(release=bad, subscriber=subscriber).pk,
        Delivery.objects.create(release=good, subscriber=subscriber).pk,
    ]
    real_build = Delivery.build_message

    def build(self, renderer):
        if self.release_id == bad.pk:
            raise ValueError("cannot be built")
        return real_build(self, renderer)

    monkeypatch.setattr(Delivery, "build_message", build)
    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert counts["failed"] == 1 and counts["sent"] == 1
    assert [m.subject for m in mail.outbox] == ["Bra rubrik"]
    failed = Delivery.objects.get(pk=ids[0])
    assert failed.status == Status.FAILED and "cannot be built" in failed.error
    subscriber.refresh_from_db()
    assert subscriber.bounce_count == 0 and subscriber.status == Subscriber.Status.ACTIVE


# -- no connection: refused or dropped ---------------------------------------------------------


def test_a_refused_connection_is_retried_soon_and_recorded(
    smtp_outage, make_subscriber, make_release, settings, admin_client
):
    """The SMTP server is down: every row of the batch records the attempt and the error
    and is due again after a short backoff; once the server is back, everything goes."""
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 2
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    subscribers = [make_subscriber(bounce_count=0) for _ in range(5)]
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in subscribers]
    before = timezone.now()

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert counts["sent"] == 0 and counts["retry"] == 2  # the claimed chunk; the rest deferred
    rows = list(Delivery.objects.filter(pk__in=ids))
    assert {(d.status, d.attempts) for d in rows} == {(Status.PENDING, 1)}
    assert all("refused" in d.error.lower() for d in rows)
    due = {d.next_attempt_at for d in rows}
    assert len(due) == 1
    [due] = due
    first_delay = settings.SUBSCRIPTIONS_CONNECT_RETRY_SECONDS
    assert before + dt.timedelta(seconds=first_delay - 1) < due
    assert due < timezone.now() + dt.timedelta(seconds=first_delay + 1)
    assert {
        s.bounce_count for s in Subscriber.objects.filter(pk__in=[s.pk for s in subscribers])
    } == {0}
    # The delivery report shows it.
    report = admin_client.get(reverse("admin:releases_pressrelease_deliveries", args=[release.pk]))
    assert report.status_code == 200 and "refused" in report.content.decode().lower()

    # Still down at the next try: a longer wait, but bounded, and never failed for it.
    for _ in range(settings.SUBSCRIPTIONS_MAX_ATTEMPTS + 1):
        with time_machine.travel(Delivery.objects.get(pk=ids[0]).next_attempt_at):
            services.emails_send_batch(model=Delivery, ids=ids)
    row = Delivery.objects.get(pk=ids[0])
    assert row.status == Status.PENDING
    assert row.attempts == settings.SUBSCRIPTIONS_MAX_ATTEMPTS + 2
    last_try = Delivery.objects.order_by("-next_attempt_at").first().next_attempt_at
    assert last_try - dt.timedelta(seconds=settings.SUBSCRIPTIONS_CONNECT_RETRY_MAX_SECONDS) < (
        timezone.now() + dt.timedelta(days=1)
    )

    inbox = smtp_outage.start()
    with time_machine.travel(row.next_attempt_at + dt.timedelta(seconds=1)):
        counts = services.emails_send_batch(model=Delivery, ids=ids)
    assert counts["sent"] == 5
    assert sorted(m["To"] for m in inbox.messages()) == sorted(s.email for s in subscribers)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_the_connection_backoff_is_short_and_bounded(settings):
    from newsroom.subscriptions.services.outbox import connect_delay

    settings.SUBSCRIPTIONS_CONNECT_RETRY_SECONDS = 10
    settings.SUBSCRIPTIONS_CONNECT_RETRY_MAX_SECONDS = 60
    delays = [connect_delay(n).total_seconds() for n in range(1, 8)]
    assert delays == [10, 20, 40, 60, 60, 60, 60]


class DroppingBackend(LocmemBackend):
    """Accepts one message, then the connection drops."""

    sent = 0

    def send_messages(self, messages):
        if DroppingBackend.sent >= 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        DroppingBackend.sent += 1
        return super().send_messages(messages)


def test_a_dropped_connection_defers_the_rest_of_the_batch(make_subscriber, make_release, settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.test_sending.DroppingBackend"
    DroppingBackend.sent = 0
    subscribers, ids = _deliveries(make_subscriber, make_release, n=3)

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert counts["sent"] == 1 and counts["retry"] == 2
    first, *rest = Delivery.objects.filter(pk__in=ids).order_by("pk")
    assert first.status == Status.SENT
    for row in rest:
        assert row.status == Status.PENDING and row.attempts == 1
        assert "closed" in row.error and row.next_attempt_at > timezone.now()
    for subscriber in subscribers[1:]:
        subscriber.refresh_from_db()
        assert subscriber.bounce_count == 1  # unchanged: not the subscriber's fault
