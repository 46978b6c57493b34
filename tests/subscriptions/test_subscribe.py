"""Subscribing through the pages: double opt-in, no duplicates, no disclosure, manage."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from taggit.models import Tag

from newsroom.subscriptions.models import Subscriber

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


def test_subscribe_box_posts_to_the_subscribe_view(client, subscribe, agency):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    html = render_to_string("subscriptions/includes/subscribe_box.html", request=request)
    assert 'name="email"' in html and 'name="consent"' in html
    assert reverse("subscriptions:subscribe") in html
    response = subscribe()  # the box's fields are the full form's defaults
    assert response.status_code == 302


def test_the_subscribe_form_offers_no_tag_that_only_non_public_releases_use(
    client, agency, make_release
):
    make_release(tags=["öppet-ämne"])
    make_release(tags=["hemligt-ämne"], status="draft")
    page = client.get("/sv/subscribe/").content.decode()
    assert "öppet-ämne" in page
    assert "hemligt-ämne" not in page
