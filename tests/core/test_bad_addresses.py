"""Addresses no link leads to: a NUL byte in a path or a query is a 400, never a 500.

PostgreSQL refuses NUL in any text parameter, so on it a NUL reaching a query was a 500;
this suite runs on both databases (`.ci/run`).
"""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/sv/tags/skola%00/",
        "/sv/tags/%00/",
        "/sv/feeds/rss/tag/skola%00/",
        "/sv/feeds/atom/tag/skola%00/",
        "/sv/feeds/rss/municipality/borlange%00/",
        "/sv/feeds/atom/kind/news%00/",
        "/sv/feeds/rss/language/sv%00/",
        "/sv/releases/?tag=skola%00",
        "/sv/releases/?municipality=2081%00",
        "/sv/search/?q=skola%00",
        "/sv/visits/?county=20%00",
        "/sv/releases/slug%00/",
    ],
)
def test_a_nul_byte_in_an_address_is_a_bad_request(client, agency, make_release, borlange, path):
    make_release(tags=["skola"], municipalities=[borlange])
    assert client.get(path).status_code == 400


def test_addresses_without_nul_still_answer(client, agency, make_release):
    make_release(tags=["skola"])
    assert client.get("/sv/tags/skola/").status_code == 200
    assert client.get("/sv/feeds/rss/tag/skola/").status_code == 200
    assert client.get("/sv/feeds/rss/tag/okand/").status_code == 404
