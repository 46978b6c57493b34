import pytest
from django.urls import reverse

from newsroom.releases.models import PressRelease
from tests.html import parse


def test_root_redirects_to_swedish_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sv/"


def test_root_redirects_to_english_when_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_home_lists_public_releases_only(client, agency, make_release, language):
    make_release(title="Publicerad nyhet")
    make_release(title="Hemligt utkast", status=PressRelease.Status.DRAFT)
    page = parse(client.get(f"/{language}/"))
    assert page.html["lang"] == language
    cards = [a.get_text(strip=True) for a in page.select(".release-card__title a")]
    assert cards == ["Publicerad nyhet"]
    assert agency.name in page.select_one(".site-header__name").get_text()


def test_release_page_shows_everything_attached(
    client, agency, make_release, make_contact, borlange
):
    contact = make_contact(name="Lena Holm", email="lena.holm@example.se")
    release = make_release(
        title="Besök i Borlänge",
        lead="Myndigheten besöker Borlänge.",
        body="<h2>Bakgrund</h2><p>Text.</p>",
        tags=["segregation"],
        municipalities=[borlange],
        contacts=[contact],
        quotes=[("Karin Ekholm", "Vi ser fram emot besöket.")],
    )
    response = client.get(release.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Besök i Borlänge",
        "Myndigheten besöker Borlänge.",
        "<h2>Bakgrund</h2>",
        "segregation",
        "Borlänge",
        "Lena Holm",
        "lena.holm@example.se",
        "Vi ser fram emot besöket.",
        "Karin Ekholm",
        agency.boilerplate,
    ]:
        assert text in content


@pytest.mark.parametrize("status", ["draft", "in_review", "withdrawn"])
def test_release_page_is_404_unless_public(client, make_release, status):
    release = make_release(status=status)
    assert client.get(reverse("releases:detail", kwargs={"slug": release.slug})).status_code == 404


def test_unknown_release_is_404(client, db):
    assert client.get("/sv/releases/finns-inte/").status_code == 404


def test_release_page_query_count_does_not_grow_with_attachments(
    client, agency, make_release, make_contact, borlange, django_assert_max_num_queries
):
    small = make_release(contacts=[make_contact()], quotes=[("A", "a")])
    big = make_release(
        contacts=[make_contact() for _ in range(5)],
        quotes=[(f"S{i}", "t") for i in range(6)],
        tags=[f"t{i}" for i in range(6)],
        municipalities=[borlange],
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as big_queries:
        client.get(big.get_absolute_url())
    assert len(small_queries) == len(big_queries)
