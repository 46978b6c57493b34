"""Conditional GET for the API: `ETag` and `Last-Modified`, and 304 without a query.

What the API shows changes only when a row of the watched apps changes (which replaces the
page cache's *generation*, `newsroom.pagecache`) or when a scheduled release's time comes
(no row changes then). So the validators are derived from the generation, the next
scheduled publication, the language and the address, all read from the cache: a client
that polls with `If-None-Match` or `If-Modified-Since` gets its 304 before the view runs.
When the next scheduled time has passed, the generation is replaced here (as a save would
have done), so that `Last-Modified` moves on too.
"""

import datetime as dt
import hashlib
from functools import wraps

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from ninja.decorators import decorate_view

from newsroom.pagecache import GENERATION_KEY, SCHEDULE_KEY, bump, next_publication


def current_generation():
    found = cache.get_many([GENERATION_KEY, SCHEDULE_KEY])
    generation = found.get(GENERATION_KEY) or bump()
    stored = found.get(SCHEDULE_KEY)
    if stored and stored[0] == generation and stored[1] and stored[1] <= timezone.now():
        # A scheduled release became public by the clock: everything is newer from now.
        generation = bump()
    return generation, next_publication(generation)


def validators(request):
    """(ETag, Last-Modified as a timestamp) of what the API answers to `request` now."""
    generation, upcoming = current_generation()
    seed = "|".join(
        [
            str(generation),
            upcoming.isoformat() if upcoming else "",
            translation.get_language() or "",
            request.get_full_path(),
        ]
    )
    etag = 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    last_modified = int(generation // 1_000_000_000)
    return etag, last_modified


def _stamp(run):
    @wraps(run)
    def stamped(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        found = getattr(request, "api_validators", None)
        if found and response.status_code in (200, 304):
            etag, last_modified = found
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ["Accept-Language"])
        return response

    return stamped


def conditional(view):
    """An API operation answered with validators, and with 304 when they match."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        etag, last_modified = validators(request)
        request.api_validators = (etag, last_modified)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return not_modified
        return view(request, *args, **kwargs)

    return decorate_view(_stamp)(checked)


def as_datetime(timestamp):
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
