"""Every public page in both languages on the demo newsroom, loaded once for the module."""

import pytest

from tests.html import parse

BORLANGE_RELEASE = "/releases/delegationen-mot-segregation-besoker-borlange/"
DEMO_PAGES = [
    "/",
    "/releases/",
    "/releases/?kind=press_release&year=2018",
    BORLANGE_RELEASE,
    "/search/?q=segregation",
    "/search/",
    "/tags/segregation/",
    "/municipalities/",
    "/municipalities/borlange/",
    "/counties/dalarnas-lan/",
    "/visits/",
    "/visits/2018-11-28-besok-i-borlange/",
    "/funding/",
    "/funding/sarskilt-stod-2018-2020/",
    "/contacts/",
    "/contacts/1/",
    "/images/",
    "/images/1/",
    "/accessibility/",
    "/report/?page=/sv/",
]

pytestmark = pytest.mark.usefixtures("demo")


def _is_local(address):
    return address.startswith("/") and not address.startswith("//")


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("path", DEMO_PAGES)
def test_every_public_page_renders_in_both_languages(client, language, path):
    page = parse(client.get(f"/{language}{path}"))
    assert page.html["lang"] == language
    assert len(page.find_all("h1")) == 1
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.select_one("main#main")
    assert page.select_one("form[role=search]")
    # The other language's link says which language it is in.
    other = "en" if language == "sv" else "sv"
    assert page.select_one(f'a[hreflang="{other}"][lang="{other}"]')
    # Nothing from another host is loaded: no CDN, no external font or script.
    scripts = [script["src"] for script in page.select("script[src]")]
    stylesheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert stylesheets and all(href.startswith("/static/") for href in stylesheets)
    assert all(_is_local(src) for src in scripts), scripts
    assert all(_is_local(img["src"]) for img in page.select("img[src]"))


def test_demo_example_grants_are_labelled_wherever_amounts_show(client):
    for path in ("/sv/funding/sarskilt-stod-2018-2020/", "/sv/municipalities/borlange/"):
        assert parse(client.get(path)).select_one(".example-notice"), path


def test_home_page_shows_releases_visits_contacts_and_a_subscribe_spot(client):
    response = client.get("/sv/")
    page = parse(response)
    assert len(response.context["latest_releases"]) == 6
    assert [v.title for v in response.context["upcoming_visits"]][0] == "Besök i Gävle (exempel)"
    titles = [a.get_text(strip=True) for a in page.select(".release-card__title a")]
    assert len(titles) == 6
    assert "Lena Holm" in [p.get_text(strip=True) for p in page.select(".contact-card__name")]
    assert "Utkast: ny vägledning" not in page.get_text()
    assert "Inbjudan till vårens nätverksträff" not in page.get_text()
    assert page.select_one(".subscribe-box form")
