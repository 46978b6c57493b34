"""The delivery report shows subscribers' addresses and SMTP errors: only those who may read
deliveries open it, and retrying is decided on the release whose deliveries are retried."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions.models import Delivery

pytestmark = pytest.mark.django_db
Status = PressRelease.Status


@pytest.fixture
def published_with_failure(make_release, make_subscriber):
    release = make_release(status=Status.PUBLISHED, published_at=timezone.now())
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
        status=Status.DRAFT, language="en", translation_of=published_with_failure
    )
    page = client.get(_report(translation))
    assert page.status_code == 200
    assert 'name="retry"' not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_report(translation), {"retry": "1"})
    assert response.status_code == 403
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and mail.outbox == []
