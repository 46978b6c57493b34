"""Two small readings every app needs about the web around the newsroom.

- `absolute_url(path)`: the newsroom's public address for a path, for emails, feeds,
  vCards, calendars and machine-readable metadata (the one place SITE_URL is joined).
- `client_address(request)`: who is asking, for rate limits and lockouts, behind a proxy too.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path="/"):
    """`SITE_URL` (no trailing slash) followed by a path that starts with "/"."""
    return f"{settings.SITE_URL}{path}"


def uid_domain():
    """The domain of the newsroom's stable identifiers (calendar UIDs): the setting
    `CALENDAR_UID_DOMAIN`, by default the host name of `SITE_URL` (no port), never the host
    a request came in by."""
    return settings.CALENDAR_UID_DOMAIN or urlsplit(settings.SITE_URL).hostname or "localhost"


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request):
    """Who is sending, for rate limits and login lockouts: behind a proxy, the address it
    passes on; None when the request carries no valid address.

    `CLIENT_IP_HEADER` names the header the proxy sets (e.g. HTTP_X_FORWARDED_FOR); its last
    entry is the one our own proxy added, so a client cannot forge it away. Only a valid IP
    address is returned (django-axes stores it in an address column); a garbled entry falls
    back to the peer's address.
    """
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    return (forwarded and _ip(forwarded.split(",")[-1])) or _ip(request.META.get("REMOTE_ADDR"))


def client_key(group, request):
    """`client_address` as django-ratelimit's `key` callable."""
    return client_address(request) or "unknown"
