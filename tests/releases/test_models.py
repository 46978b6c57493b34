import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.releases.models import PressRelease
from newsroom.releases.sanitize import sanitize_html

Status = PressRelease.Status


def test_public_shows_published_and_due_scheduled_releases_only(make_release):
    now = timezone.now()
    published = make_release(status=Status.PUBLISHED)
    due = make_release(status=Status.SCHEDULED, publish_at=now - dt.timedelta(seconds=1))
    make_release(status=Status.SCHEDULED, publish_at=now + dt.timedelta(minutes=5))
    make_release(status=Status.DRAFT)
    make_release(status=Status.IN_REVIEW)
    make_release(status=Status.WITHDRAWN, published_at=now - dt.timedelta(days=1))

    assert set(PressRelease.objects.public()) == {published, due}


def test_a_scheduled_release_becomes_public_at_its_second(make_release):
    publish_at = timezone.now() + dt.timedelta(hours=1)
    release = make_release(status=Status.SCHEDULED, publish_at=publish_at)
    assert not release.is_public
    assert not PressRelease.objects.public().filter(pk=release.pk).exists()

    PressRelease.objects.filter(pk=release.pk).update(publish_at=timezone.now())
    assert PressRelease.objects.public().filter(pk=release.pk).exists()


@pytest.mark.parametrize(
    "status, when",
    [
        (status, when)
        for status in Status
        for when in ("past", "future", None)
        # The database refuses a scheduled release without a time.
        if not (status == Status.SCHEDULED and when is None)
    ],
)
def test_is_public_and_the_querysets_follow_one_rule(make_release, status, when):
    offsets = {"past": -dt.timedelta(minutes=1), "future": dt.timedelta(minutes=5)}
    publish_at = timezone.now() + offsets[when] if when else None
    release = make_release(status=status, publish_at=publish_at)
    release.refresh_from_db()
    in_public = PressRelease.objects.public().filter(pk=release.pk).exists()
    assert release.is_public == in_public
    assert in_public == (
        status == Status.PUBLISHED or (status == Status.SCHEDULED and when == "past")
    )
    at_address = PressRelease.objects.at_address().filter(pk=release.pk).exists()
    assert at_address == (in_public or (status == Status.WITHDRAWN and bool(release.published_at)))


def test_a_scheduled_release_needs_publish_at_in_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        PressRelease.objects.create(title="Utan tid", status=Status.SCHEDULED)


def test_scheduling_makes_the_public_date_the_publish_time(make_release):
    publish_at = timezone.now() + dt.timedelta(days=2)
    release = make_release(status=Status.SCHEDULED, publish_at=publish_at)
    assert release.published_at == publish_at


def test_publishing_stamps_the_publication_time(db):
    release = PressRelease.objects.create(title="Nu", status=Status.PUBLISHED)
    assert release.published_at is not None


def test_slug_is_made_from_the_title_and_unique_per_language(db):
    first = PressRelease.objects.create(title="Besök i Borlänge")
    second = PressRelease.objects.create(title="Besök i Borlänge")
    english = PressRelease.objects.create(title="Besök i Borlänge", language="en")
    assert first.slug == "besok-i-borlange"
    assert second.slug == "besok-i-borlange-2"
    assert english.slug == "besok-i-borlange"


def test_the_same_slug_twice_in_one_language_is_refused_by_the_database(db):
    PressRelease.objects.create(title="A", slug="samma")
    with pytest.raises(IntegrityError), transaction.atomic():
        PressRelease.objects.create(title="B", slug="samma")


@pytest.mark.parametrize(
    "hostile, forbidden",
    [
        ("<p>Hej</p><script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">klicka</a>', "javascript:"),
        ('<p style="color:red" onclick="x()">stil</p>', "style="),
        ('<iframe src="https://example.se"></iframe>', "<iframe"),
    ],
)
def test_the_body_is_sanitised_on_save(db, hostile, forbidden):
    release = PressRelease.objects.create(title="Farlig", body=hostile)
    release.refresh_from_db()
    assert forbidden not in release.body


def test_sanitising_keeps_the_formatting_an_editor_uses():
    html = (
        "<h2>Rubrik</h2><p><strong>Fet</strong> och <em>kursiv</em></p>"
        "<ul><li>Punkt</li></ul><blockquote><p>Citat</p></blockquote>"
        '<p><a href="https://example.se/">länk</a></p>'
    )
    cleaned = sanitize_html(html)
    for kept in (
        "<h2>",
        "<strong>",
        "<em>",
        "<ul>",
        "<li>",
        "<blockquote>",
        'href="https://example.se/"',
    ):
        assert kept in cleaned


def test_the_boilerplate_defaults_to_the_agency_text_in_the_release_language(agency, make_release):
    swedish = make_release()
    english = make_release(language="en")
    own = make_release(boilerplate="Egen text.")
    assert swedish.effective_boilerplate() == agency.boilerplate
    assert english.effective_boilerplate() == agency.boilerplate_en
    assert own.effective_boilerplate() == "Egen text."


def test_absolute_url_carries_the_release_language(make_release):
    assert make_release(title="Svensk", language="sv").get_absolute_url() == "/sv/releases/svensk/"
    assert (
        make_release(title="English", language="en").get_absolute_url() == "/en/releases/english/"
    )
