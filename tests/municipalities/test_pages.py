"""Municipality, county, visit and funding pages; the calendar; the grants as CSV."""

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
from django.utils import timezone

from municipalities.models import AgencyVisit
from newsroom.releases.models import PressRelease
from tests.html import hrefs, parse


@pytest.mark.parametrize("language", ["sv", "en"])
def test_municipality_page_shows_releases_visits_and_grants(
    client, agency, borlange, make_release, make_visit, make_grant, language
):
    make_release(title="Om Borlänge", municipalities=[borlange])
    make_release(title="Utkast", municipalities=[borlange], status=PressRelease.Status.DRAFT)
    make_visit(title="Besöket i Borlänge")
    make_visit(title="Hemligt besök", is_public=False)
    make_grant(amount=6_000_000, is_example=True)
    response = client.get(f"/{language}/municipalities/borlange/")
    page = parse(response)
    assert [r.title for r in response.context["releases"]] == ["Om Borlänge"]
    cards = [a.get_text(strip=True) for a in page.select(".release-card__title a")]
    assert cards == ["Om Borlänge"]
    visits = [a.get_text(strip=True) for a in page.select(".visit-item__title a")]
    assert visits == ["Besöket i Borlänge"]
    assert page.select_one(".eyebrow a").get_text() == "Dalarnas län"
    assert page.select_one(".example-notice")  # example grants are labelled
    assert f"/{language}/feeds/rss/municipality/borlange/" in hrefs(page, ".feed-links a")
    atom = page.select_one(
        'link[rel="alternate"][type="application/atom+xml"][title="Borlänge (Atom)"]'
    )
    assert atom["href"] == f"/{language}/feeds/atom/municipality/borlange/"


def test_municipality_code_redirects_to_its_page(client, borlange):
    response = client.get("/sv/municipalities/2081/")
    assert response.status_code == 301
    assert response["Location"] == "/sv/municipalities/borlange/"


def test_unknown_municipality_and_county_are_404(client, db):
    assert client.get("/sv/municipalities/finns-inte/").status_code == 404
    assert client.get("/sv/counties/finns-inte/").status_code == 404


def test_county_page_lists_its_municipalities(client, agency, reference_data):
    page = parse(client.get("/sv/counties/dalarnas-lan/"))
    names = [a.get_text() for a in page.select("#municipalities-heading ~ ul a")]
    assert "Borlänge" in names and "Falun" in names and "Malmö" not in names
    # The releases about the county: a release page's link (newsroom/releases/pages.py).
    assert "/sv/releases/?county=20" in hrefs(page)


def test_municipality_index_lists_all_290(client, agency, reference_data):
    page = parse(client.get("/en/municipalities/"))
    links = [
        h for h in hrefs(page, "main a[href]") if re.fullmatch(r"/en/municipalities/[^/]+/", h)
    ]
    assert len(links) == 290


def test_visits_upcoming_and_past_with_filters(
    client, agency, borlange, make_visit, reference_data
):
    from municipalities.models import Municipality

    gavle = Municipality.objects.get(code="2180")
    today = timezone.localdate()
    make_visit(title="Kommande i Borlänge", date=today + dt.timedelta(days=10))
    make_visit(title="Kommande i Gävle", date=today + dt.timedelta(days=5), municipality=gavle)
    make_visit(title="Tidigare i Borlänge", date=today - dt.timedelta(days=10))
    make_visit(title="Dolt", date=today + dt.timedelta(days=1), is_public=False)
    response = client.get("/sv/visits/")
    assert [v.title for v in response.context["upcoming_visits"]] == [
        "Kommande i Gävle",
        "Kommande i Borlänge",
    ]
    assert [v.title for v in response.context["past_visits"]] == ["Tidigare i Borlänge"]
    filtered = client.get("/sv/visits/?municipality=2180")
    assert [v.title for v in filtered.context["upcoming_visits"]] == ["Kommande i Gävle"]
    assert list(filtered.context["past_visits"]) == []
    by_county = client.get("/sv/visits/?county=20")
    assert [v.title for v in by_county.context["upcoming_visits"]] == ["Kommande i Borlänge"]
    bad = client.get("/sv/visits/?municipality=9999&county=x")
    assert bad.status_code == 200 and bad.context["filter_errors"]
    assert client.get("/sv/visits/?page=abc").status_code == 404


