"""A release whose translation is public before its original reaches digest readers too."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from newsroom.releases.models import PressRelease
from newsroom.subscriptions.models import Announcement, Digest, Subscriber

pytestmark = pytest.mark.django_db
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(*args):
    return dt.datetime(*args, tzinfo=STOCKHOLM)


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
