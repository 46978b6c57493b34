"""Unsubscribing or erasing stops mail the batch has already claimed."""

import pytest
from django.core import mail
from django.utils import timezone

from newsroom.subscriptions import services
from newsroom.subscriptions.models import Delivery

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.mark.parametrize("leave", [services.subscriber_unsubscribe, services.subscriber_erase])
def test_leaving_after_the_claim_stops_the_claimed_email(
    leave, make_subscriber, make_release, monkeypatch, settings
):
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 10
    release = make_release(published_at=timezone.now())
    leaving, staying = make_subscriber(), make_subscriber()
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in (leaving, staying)]
    real_claim = services._claim

    def claim_then_leave(model, chunk, limit):
        rows = real_claim(model, chunk, limit)
        if rows:
            leave(subscriber=leaving)  # between the claim and the send
        return rows

    monkeypatch.setattr(services, "_claim", claim_then_leave)
    counts = services.emails_send_batch(model=Delivery, ids=ids)

    assert [m.to for m in mail.outbox] == [[staying.email]]
    assert counts["sent"] == 1 and counts["cancelled"] == 1
    assert Delivery.objects.get(subscriber=leaving).status == Status.CANCELLED


def test_unsubscribe_cancels_a_claimed_row_and_sent_does_not_override_it(
    make_subscriber, make_release
):
    subscriber = make_subscriber()
    delivery = Delivery.objects.create(release=make_release(), subscriber=subscriber)
    [row] = services._claim(Delivery, [delivery.pk], 10)
    services.subscriber_unsubscribe(subscriber=subscriber)
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED
    services._mark_sent(row, "<x@example.se>")
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED
