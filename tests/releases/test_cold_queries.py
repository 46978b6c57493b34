"""A fresh render (the page cache off) of each public page costs a few queries, at most
15 (issue 8), and no more with more releases, tags, municipalities and images."""

import pytest

from tests.conftest import attach_images
from tests.queries import count_queries as queries

pytestmark = pytest.mark.django_db

# The most each page may ask, rendered afresh with the page cache off.
PAGES = {
    "/sv/": 6,
    "/sv/releases/": 9,
    "/sv/releases/?oldest=1": 9,
    "/sv/tags/alla/": 6,
    "/sv/feeds/rss/": 4,
}


def test_public_pages_cost_few_queries_whatever_their_content(
    client, agency, make_release, borlange, make_image
):
    make_release(tags=["alla"])
    first = make_release(tags=["alla"])  # with one related release
    few = {url: queries(client, url) for url in PAGES}
    few["release"] = queries(client, first.get_absolute_url())
    for n in range(14):
        release = make_release(tags=[f"t{n}", "alla"], municipalities=[borlange])
        attach_images(release, make_image(), make_image())
    many = {url: queries(client, url) for url in PAGES}
    many["release"] = queries(client, release.get_absolute_url())
    assert many == few
    for url, most in PAGES.items():
        assert many[url] <= most, (url, many[url])
    assert many["release"] <= 11
