"""Feeds (RSS 2.0, Atom), the sitemap, and the release page's machine-readable parts."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsroom.releases.models import PressRelease
from tests.conftest import attach_images
from tests.html import hrefs, parse

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def mixed(make_release, borlange):
    return {
        "public": make_release(title="Publik nyhet", kind="news", tags=["skola"]),
        "borlange": make_release(title="Om Borlänge", municipalities=[borlange]),
        "english": make_release(title="In English", language="en"),
        "draft": make_release(title="Utkast", status=PressRelease.Status.DRAFT),
        "review": make_release(title="Granskas", status=PressRelease.Status.IN_REVIEW),
        "withdrawn": make_release(title="Tillbakadragen", status=PressRelease.Status.WITHDRAWN),
        "later": make_release(
            title="Senare",
            status=PressRelease.Status.SCHEDULED,
            publish_at=timezone.now() + dt.timedelta(hours=2),
        ),
    }


def rss_titles(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return [item.findtext("title") for item in root.iter("item")]


def atom_titles(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_feeds_list_only_public_releases(client, agency, mixed, language):
    expected = {"Publik nyhet", "Om Borlänge", "In English"}
    assert set(rss_titles(client.get(f"/{language}/feeds/rss/"))) == expected
    assert set(atom_titles(client.get(f"/{language}/feeds/atom/"))) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("tag/skola", ["Publik nyhet"]),
        ("municipality/borlange", ["Om Borlänge"]),
        ("kind/news", ["Publik nyhet"]),
        ("language/en", ["In English"]),
    ],
)
def test_scoped_feeds(client, agency, mixed, path, expected):
    assert rss_titles(client.get(f"/sv/feeds/rss/{path}/")) == expected
    assert atom_titles(client.get(f"/sv/feeds/atom/{path}/")) == expected


def test_feed_items_link_to_the_release_with_date_and_tags(client, agency, mixed):
    root = ET.fromstring(client.get("/sv/feeds/rss/tag/skola/").content)
    item = next(root.iter("item"))
    assert item.findtext("link") == "http://testserver" + mixed["public"].get_absolute_url()
    assert item.findtext("pubDate")
    assert [c.text for c in item.findall("category")] == ["skola"]


@pytest.mark.parametrize(
    "path",
    ["tag/finns-inte", "municipality/finns-inte", "kind/poem", "language/de", "colour/blue"],
)
def test_unknown_feed_scopes_are_404(client, agency, path):
    assert client.get(f"/sv/feeds/rss/{path}/").status_code == 404


SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def sitemap_urls(client):
    """Every <url> of the sitemap, read the way a crawler reads it: the index, then each
    section it names."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    urls = []
    for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", SITEMAP_NS):
        section = client.get(loc.text.removeprefix("http://testserver"))
        assert section.status_code == 200, loc.text
        urls += ET.fromstring(section.content).findall("s:url", SITEMAP_NS)
    return urls


def test_sitemap_has_both_languages_and_only_public_releases(client, agency, mixed):
    ns = SITEMAP_NS
    urls = sitemap_urls(client)
    locations = [url.findtext("s:loc", namespaces=ns) for url in urls]
    assert "http://testserver/sv/" in locations and "http://testserver/en/" in locations
    assert "http://testserver" + mixed["public"].get_absolute_url() in locations
    for hidden in ("draft", "review", "withdrawn", "later"):
        assert "http://testserver" + mixed[hidden].get_absolute_url() not in locations
    home = next(u for u in urls if u.findtext("s:loc", namespaces=ns) == "http://testserver/sv/")
    hreflangs = {link.get("hreflang") for link in home.findall("x:link", ns)}
    assert {"sv", "en", "x-default"} <= hreflangs


def test_sitemap_names_a_releases_translation(client, agency, make_release):
    original = make_release(title="Originalet")
    translation = make_release(title="The original", language="en", translation_of=original)
    ns = SITEMAP_NS
    entry = next(
        u for u in sitemap_urls(client)
        if u.findtext("s:loc", namespaces=ns).endswith(original.get_absolute_url())
    )  # fmt: skip
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", ns)}
    assert alternates["en"] == "http://testserver" + translation.get_absolute_url()


