import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from newsroom import media, views
from newsroom.core import urls as core_urls
from newsroom.core import views as core_views
from newsroom.sitemaps import SITEMAPS

# The admin's pages name the newsroom, not Django.
admin.site.site_header = _("Newsroom administration")
admin.site.site_title = _("Newsroom administration")

# The home page lives at the project level (it gathers several apps) but keeps its name
# `core:home`: it joins core's own pages in core's namespace.
core_patterns = [path("", views.HomeView.as_view(), name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", core_views.language_redirect, name="root"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Uploads, each by its owner's rule (never MEDIA_ROOT served as it lies, DEBUG or not).
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.strip('/'))}/(?P<name>.+)$",
        media.serve_media,
        name="media",
    ),
]

urlpatterns += i18n_patterns(
    path("", include((core_patterns, core_urls.app_name))),
    path("", include("newsroom.releases.urls")),
    path("", include("municipalities.urls")),
    path("", include("newsroom.contacts.urls")),
    path("", include("newsroom.mediabank.urls")),
    path("subscribe/", include("newsroom.subscriptions.urls")),
    prefix_default_language=True,
)
