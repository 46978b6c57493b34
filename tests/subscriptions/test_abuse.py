"""Bad input and abuse: a clear message, and nothing changed."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsroom.subscriptions.models import Subscriber
from newsroom.subscriptions.tokens import make_token

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    data = {
        "email": "journalist@example.se",
        "language": "sv",
        "frequency": "immediate",
        "topics": "all",
        "consent": "on",
    }
    data.update(overrides)
    return client.post(reverse("subscriptions:subscribe"), data)


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "not-an-address"},
        {"email": "a@example.se\r\nBcc: victim@example.com"},
        {"email": "a@example.se\nSubject: spam"},
        {"language": "sv\r\nBcc: victim@example.com"},
        {"frequency": "hourly"},
        {"topics": "chosen", "tags": ["99999"]},
        {"topics": "chosen", "municipalities": ["9999"]},
        {"topics": "chosen", "counties": ["99"]},
        {"topics": "chosen", "kinds": ["rumour"]},
        {"consent": ""},
    ],
)
def test_invalid_input_changes_nothing(client, overrides, agency):
    response = post(client, **overrides)
    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_line_breaks_get_a_clear_message(client, agency):
    response = post(client, email="a@example.se\nBcc: x@example.com")
    assert response.status_code == 400
    content = response.content.decode()
    assert "E-postadress: Radbrytningar är inte tillåtna här." in content
    assert "Line breaks" not in content


@pytest.mark.parametrize("purpose", ["confirm", "manage", "unsubscribe"])
def test_tampered_links_change_nothing(client, make_subscriber, purpose, agency):
    subscriber = make_subscriber(
        status=Subscriber.Status.PENDING if purpose == "confirm" else "active"
    )
    token = make_token(subscriber, purpose)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for method in (client.get, client.post):
        response = method(reverse(f"subscriptions:{purpose}", kwargs={"token": tampered}))
        assert response.status_code == 400
    other_purpose = "manage" if purpose != "manage" else "confirm"
    response = client.post(reverse(f"subscriptions:{other_purpose}", kwargs={"token": token}))
    assert response.status_code == 400
    before = subscriber.status
    subscriber.refresh_from_db()
    assert subscriber.status == before


def test_expired_confirmation_link(client, make_subscriber, settings, agency):
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    token = make_token(subscriber, "confirm")
    later = timezone.now() + dt.timedelta(days=settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE_DAYS + 1)
    with time_machine.travel(later):
        response = client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "<h1>Länken fungerar inte</h1>" in content and "Länken har gått ut." in content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_rate_limit_per_address(client, settings, django_capture_on_commit_callbacks, agency):
    settings.SUBSCRIPTIONS_RATE_PER_ADDRESS = "2/h"
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(2):
            assert post(client, email="Flood@example.se").status_code == 302
        response = post(client, email=" flood@EXAMPLE.se")
    assert response.status_code == 429
    assert len(mail.outbox) == 2
    # Another address is not limited.
    assert post(client, email="other@example.se").status_code == 302


def test_rate_limit_per_ip(client, settings, agency):
    settings.SUBSCRIPTIONS_RATE_PER_IP = "3/h"
    for n in range(3):
        assert post(client, email=f"person{n}@example.se").status_code == 302
    response = post(client, email="person9@example.se")
    assert response.status_code == 429
    assert not Subscriber.objects.filter(email="person9@example.se").exists()


def test_old_confirmation_link_does_not_undo_an_unsubscribe(client, make_subscriber, agency):
    from newsroom.subscriptions import services

    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    token = make_token(subscriber, "confirm")
    client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    services.subscriber_unsubscribe(subscriber=subscriber)
    response = client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
