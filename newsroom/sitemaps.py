"""sitemap.xml: the pages in both languages (hreflang alternates), and each public release."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Prefetch
from django.urls import reverse

from municipalities.models import AgencyVisit, FundingRound, Municipality
from newsroom.contacts.models import PressContact
from newsroom.releases.models import PressRelease


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
        return (
            Municipality.objects.filter(releases__in=PressRelease.objects.public())
            .distinct()
            .order_by("code")
        )


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
    """A release lives in its own language; its translation is its hreflang alternate."""

    changefreq = "weekly"

    def items(self):
        public = PressRelease.objects.public()
        return (
            public.select_related("translation_of")
            .prefetch_related(Prefetch("translations", queryset=public))
            .order_by("-published_at", "pk")
        )

    def lastmod(self, item):
        return item.updated_at

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
    "releases": ReleaseSitemap,
    "tags": TagSitemap,
    "municipalities": MunicipalitySitemap,
    "visits": VisitSitemap,
    "funding": FundingRoundSitemap,
    "contacts": ContactSitemap,
}
