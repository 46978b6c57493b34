"""Who handles subscribers in the admin: editors do, press officers never see them."""

import pytest
from django.urls import reverse

from newsroom.subscriptions.models import Subscriber

CHANGELIST = reverse("admin:subscriptions_subscriber_changelist")


def test_an_editor_sees_subscribers_and_erases_one_on_request(editor_client, make_subscriber):
    subscriber = make_subscriber(email="begaran@example.se")
    assert editor_client.get(CHANGELIST).status_code == 200
    response = editor_client.post(
        CHANGELIST, {"action": "erase", "_selected_action": [subscriber.pk]}
    )
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="begaran@example.se").exists()


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        reverse("admin:subscriptions_delivery_changelist"),
        reverse("admin:subscriptions_digest_changelist"),
    ],
)
def test_a_press_officer_never_sees_subscribers_or_their_email(officer_client, db, url):
    assert officer_client.get(url).status_code == 403


def test_a_press_officer_cannot_erase_or_unsubscribe_by_a_crafted_post(
    officer_client, make_subscriber
):
    subscriber = make_subscriber(email="kvar@example.se")
    for action in ("erase", "unsubscribe"):
        officer_client.post(CHANGELIST, {"action": action, "_selected_action": [subscriber.pk]})
    subscriber.refresh_from_db()
    assert subscriber.email == "kvar@example.se"
    assert subscriber.status == Subscriber.Status.ACTIVE
