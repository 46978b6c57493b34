"""In-process probe for bench/run: the scenarios' addresses, their SQL query counts and
server times (Django's test client, no network), and an admin session for wrk.

Run with the same environment as the server (bench/run does so); prints one JSON object.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.base")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag  # noqa: E402

from municipalities.models import Municipality  # noqa: E402
from newsroom.releases.models import PressRelease, TaggedRelease  # noqa: E402

ROUNDS = int(os.environ.get("PROBE_ROUNDS", 5))


def scenarios():
    release = PressRelease.objects.public().filter(language="sv").order_by("-published_at")[10]
    # The most used tag (the heaviest tag page) and the municipality with most releases.
    tag_id = (
        TaggedRelease.objects.values("tag_id")
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()["tag_id"]
    )
    tag = Tag.objects.get(pk=tag_id)
    municipality = (
        Municipality.objects.annotate(n=django.db.models.Count("releases")).order_by("-n").first()
    )
    newest_year = timezone.localtime(PressRelease.objects.public().first().published_at).year
    pages = {
        "home": "/sv/",
        "list page 1": "/sv/releases/",
        "list last page": "/sv/releases/?oldest=1",
        "release": release.get_absolute_url(),
        "tag": f"/sv/tags/{tag.slug}/",
        "municipality": municipality.get_absolute_url(),
        "rss": "/sv/feeds/rss/",
        "sitemap index": "/sitemap.xml",
        "sitemap section (newest year)": f"/sitemap-releases-{newest_year}.xml",
        "search": "/sv/search/?q=kommun",
    }
    admin = {
        "admin releases search+filter": "/admin/releases/pressrelease/"
        "?q=kommunen&status__exact=published",
        "admin subscribers search+filter": "/admin/subscriptions/subscriber/"
        "?q=prenumerant12&status__exact=active",
    }
    return pages, admin


def measure(client, url, cold=True):
    """Median server time (ms) and the query count of one request."""
    times = []
    queries = None
    for _ in range(ROUNDS):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured)
    return {"server_ms": round(statistics.median(times), 2), "queries": queries}


def main():
    pages, admin = scenarios()
    anonymous = Client()
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    staff = Client()
    staff.force_login(user)
    result = {"pages": {}, "admin": {}}
    for name, url in pages.items():
        result["pages"][name] = {"url": url, **measure(anonymous, url)}
    for name, url in admin.items():
        result["admin"][name] = {"url": url, **measure(staff, url, cold=False)}
    result["admin_cookie"] = f"sessionid={staff.cookies['sessionid'].value}"
    if connection.vendor == "postgresql":
        result["search_plan"] = search_plan()
    print(json.dumps(result))


def search_plan():
    from newsroom.releases.search import search_releases

    queryset = search_releases(PressRelease.objects.public(), "kommun")[:10]
    return queryset.explain(analyze=True)


if __name__ == "__main__":
    main()
