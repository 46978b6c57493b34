"""A release withdrawn after its announcement: the deliveries still queued are cancelled."""

import pytest
from django.core import mail
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import emails, services
from newsroom.subscriptions.models import Delivery

pytestmark = pytest.mark.django_db
Status = Delivery.Status


def _withdraw(release):
    PressRelease.objects.filter(pk=release.pk).update(
        status=PressRelease.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )


def test_withdrawn_release_is_not_sent(make_subscriber, make_release):
    release = make_release(language="sv", published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    _withdraw(release)

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert mail.outbox == []
    assert counts["cancelled"] == 3 and counts["sent"] == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_withdrawn_original_with_a_public_translation_sends_the_translation(
    make_subscriber, make_release
):
    original = make_release(title="Besök", language="sv", published_at=timezone.now())
    make_release(
        title="Visit",
        language="en",
        translation_of=original,
        slug="visit-w",
        published_at=timezone.now(),
    )
    delivery = Delivery.objects.create(release=original, subscriber=make_subscriber(language="sv"))
    _withdraw(original)

    services.emails_send_batch(model=Delivery, ids=[delivery.pk])

    assert [m.subject for m in mail.outbox] == ["Visit"]


def test_version_for_gives_nothing_when_no_version_is_public(make_release):
    release = make_release(language="sv")
    _withdraw(release)
    assert emails.version_for(release, "sv") == (None, False)
    assert emails.version_for(release, "sv", public_only=False)[0] == release
