"""Staff preview and signed preview links: valid, expired, revoked, replaced."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.releases import services
from newsroom.releases.models import PressRelease
from newsroom.releases.preview import preview_url
from tests.html import parse


@pytest.fixture
def link(draft, press_officer):
    return services.release_preview_link_create(release=draft, by=press_officer)


def _path(link):
    return preview_url(link, absolute=False)


def test_a_valid_link_shows_the_draft_on_the_public_template_with_a_banner(client, link, agency):
    response = client.get(_path(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Delegationen besöker Borlänge kommun" in page
    assert 'class="preview-banner"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Lena Holm" in page  # the real template, with its contacts


def test_the_link_lasts_seven_days_by_default(link):
    assert link.expires_at - link.created_at == dt.timedelta(days=7)


def test_an_expired_link_stops_working(client, link):
    PreviewLink = type(link)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response = client.get(_path(link))
    assert response.status_code == 410
    assert "Delegationen besöker" not in response.content.decode()
    assert "har gått ut eller återkallats" in response.content.decode()


def test_a_revoked_link_stops_working(client, link, press_officer, draft):
    services.release_preview_link_revoke(release=draft, by=press_officer)
    assert client.get(_path(link)).status_code == 410


def test_a_new_link_revokes_the_old(client, link, press_officer, draft):
    newer = services.release_preview_link_create(release=draft, by=press_officer)
    assert client.get(_path(link)).status_code == 410
    assert client.get(_path(newer)).status_code == 200


def test_a_forged_or_mangled_token_shows_nothing(client, link):
    path = _path(link)
    assert client.get(path.replace("/preview/", "/preview/x")).status_code == 410
    assert client.get(reverse("releases:preview", args=["bm90LWEta2V5:abc"])).status_code == 410


def test_the_link_does_not_make_the_release_public(client, link, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_public_release_gets_no_preview_link(make_release, press_officer, editor):
    release = make_release()
    with pytest.raises(services.TransitionError):
        services.release_preview_link_create(release=release, by=editor)


def test_the_workflow_page_makes_and_shows_a_link(officer_client, draft):
    url = reverse("admin:releases_pressrelease_workflow", args=[draft.pk])
    officer_client.post(url, {"action": "preview_link"})
    link = draft.preview_links.get()
    assert preview_url(link) in officer_client.get(url).content.decode()
    officer_client.post(url, {"action": "preview_revoke"})
    assert not draft.preview_links.get().is_active


def test_staff_preview_from_the_admin(officer_client, draft, client):
    url = reverse("admin:releases_pressrelease_preview", args=[draft.pk])
    assert parse(officer_client.get(url)).select_one(".preview-banner")
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_a_scheduled_release_before_its_time_can_be_previewed(in_review, editor, client):
    services.release_schedule(
        release=in_review, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    link = services.release_preview_link_create(release=in_review, by=editor)
    assert client.get(_path(link)).status_code == 200
    assert PressRelease.objects.get(pk=in_review.pk).status == "scheduled"


def test_publishing_stops_the_preview_links(client, link, draft, editor):
    services.release_publish(release=draft, by=editor)
    assert client.get(_path(link)).status_code == 410


def test_a_link_has_one_address_whatever_the_second(link):
    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        later = preview_url(link)
    assert preview_url(link) == later
