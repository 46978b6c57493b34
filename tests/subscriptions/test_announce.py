"""Announcing a release: who matches, what notifies, once only, in the reader's language."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Announcement, Delivery, Subscriber

pytestmark = pytest.mark.django_db
Status = Delivery.Status


def test_matching_by_topics_kinds_and_county(
    make_subscriber, fresh_release, borlange, county, reference_data
):
    falun = borlange.county.municipalities.exclude(pk=borlange.pk).first()
    release = fresh_release(tags=["integration"], municipalities=[borlange], kind="news")
    from taggit.models import Tag

    integration = Tag.objects.get(name="integration")
    other_tag = Tag.objects.create(name="bostäder", slug="bostader")
    everything = make_subscriber()
    by_tag = make_subscriber(tags=[integration])
    by_municipality = make_subscriber(municipalities=[borlange])
    by_county = make_subscriber(counties=[county])
    by_kind_only = make_subscriber(kinds=["news"])
    tag_and_kind = make_subscriber(tags=[integration], kinds=["news"])
    wrong_kind = make_subscriber(kinds=["statement"])
    tag_wrong_kind = make_subscriber(tags=[integration], kinds=["press_release"])
    other_topic = make_subscriber(tags=[other_tag], municipalities=[falun])
    make_subscriber(status=Subscriber.Status.PENDING)
    make_subscriber(status=Subscriber.Status.UNSUBSCRIBED)

    matched = set(Subscriber.objects.matching([release]))

    assert matched == {everything, by_tag, by_municipality, by_county, by_kind_only, tag_and_kind}
    assert not matched & {wrong_kind, tag_wrong_kind, other_topic}

    # The digests' Python twin of the rule (`Topics.matches`) agrees, with a translation that
    # adds a kind and a county of its own to the group.
    from newsroom.subscriptions.services.digests import _release_topics, _subscriber_topics

    fresh_release(
        language="en", translation_of=release, slug="t", kind="statement", municipalities=[falun]
    )
    group = Subscriber.objects.matching(release.translation_group())
    active = list(Subscriber.objects.active())
    topics = _subscriber_topics(active)
    [release_topics] = _release_topics({release.pk}).values()
    assert {s for s in active if topics[s.pk].matches(release_topics)} == set(group)
    assert wrong_kind in set(group)  # the translation is a statement


def test_publication_sends_one_email_per_matching_subscriber(
    make_subscriber, fresh_release, publish, agency
):
    alice = make_subscriber(email="alice@example.se")
    make_subscriber(frequency=Subscriber.Frequency.DAILY)
    make_subscriber(status=Subscriber.Status.PENDING)
    release = fresh_release(title="Stöd till 32 kommuner", lead="Regeringen har beslutat.")

    publish(release)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.se"]
    assert message.subject == "Stöd till 32 kommuner"
    assert "Regeringen har beslutat." in message.body
    assert release.get_absolute_url() in message.body
    # The subscriber chose Swedish: the email around the release is Swedish too.
    assert "Läs hela pressmeddelandet: http" in message.body
    assert "Du får det här mejlet eftersom du prenumererar på pressmeddelanden" in message.body
    assert "Read the whole release" not in message.body
    html = message.alternatives[0][0]
    assert "Stöd till 32 kommuner" in html and agency.name in html
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<http://testserver/sv/subscribe/unsubscribe/" in headers["List-Unsubscribe"]
    assert "<mailto:" in headers["List-Unsubscribe"]
    delivery = Delivery.objects.get(subscriber=alice)
    assert delivery.status == Status.SENT and delivery.attempts == 1
    assert headers["Message-ID"] == delivery.message_id == delivery.get_message_id()
    assert Announcement.objects.get(release=release).matched == 1


@pytest.mark.parametrize(
    "case",
    ["not first publication", "do not notify", "backdated", "edit after publication"],
)
def test_what_does_not_notify(case, make_subscriber, fresh_release, publish):
    make_subscriber()
    release = fresh_release()
    if case == "not first publication":
        publish(release, first_publication=False)
    elif case == "do not notify":
        release.send_notification = False
        publish(release)
    elif case == "backdated":
        release.published_at = timezone.now() - dt.timedelta(hours=49)
        publish(release)
    else:
        release.send_notification = False
        publish(release)
        release.send_notification = True
        release.title = "Rättad rubrik"
        publish(release, first_publication=False)
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_backdated_within_48_hours_still_notifies(make_subscriber, fresh_release, publish):
    make_subscriber()
    release = fresh_release(published_at=timezone.now() - dt.timedelta(hours=47))
    publish(release)
    assert len(mail.outbox) == 1


def test_fan_out_twice_creates_and_sends_nothing_new(
    make_subscriber, fresh_release, publish, django_capture_on_commit_callbacks
):
    for _ in range(3):
        make_subscriber()
    release = publish(fresh_release())
    assert len(mail.outbox) == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_announce(release_id=release.pk) == 0
    # Even without the announcement record, the unique pair stops duplicates.
    Announcement.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.release_announce(release_id=release.pk)
    assert Delivery.objects.count() == 3
    assert len(mail.outbox) == 3


def test_english_subscriber_gets_english_version_or_note(make_subscriber, fresh_release, publish):
    english = make_subscriber(language="en", email="reader@example.com")
    swedish = make_subscriber(language="sv", email="lasare@example.se")
    original = fresh_release(title="Besök i Borlänge", language="sv")
    translation = fresh_release(
        title="Visit to Borlänge", language="en", translation_of=original, slug="visit"
    )
    translation.status = PressRelease.Status.PUBLISHED
    translation.save()
    publish(original)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].subject == "Visit to Borlänge"
    assert by_address[swedish.email].subject == "Besök i Borlänge"
    assert "only available" not in by_address[english.email].body

    # A release without an English version: the Swedish one, with a note in English.
    mail.outbox.clear()
    publish(fresh_release(title="Bara på svenska", language="sv"))
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].subject == "Bara på svenska"
    assert "This release is only available in Swedish." in by_address[english.email].body
    assert "only available" not in by_address[swedish.email].body
    assert "finns bara på" not in by_address[swedish.email].body


def test_translation_published_later_announces_nothing_twice(
    make_subscriber, fresh_release, publish
):
    make_subscriber(language="en")
    original = publish(fresh_release(language="sv"))
    translation = fresh_release(language="en", translation_of=original, slug="later")
    publish(translation)
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().release == original


def test_scheduled_release_is_announced_when_its_time_comes(
    make_subscriber, fresh_release, django_capture_on_commit_callbacks
):
    from newsroom.releases.signals import release_scheduled

    make_subscriber()
    publish_at = timezone.now() + dt.timedelta(hours=2)
    release = fresh_release(status=PressRelease.Status.SCHEDULED, publish_at=publish_at)
    with django_capture_on_commit_callbacks(execute=True):
        release_scheduled.send(sender=PressRelease, release=release)
    # The immediate backend cannot defer: nothing runs early…
    assert mail.outbox == [] and not Announcement.objects.exists()
    # …and a task running early does nothing either.
    assert services.release_announce(release_id=release.pk) == 0
    # When the time has come, the periodic recovery (or the deferred task) announces it.
    with time_machine.travel(publish_at + dt.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            services.emails_recover()
    assert len(mail.outbox) == 1
