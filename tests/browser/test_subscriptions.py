"""Subscribing in a real browser, with an accessibility audit of each subscription page."""

import pytest
from django.core import mail

from newsroom.subscriptions.models import Subscriber
from newsroom.subscriptions.tokens import make_token

pytestmark = pytest.mark.django_db(transaction=True)


HEADINGS = {
    "sv": ("Prenumerera på våra pressmeddelanden", "Det finns ett problem"),
    "en": ("Subscribe to our releases", "There is a problem"),
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_subscribe_page_and_its_errors_pass_axe(page, live_server, agency, axe_audit, language):
    heading, problem = HEADINGS[language]
    page.goto(f"{live_server.url}/{language}/subscribe/")
    assert page.locator("h1").inner_text() == heading
    axe_audit(page)
    page.locator(".subscription-form button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#error-summary-title").inner_text() == problem
    axe_audit(page)


def test_subscribe_by_keyboard_and_pointer(page, live_server, agency, reference_data, axe_audit):
    page.goto(f"{live_server.url}/en/subscribe/")
    page.get_by_label("Email address", exact=True).fill("browser@example.se")
    page.get_by_label("Only what I choose below").check()
    page.get_by_label("News", exact=True).check()
    page.get_by_label("Municipalities").select_option(label="Borlänge")
    page.get_by_label("I want to receive").check()
    page.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Check your inbox"
    axe_audit(page)
    subscriber = Subscriber.objects.get()
    assert subscriber.kinds == ["news"] and not subscriber.all_topics
    assert mail.outbox == [] or mail.outbox[0].to == ["browser@example.se"]


def test_manage_and_unsubscribe_pages_pass_axe(page, live_server, agency, axe_audit):
    subscriber = Subscriber.objects.create(
        email="hantera@example.se", language="en", status=Subscriber.Status.ACTIVE
    )
    page.goto(f"{live_server.url}/en/subscribe/manage/{make_token(subscriber, 'manage')}/")
    assert page.locator("h1").inner_text() == "Your subscription"
    axe_audit(page)
    page.goto(
        f"{live_server.url}/en/subscribe/unsubscribe/{make_token(subscriber, 'unsubscribe')}/"
    )
    axe_audit(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert page.locator("h1").inner_text() == "You are unsubscribed"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    page.goto(f"{live_server.url}/en/subscribe/privacy/")
    axe_audit(page)


def test_the_home_page_box_leads_to_the_subscribe_page_with_the_address(
    page, live_server, agency, axe_audit
):
    page.goto(f"{live_server.url}/en/")
    box = page.locator(".subscribe-box")
    box.get_by_label("Email address").fill("fran-rutan@example.se")
    box.get_by_role("button", name="Subscribe").click()
    assert page.locator("h1").inner_text() == "Subscribe to our releases"
    assert page.get_by_label("Email address", exact=True).input_value() == "fran-rutan@example.se"
    page.get_by_label("I want to receive").check()
    page.locator(".subscription-form button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert Subscriber.objects.get().email == "fran-rutan@example.se"
