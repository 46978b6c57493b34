"""Fixtures for subscriptions: subscribers, a flaky SMTP stand-in, a real SMTP server."""

import itertools
import smtplib
import socket
import threading

import pytest
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published
from newsroom.subscriptions.models import Announcement, Subscriber, SubscriberKind

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_subscriber(db):
    def make(*, tags=(), municipalities=(), counties=(), kinds=(), **fields):
        fields.setdefault("email", f"prenumerant{next(_seq)}@example.se")
        fields.setdefault("status", Subscriber.Status.ACTIVE)
        fields.setdefault("language", "sv")
        fields.setdefault("consent_version", "test")
        fields.setdefault("consented_at", timezone.now())
        if fields["status"] == Subscriber.Status.ACTIVE:
            fields.setdefault("confirmed_at", timezone.now())
            fields.setdefault("digest_since", fields["confirmed_at"])
        fields.setdefault("all_topics", not (tags or municipalities or counties or kinds))
        subscriber = Subscriber.objects.create(**fields)
        subscriber.tags.set(tags)
        subscriber.municipalities.set(municipalities)
        subscriber.counties.set(counties)
        for kind in kinds:
            SubscriberKind.objects.create(subscriber=subscriber, kind=kind)
        return subscriber

    return make


class FlakyBackend(LocmemBackend):
    """locmem, but refusing recipients as the test says: {address: (code, message)}.

    A code below 500 is a temporary failure; `times` limits how often it happens.
    """

    refusals = {}

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                rule = self.refusals.get(address)
                if rule and rule.get("times", 1) > 0:
                    rule["times"] = rule.get("times", 1) - 1
                    raise smtplib.SMTPRecipientsRefused({address: (rule["code"], b"refused")})
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.subscriptions.conftest.FlakyBackend"
    FlakyBackend.refusals = {}
    yield FlakyBackend.refusals
    FlakyBackend.refusals = {}


class Inbox:
    """What a real SMTP server on 127.0.0.1 received (aiosmtpd)."""

    def __init__(self):
        self.envelopes = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        import email
        from email import policy

        with self.lock:
            return [
                email.message_from_bytes(e.original_content, policy=policy.default)
                for e in self.envelopes
            ]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend delivers to."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Make a release public and send the signal, as the editorial service does."""

    def do(release, *, first_publication=True):
        with django_capture_on_commit_callbacks(execute=True):
            release.status = PressRelease.Status.PUBLISHED
            release.save()
            release_published.send(
                sender=PressRelease, release=release, first_publication=first_publication
            )
        return release

    return do


@pytest.fixture
def fresh_release(make_release):
    def make(**fields):
        fields.setdefault("status", PressRelease.Status.DRAFT)
        return make_release(**fields)

    return make


@pytest.fixture
def announced(make_release):
    def make(when, **fields):
        fields.setdefault("published_at", when)
        release = make_release(**fields)
        Announcement.objects.create(release=release, announced_at=when)
        return release

    return make


@pytest.fixture
def smtp_outage(settings):
    """Django's SMTP backend pointed at a port on 127.0.0.1 where nothing listens (yet):
    `smtp_outage.start()` brings a real SMTP server up there and returns its Inbox."""
    from aiosmtpd.controller import Controller

    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    controllers = []

    class Outage:
        def start(self):
            inbox = Inbox()
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            controllers.append(controller)
            return inbox

    try:
        yield Outage()
    finally:
        for controller in controllers:
            controller.stop()
