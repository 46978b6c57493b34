import json
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from municipalities.models import AgencyVisit, Municipality
from newsroom.core.filters import filter_errors
from newsroom.core.models import Agency
from newsroom.core.web import absolute_url

from .filters import ReleaseFilterForm
from .models import PressRelease, ReleaseContact, ReleaseImage
from .pagination import KeysetPaginationMixin
from .search import add_snippets, search_releases

# Characters that must not appear raw inside a <script> element (as Django's json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


LINKEDIN = "https://www.linkedin.com/sharing/share-offsite/?"


def feed_links(scope=None, value=None):
    """The RSS and Atom addresses of one feed: all releases, or one scope's (tag, …)."""
    if scope is None:
        return {fmt: reverse(f"releases:feed_{fmt}") for fmt in ("rss", "atom")}
    scoped = {"scope": scope, "value": value}
    return {fmt: reverse(f"releases:feed_{fmt}_scoped", kwargs=scoped) for fmt in ("rss", "atom")}


class PublicReleaseMixin:
    """Public views see only what `PressRelease.objects.public()` returns."""

    def get_queryset(self):
        return PressRelease.objects.public()


class ReleaseListView(KeysetPaginationMixin, PublicReleaseMixin, ListView):
    """Releases with filters by kind, tag, municipality, county, year and language."""

    template_name = "releases/release_list.html"
    context_object_name = "releases"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.form = ReleaseFilterForm(
            request.GET or None, public_releases=PressRelease.objects.public()
        )
        if self.form.is_bound:
            self.form.is_valid()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.form.filter(super().get_queryset()).for_listing()

    # Counted up to this many: beyond it the page says "more than 1,000", so the count costs
    # the same whatever the archive's size.
    count_limit = 1000

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.keyset_pagination:
            counted = self.object_list.order_by()[: self.count_limit + 1].count()
            context["release_count"] = min(counted, self.count_limit)
            context["more_than_count"] = counted > self.count_limit
        context["form"] = self.form
        context["filter_errors"] = filter_errors(self.form)
        context["active_filters"] = self._describe_filters()
        context["feed_links"] = self._feed_links()
        return context

    def _describe_filters(self):
        """Each active filter as (label, value shown, address without it), to remove it."""
        described = []
        params = self.request.GET.copy()
        params.pop("page", None)
        for name, value in self.form.active_filters.items():
            field = self.form.fields[name]
            shown = dict(field.choices).get(value, value)
            without = params.copy()
            without.pop(name, None)
            described.append((field.label, shown, f"?{without.urlencode()}"))
        return described

    def _feed_links(self):
        """Feeds matching the one filter a feed exists for (tag, municipality, kind, language);
        all releases' feeds otherwise."""
        active = self.form.active_filters
        if len(active) != 1:
            return feed_links()
        (name, value), = active.items()  # fmt: skip
        if name == "municipality":
            municipality = Municipality.objects.filter(code=value).first()
            value = municipality.slug if municipality else None
        if name not in {"tag", "municipality", "kind", "language"} or not value:
            return feed_links()
        return feed_links(name, value)


class SearchView(ReleaseListView):
    """The search box of every page: the release list, ranked by the query, with snippets."""

    template_name = "releases/search.html"
    paginate_by = 10
    # Ranked results: numbered pages (its order, by rank, is no key of the order index).
    keyset_pagination = False

    def get_queryset(self):
        releases = self.form.filter(PressRelease.objects.public())
        return search_releases(releases, self.form.query).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.form.query
        if self.form.query:
            context["releases"] = add_snippets(context["releases"], self.form.query)
        return context


