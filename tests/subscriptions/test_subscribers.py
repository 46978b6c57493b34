"""Subscribing and managing a subscription: double opt-in, no duplicates, no disclosure,
the normal form of an address, preferences, signed links, bad input and rate limits."""

import datetime as dt
import json
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from newsroom.subscriptions import services
from newsroom.subscriptions.forms import SubscribeForm
from newsroom.subscriptions.models import Subscriber
from newsroom.subscriptions.services import Preferences
from newsroom.subscriptions.tokens import make_token
from tests.html import parse

from .helpers import link_in

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "email": "journalist@example.se",
        "language": "sv",
        "frequency": "immediate",
        "topics": "all",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("subscriptions:subscribe"), form_data(**overrides))

    return post


def test_subscribe_page_links_the_privacy_notice(client, agency):
    response = client.get(reverse("subscriptions:subscribe"))
    assert response.status_code == 200
    assert reverse("subscriptions:privacy").encode() in response.content
    assert client.get(reverse("subscriptions:privacy")).status_code == 200


def test_double_opt_in(client, subscribe, agency):
    response = subscribe()
    assert response.status_code == 302
    assert response.url == reverse("subscriptions:sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    # The consent is recorded in the words the subscriber read: Swedish on a Swedish page.
    assert subscriber.consent_text.startswith(
        "Jag vill få pressmeddelanden från pressrummet via e-post och samtycker till"
    )
    assert subscriber.consent_version and subscriber.consented_at
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["journalist@example.se"]
    assert confirmation.subject.startswith("Bekräfta din prenumeration på pressmeddelanden från")
    assert "Bekräfta prenumerationen genom att öppna länken:" in confirmation.body
    assert "List-Unsubscribe" in confirmation.extra_headers

    url = link_in(confirmation, "confirm")
    page = client.get(url)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING  # a GET (a link scanner) is not enough
    response = client.post(url)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.confirmed_at


def test_same_address_again_makes_no_duplicate_and_reveals_nothing(client, subscribe, agency):
    first = subscribe(email="Journalist@Example.se")
    again_pending = subscribe(email="  JOURNALIST@example.se ")
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "journalist@example.se"
    assert [m.subject for m in mail.outbox][0] == mail.outbox[1].subject  # confirmation again
    Subscriber.objects.update(status=Subscriber.Status.ACTIVE)
    mail.outbox.clear()
    again_active = subscribe(email="journalist@example.se", frequency="weekly")
    assert Subscriber.objects.count() == 1
    # An active subscriber's choices are not changed from the public form…
    assert Subscriber.objects.get().frequency == "immediate"
    # …they get a link to manage them instead.
    assert len(mail.outbox) == 1 and link_in(mail.outbox[0], "manage")
    # The pages are the same whatever the address's state.
    pages = [client.get(r.url).content for r in (first, again_pending, again_active)]
    assert first.url == again_pending.url == again_active.url
    assert pages[0] == pages[1] == pages[2]


def test_manage_through_the_signed_link(client, make_subscriber, reference_data, agency):
    subscriber = make_subscriber(email="ida@example.se")
    from newsroom.subscriptions.tokens import make_token

    url = reverse("subscriptions:manage", kwargs={"token": make_token(subscriber, "manage")})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "language": "en",
            "frequency": "weekly",
            "topics": "chosen",
            "kinds": ["news"],
            "counties": ["20"],
            "municipalities": ["2081"],
        },
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.frequency, subscriber.all_topics) == (
        "en",
        "weekly",
        False,
    )
    assert subscriber.kinds == ["news"]
    assert [c.code for c in subscriber.counties.all()] == ["20"]
    assert [m.code for m in subscriber.municipalities.all()] == ["2081"]

    data = client.get(
        reverse("subscriptions:download", kwargs={"token": make_token(subscriber, "manage")})
    )
    assert data["Content-Type"] == "application/json"
    exported = json.loads(data.content)
    assert exported["email"] == "ida@example.se"
    assert exported["topics"]["counties"] == ["Dalarnas län"]
    assert exported["consent"]["version"] == "test"


def test_chosen_topics_need_at_least_one(subscribe):
    response = subscribe(topics="chosen")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Välj minst en typ, en tagg, ett län eller en kommun att följa." in content
    assert "Choose at least one" not in content
    assert not Subscriber.objects.exists()


def test_tag_choices_are_those_in_use(client, make_release):
    make_release(tags=["integration"])
    Tag.objects.create(name="oanvänd", slug="oanvand")
    response = client.get(reverse("subscriptions:subscribe"))
    assert b"integration" in response.content and "oanvänd" not in response.content.decode()


def test_one_click_unsubscribe_post_without_csrf(make_subscriber, agency):
    from django.test import Client

    from newsroom.subscriptions.tokens import make_token

    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    url = reverse(
        "subscriptions:unsubscribe", kwargs={"token": make_token(subscriber, "unsubscribe")}
    )
    page = client.get(url)
    assert page.status_code == 200 and b"<form" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at


def test_subscribe_box_leads_to_the_subscribe_page_with_the_address(client, agency):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    html = render_to_string("subscriptions/includes/subscribe_box.html", request=request)
    # A GET form without a token: the page that shows the box sets no cookie.
    assert 'method="get"' in html and 'name="email"' in html
    assert "csrfmiddlewaretoken" not in html
    assert f'action="{reverse("subscriptions:subscribe")}"' in html
    page = client.get(reverse("subscriptions:subscribe"), {"email": "lasare@example.se"})
    content = page.content.decode()
    assert 'value="lasare@example.se"' in content and 'name="csrfmiddlewaretoken"' in content


