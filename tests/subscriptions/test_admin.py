"""The admin: subscribers (filters, counts per topic, erase), a release's delivery report,
retrying failed deliveries, and "send test email to me" on a draft."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db


def test_subscriber_list_filters_and_topic_counts(admin_client, make_subscriber, borlange, county):
    make_subscriber(email="alla@example.se")
    make_subscriber(email="borlange@example.se", municipalities=[borlange], kinds=["news"])
    make_subscriber(email="vantar@example.se", status=Subscriber.Status.PENDING)
    url = reverse("admin:subscriptions_subscriber_changelist")
    for query in [
        "?status__exact=active",
        "?frequency__exact=daily",
        "?kind=news",
        f"?municipalities__code__exact={borlange.code}",
        "?q=borlange",
    ]:
        response = admin_client.get(url + query)
        assert response.status_code == 200
    assert "borlange@example.se" in admin_client.get(url + "?kind=news").content.decode()
    assert "alla@example.se" not in admin_client.get(url + "?kind=news").content.decode()
    counts = admin_client.get(reverse("admin:subscriptions_subscriber_topics"))
    content = counts.content.decode()
    assert counts.status_code == 200
    assert "Borlänge" in content and "Dalarnas" not in content


def test_admin_erases_a_subscriber_on_request(admin_client, make_subscriber):
    subscriber = make_subscriber(email="begaran@example.se")
    response = admin_client.post(
        reverse("admin:subscriptions_subscriber_changelist"),
        {"action": "erase", "_selected_action": [subscriber.pk]},
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.email is None and subscriber.status == Subscriber.Status.ERASED


def test_release_change_form_has_the_buttons(admin_client, make_release):
    release = make_release(status=PressRelease.Status.DRAFT)
    response = admin_client.get(reverse("admin:releases_pressrelease_change", args=[release.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("admin:releases_pressrelease_deliveries", args=[release.pk]) in content
    assert reverse("admin:releases_pressrelease_send_test_email", args=[release.pk]) in content


def test_send_test_email_to_me_on_a_draft(admin_client, admin_user, make_release, make_subscriber):
    make_subscriber()
    admin_user.email = "redaktor@example.se"
    admin_user.save()
    release = make_release(status=PressRelease.Status.DRAFT, title="Utkast", lead="Ingress.")
    response = admin_client.post(
        reverse("admin:releases_pressrelease_send_test_email", args=[release.pk])
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["redaktor@example.se"]
    assert message.subject == "Utkast" and "Ingress." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Delivery.objects.exists()
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT

    # The same as a changelist action.
    admin_client.post(
        reverse("admin:releases_pressrelease_changelist"),
        {"action": "send_test_email", "_selected_action": [release.pk]},
    )
    assert len(mail.outbox) == 2


def test_delivery_report_and_retry(
    admin_client, make_release, make_subscriber, django_capture_on_commit_callbacks
):
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    sent, failed = make_subscriber(), make_subscriber(email="studsar@example.se")
    Delivery.objects.create(release=release, subscriber=sent, status="sent", attempts=1)
    Delivery.objects.create(
        release=release, subscriber=failed, status="failed", attempts=5, error="421 try later"
    )
    url = reverse("admin:releases_pressrelease_deliveries", args=[release.pk])
    response = admin_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "421 try later" in content and "studsar@example.se" in content
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"retry": "1"})
    assert response.status_code == 302
    assert Delivery.objects.get(subscriber=failed).status == Delivery.Status.SENT
    assert [m.to for m in mail.outbox] == [["studsar@example.se"]]
