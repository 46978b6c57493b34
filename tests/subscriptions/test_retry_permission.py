"""Re-queueing failed emails changes them: view-only staff cannot, from the list or elsewhere."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery, Digest

pytestmark = pytest.mark.django_db
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
    digest = Digest.objects.create(
        subscriber=failed.subscriber,
        frequency="daily",
        period=timezone.now().date(),
        covers_from=timezone.now(),
        covers_until=timezone.now(),
        release_ids=[failed.release_id],
        status=Status.FAILED,
    )
    Digest.objects.create(
        subscriber=gone,
        frequency="daily",
        period=timezone.now().date(),
        covers_from=timezone.now(),
        covers_until=timezone.now(),
        release_ids=[failed.release_id],
        status=Status.FAILED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.emails_retry_failed(queryset=Digest.objects.all()) == 1
        assert services.emails_retry_failed(queryset=Delivery.objects.all()) == 1
    digest.refresh_from_db()
    failed.refresh_from_db()
    assert digest.status == Status.SENT and failed.status == Status.SENT
    assert Digest.objects.get(subscriber=gone).status == Status.FAILED