def test_sitemap_lists_the_tags_the_public_may_reach_and_no_other(
    client, agency, make_release, make_visit
):
    make_release(tags=["publik"])
    make_release(tags=["embargo"], status=PressRelease.Status.DRAFT)
    make_visit().topics.add("besok")  # a visit's topic has its tag page too
    locations = {u.findtext("s:loc", namespaces=SITEMAP_NS) for u in sitemap_urls(client)}
    assert "http://testserver/sv/tags/publik/" in locations
    assert "http://testserver/sv/tags/besok/" in locations
    assert client.get("/sv/tags/besok/").status_code == 200
    assert not any("embargo" in location for location in locations)


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def json_ld(content):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_release_page_has_json_ld_open_graph_and_canonical(
    client, agency, make_release, make_image
):
    release = make_release(
        title="Besök i Borlänge </script><script>alert(1)</script>",
        lead="Myndigheten besöker Borlänge.",
        tags=["segregation"],
    )
    attach_images(release, make_image(alt_text="Blå illustration"))
    response = client.get(release.get_absolute_url())
    page = parse(response)
    content = response.content.decode()
    data = json_ld(content)
    url = "http://testserver" + release.get_absolute_url()
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Besök i Borlänge")
    assert data["inLanguage"] == "sv"
    assert data["url"] == url
    assert data["publisher"]["name"] == agency.name
    assert data["image"][0].startswith("http://testserver/media/")
    assert data["keywords"] == ["segregation"]
    assert data["datePublished"]
    assert "<script>alert(1)</script>" not in content
    assert page.select_one('link[rel="canonical"]')["href"] == url
    meta = {
        tag.get("property") or tag.get("name"): tag.get("content") for tag in page.select("meta")
    }
    assert meta["og:url"] == url
    assert meta["og:type"] == "article"
    assert meta["og:image"].startswith("http://testserver/media/")
    assert meta["twitter:card"] == "summary_large_image"


def test_release_page_links_tags_municipalities_visit_and_round(
    client, agency, make_release, borlange, make_visit, funding_round
):
    visit = make_visit(title="Besöket")
    release = make_release(
        tags=["skola"], municipalities=[borlange], visit=visit, funding_round=funding_round
    )
    page = parse(client.get(release.get_absolute_url()))
    links = hrefs(page)
    assert "/sv/tags/skola/" in links
    assert borlange.get_absolute_url() in links
    assert visit.get_absolute_url() in links
    assert funding_round.get_absolute_url() in links
    assert any(link.startswith("/sv/report/?page=") for link in links)
    assert any(link.startswith("https://www.linkedin.com/sharing/") for link in links)
    assert all(s["src"].startswith("/static/") for s in page.select("script[src]"))


def test_related_releases_share_a_tag_and_are_public(client, agency, make_release):
    release = make_release(tags=["skola"])
    make_release(title="Också om skolan", tags=["skola"])
    make_release(title="Utkast om skolan", tags=["skola"], status=PressRelease.Status.DRAFT)
    make_release(title="Om annat", tags=["annat"])
    response = client.get(release.get_absolute_url())
    assert [r.title for r in response.context["related_releases"]] == ["Också om skolan"]


