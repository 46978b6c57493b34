"""Digests: daily at 08:00 and weekly on Monday 08:00 (Stockholm), once per period, in a
fixed number of queries."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Announcement, Digest, Subscriber
from tests.subscriptions.helpers import make_digest

pytestmark = pytest.mark.django_db


STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(*args):
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def test_digest_periods():
    # Tuesday 2026-12-01.
    assert services.digest_period("daily", at(2026, 12, 1, 7, 59)) == (
        dt.date(2026, 11, 30),
        at(2026, 11, 30, 8),
    )
    assert services.digest_period("daily", at(2026, 12, 1, 8, 0))[0] == dt.date(2026, 12, 1)
    assert services.digest_period("weekly", at(2026, 12, 1, 9))[0] == dt.date(2026, 11, 30)
    assert services.digest_period("weekly", at(2026, 11, 30, 7))[0] == dt.date(2026, 11, 23)


def run_digests(when, django_capture_on_commit_callbacks):
    with time_machine.travel(when), django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=open("/dev/null", "w"))


def test_daily_digest_lists_matching_releases_once(
    make_subscriber, announced, borlange, django_capture_on_commit_callbacks, agency
):
    since = at(2026, 11, 30, 9)
    daily = make_subscriber(
        frequency=Subscriber.Frequency.DAILY,
        confirmed_at=since,
        digest_since=since,
        municipalities=[borlange],
        email="daglig@example.se",
    )
    make_subscriber(
        frequency=Subscriber.Frequency.DAILY,
        confirmed_at=since,
        digest_since=since,
        kinds=["statement"],
    )  # nothing matches: no digest
    one = announced(at(2026, 11, 30, 12), title="Om Borlänge", municipalities=[borlange])
    announced(at(2026, 11, 30, 13), title="Om något annat")
    announced(at(2026, 12, 1, 9), title="För sent för tisdagen", municipalities=[borlange])

    run_digests(at(2026, 12, 1, 8, 5), django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["daglig@example.se"]
    assert "Om Borlänge" in message.body and "Om något annat" not in message.body
    assert "För sent" not in message.body
    # A Swedish subscriber's digest speaks Swedish, subject and footer included.
    assert message.subject.endswith(": nytt i pressrummet (1)")
    assert message.body.startswith("Nytt från ")
    assert "Avsluta prenumeration: http" in message.body and "Unsubscribe" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    digest = Digest.objects.get()
    assert digest.release_ids == [one.pk] and digest.period == dt.date(2026, 12, 1)
    assert message.extra_headers["Message-ID"] == digest.message_id

    # Run again in the same period (a repeated timer): nothing twice.
    run_digests(at(2026, 12, 1, 9), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and Digest.objects.count() == 1

    # The next morning: only what came after the last digest.
    run_digests(at(2026, 12, 2, 8, 1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert "För sent för tisdagen" in mail.outbox[1].body
    assert "Om Borlänge" not in mail.outbox[1].body
    assert daily.digests.count() == 2


def test_weekly_digest_on_monday(make_subscriber, announced, django_capture_on_commit_callbacks):
    since = at(2026, 11, 20, 9)
    make_subscriber(
        frequency=Subscriber.Frequency.WEEKLY, confirmed_at=since, digest_since=since, language="en"
    )
    announced(at(2026, 11, 25, 10), title="Veckans nyhet")
    run_digests(at(2026, 11, 29, 20), django_capture_on_commit_callbacks)  # Sunday
    # The Monday before (23 Nov) had nothing yet.
    assert mail.outbox == []
    run_digests(at(2026, 11, 30, 8, 30), django_capture_on_commit_callbacks)  # Monday
    run_digests(at(2026, 12, 1, 8, 30), django_capture_on_commit_callbacks)  # Tuesday
    assert len(mail.outbox) == 1
    assert "Veckans nyhet" in mail.outbox[0].body
    assert "in Swedish only" in mail.outbox[0].body
    assert Digest.objects.get().period == dt.date(2026, 11, 30)


def test_digest_leaves_out_withdrawn_and_unsubscribed(
    make_subscriber, announced, django_capture_on_commit_callbacks
):
    since = at(2026, 11, 30, 9)
    leaving = make_subscriber(frequency="daily", confirmed_at=since, digest_since=since)
    staying = make_subscriber(frequency="daily", confirmed_at=since, digest_since=since)
    announced(at(2026, 11, 30, 10), title="Kvar")
    announced(at(2026, 11, 30, 11), title="Tillbakadragen", status=PressRelease.Status.WITHDRAWN)
    services.subscriber_unsubscribe(subscriber=leaving)
    run_digests(at(2026, 12, 1, 8, 5), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[staying.email]]
    assert "Kvar" in mail.outbox[0].body and "Tillbakadragen" not in mail.outbox[0].body


def test_immediate_subscribers_get_no_digest(
    make_subscriber, announced, django_capture_on_commit_callbacks
):
    make_subscriber(confirmed_at=at(2026, 11, 1, 9), digest_since=at(2026, 11, 1, 9))
    announced(at(2026, 11, 30, 10))
    run_digests(at(2026, 12, 1, 8, 5), django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not Digest.objects.exists()
    assert timezone.now()  # (no time travel leaked)


def test_digest_whose_releases_were_all_withdrawn_is_not_sent(make_subscriber, announced):
    since = at(2026, 11, 30, 9)
    subscriber = make_subscriber(frequency="daily", confirmed_at=since, digest_since=since)
    release = announced(at(2026, 11, 30, 10))
    digest = make_digest(subscriber, [release], covers_from=since, covers_until=at(2026, 12, 1, 8))
    PressRelease.objects.filter(pk=release.pk).update(status=PressRelease.Status.WITHDRAWN)
    services.emails_send_batch(model=Digest, ids=[digest.pk])
    digest.refresh_from_db()
    assert digest.status == Digest.Status.CANCELLED and mail.outbox == []


def test_digest_lists_a_release_only_its_translation_made_public(
    make_subscriber, make_release, django_capture_on_commit_callbacks, agency
):
    since = at(2026, 11, 30, 9)
    english = make_subscriber(
        frequency=Subscriber.Frequency.DAILY,
        confirmed_at=since,
        digest_since=since,
        language="en",
        email="reader@example.com",
    )
    swedish = make_subscriber(
        frequency=Subscriber.Frequency.DAILY,
        confirmed_at=since,
        digest_since=since,
        language="sv",
        email="lasare@example.se",
    )
    # The original is still a draft; the English translation went out first. The
    # announcement is filed under the original, as `release_announce` does.
    original = make_release(
        title="Besök i Borlänge", language="sv", status=PressRelease.Status.DRAFT
    )
    make_release(
        title="Visit to Borlänge",
        language="en",
        translation_of=original,
        slug="visit-first",
        published_at=at(2026, 11, 30, 12),
    )
    Announcement.objects.create(release=original, announced_at=at(2026, 11, 30, 12))

    with (
        time_machine.travel(at(2026, 12, 1, 8, 5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_digests", stdout=open("/dev/null", "w"))

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {english.email, swedish.email}
    assert "Visit to Borlänge" in by_address[english.email].body
    assert "only" not in by_address[english.email].body
    # The Swedish reader gets the only public version, with a note; never the draft.
    assert "Visit to Borlänge" in by_address[swedish.email].body
    assert "Besök i Borlänge" not in by_address[swedish.email].body
    assert Digest.objects.filter(status=Digest.Status.SENT).count() == 2


PER_DIGEST = 1


@pytest.fixture
def releases(make_release, agency):
    original = make_release(title="Besök", language="sv")
    translated = make_release(
        title="Visit", language="en", translation_of=original, slug="visit-queries"
    )
    only_swedish = make_release(title="Bara svenska", language="sv")
    return [original, translated, only_swedish]


def _digests(make_subscriber, releases, count):
    return [
        make_digest(
            make_subscriber(frequency="daily", language="en" if n % 2 else "sv"),
            [releases[0], releases[2]],
        ).pk
        for n in range(count)
    ]


def _queries_to_send(ids):
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        counts = services.emails_send_batch(model=Digest, ids=ids)
    assert counts["sent"] == len(ids) and len(mail.outbox) == len(ids)
    return len(queries)


def test_digest_queries_do_not_grow_with_the_digests(make_subscriber, releases, settings):
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 100  # one claim for the whole batch, 5 or 20
    five = _queries_to_send(_digests(make_subscriber, releases, 5))
    twenty = _queries_to_send(_digests(make_subscriber, releases, 20))
    assert twenty - five == 15 * PER_DIGEST, (five, twenty)
    by_language = {m.to[0]: m.body for m in mail.outbox}
    assert any("Visit" in body and "Bara svenska" in body for body in by_language.values())
    assert any("Besök" in body and "Bara svenska" in body for body in by_language.values())


def test_planning_digests_takes_the_same_queries_for_2_or_12_announcements(
    make_subscriber, announced, borlange, county, reference_data
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from taggit.models import Tag

    since = at(2026, 11, 30, 9)
    integration = Tag.objects.create(name="integration", slug="integration")
    for topics in (
        {},
        {"tags": [integration]},
        {"counties": [county]},
        {"kinds": ["press_release"]},
    ):
        make_subscriber(frequency="daily", confirmed_at=since, digest_since=since, **topics)

    def plan(count, day):
        for n in range(count):
            announced(
                at(2026, 12, day, 10, n),
                title=f"Nyhet {day}-{n}",
                slug=f"nyhet-{day}-{n}",
                tags=["integration"] if n % 2 else [],
                municipalities=[borlange] if n % 3 else [],
            )
        with CaptureQueriesContext(connection) as queries:
            with time_machine.travel(at(2026, 12, day + 1, 8, 5)):
                created = services.digests_plan(frequency="daily")
        return created, len(queries)

    two = plan(2, 1)
    twelve = plan(12, 3)
    assert two[0] == twelve[0] == 4  # a digest each
    assert two[1] == twelve[1], (two, twelve)
    by_topic = {
        d.subscriber.tags.exists(): len(d.release_ids)
        for d in Digest.objects.filter(period=dt.date(2026, 12, 4))
    }
    assert by_topic[True] == 6  # the tagged half of the twelve