@pytest.mark.parametrize("language", ["sv", "en"])
def test_visit_page(client, agency, make_visit, make_release, language):
    visit = make_visit(title="Besök i Borlänge", purpose="Samtal om segregation.")
    make_release(title="Pressmeddelande om besöket", visit=visit)
    response = client.get(f"/{language}/visits/{visit.slug}/")
    page = parse(response)
    assert "Samtal om segregation." in page.get_text()
    cards = [a.get_text(strip=True) for a in page.select(".release-card__title a")]
    assert cards == ["Pressmeddelande om besöket"]
    assert f"/{language}/visits/{visit.slug}.ics" in hrefs(page)
    hidden = make_visit(is_public=False)
    assert client.get(f"/sv/visits/{hidden.slug}/").status_code == 404


def test_calendar_feed_parses_with_stable_uids_and_stockholm_time(client, agency, make_visit):
    timed = make_visit(title="Med tid", date=dt.date(2027, 1, 20), time=dt.time(9, 30))
    make_visit(title="Heldag", date=dt.date(2027, 2, 10))
    make_visit(title="Inställt", status=AgencyVisit.Status.CANCELLED)
    make_visit(title="Dolt", is_public=False)
    response = client.get("/sv/visits/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Med tid", "Heldag", "Inställt"}
    start = events["Med tid"].decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Stockholm"
    assert start.replace(tzinfo=None) == dt.datetime(2027, 1, 20, 9, 30)
    assert events["Heldag"].decoded("dtstart") == dt.date(2027, 2, 10)
    assert str(events["Inställt"]["status"]) == "CANCELLED"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert str(events["Med tid"]["uid"]) == f"visit-{timed.pk}@testserver"
    # The same UID on the visit's own .ics, and on a second download.
    single = icalendar.Calendar.from_ical(client.get(f"/sv/visits/{timed.slug}.ics").content)
    (event,) = single.walk("VEVENT")
    assert str(event["uid"]) == f"visit-{timed.pk}@testserver"
    again = icalendar.Calendar.from_ical(client.get("/sv/visits/calendar.ics").content)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {
        str(e["uid"]) for e in calendar.walk("VEVENT")
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_funding_round_page_has_table_chart_and_example_labels(
    client, agency, funding_round, make_grant, reference_data, language
):
    from municipalities.models import Municipality

    botkyrka = Municipality.objects.get(code="0127")
    make_grant(year=2018, amount=6_000_000, is_example=True)
    make_grant(year=2019, amount=6_250_000, is_example=True)
    make_grant(municipality=botkyrka, year=2018, amount=20_000_000, is_example=True)
    assert client.get(f"/{language}/funding/").status_code == 200
    response = client.get(f"/{language}/funding/{funding_round.slug}/")
    assert response.status_code == 200
    content = response.content.decode()
    table = response.context["table"]
    assert [row.municipality.name for row in table.rows] == ["Botkyrka", "Borlänge"]
    assert table.total == 32_250_000
    page = parse(response)
    chart = page.select_one("svg[role=img]")
    assert chart["viewbox"].startswith("0 0 720")
    assert chart["aria-labelledby"] == "chart-title chart-desc"
    assert page.select_one("table caption")
    assert page.select_one(".example-notice")
    assert f"/{language}/funding/{funding_round.slug}/grants.csv" in hrefs(page)
    # Numbers in SVG attributes use a dot whatever the page's language.
    assert not re.search(r'width="\d+,\d', content)


def test_grants_csv(client, agency, funding_round, make_grant):
    make_grant(year=2018, amount=6_000_000, is_example=True)
    make_grant(year=2019, amount=6_250_000)
    response = client.get(f"/en/funding/{funding_round.slug}/grants.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Funding round"
    assert rows[1][1:] == ["2081", "Borlänge", "Dalarnas län", "2018", "6000000", "yes"]
    assert rows[2][5:] == ["6250000", "no"]
    assert client.get("/en/funding/finns-inte/grants.csv").status_code == 404
    assert client.get("/en/funding/finns-inte/").status_code == 404


def test_models_have_public_addresses(borlange, county, funding_round, make_visit):
    from django.utils import translation

    translation.activate("sv")
    assert borlange.get_absolute_url() == "/sv/municipalities/borlange/"
    assert county.get_absolute_url() == "/sv/counties/dalarnas-lan/"
    assert funding_round.get_absolute_url() == f"/sv/funding/{funding_round.slug}/"
    visit = make_visit()
    assert visit.get_absolute_url() == f"/sv/visits/{visit.slug}/"
