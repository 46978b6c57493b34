"""Two small readings every app needs about the web around the newsroom.

- `absolute_url(path)`: the newsroom's public address for a path, for emails, feeds,
  vCards, calendars and machine-readable metadata (the one place SITE_URL is joined).
- `client_address(request)`: who is asking, for rate limits, behind a proxy too.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path="/"):
    """`SITE_URL` (no trailing slash) followed by a path that starts with "/"."""
    return f"{settings.SITE_URL}{path}"


def site_host():
    """The host (and port) of `SITE_URL`, e.g. for stable identifiers."""
    return urlsplit(settings.SITE_URL).netloc


def client_address(request):
    """Who is sending, for the rate limits: behind a proxy, the address it passes on.

    `CLIENT_IP_HEADER` names the header the proxy sets (e.g. HTTP_X_FORWARDED_FOR); its last
    entry is the one our own proxy added, so a client cannot forge it away.
    """
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "unknown"


def client_key(group, request):
    """`client_address` as django-ratelimit's `key` callable."""
    return client_address(request)
