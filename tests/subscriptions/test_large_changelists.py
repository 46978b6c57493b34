"""The release and subscriber changelists cost the same queries whatever the table's size
(searched and filtered included), never DISTINCT, and count only up to a limit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsroom.core.admin_tools import CappedCountPaginator
from tests.html import parse

pytestmark = pytest.mark.django_db

RELEASES = reverse("admin:releases_pressrelease_changelist")
SUBSCRIBERS = reverse("admin:subscriptions_subscriber_changelist")


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("DISTINCT" in statement for statement in sql), sql
    return len(sql), parse(response)


def test_the_release_changelist_costs_the_same_with_more_rows(admin_client, make_release, borlange):
    make_release(title="Kommunen bygger", municipalities=[borlange], tags=["skola"])
    urls = [
        "?q=kommunen&status__exact=published",
        f"?municipality={borlange.code}&q=Kommunen",
        f"?county={borlange.county_id}&kind__exact=news",
        f"?year={timezone.localdate().year}&language__exact=sv",
    ]
    few = [_get(admin_client, RELEASES + url)[0] for url in urls]
    for n in range(30):
        make_release(title=f"Kommunen {n}", municipalities=[borlange], tags=["skola", f"tagg{n}"])
    many = [_get(admin_client, RELEASES + url)[0] for url in urls]
    assert many == few
    _count, page = _get(admin_client, RELEASES + urls[1])
    assert len(page.select("#result_list tbody tr")) == 31  # each release once


def test_the_subscriber_changelist_costs_the_same_with_more_rows(
    admin_client, make_subscriber, borlange, county
):
    make_subscriber(email="kommunen@example.se", municipalities=[borlange], kinds=["news"])
    urls = [
        "?q=example&status__exact=active",
        f"?municipality={borlange.code}&q=example",
        f"?county={county.code}",
        "?kind=news",
    ]
    few = [_get(admin_client, SUBSCRIBERS + url)[0] for url in urls]
    for n in range(30):
        make_subscriber(
            email=f"nr{n}@example.se", municipalities=[borlange], counties=[county], kinds=["news"]
        )
    many = [_get(admin_client, SUBSCRIBERS + url)[0] for url in urls]
    assert many == few
    _count, page = _get(admin_client, SUBSCRIBERS + urls[1])
    assert len(page.select("#result_list tbody tr")) == 31


def test_a_long_list_says_more_than_the_counted_limit(admin_client, make_subscriber, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "limit", 5)
    for n in range(7):
        make_subscriber(email=f"lang{n}@example.se")
    _count, page = _get(admin_client, SUBSCRIBERS)
    text = " ".join(page.select_one(".paginator").get_text().split())
    assert "more than 5" in text or "fler än 5" in text, text
    for n in range(2):
        make_subscriber(email=f"kort{n}@example.se", status="pending")
    _count, page = _get(admin_client, SUBSCRIBERS + "?status__exact=pending")
    text = " ".join(page.select_one(".paginator").get_text().split())
    assert text.startswith("2 ") and "more than" not in text and "fler än" not in text


@pytest.mark.parametrize(
    "query",
    ["?tag=abc", "?tag=99999999999999999999999", "?municipality=nope", "?county=x"],
)
@pytest.mark.parametrize("changelist", [RELEASES, SUBSCRIBERS])
def test_a_filter_value_that_is_no_choice_reloads_the_list_with_an_error(
    admin_client, make_release, make_subscriber, borlange, county, changelist, query
):
    release = make_release(title="Kommunen bygger", municipalities=[borlange], tags=["skola"])
    make_subscriber(tags=list(release.tags.all()), municipalities=[borlange], counties=[county])
    response = admin_client.get(changelist + query)
    assert response.status_code == 302  # Django's "incorrect lookup", not a 500
    assert response["Location"] == changelist + "?e=1"
