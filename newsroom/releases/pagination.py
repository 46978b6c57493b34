"""Keyset pagination of public release lists: newer and older pages, addressed by a release.

An OFFSET makes the database walk past every earlier row, and a page count needs COUNT(*)
over the whole archive: both grow with it. Here a page is "the N releases older (or newer)
than this one", read from the order index (`-published_at, -created_at, -id`, the model's
ordering), so the newest, the oldest and every page between cost the same whatever the
archive's size. The pager offers the newest, newer, older and oldest pages.

    ?older=<key>   the releases after <key> in the list (older ones)
    ?newer=<key>   the releases before <key> (newer ones)
    ?oldest=1      the last page

A key is the release's public time, creation time (in microseconds) and id; an unreadable
one is a 404, like a page number that does not exist.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ORDER = ("published_at", "created_at", "id")
_KEY = re.compile(r"^(-?\d{1,20})\.(-?\d{1,20})\.(\d{1,20})$")
PARAMETERS = ("older", "newer", "oldest")


def _micros(value):
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def make_key(release):
    return f"{_micros(release.published_at)}.{_micros(release.created_at)}.{release.pk}"


def parse_key(text):
    match = _KEY.match(text or "")
    if not match:
        raise Http404("No such page.")
    try:
        published, created = (EPOCH + dt.timedelta(microseconds=int(g)) for g in match.groups()[:2])
    except OverflowError as error:
        raise Http404("No such page.") from error
    return published, created, int(match.group(3))


def _beyond(key, lookup):
    """Rows strictly after `key` in the (published_at, created_at, id) order, by `lookup`
    ("lt": older, "gt": newer)."""
    published, created, pk = key
    return (
        Q(**{f"published_at__{lookup}": published})
        | Q(published_at=published, **{f"created_at__{lookup}": created})
        | Q(published_at=published, created_at=created, **{f"id__{lookup}": pk})
    )


@dataclass
class KeysetPage:
    object_list: list
    has_newer: bool = False
    has_older: bool = False
    newer_key: str = ""
    older_key: str = ""
    is_first: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self):
        return self.has_newer or self.has_older

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def paginate(queryset, params, per_page):
    """The page of `queryset` (newest first) that the query string `params` asks for."""
    newest_first = [f"-{name}" for name in ORDER]
    oldest_first = list(ORDER)
    # Public releases always have a public date; the condition also lets the index skip
    # drafts (no date) when it is read from the oldest end.
    queryset = queryset.filter(published_at__isnull=False)
    if params.get("older"):
        rows = list(queryset.filter(_beyond(parse_key(params["older"]), "lt"))
                    .order_by(*newest_first)[: per_page + 1])  # fmt: skip
        items, has_older, has_newer = rows[:per_page], len(rows) > per_page, True
    elif params.get("newer"):
        rows = list(queryset.filter(_beyond(parse_key(params["newer"]), "gt"))
                    .order_by(*oldest_first)[: per_page + 1])  # fmt: skip
        has_newer = len(rows) > per_page
        if has_newer:
            items, has_older = rows[:per_page][::-1], True
        else:
            # Back at the top: show the newest page itself, full.
            return paginate(queryset, {}, per_page)
    elif params.get("oldest"):
        rows = list(queryset.order_by(*oldest_first)[: per_page + 1])
        items, has_newer, has_older = rows[:per_page][::-1], len(rows) > per_page, False
    else:
        rows = list(queryset.order_by(*newest_first)[: per_page + 1])
        items, has_older, has_newer = rows[:per_page], len(rows) > per_page, False
    if not items and any(params.get(name) for name in PARAMETERS):
        raise Http404("No such page.")
    return KeysetPage(
        object_list=items,
        has_newer=has_newer,
        has_older=has_older,
        newer_key=make_key(items[0]) if has_newer and items else "",
        older_key=make_key(items[-1]) if has_older and items else "",
        is_first=not has_newer,
    )


class KeysetPaginationMixin:
    """For a ListView of releases: `page_obj` is a KeysetPage, `is_paginated` says whether
    the pager shows (templates include `includes/keyset_pagination.html`).

    Addresses of the former numbered pages (`?page=3`) lead, permanently, to the newest page
    with the same filters: the numbers no longer name a stable set of releases.
    """

    keyset_pagination = True

    def get(self, request, *args, **kwargs):
        if self.keyset_pagination and "page" in request.GET:
            params = request.GET.copy()
            del params["page"]
            query = params.urlencode()
            return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        if not self.keyset_pagination:
            return super().paginate_queryset(queryset, page_size)
        page = paginate(queryset, self.request.GET, page_size)
        return None, page, page.object_list, page.has_other_pages
