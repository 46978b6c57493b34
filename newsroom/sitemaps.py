"""The sitemap: an index (`/sitemap.xml`) of sections (`/sitemap-<section>.xml`).

The pages in both languages (hreflang alternates), tags, municipalities, visits, funding
rounds, contacts, and the public releases in one section per year (`releases-2026`), each
release naming its translation as its alternate. A year's section reads one range of the
order index, so it costs the same however many years the archive holds; the index needs
two look-ups for the years plus one count per section.
"""

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from municipalities.models import AgencyVisit, FundingRound
from newsroom.contacts.models import PressContact
from newsroom.releases.models import (
    PressRelease,
    municipalities_of_public_releases,
)


class _BothLanguages(Sitemap):
    """Pages that exist in each language: one entry per language, each naming the other."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(_BothLanguages):
    changefreq = "daily"

    def items(self):
        return [
            "core:home",
            "releases:list",
            "municipalities:visits",
            "municipalities:funding_rounds",
            "municipalities:index",
            "contacts:list",
            "mediabank:images",
            "core:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class TagSitemap(_BothLanguages):
    def items(self):
        return PressRelease.objects.public_tags().order_by("slug")

    def location(self, item):
        return reverse("releases:tag", kwargs={"slug": item.slug})


class MunicipalitySitemap(_BothLanguages):
    def items(self):
        return municipalities_of_public_releases().order_by("code")


class VisitSitemap(_BothLanguages):
    def items(self):
        return AgencyVisit.objects.public().order_by("pk")


class FundingRoundSitemap(_BothLanguages):
    def items(self):
        return FundingRound.objects.order_by("pk")


class ContactSitemap(_BothLanguages):
    def items(self):
        return PressContact.objects.public().order_by("pk")


class ReleaseSitemap(Sitemap):
    """The public releases of one year (Swedish time). A release lives in its own language;
    its translation is its hreflang alternate."""

    changefreq = "weekly"
    # URLs per file (the index names `?p=2`, … beyond): a file costs the same however
    # many releases a year has.
    limit = 500

    def __init__(self, year):
        self.year = year

    def items(self):
        public = PressRelease.objects.public()
        start, end = (timezone.make_aware(dt.datetime(y, 1, 1)) for y in (self.year, self.year + 1))
        return (
            public.filter(published_at__gte=start, published_at__lt=end)
            .select_related("translation_of")
            .prefetch_related(Prefetch("translations", queryset=public))
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # The index would otherwise read every release of the year for it.
        return None

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            release = url["item"]
            others = release.public_counterparts()
            if others:
                base = url["location"][: -len(release.get_absolute_url())]
                url["alternates"] = [
                    {"lang_code": r.language, "location": base + r.get_absolute_url()}
                    for r in [release, *others]
                ]
        return urls


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "tags": TagSitemap,
    "municipalities": MunicipalitySitemap,
    "visits": VisitSitemap,
    "funding": FundingRoundSitemap,
    "contacts": ContactSitemap,
}


def release_years():
    """The years from the newest public release to the oldest (Swedish time), newest first:
    the two ends of the order index."""
    dated = PressRelease.objects.public().filter(published_at__isnull=False)
    dates = dated.values_list("published_at", flat=True)
    newest = dates.order_by("-published_at", "-created_at", "-id").first()
    oldest = dates.order_by("published_at", "created_at", "id").first()
    if newest is None:
        return []
    return list(range(timezone.localtime(newest).year, timezone.localtime(oldest).year - 1, -1))


def sections():
    return {
        **SITEMAPS,
        **{f"releases-{year}": ReleaseSitemap(year) for year in release_years()},
    }


def sitemap_index(request):
    return sitemap_views.index(request, sections(), sitemap_url_name="sitemap_section")


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, sections(), section=section)
