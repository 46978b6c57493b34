"""Whole anonymous public pages and feeds in Django's cache, never stale.

A page is stored with the cache's *generation*: a value that any change to what a public
page may show replaces (`bump`, from the signals in `apps.py`). A stored page whose
generation is not the current one is never served, so the next request after an edit,
publication, withdrawal or deletion renders afresh. The generation is read at the start of
a request and the page is stored with that value: a page rendered from data read before a
change can never be stored under the generation made after it.

A stored page also never outlives the next scheduled release's time (a scheduled release
becomes public by the clock, with no save to bump anything), nor local midnight (lists of
upcoming visits), nor `PAGE_CACHE_SECONDS`.

Only what every anonymous reader would get is stored: GET and HEAD without a session or
messages cookie, answered 200 by a public page (`CACHED_NAMESPACES`), with no cookie set,
no `Vary: Cookie`, no session read and no `private`/`no-store`. The cache must be shared by
every process that serves pages (the database cache, or Redis): with a per-process cache a
change made in one process would not reach the others.
"""

import datetime as dt
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "pagecache:generation"
SCHEDULE_KEY = "pagecache:next-publication"

# The apps whose rows public pages show, and the models of theirs that no public page shows.
WATCHED_APPS = {"core", "municipalities", "contacts", "mediabank", "releases", "taggit"}
IGNORED_MODELS = {
    "core.contentreport",
    "releases.releaseevent",
    "releases.releaserevision",
    "releases.previewlink",
}


def bump(**kwargs):
    """A new generation: every stored page is stale from now on."""
    value = time.time_ns()
    cache.set(GENERATION_KEY, value, None)
    return value


def watched(model):
    meta = model._meta
    return meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS


def changed(sender, **kwargs):
    """A signal receiver: bump now (this transaction's own reads) and again after the commit
    (a request that read the old rows meanwhile must not store them under the new value)."""
    if not watched(sender):
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump()
    transaction.on_commit(bump, using=kwargs.get("using"))


def next_publication(generation):
    """When the next scheduled release becomes public (None if none is scheduled), kept in
    the cache for this generation (scheduling a release saves it, which bumps)."""
    stored = cache.get(SCHEDULE_KEY)
    now = timezone.now()
    if stored and stored[0] == generation and (stored[1] is None or stored[1] > now):
        return stored[1]
    from newsroom.releases.models import PressRelease

    upcoming = (
        PressRelease.objects.filter(status=PressRelease.Status.SCHEDULED, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    cache.set(SCHEDULE_KEY, (generation, upcoming), settings.PAGE_CACHE_SECONDS)
    return upcoming


def timeout_for(generation):
    """Seconds a page stored now may be served: 0 when it must not be stored."""
    now = timezone.now()
    limits = [settings.PAGE_CACHE_SECONDS]
    upcoming = next_publication(generation)
    if upcoming is not None:
        limits.append((upcoming - now).total_seconds())
    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    limits.append((midnight - local).total_seconds())
    return int(min(limits))


def page_key(request):
    address = request.build_absolute_uri()
    return "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()
