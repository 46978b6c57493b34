"""Announcing a release: matching, idempotency, the batch's claim-then-send, retries, bounces."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.releases.signals import release_published
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Announcement, Delivery, Subscriber

pytestmark = pytest.mark.django_db
Status = Delivery.Status


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Make a release public and send the signal, as the editorial service does."""

    def do(release, *, first_publication=True):
        with django_capture_on_commit_callbacks(execute=True):
            release.status = PressRelease.Status.PUBLISHED
            release.save()
            release_published.send(
                sender=PressRelease, release=release, first_publication=first_publication
            )
        return release

    return do


@pytest.fixture
def fresh_release(make_release):
    def make(**fields):
        fields.setdefault("status", PressRelease.Status.DRAFT)
        return make_release(**fields)

    return make


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


def test_batch_run_twice_sends_only_what_is_pending(make_subscriber, fresh_release):
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    deliveries = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()) for _ in range(4)
    ]
    ids = [d.pk for d in deliveries]

    first = services.emails_send_batch(model=Delivery, ids=ids)
    second = services.emails_send_batch(model=Delivery, ids=ids)

    assert first["sent"] == 4 and second["sent"] == 0
    assert len(mail.outbox) == 4
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4


def test_crash_between_send_and_mark(make_subscriber, fresh_release, monkeypatch, settings):
    """A worker killed after the SMTP server accepted a message but before it was marked:
    the rerun skips it while claimed; the recovery after the claim timeout sends it again,
    with the same Message-ID, and the rest exactly once."""
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 1
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(3)
    ]
    real_mark = services._mark_sent
    calls = {"n": 0}

    def crash_on_second(row, message_id):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        real_mark(row, message_id)

    monkeypatch.setattr(services, "_mark_sent", crash_on_second)
    with pytest.raises(SystemExit):
        services.emails_send_batch(model=Delivery, ids=ids)
    monkeypatch.setattr(services, "_mark_sent", real_mark)
    assert len(mail.outbox) == 2
    states = dict(Delivery.objects.values_list("pk", "status"))
    assert [states[i] for i in ids] == [Status.SENT, Status.SENDING, Status.PENDING]

    # The batch runs again at once: the claimed one is left alone, the pending one goes.
    services.emails_send_batch(model=Delivery, ids=ids)
    assert len(mail.outbox) == 3
    assert Delivery.objects.get(pk=ids[1]).status == Status.SENDING

    # Later, the recovery takes the stale claim up again: the one duplicate, same Message-ID.
    later = timezone.now() + dt.timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later):
        services.emails_recover()
        services.emails_send_batch(model=Delivery, ids=ids)
    assert len(mail.outbox) == 4
    assert mail.outbox[1].extra_headers["Message-ID"] == mail.outbox[3].extra_headers["Message-ID"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_two_workers_never_take_the_same_delivery(make_subscriber, fresh_release):
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [
        Delivery.objects.create(release=release, subscriber=make_subscriber()).pk for _ in range(5)
    ]
    first = services._claim(Delivery, ids, 3)
    second = services._claim(Delivery, ids, 3)
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert len(first) + len(second) == 5
    assert services._claim(Delivery, ids, 3) == []


def test_temporary_failure_is_retried_with_backoff(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 3
    settings.SUBSCRIPTIONS_RETRY_BACKOFF_SECONDS = 60
    subscriber = make_subscriber(email="tillfalligt@example.se")
    flaky_smtp["tillfalligt@example.se"] = {"code": 451, "times": 1}
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=subscriber)

    counts = services.emails_send_batch(model=Delivery, ids=[delivery.pk])

    delivery.refresh_from_db()
    assert counts["retry"] == 1 and mail.outbox == []
    assert delivery.status == Status.PENDING and delivery.attempts == 1
    assert "451" in delivery.error
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=55)
    # Not before its time…
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    assert mail.outbox == []
    # …but after it.
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_temporary_failures_stop_at_the_attempt_limit(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 2
    subscriber = make_subscriber(email="alltid-fel@example.se")
    flaky_smtp["alltid-fel@example.se"] = {"code": 421, "times": 99}
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=subscriber)
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.attempts == 2
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.bounce_count == 0


def test_permanent_failures_make_a_subscriber_bouncing(
    make_subscriber, fresh_release, flaky_smtp, settings
):
    settings.SUBSCRIPTIONS_BOUNCE_THRESHOLD = 2
    subscriber = make_subscriber(email="finns-inte@example.se")
    other = make_subscriber()
    flaky_smtp["finns-inte@example.se"] = {"code": 550, "times": 99}
    for n in range(3):
        release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
        ids = [
            Delivery.objects.create(release=release, subscriber=s).pk for s in (subscriber, other)
        ]
        services.emails_send_batch(model=Delivery, ids=ids)
        subscriber.refresh_from_db()
        if n == 0:
            assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.bounce_count == 1
    assert subscriber.status == Subscriber.Status.BOUNCED
    statuses = list(
        Delivery.objects.filter(subscriber=subscriber)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    # Two bounced; the third was never attempted.
    assert statuses == [Status.FAILED, Status.FAILED, Status.CANCELLED]
    assert "550" in Delivery.objects.filter(subscriber=subscriber).earliest("pk").error
    assert len(mail.outbox) == 3  # the other subscriber got all three


def test_unsubscribe_during_fan_out_stops_queued_deliveries(make_subscriber, fresh_release):
    leaving, staying = make_subscriber(), make_subscriber()
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    ids = [Delivery.objects.create(release=release, subscriber=s).pk for s in (leaving, staying)]

    services.subscriber_unsubscribe(subscriber=leaving)
    services.emails_send_batch(model=Delivery, ids=ids)

    assert [m.to for m in mail.outbox] == [[staying.email]]
    assert Delivery.objects.get(subscriber=leaving).status == Status.CANCELLED


def test_unsubscribed_between_fan_out_and_claim_is_not_sent(make_subscriber, fresh_release):
    """Even if the cancel did not reach a queued row, the claim only takes active ones."""
    leaving = make_subscriber()
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    delivery = Delivery.objects.create(release=release, subscriber=leaving)
    Subscriber.objects.filter(pk=leaving.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    services.emails_send_batch(model=Delivery, ids=[delivery.pk])
    assert mail.outbox == []
    assert Delivery.objects.get(pk=delivery.pk).status == Status.CANCELLED


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


def test_recovery_gives_up_on_a_row_that_always_stops_its_worker(
    make_subscriber, fresh_release, settings
):
    settings.SUBSCRIPTIONS_MAX_ATTEMPTS = 2
    release = fresh_release(status=PressRelease.Status.PUBLISHED, published_at=timezone.now())
    stuck = Delivery.objects.create(
        release=release,
        subscriber=make_subscriber(),
        status=Status.SENDING,
        attempts=2,
        claimed_at=timezone.now() - dt.timedelta(hours=2),
    )
    services.emails_recover()
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and "every attempt" in stuck.error
