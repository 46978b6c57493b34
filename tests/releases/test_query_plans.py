"""The public lists are read along the order index, whatever the archive's size.

SQLite plans without statistics, so its plan is stable: these tests read it (EXPLAIN QUERY
PLAN) for the queries behind the newest and oldest pages, a tag's page, the feed, a page
by key and the year choices. A plan that sorts (a temporary B-tree) or walks the status
column's index would cost the whole archive on every request.
"""

import pytest
from django.db import connection
from django.test import RequestFactory

from newsroom.releases.filters import ReleaseFilterForm
from newsroom.releases.models import PressRelease
from newsroom.releases.pagination import paginate

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="reads SQLite's query plans (PostgreSQL plans by statistics)",
)


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(row[-1] for row in cursor.fetchall())


def public():
    return PressRelease.objects.public()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["newest", "oldest", "tag", "older than a key", "newest year", "oldest year"],
)
def test_public_lists_read_the_order_index_without_sorting(name, make_release):
    release = make_release(tags=["tema"])
    queries = {
        "newest": public()[:13],
        "oldest": public()
        .filter(published_at__isnull=False)
        .order_by("published_at", "created_at", "id")[:13],
        "tag": public().tagged(release.tags.all())[:13],
        "older than a key": public().filter(published_at__lt=release.published_at)[:13],
        "newest year": public()
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-created_at", "-id")[:1],
        "oldest year": public()
        .filter(published_at__isnull=False)
        .order_by("published_at", "created_at", "id")[:1],
    }
    text = plan(queries[name])
    assert "pressrelease_public_order" in text, text
    assert "TEMP B-TREE" not in text, text


@pytest.mark.django_db
def test_a_page_by_key_and_the_filter_choices_cost_the_same_queries_as_the_first(
    make_release, django_assert_num_queries
):
    releases = [make_release() for _ in range(30)]
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        first = paginate(public(), request.GET, 12)
    with django_assert_num_queries(1):
        second = paginate(public(), {"older": first.older_key}, 12)
    assert [r.pk for r in second] == [r.pk for r in releases[12:24]]
    with django_assert_num_queries(1):
        paginate(public(), {"oldest": "1"}, 12)
    # Tags, municipalities, counties and the two ends of the years.
    with django_assert_num_queries(5):
        form = ReleaseFilterForm(public_releases=public())
        [list(form.fields[name].choices) for name in ("tag", "municipality", "county", "year")]
