"""One message that cannot be built (a newline in a header) fails alone; the batch goes on."""

import pytest
from django.core import mail
from django.utils import timezone

from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db
Status = Delivery.Status


def test_a_newline_in_a_title_fails_that_delivery_only(make_subscriber, make_release):
    bad = make_release(title="Rubrik\nBcc: someone@example.com", published_at=timezone.now())
    good = make_release(title="Bra rubrik", published_at=timezone.now())
    subscriber = make_subscriber(bounce_count=0)
    ids = [
        Delivery.objects.create(release=bad, subscriber=subscriber).pk,
        Delivery.objects.create(release=good, subscriber=subscriber).pk,
    ]

    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert counts["failed"] == 1 and counts["sent"] == 1
    assert [m.subject for m in mail.outbox] == ["Bra rubrik"]
    failed = Delivery.objects.get(pk=ids[0])
    assert failed.status == Status.FAILED and failed.error
    assert Delivery.objects.get(pk=ids[1]).status == Status.SENT
    subscriber.refresh_from_db()
    assert subscriber.bounce_count == 0 and subscriber.status == Subscriber.Status.ACTIVE
