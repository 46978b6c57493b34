"""The public page cache's middleware; see the package for the rules.

It sits after LocaleMiddleware (the address resolves in its language) and before the
middleware that may set cookies or read the session, whose work it then sees.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import has_vary_header, patch_cache_control, set_response_etag
from django.utils.http import http_date

from . import GENERATION_KEY, bump, page_key, timeout_for

CACHED_NAMESPACES = {"core", "releases", "municipalities", "contacts", "mediabank"}
CACHED_NAMES = {"sitemap", "sitemap_section"}
# Pages of those namespaces that carry a form to post, or a private address.
NEVER = {"core:report", "core:report_thanks", "releases:preview"}
PERSONAL_COOKIES = {"messages"}


def is_public_page(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name in NEVER:
        return False
    return match.namespace in CACHED_NAMESPACES or match.url_name in CACHED_NAMES


def storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if has_vary_header(response, "Cookie"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or PERSONAL_COOKIES & request.COOKIES.keys()
            or not is_public_page(request)
        ):
            return self.get_response(request)
        if not settings.PAGE_CACHE:
            return self._validators(self.get_response(request))
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or bump()
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _generation, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if storable(request, response):
            self._validators(response)
            timeout = timeout_for(generation)
            if timeout > 0:
                headers = dict(response.items())
                cache.set(
                    key, (generation, response.status_code, headers, response.content), timeout
                )
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _validators(response):
        """ETag and Last-Modified (the time it was rendered), and no reuse without asking:
        ConditionalGetMiddleware answers the revalidation with 304 when nothing changed."""
        if response.status_code == 200 and not response.streaming:
            if not response.has_header("ETag"):
                set_response_etag(response)
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date()
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, no_cache=True)
        return response