def test_the_subscribe_form_offers_no_tag_that_only_non_public_releases_use(
    client, agency, make_release
):
    make_release(tags=["öppet-ämne"])
    make_release(tags=["hemligt-ämne"], status="draft")
    page = client.get("/sv/subscribe/").content.decode()
    assert "öppet-ämne" in page
    assert "hemligt-ämne" not in page


DOTTED_I = "a@" + "\u0130" * 32 + ".se"


def test_an_address_invalid_once_lower_cased_is_a_form_error(client, agency):
    response = client.post(reverse("subscriptions:subscribe"), form_data(email=DOTTED_I))
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not Subscriber.objects.exists()


def test_the_form_stores_the_normal_form(agency):
    form = SubscribeForm(form_data(email="  Journalist@Example.SE "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "journalist@example.se"


def test_a_validation_error_from_the_service_shows_the_form(client, agency):
    with mock.patch.object(
        services, "subscriber_request", side_effect=ValidationError({"email": ["bad"]})
    ):
        response = client.post(reverse("subscriptions:subscribe"), form_data())
    assert response.status_code == 400
    assert response.context["form"].errors["email"]


def test_save_stores_the_normal_form(make_subscriber):
    subscriber = make_subscriber(email="  Journalist@Example.SE ")
    subscriber.refresh_from_db()
    assert subscriber.email == "journalist@example.se"


def test_full_clean_refuses_the_same_address_in_other_case(make_subscriber):
    make_subscriber(email="journalist@example.se")
    with pytest.raises(ValidationError) as caught:
        Subscriber(email="Journalist@Example.SE").full_clean(exclude=["key"])
    assert "email" in caught.value.message_dict


def test_request_and_update_save_preferences_alike(borlange, county, make_subscriber):
    assert (
        services.subscriber_request(
            email="ny@example.se",
            consent_text="Ja.",
            preferences=Preferences(
                language="en",
                frequency="weekly",
                all_topics=False,
                municipalities=[borlange],
                kinds=["news", "news"],
            ),
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
        subscriber=subscriber,
        preferences=Preferences(
            language="sv", frequency="daily", all_topics=False, counties=[county]
        ),
    )
    updated.refresh_from_db()
    assert (updated.language, updated.frequency) == ("sv", "daily")
    assert list(updated.counties.all()) == [county] and not updated.municipalities.exists()
    assert updated.kinds == []

    # "Everything" clears the chosen topics, whatever was sent along.
    services.subscriber_update(
        subscriber=updated,
        preferences=Preferences(
            language="sv", frequency="daily", all_topics=True, counties=[county]
        ),
    )
    assert not updated.counties.exists()

    # Both validate: nothing is saved from a bad value.
    for call in (
        lambda: services.subscriber_request(
            email="fel@example.se",
            consent_text="",
            preferences=Preferences.everything(language="xx", frequency="daily"),
        ),
        lambda: services.subscriber_update(
            subscriber=updated,
            preferences=Preferences.everything(language="sv", frequency="hourly"),
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    updated.refresh_from_db()
    assert updated.frequency == "daily"


def post(client, **overrides):
    return client.post(reverse("subscriptions:subscribe"), form_data(**overrides))


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
    page = parse(response, status=400)
    assert page.h1.get_text() == "Länken fungerar inte" and "Länken har gått ut." in page.get_text()
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
    subscriber = make_subscriber(status=Subscriber.Status.PENDING)
    token = make_token(subscriber, "confirm")
    client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    services.subscriber_unsubscribe(subscriber=subscriber)
    response = client.post(reverse("subscriptions:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


OUT_OF_RANGE = ["99999999999999999999999", "-99999999999999999999999", str(2**63), "1e5", "٣"]


@pytest.mark.parametrize("tag_id", OUT_OF_RANGE)
def test_an_out_of_range_tag_id_on_the_subscribe_form_is_a_form_error(client, agency, tag_id):
    response = client.post(
        reverse("subscriptions:subscribe"), form_data(topics="chosen", tags=[tag_id])
    )
    assert response.status_code == 400
    assert response.context["form"].errors["tags"]
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("tag_id", OUT_OF_RANGE)
def test_an_out_of_range_tag_id_on_the_manage_form_is_a_form_error(
    client, agency, make_subscriber, tag_id
):
    subscriber = make_subscriber()
    url = reverse("subscriptions:manage", kwargs={"token": make_token(subscriber, "manage")})
    response = client.post(
        url, {"language": "sv", "frequency": "weekly", "topics": "chosen", "tags": [tag_id]}
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["tags"]
    subscriber.refresh_from_db()
    assert subscriber.all_topics and subscriber.frequency != "weekly"


@pytest.mark.parametrize(
    "field, value", [("counties", "20\x00"), ("municipalities", "2081\x00"), ("tags", "1\x00")]
)
def test_a_nul_byte_in_a_chosen_topic_is_a_form_error(client, agency, borlange, field, value):
    # PostgreSQL refuses NUL in a text parameter: it must not reach the query.
    response = client.post(
        reverse("subscriptions:subscribe"), form_data(topics="chosen", **{field: [value]})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Subscriber.objects.exists()
