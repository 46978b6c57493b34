"""Pins what the refactors of item 5 must keep: preferences from the public form and the
manage page are validated and saved alike, the admin keeps the consent history read-only,
and "send test email to me" sends the email a subscriber of its language would get."""

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Subscriber

pytestmark = pytest.mark.django_db


def test_request_and_update_save_preferences_alike(borlange, county, make_subscriber):
    assert (
        services.subscriber_request(
            email="ny@example.se",
            language="en",
            frequency="weekly",
            all_topics=False,
            consent_text="Ja.",
            municipalities=[borlange],
            kinds=["news", "news"],
        )
        == "confirm"
    )
    subscriber = Subscriber.objects.get(email="ny@example.se")
    assert (subscriber.language, subscriber.frequency, subscriber.all_topics) == (
        "en",
        "weekly",
        False,
    )
    assert list(subscriber.municipalities.all()) == [borlange] and subscriber.kinds == ["news"]

    updated = services.subscriber_update(
        subscriber=subscriber, language="sv", frequency="daily", all_topics=False, counties=[county]
    )
    updated.refresh_from_db()
    assert (updated.language, updated.frequency) == ("sv", "daily")
    assert list(updated.counties.all()) == [county] and not updated.municipalities.exists()
    assert updated.kinds == []

    # "Everything" clears the chosen topics, whatever was sent along.
    services.subscriber_update(
        subscriber=updated, language="sv", frequency="daily", all_topics=True, counties=[county]
    )
    assert not updated.counties.exists()

    # Both validate: nothing is saved from a bad value.
    for call in (
        lambda: services.subscriber_request(
            email="fel@example.se",
            language="xx",
            frequency="daily",
            all_topics=True,
            consent_text="",
        ),
        lambda: services.subscriber_update(
            subscriber=updated, language="sv", frequency="hourly", all_topics=True
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    updated.refresh_from_db()
    assert updated.frequency == "daily"


HISTORY = [
    "consent_text",
    "consent_version",
    "consented_at",
    "created_at",
    "requested_at",
    "confirmed_at",
    "digest_since",
    "unsubscribed_at",
    "erased_at",
    "bounce_count",
]


def test_consent_and_history_are_read_only_in_the_admin(admin_client, make_subscriber):
    model_admin = admin.site._registry[Subscriber]
    with translation.override("en"):
        fieldsets = {str(name): options for name, options in model_admin.fieldsets}
    assert list(fieldsets["Consent and history"]["fields"]) == HISTORY
    assert set(model_admin.readonly_fields) == {"status", *HISTORY}
    subscriber = make_subscriber()
    response = admin_client.get(
        reverse("admin:subscriptions_subscriber_change", args=[subscriber.pk])
    )
    assert response.status_code == 200
    assert 'name="consent_text"' not in response.content.decode()


def test_send_test_email_of_a_draft_translation(admin_user, make_release, agency):
    original = make_release(title="Utkast", language="sv", status=PressRelease.Status.DRAFT)
    translation = make_release(
        title="Draft",
        lead="A lead.",
        language="en",
        translation_of=original,
        slug="draft-test",
        status=PressRelease.Status.DRAFT,
    )
    services.release_send_test(release=translation, email="redaktor@example.se")
    services.release_send_test(release=original, email="redaktor@example.se")
    english, swedish = mail.outbox
    assert english.to == ["redaktor@example.se"]
    assert english.subject == "Draft" and "A lead." in english.body
    assert "only available" not in english.body
    assert swedish.subject == "Utkast"
    assert agency.name in english.from_email
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Message-ID" not in english.extra_headers
