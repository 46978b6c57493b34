"""The public page cache: whole anonymous pages and feeds, never stale, no cookie.

Each test warms a page (the second request is served from the cache), changes something the
page shows, and checks that the next request shows the change.
"""

import datetime as dt
import gzip

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from newsroom.releases import services
from newsroom.releases.models import PressRelease


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def get(client, path, **headers):
    return client.get(path, headers=headers)


def warm(client, path):
    """The page, stored (rendered now or before) and served from the cache."""
    get(client, path)
    response = get(client, path)
    assert response["X-Page-Cache"] == "hit", path
    return response.content.decode()


def fresh(client, path):
    """The page, rendered afresh (not served from the cache)."""
    response = get(client, path)
    assert response["X-Page-Cache"] == "miss", path
    return response.content.decode()


# What is stored, and how it is served ---------------------------------------------------


PUBLIC_PAGES = ["/sv/", "/sv/releases/", "/en/releases/", "/sv/feeds/rss/", "/sitemap.xml"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_public_pages_are_served_from_the_cache_without_cookies(
    client, agency, make_release, path, django_assert_num_queries
):
    make_release(title="I cachen")
    first = get(client, path)
    assert first.status_code == 200 and not first.cookies
    assert "Cookie" not in first.get("Vary", "")
    with django_assert_num_queries(0):
        second = get(client, path)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert not second.cookies and "Cookie" not in second.get("Vary", "")


def test_a_release_page_carries_no_csrf_cookie_and_is_cached(client, agency, make_release):
    release = make_release(title="Utan kaka")
    response = get(client, release.get_absolute_url())
    assert not response.cookies and "csrfmiddlewaretoken" not in response.content.decode()
    again = get(client, release.get_absolute_url())
    assert again["X-Page-Cache"] == "hit" and "Utan kaka" in again.content.decode()


def test_pages_with_a_form_to_post_are_never_stored_and_keep_their_token(client, agency):
    for path in ("/sv/report/", "/sv/subscribe/"):
        for _ in range(2):
            response = get(client, path)
            assert "X-Page-Cache" not in response
            assert "csrftoken" in response.cookies
            assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_reader_with_a_session_is_never_served_a_stored_page(client, agency, editor):
    warm(client, "/sv/")
    client.force_login(editor)
    response = get(client, "/sv/")
    assert "X-Page-Cache" not in response


def test_the_admin_and_preview_links_are_never_stored(admin_client, client, agency, make_release):
    from newsroom.releases.models import PreviewLink
    from newsroom.releases.preview import preview_url

    draft = make_release(status=PressRelease.Status.DRAFT, title="Förhandsvisad")
    assert "X-Page-Cache" not in admin_client.get("/admin/releases/pressrelease/")
    preview = PreviewLink.objects.create(
        release=draft, key="k" * 20, expires_at=timezone.now() + dt.timedelta(days=1)
    )
    path = preview_url(preview, absolute=False)
    for _ in range(2):
        response = get(client, path)
        assert response.status_code == 200 and "X-Page-Cache" not in response


def test_etag_last_modified_and_304(client, agency, make_release):
    make_release()
    for path in ("/sv/releases/", "/sv/feeds/atom/"):
        response = get(client, path)
        assert response["ETag"] and response["Last-Modified"]
        assert "no-cache" in response["Cache-Control"]
        again = get(client, path, if_none_match=response["ETag"])
        assert again.status_code == 304 and again.content == b""
        since = get(client, path, if_modified_since=response["Last-Modified"])
        assert since.status_code == 304


def test_etag_and_304_without_the_page_cache_too(client, agency, settings):
    settings.PAGE_CACHE = False
    response = get(client, "/sv/")
    assert "X-Page-Cache" not in response and response["ETag"]
    assert get(client, "/sv/", if_none_match=response["ETag"]).status_code == 304


@pytest.mark.parametrize("path", ["/sv/", "/sv/feeds/rss/", "/sv/releases/"])
def test_html_and_feeds_are_compressed(client, agency, make_release, path):
    make_release()
    for _ in range(2):  # rendered, then from the cache
        response = get(client, path, accept_encoding="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert b"<" in gzip.decompress(response.content)
        assert "Accept-Encoding" in response["Vary"]


# Nothing stale ---------------------------------------------------------------------------


def test_publishing_shows_on_the_next_request(client, agency, make_release, editor, make_contact):
    draft = make_release(
        title="Nytt beslut", status=PressRelease.Status.DRAFT, contacts=[make_contact()]
    )
    assert "Nytt beslut" not in warm(client, "/sv/")
    assert "Nytt beslut" not in warm(client, "/sv/feeds/rss/")
    services.release_publish(release=draft, by=editor)
    assert "Nytt beslut" in fresh(client, "/sv/")
    assert "Nytt beslut" in fresh(client, "/sv/feeds/rss/")


def test_editing_a_release_shows_on_the_next_request(client, agency, make_release):
    release = make_release(title="Gammal rubrik")
    path = release.get_absolute_url()
    assert "Gammal rubrik" in warm(client, path) and "Gammal rubrik" in warm(client, "/sv/")
    release.title = "Ny rubrik"
    release.save()
    assert "Ny rubrik" in fresh(client, path) and "Ny rubrik" in fresh(client, "/sv/")


def test_withdrawing_shows_on_the_next_request(client, agency, make_release, editor):
    release = make_release(title="Dras tillbaka")
    assert "Dras tillbaka" in warm(client, "/sv/releases/")
    services.release_withdraw(release=release, by=editor, reason="Fel siffror.")
    assert "Dras tillbaka" not in fresh(client, "/sv/releases/")
    assert "Fel siffror." in fresh(client, release.get_absolute_url())


def test_unscheduling_and_deleting_show_on_the_next_request(client, agency, make_release, editor):
    soon = make_release(
        title="Snart",
        status=PressRelease.Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    gone = make_release(title="Raderas")
    assert "Raderas" in warm(client, "/sv/releases/")
    gone.delete()
    assert "Raderas" not in fresh(client, "/sv/releases/")
    warm(client, "/sv/releases/")
    services.release_unschedule(release=soon, by=editor)
    fresh(client, "/sv/releases/")


def test_a_scheduled_release_appears_at_its_time_without_any_save(client, agency, make_release):
    at = timezone.now() + dt.timedelta(minutes=5)
    make_release(title="Klockan fem över", status=PressRelease.Status.SCHEDULED, publish_at=at)
    with time_machine.travel(at - dt.timedelta(minutes=1), tick=False):
        assert "Klockan fem över" not in warm(client, "/sv/")
    with time_machine.travel(at + dt.timedelta(seconds=1), tick=False):
        assert "Klockan fem över" in fresh(client, "/sv/")


def test_images_contacts_and_tags_of_a_release_show_on_the_next_request(
    client, agency, make_release, make_contact, make_image
):
    from tests.conftest import attach_images

    contact = make_contact(name="Lena Holm")
    release = make_release(title="Med allt", contacts=[contact], tags=["skola"])
    path = release.get_absolute_url()
    assert "Lena Holm" in warm(client, path)
    contact.name = "Lena Berg"
    contact.save()
    assert "Lena Berg" in fresh(client, path)
    warm(client, path)
    image = make_image(alt_text="Kommunhuset i Borlänge")
    attach_images(release, image)
    assert "Kommunhuset i Borlänge" in fresh(client, path)
    warm(client, path)
    image.alt_text = "Rådhuset i Borlänge"
    image.save()
    assert "Rådhuset i Borlänge" in fresh(client, path)
    warm(client, path)
    release.tags.add("bostäder")
    assert "bostäder" in fresh(client, path)
    from taggit.models import Tag

    warm(client, "/sv/tags/skola/")
    tag = Tag.objects.get(slug="skola")
    tag.name = "Skolan"
    tag.save()
    assert "Skolan" in fresh(client, "/sv/tags/skola/")


def test_the_agency_profile_shows_on_the_next_request(client, agency):
    assert agency.name in warm(client, "/sv/")
    agency.name = "Myndigheten för nya namn"
    agency.save()
    assert "Myndigheten för nya namn" in fresh(client, "/sv/")


def test_visits_and_grants_show_on_the_next_request(client, agency, make_visit, make_grant):
    visit = make_visit(title="Besök i Borlänge", date=timezone.localdate() + dt.timedelta(days=3))
    assert "Besök i Borlänge" in warm(client, "/sv/")
    visit.title = "Besöket flyttat"
    visit.save()
    assert "Besöket flyttat" in fresh(client, "/sv/")
    grant = make_grant(amount=1_234_567)
    path = f"/sv/funding/{grant.funding_round.slug}/"
    warm(client, path)
    grant.amount = 7_654_321
    grant.save()
    content = fresh(client, path)
    assert "7\xa0654\xa0321" in content or "7 654 321" in content or "7654321" in content


def test_a_page_rendered_before_a_change_is_never_stored_after_it(client, agency, make_release):
    """The generation is read before rendering: a slow render of the old data, finishing
    after the change, must not be served afterwards."""
    from django.test.signals import template_rendered

    from newsroom.pagecache import bump

    make_release(title="Före")

    def change_during_render(**kwargs):
        template_rendered.disconnect(change_during_render)
        bump()  # as the commit of an edit made meanwhile would

    template_rendered.connect(change_during_render)
    try:
        assert get(client, "/sv/")["X-Page-Cache"] == "miss"
    finally:
        template_rendered.disconnect(change_during_render)
    assert get(client, "/sv/")["X-Page-Cache"] == "miss"
