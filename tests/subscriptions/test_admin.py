"""The admin: subscribers (filters, counts per topic, erase, who may), a release's delivery
report, retrying failed emails (and who may), "send test email to me"."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery, Digest, Subscriber
from tests.subscriptions.helpers import make_digest

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
        f"?municipality={borlange.code}",
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


Status = Delivery.Status


def _staff(client, *codenames):
    user = User.objects.create_user("personal", "personal@example.se", "x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.fixture
def failed(make_release, make_subscriber):
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    return Delivery.objects.create(
        release=release, subscriber=make_subscriber(), status=Status.FAILED, attempts=5
    )


def _retry(client, delivery, capture):
    with capture(execute=True):
        return client.post(
            reverse("admin:subscriptions_delivery_changelist"),
            {"action": "retry", "_selected_action": [delivery.pk]},
        )


def test_view_only_staff_cannot_retry(client, failed, django_capture_on_commit_callbacks):
    client = _staff(client, "view_delivery")
    changelist = client.get(reverse("admin:subscriptions_delivery_changelist"))
    assert changelist.status_code == 200
    assert 'value="retry"' not in changelist.content.decode()
    _retry(client, failed, django_capture_on_commit_callbacks)
    failed.refresh_from_db()
    assert failed.status == Status.FAILED and mail.outbox == []


def test_staff_who_may_change_deliveries_can_retry(
    client, failed, django_capture_on_commit_callbacks
):
    client = _staff(client, "view_delivery", "change_delivery")
    changelist = client.get(reverse("admin:subscriptions_delivery_changelist"))
    assert 'value="retry"' in changelist.content.decode()
    response = _retry(client, failed, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.SENT and len(mail.outbox) == 1


def test_retry_service_takes_deliveries_or_digests(
    make_subscriber, failed, django_capture_on_commit_callbacks
):
    gone = make_subscriber(status="unsubscribed")
    digest = make_digest(failed.subscriber, [failed.release], status=Status.FAILED)
    make_digest(gone, [failed.release], status=Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.emails_retry_failed(queryset=Digest.objects.all()) == 1
        assert services.emails_retry_failed(queryset=Delivery.objects.all()) == 1
    digest.refresh_from_db()
    failed.refresh_from_db()
    assert digest.status == Status.SENT and failed.status == Status.SENT
    assert Digest.objects.get(subscriber=gone).status == Status.FAILED


def test_admin_cannot_add_the_same_person_twice(admin_client, make_subscriber):
    make_subscriber(email="journalist@example.se")
    response = admin_client.post(
        reverse("admin:subscriptions_subscriber_add"),
        {
            "email": "Journalist@Example.SE",
            "language": "sv",
            "frequency": "immediate",
            "all_topics": "on",
            "kind_topics-TOTAL_FORMS": "0",
            "kind_topics-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert Subscriber.objects.count() == 1


def test_admin_saves_the_normal_form(admin_client, agency):
    admin_client.post(
        reverse("admin:subscriptions_subscriber_add"),
        {
            "email": "Ny@Example.SE",
            "language": "sv",
            "frequency": "immediate",
            "all_topics": "on",
            "kind_topics-TOTAL_FORMS": "0",
            "kind_topics-INITIAL_FORMS": "0",
        },
    )
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ny@example.se"]


# What the subscriber agreed to and when: evidence, so never edited in the admin.
CONSENT_AND_HISTORY = {
    "consent_text",
    "consent_version",
    "consented_at",
    "confirmed_at",
    "unsubscribed_at",
    "erased_at",
}


def test_consent_and_history_are_read_only_in_the_admin(admin_client, make_subscriber):
    model_admin = admin.site._registry[Subscriber]
    with translation.override("en"):
        fieldsets = {str(name): options for name, options in model_admin.fieldsets}
    shown = list(fieldsets["Consent and history"]["fields"])
    assert set(shown) >= CONSENT_AND_HISTORY
    assert set(model_admin.readonly_fields) == {"status", *shown}
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
    # A Message-ID of its own, never one a delivery could have.
    assert "newsroom.delivery" not in english.extra_headers["Message-ID"]
    assert english.extra_headers["Message-ID"] != swedish.extra_headers["Message-ID"]


def test_retry_failed_from_the_admin_service(
    make_subscriber, fresh_release, flaky_smtp, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber(email="ibland@example.se")
    flaky_smtp["ibland@example.se"] = {"code": 554, "times": 1}
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=subscriber)
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    assert Delivery.objects.get().status == Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        assert services.emails_retry_failed(queryset=Delivery.objects.filter(release=release)) == 1
    assert Delivery.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


@pytest.fixture
def published_with_failure(make_release, make_subscriber):
    release = make_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    Delivery.objects.create(
        release=release,
        subscriber=make_subscriber(email="studsar@example.se"),
        status=Delivery.Status.FAILED,
        attempts=5,
        error="550 no such user",
    )
    return release


def _report(release):
    return reverse("admin:releases_pressrelease_deliveries", args=[release.pk])


def test_a_press_officer_cannot_open_a_delivery_report(officer_client, published_with_failure):
    response = officer_client.get(_report(published_with_failure))
    assert response.status_code == 403
    assert b"studsar@example.se" not in response.content
    change = officer_client.get(
        reverse("admin:releases_pressrelease_change", args=[published_with_failure.pk])
    )
    assert change.status_code == 200
    assert _report(published_with_failure) not in change.content.decode()


def test_an_editor_reads_the_report_and_sees_the_button(editor_client, published_with_failure):
    change = editor_client.get(
        reverse("admin:releases_pressrelease_change", args=[published_with_failure.pk])
    )
    assert _report(published_with_failure) in change.content.decode()
    response = editor_client.get(_report(published_with_failure))
    assert response.status_code == 200
    assert "studsar@example.se" in response.content.decode()
    assert 'name="retry"' in response.content.decode()


def test_retrying_through_a_draft_translation_is_decided_on_the_published_original(
    client, published_with_failure, make_release, django_capture_on_commit_callbacks
):
    # Staff who may read and retry deliveries and edit drafts, but not published releases.
    user = User.objects.create_user("kontor", "kontor@example.se", "x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_delivery", "change_delivery", "view_pressrelease"]
        )
        | Permission.objects.filter(codename="change_pressrelease")
    )
    client.force_login(user)
    translation = make_release(
        status=PressRelease.Status.DRAFT, language="en", translation_of=published_with_failure
    )
    page = client.get(_report(translation))
    assert page.status_code == 200
    assert 'name="retry"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_report(translation), {"retry": "1"})
    assert response.status_code == 403
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and mail.outbox == []
