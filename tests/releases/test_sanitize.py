"""Whatever the editor (or a crafted POST) sends, only the allow-list is stored."""

import pytest
from django.urls import reverse

from newsroom.releases.models import PressRelease
from newsroom.releases.sanitize import sanitize_html
from tests.html import parse
from tests.release_forms import new_release_data

HOSTILE = [
    ('<p>Hej</p><script>alert("x")</script>', "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ('<p onclick="steal()">Klick</p>', "onclick"),
    ('<a href="javascript:alert(1)">länk</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">länk</a>', "avascript"),
    ('<p style="position:fixed;top:0">Överlagrad</p>', "style="),
    ("<iframe src='https://evil.example'></iframe>", "<iframe"),
    ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "javascript"),
    ("<p>Text</p><!-- <script>alert(1)</script> -->", "<!--"),
]


@pytest.mark.parametrize("html, forbidden", HOSTILE)
def test_hostile_html_is_cleaned(html, forbidden):
    assert forbidden.lower() not in sanitize_html(html).lower()


def test_what_the_editor_makes_survives():
    html = (
        "<h2>Rubrik</h2><p><strong>Fet</strong> och <em>kursiv</em> "
        '<a href="https://example.se/">länk</a></p><ul><li>En</li></ul>'
        "<blockquote><p>Citat</p></blockquote>"
    )
    cleaned = sanitize_html(html)
    for part in ["<h2>Rubrik</h2>", "<strong>Fet</strong>", "<em>kursiv</em>", "<li>En</li>"]:
        assert part in cleaned
    assert 'href="https://example.se/"' in cleaned and "<blockquote>" in cleaned


def test_a_crafted_post_through_the_admin_is_stored_clean(officer_client):
    data = new_release_data(
        title="Farlig text",
        lead="",
        body='<p style="color:red" onmouseover="x()">Hej</p><script>1</script>'
        '<a href="javascript:alert(1)">klick</a>',
    )
    assert officer_client.post(reverse("admin:releases_pressrelease_add"), data).status_code == 302
    body = PressRelease.objects.get(title="Farlig text").body
    for forbidden in ["style", "onmouseover", "<script", "javascript:"]:
        assert forbidden not in body
    assert "Hej" in body and "klick" in body


def test_the_admin_body_uses_the_rich_text_editor_from_static(officer_client, draft):
    page = parse(officer_client.get(reverse("admin:releases_pressrelease_change", args=[draft.pk])))
    assert page.select_one("[data-django-prose-editor-configurable]")
    # Every script and stylesheet comes from this site: the editor's own from /static/.
    loaded = [tag["src"] for tag in page.select("script[src]")] + [
        tag["href"] for tag in page.select('link[rel="stylesheet"]')
    ]
    assert any(address.startswith("/static/django_prose_editor/") for address in loaded)
    assert all(address.startswith("/") and not address.startswith("//") for address in loaded)
    # The import map (an inline script) names no other host either.
    import_map = page.select_one('script[type="importmap"]')
    assert import_map is None or "//" not in import_map.get_text()