class TagDetailView(KeysetPaginationMixin, PublicReleaseMixin, ListView):
    """A tag's page: its public releases and the visits on that topic."""

    template_name = "releases/tag_detail.html"
    context_object_name = "releases"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.tag = get_object_or_404(PressRelease.objects.public_tags(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().tagged([self.tag]).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        context["visits"] = (
            AgencyVisit.objects.public()
            .filter(topics=self.tag)
            .select_related("municipality")
            .order_by("-date")[:10]
        )
        context["feed_links"] = feed_links("tag", self.tag.slug)
        return context


class ReleaseAddressMixin(PublicReleaseMixin):
    """A release's own page: the public ones, and withdrawn ones (shown with a notice)."""

    def get_queryset(self):
        return PressRelease.objects.at_address()


class ReleaseDetailView(ReleaseAddressMixin, DetailView):
    model = PressRelease
    template_name = "releases/release_detail.html"
    context_object_name = "release"
    related_count = 3

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("visit__municipality", "funding_round", "translation_of")
            .prefetch_related(
                "quotes",
                "tags",
                "municipalities",
                "documents",
                Prefetch("translations", queryset=PressRelease.objects.public()),
                Prefetch(
                    "releasecontact_set",
                    queryset=ReleaseContact.objects.select_related("contact").filter(
                        contact__is_public=True
                    ),
                    to_attr="ordered_contacts",
                ),
                Prefetch(
                    "releaseimage_set",
                    queryset=ReleaseImage.objects.select_related("image"),
                    to_attr="ordered_images",
                ),
            )
        )

    def get_object(self, queryset=None):
        # A slug is unique per language: prefer the release in the page's language.
        language = translation.get_language()
        queryset = (queryset or self.get_queryset()).filter(slug=self.kwargs["slug"])
        release = queryset.order_by(
            Case(
                When(language=language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).first()
        if release is None:
            raise Http404("No public release with that address.")
        return release

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        release = self.object
        agency = Agency.current()
        # A withdrawn release keeps its page (text and notice) but no longer hands out its
        # material: its images and documents are left off (the image bank and its downloads
        # already answer 404 for them, and the release should not keep distributing them).
        withdrawn = release.status == PressRelease.Status.WITHDRAWN
        images = [] if withdrawn else [ri.image for ri in release.ordered_images]
        url = absolute_url(release.get_absolute_url())
        translation_ = release.public_counterpart()
        context.update(
            agency=agency,
            contacts=[rc.contact for rc in release.ordered_contacts],
            images=images,
            documents=[] if withdrawn else list(release.documents.all()),
            boilerplate=release.effective_boilerplate(agency),
            translation=translation_,
            translation_url=absolute_url(translation_.get_absolute_url()) if translation_ else "",
            # The language switcher leads to the translation, not the same slug elsewhere.
            alternate_urls=(
                {translation_.language: translation_.get_absolute_url()} if translation_ else {}
            ),
            related_releases=self._related(release),
            canonical_url=url,
            og_image=absolute_url(images[0].file.url) if images else "",
            share_links=self._share_links(release, url),
            json_ld=self._json_ld(release, agency, url, images),
        )
        return context

    def _related(self, release):
        """Public releases sharing a tag, newest first: one query whatever the tags, read
        along the order index (an EXISTS per row on the tag index, no join, no DISTINCT)."""
        tags = [tag.pk for tag in release.tags.all()]  # prefetched
        return list(
            PressRelease.objects.public()
            # No tags: a condition that matches nothing, so the page costs the same queries.
            .tagged(tags or [0])
            .exclude(pk=release.pk)
            .for_listing()[: self.related_count]
        )

    @staticmethod
    def _share_links(release, url):
        """Plain links to share the release: no third-party script is loaded."""
        text = release.title
        return [
            (_("Email"), "mailto:?" + urlencode({"subject": text, "body": url})),
            ("LinkedIn", LINKEDIN + urlencode({"url": url})),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("X", "https://x.com/intent/post?" + urlencode({"text": text, "url": url})),
        ]  # fmt: skip

    @staticmethod
    def _json_ld(release, agency, url, images):
        organisation = {"@type": "Organization", "name": agency.name, "url": absolute_url("/")}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": release.title[:110],
            "description": release.lead,
            "inLanguage": release.language,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "datePublished": release.public_date.isoformat() if release.public_date else None,
            "dateModified": release.updated_at.isoformat(),
            "author": organisation,
            "publisher": organisation,
            "image": [absolute_url(image.file.url) for image in images],
            "keywords": [tag.name for tag in release.tags.all()],
            "articleSection": release.get_kind_display(),
        }
        data = {key: value for key, value in data.items() if value not in (None, "", [])}
        return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))
