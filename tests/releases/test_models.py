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


# The readings derived from "public", on the release and its queryset -----------------------


def test_a_translation_group_is_the_original_first_then_its_translations(make_release):
    original = make_release(language="sv")
    english = make_release(language="en", translation_of=original)
    assert original.translation_group() == [original, english]
    assert english.translation_group() == [original, english]
    assert english.original == original and original.original == original
    assert english.original_id == original.pk == original.original_id


def test_the_public_versions_and_counterpart_of_a_group(make_release, django_assert_num_queries):
    original = make_release(language="sv", status=Status.DRAFT)
    english = make_release(language="en", translation_of=original)
    # A translation may be public before its original.
    assert list(original.public_versions()) == [english]
    assert list(english.public_versions()) == [english]
    assert original.public_counterpart() == english
    assert english.public_counterpart() is None
    PressRelease.objects.filter(pk=original.pk).update(status=Status.PUBLISHED)
    english = PressRelease.objects.select_related("translation_of").get(pk=english.pk)
    with django_assert_num_queries(1):  # its translations; the original came with it
        assert english.public_counterparts() == [english.translation_of]
    assert english.public_counterpart() == original


def test_public_tags_are_those_of_public_releases_and_public_visits(make_release, make_visit):
    make_release(tags=["publik"])
    make_release(tags=["embargo"], status=Status.DRAFT)
    make_release(tags=["tillbakadragen"], status=Status.WITHDRAWN)
    make_visit().topics.add("besok")
    make_visit(is_public=False).topics.add("internt")
    names = set(PressRelease.objects.public_tags().values_list("name", flat=True))
    assert names == {"publik", "besok"}


def test_public_images_are_those_of_public_releases_only(make_release, make_image):
    from tests.conftest import attach_images

    shown, hidden, loose = make_image(), make_image(), make_image()
    attach_images(make_release(), shown)
    attach_images(make_release(status=Status.DRAFT), hidden)
    attach_images(make_release(status=Status.WITHDRAWN), hidden)
    assert list(PressRelease.objects.public_images()) == [shown]
    assert loose not in PressRelease.objects.images()
