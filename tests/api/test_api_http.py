"""The API over HTTP: conditional requests, cursor paging while releases are published,
query counts, the rate limit, CORS and the OpenAPI schema."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.releases import services
from newsroom.releases.models import PressRelease
from tests.conftest import attach_images

Status = PressRelease.Status


def test_answers_carry_validators_and_a_304_costs_no_query(client, make_release):
    make_release(title="Ett")
    first = client.get("/api/v1/releases")
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert "no-cache" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/releases", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert len(queries) == 0
    assert client.get("/api/v1/releases", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another address has another tag.
    assert client.get("/api/v1/releases?limit=5", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_change_or_a_scheduled_time_passing_changes_the_etag(client, make_release):
    release = make_release(title="Ett")
    etag = client.get("/api/v1/releases")["ETag"]
    release.title = "Ett, rättat"
    release.save()
    changed = client.get("/api/v1/releases", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["items"][0]["title"] == "Ett, rättat"

    soon = timezone.now() + dt.timedelta(minutes=5)
    make_release(title="Planerat", status=Status.SCHEDULED, publish_at=soon)
    etag = client.get("/api/v1/releases")["ETag"]
    assert client.get("/api/v1/releases", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with time_machine.travel(soon + dt.timedelta(seconds=1)):
        after = client.get("/api/v1/releases", HTTP_IF_NONE_MATCH=etag)
        assert after.status_code == 200
        assert after.json()["items"][0]["title"] == "Planerat"


def _all_pages(client, path, between=None):
    seen, url, pages = [], path, 0
    while url:
        data = client.get(url).json()
        seen += [item["id"] for item in data["items"]]
        url, pages = data["next"], pages + 1
        if between:
            between(pages)
    return seen, pages


def test_paging_while_releases_are_published_skips_and_repeats_nothing(
    client, make_release, editor, make_contact
):
    contact = make_contact()
    old = [make_release(title=f"Gammal {n}") for n in range(7)]
    fresh = []

    def publish_one(pages):
        draft = make_release(title=f"Ny {pages}", status=Status.DRAFT, contacts=[contact])
        services.release_publish(release=draft, by=editor)
        fresh.append(draft.pk)

    seen, pages = _all_pages(client, "/api/v1/releases?limit=2", between=publish_one)
    expected = [r.pk for r in sorted(old, key=lambda r: r.published_at, reverse=True)]
    assert seen == expected
    assert pages == 4
    # The new ones are at the top of the next walk.
    assert _all_pages(client, "/api/v1/releases?limit=3")[0] == fresh[::-1] + expected


def test_paging_by_update_time_reaches_every_change(client, make_release):
    releases = [make_release() for _ in range(5)]
    seen, _pages = _all_pages(client, "/api/v1/releases?updated_since=2000-01-01T00:00Z&limit=2")
    assert sorted(seen) == sorted(r.pk for r in releases)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/releases",
        "/api/v1/releases?updated_since=2000-01-01T00:00Z",
        "/api/v1/visits",
        "/api/v1/municipalities",
        "/api/v1/funding-rounds",
        "/api/v1/grants",
        "/api/v1/contacts",
        "/api/v1/tags",
    ],
)
def test_a_list_costs_the_same_queries_whatever_the_page_size(
    client, path, make_release, make_contact, make_image, make_visit, make_grant, borlange
):
    for n in range(6):
        release = make_release(
            tags=[f"tagg-{n}"],
            municipalities=[borlange],
            contacts=[make_contact()],
            quotes=[("Anna", "Citat.")],
        )
        attach_images(release, make_image())
        make_visit().topics.add(f"amne-{n}")
    for year in (2018, 2019, 2020):
        make_grant(year=year)
    joiner = "&" if "?" in path else "?"
    client.get(path)  # the schedule look-up is cached from here on

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{path}{joiner}limit={limit}")
        assert response.status_code == 200
        return len(queries)

    one, many = count(1), count(50)
    assert one == many
    # Releases: the page, tags, municipalities, quotes, documents, contacts, images.
    assert many <= 7


def test_rate_limit_answers_429_with_retry_after(client, db, settings):
    settings.API_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert client.get("/api/v1/tags").status_code == 200
    refused = client.get("/api/v1/tags")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "detail" in refused.json()
    # Per client: another address is not held back.
    assert client.get("/api/v1/tags", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_cors_is_open_for_reading(client, db):
    response = client.get("/api/v1/tags", HTTP_ORIGIN="https://kommun.example.se")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/tags",
        HTTP_ORIGIN="https://kommun.example.se",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    # Not the pages.
    page = client.get("/sv/", HTTP_ORIGIN="https://kommun.example.se")
    assert "Access-Control-Allow-Origin" not in page


def test_the_openapi_schema_describes_every_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/releases",
        "/api/v1/releases/{release_id}",
        "/api/v1/visits",
        "/api/v1/visits/{visit_id}",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{code}",
        "/api/v1/funding-rounds",
        "/api/v1/funding-rounds/{slug}",
        "/api/v1/grants",
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/tags",
    } <= set(schema["paths"])
    # Ninja's own HTML docs page is not served (ours is in the site, under the CSP).
    assert client.get("/api/v1/docs").status_code == 404