def test_release_page_query_count_is_fixed(
    client, agency, make_release, make_contact, make_image, borlange
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_release(tags=["x"])
    big = make_release(
        tags=[f"t{i}" for i in range(5)] + ["x"],
        municipalities=[borlange],
        contacts=[make_contact() for _ in range(4)],
        quotes=[("A", "a"), ("B", "b")],
    )
    attach_images(big, *[make_image() for _ in range(3)])
    for _ in range(3):
        make_release(tags=["x"])
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as big_queries:
        client.get(big.get_absolute_url())
    assert len(small_queries) == len(big_queries) <= 16


def test_tag_page_lists_releases_and_visits_and_has_feeds(client, agency, make_release, make_visit):
    make_release(title="Om skolan", tags=["skola"])
    make_release(title="Utkast om skolan", tags=["skola"], status=PressRelease.Status.DRAFT)
    visit = make_visit(title="Skolbesöket")
    visit.topics.add("skola")
    for language in ("sv", "en"):
        response = client.get(f"/{language}/tags/skola/")
        assert response.status_code == 200
        assert [r.title for r in response.context["releases"]] == ["Om skolan"]
        content = response.content.decode()
        assert "Skolbesöket" in content
        assert f"/{language}/feeds/rss/tag/skola/" in content
    assert client.get("/sv/tags/finns-inte/").status_code == 404


def _hidden_release(make_release, state, tag):
    """A release the public may not see, in `state`, carrying `tag`."""
    if state == "future-scheduled":
        return make_release(
            tags=[tag],
            status=PressRelease.Status.SCHEDULED,
            publish_at=timezone.now() + dt.timedelta(days=2),
        )
    if state == "withdrawn":
        release = make_release(tags=[tag])
        release.status = PressRelease.Status.WITHDRAWN
        release.save()
        return release
    return make_release(tags=[tag], status=state)


HIDDEN_STATES = ["draft", "in_review", "future-scheduled", "withdrawn"]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_tag_of_non_public_releases_only_has_no_page_and_no_feed(
    client, agency, make_release, state
):
    # The tag's name alone would reveal an embargoed topic.
    _hidden_release(make_release, state, "Hemlig sammanslagning")
    for language in ("sv", "en"):
        page = client.get(f"/{language}/tags/hemlig-sammanslagning/")
        assert page.status_code == 404
        assert "Hemlig sammanslagning" not in page.content.decode()
        for fmt in ("rss", "atom"):
            feed = client.get(f"/{language}/feeds/{fmt}/tag/hemlig-sammanslagning/")
            assert feed.status_code == 404
            assert b"Hemlig sammanslagning" not in feed.content


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_a_tag_answers_once_a_public_release_or_visit_carries_it(
    client, agency, make_release, make_visit, state
):
    _hidden_release(make_release, state, "skola")
    _hidden_release(make_release, state, "tema")
    make_release(title="Om skolan", tags=["skola"])
    make_visit(title="Temabesöket").topics.add("tema")
    make_visit(title="Internt", is_public=False).topics.add("internt")
    assert client.get("/sv/tags/skola/").status_code == 200
    assert client.get("/sv/feeds/rss/tag/skola/").status_code == 200
    # A tag of a public visit only: the page shows the visit, the feed is empty but answers.
    assert "Temabesöket" in client.get("/sv/tags/tema/").content.decode()
    assert client.get("/sv/feeds/atom/tag/tema/").status_code == 200
    # Not of a visit the public does not see.
    assert client.get("/sv/tags/internt/").status_code == 404


def test_tag_get_absolute_url(db):
    from taggit.models import Tag

    assert Tag.objects.create(name="Skola", slug="skola").get_absolute_url() == "/sv/tags/skola/"


def test_release_page_hides_a_visit_that_is_not_public(client, agency, make_release, make_visit):
    visit = make_visit(title="Internt möte", is_public=False)
    release = make_release(visit=visit)
    page = parse(client.get(release.get_absolute_url()))
    assert "Internt möte" not in page.get_text()
    assert visit.get_absolute_url() not in hrefs(page)


def test_withdrawn_release_keeps_its_page_but_leaves_every_list(client, agency, make_release):
    release = make_release(title="Dragits tillbaka om kommunen")
    release.status = PressRelease.Status.WITHDRAWN
    release.withdrawn_reason = "Fel uppgifter."
    release.save()
    page = parse(client.get(release.get_absolute_url()))
    assert page.select_one(".withdrawn-notice")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex, nofollow"
    assert not page.select('script[type="application/ld+json"]')
    assert not page.select(".share")
    for path in (
        "/sv/",
        "/sv/releases/",
        "/sv/search/?q=kommunen",
        "/sv/feeds/rss/",
        "/sitemap.xml",
    ):
        assert "Dragits tillbaka" not in client.get(path).content.decode(), path


def test_withdrawn_release_page_no_longer_hands_out_its_images_or_documents(
    client, agency, make_release, make_image, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from newsroom.mediabank.models import Document

    settings.MEDIA_ROOT = tmp_path
    release = make_release(title="Dragits tillbaka")
    image = make_image(title="Bild till släppet")
    attach_images(release, image)
    document = Document(title="Underlag")
    document.file.save("underlag.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    release.documents.add(document)
    image_page = f"/sv/images/{image.pk}/"
    download = f"/sv/images/{image.pk}/download/original/"

    # While public, the page links the image bank, the download and the document.
    page = parse(client.get(release.get_absolute_url()))
    addresses = hrefs(page) + [img["src"] for img in page.select("img[src]")]
    for link in (image_page, download, image.file.url, document.file.url):
        assert link in addresses, link

    release.status = PressRelease.Status.WITHDRAWN
    release.save()
    response = client.get(release.get_absolute_url())
    page = parse(response)
    content = response.content.decode()
    assert page.select_one(".withdrawn-notice") and "Dragits tillbaka" in page.h1.get_text()
    # No link that now answers 404, and none of the material itself.
    assert client.get(image_page).status_code == 404
    assert client.get(download).status_code == 404
    for link in (image_page, download, image.file.url, document.file.url):
        assert link not in content, link
    assert not page.select("#media-heading, #documents-heading")


def test_withdrawn_release_page_names_its_tags_without_linking_a_404(client, agency, make_release):
    release = make_release(tags=["bara-har"])
    assert "/sv/tags/bara-har/" in hrefs(parse(client.get(release.get_absolute_url())))
    release.status = PressRelease.Status.WITHDRAWN
    release.save()
    # Its only release withdrawn, the tag's page is gone: the page shows the tag as text.
    assert client.get("/sv/tags/bara-har/").status_code == 404
    page = parse(client.get(release.get_absolute_url()))
    assert "bara-har" in page.get_text() and "/sv/tags/bara-har/" not in hrefs(page)


def test_preview_has_no_share_report_or_structured_data(client, agency, make_release):
    from django.contrib.auth.models import User

    from newsroom.releases.preview import preview_url
    from newsroom.releases.services import release_preview_link_create

    editor = User.objects.create_superuser("redaktor", "r@example.se", "x")
    draft = make_release(title="Utkast att visa", status=PressRelease.Status.DRAFT)
    link = release_preview_link_create(release=draft, by=editor)
    page = parse(client.get(preview_url(link, absolute=False)))
    assert page.h1.get_text(strip=True) == "Utkast att visa"
    assert page.select_one(".preview-banner")
    assert not page.select('script[type="application/ld+json"]')
    assert not page.select(".share") and not page.select('form[action="/sv/report/"]')


def test_the_language_switcher_of_a_release_leads_to_its_translation(client, agency, make_release):
    original = make_release(title="Besök i Borlänge", language="sv")
    english = make_release(title="Visit to Borlänge", language="en", translation_of=original)
    page = parse(client.get(original.get_absolute_url()))
    assert page.select_one(f'a[hreflang="en"][href="{english.get_absolute_url()}"]')
    back = parse(client.get(english.get_absolute_url()))
    assert back.select_one(f'a[hreflang="sv"][href="{original.get_absolute_url()}"]')


def test_the_sitemap_index_names_one_section_per_year_of_releases(client, agency, make_release):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def stockholm(year, month=6):
        return timezone.make_aware(dt.datetime(year, month, 1, 12))

    recent = make_release(title="I år", published_at=timezone.now() - dt.timedelta(days=1))
    old = make_release(title="Förr", published_at=stockholm(2019))
    # Swedish time decides the year: 00:30 on New Year's Day in Stockholm is 23:30 UTC.
    new_year = make_release(
        title="Nyårsnatten", published_at=timezone.make_aware(dt.datetime(2021, 1, 1, 0, 30))
    )
    index = client.get("/sitemap.xml").content.decode()
    this_year = timezone.localtime(recent.published_at).year
    for year in range(this_year, 2018, -1):
        assert f"http://testserver/sitemap-releases-{year}.xml" in index
    assert "sitemap-releases-2018.xml" not in index
    section = client.get("/sitemap-releases-2019.xml").content.decode()
    assert old.get_absolute_url() in section and recent.get_absolute_url() not in section
    assert new_year.get_absolute_url() in client.get("/sitemap-releases-2021.xml").content.decode()
    assert client.get("/sitemap-releases-2018.xml").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404

    with CaptureQueriesContext(connection) as one:
        client.get("/sitemap-releases-2019.xml")
    for n in range(5):
        make_release(title=f"Fler {n}", published_at=stockholm(2019, n + 1))
        make_release(title=f"Andra år {n}", published_at=stockholm(2010 + n))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/sitemap-releases-2019.xml").content.decode().count("<url>") == 6
    assert len(one) == len(many)
