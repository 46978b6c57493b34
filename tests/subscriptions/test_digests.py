"""Digests: daily at 08:00 and weekly on Monday 08:00 (Stockholm), once per period."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.subscriptions import services
from newsroom.subscriptions.models import Announcement, Digest, Subscriber

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


@pytest.fixture
def announced(make_release):
    def make(when, **fields):
        fields.setdefault("published_at", when)
        release = make_release(**fields)
        Announcement.objects.create(release=release, announced_at=when)
        return release

    return make


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
    digest = Digest.objects.create(
        subscriber=subscriber,
        frequency="daily",
        period=dt.date(2026, 12, 1),
        covers_from=since,
        covers_until=at(2026, 12, 1, 8),
        release_ids=[release.pk],
    )
    PressRelease.objects.filter(pk=release.pk).update(status=PressRelease.Status.WITHDRAWN)
    services.emails_send_batch(model=Digest, ids=[digest.pk])
    digest.refresh_from_db()
    assert digest.status == Digest.Status.CANCELLED and mail.outbox == []
