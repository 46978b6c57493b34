import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from municipalities import urls as municipalities_urls
from newsroom import media, views
from newsroom.contacts import urls as contacts_urls
from newsroom.core import urls as core_urls
from newsroom.core import views as core_views
from newsroom.core.login import AdminLoginForm
from newsroom.mediabank import urls as mediabank_urls
from newsroom.releases import pages as release_pages
from newsroom.sitemaps import sitemap_index, sitemap_section

# The admin's pages name the newsroom, not Django.
admin.site.site_header = _("Newsroom administration")
admin.site.site_title = _("Newsroom administration")
# Its login asks for a TOTP code too (newsroom/core/login.py).
admin.site.login_form = AdminLoginForm

# The home page lives at the project level (it gathers several apps) but keeps its name
# `core:home`: it joins core's own pages in core's namespace.
core_patterns = [path("", views.HomeView.as_view(), name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", core_views.language_redirect, name="root"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Uploads, each by its owner's rule (never MEDIA_ROOT served as it lies, DEBUG or not).
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.strip('/'))}/(?P<name>.+)$",
        media.serve_media,
        name="media",
    ),
]


def with_release_pages(urls):
    """A lower app's URL patterns, its pages that list releases served by the releases app's
    versions of them (newsroom/releases/pages.py), under the same names."""
    pages = release_pages.PAGES[urls.app_name]
    patterns = [
        path(str(pattern.pattern), pages[pattern.name], name=pattern.name)
        if pattern.name in pages
        else pattern
        for pattern in urls.urlpatterns
    ]
    assert {p.name for p in patterns if p.callback in pages.values()} == set(pages), urls
    return include((patterns, urls.app_name))


urlpatterns += i18n_patterns(
    path("", include((core_patterns, core_urls.app_name))),
    path("", include("newsroom.releases.urls")),
    path("", with_release_pages(municipalities_urls)),
    path("", with_release_pages(contacts_urls)),
    path("", with_release_pages(mediabank_urls)),
    path("subscribe/", include("newsroom.subscriptions.urls")),
    prefix_default_language=True,
)

# A 503 with Retry-After while the database is unreachable; the usual 500 page otherwise.
handler500 = core_views.server_error

if settings.BENCHMARK_CEILING:
    urlpatterns += [path("bench/ceiling/", views.benchmark_ceiling, name="benchmark_ceiling")]
