"""Feeds carry hostile text as text: markup in a lead is not live, control characters in a
title or lead do not break the XML."""

import feedparser
import pytest

from newsroom.releases.models import PressRelease

HOSTILE_LEAD = '<script>alert("x")</script> <img src=x onerror=alert(1)> & more'


def as_text(detail):
    """What a feed reader shows for a text construct, as plain text."""
    import html

    if detail.type == "text/plain":
        return detail.value
    assert detail.type == "text/html"
    assert "<" not in detail.value, f"live markup reaches the reader: {detail.value!r}"
    return html.unescape(detail.value)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_markup_in_a_lead_reaches_feed_readers_as_text(client, agency, make_release, fmt):
    make_release(title="Rubrik <b>fet</b>", lead=HOSTILE_LEAD)
    feed = feedparser.parse(client.get(f"/sv/feeds/{fmt}/").content)
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert as_text(entry.summary_detail) == HOSTILE_LEAD
    if fmt == "atom":  # an Atom title is text; an RSS title has no declared type
        assert entry.title_detail.type == "text/plain"
        assert entry.title == "Rubrik <b>fet</b>"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_control_characters_in_a_published_release_do_not_break_the_feeds(
    client, agency, make_release, fmt
):
    # Rows saved before validation existed, or by a path that skips it.
    release = make_release(title="Rubrik", lead="Ingress")
    PressRelease.objects.filter(pk=release.pk).update(
        title="Rubrik\x0bWord: med\x01tecken\r\nrad", lead="Ingress\x0b med\x1ftecken\nrad två"
    )
    release.tags.add("skola")
    for path in (f"/sv/feeds/{fmt}/", f"/sv/feeds/{fmt}/tag/skola/"):
        response = client.get(path)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.get("bozo_exception")
        (entry,) = feed.entries
        assert as_text(entry.title_detail) == "Rubrik Word: medtecken rad"
        assert as_text(entry.summary_detail).startswith("Ingress med")
