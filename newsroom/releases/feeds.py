"""RSS 2.0 and Atom feeds of public releases: all, or one tag, municipality, kind or language."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from municipalities.models import Municipality
from newsroom.core.models import Agency
from newsroom.core.text import clean_text, single_line

from .models import PressRelease

FEED_LENGTH = 30


@dataclass
class FeedScope:
    title: str
    link: str
    releases: QuerySet
    author: str = ""


def feed_scope(scope=None, value=None):
    """What a feed covers; unknown scopes and values are a 404."""
    agency = Agency.current().name
    feed = _feed_scope(scope, value, agency)
    feed.author = agency
    return feed


def _feed_scope(scope, value, agency):
    releases = PressRelease.objects.public()
    if scope is None:
        return FeedScope(_("%(agency)s: press releases") % {"agency": agency},
                         reverse("releases:list"), releases)  # fmt: skip
    if scope == "tag":
        tag = get_object_or_404(PressRelease.objects.public_tags(), slug=value)
        return FeedScope(
            _("%(agency)s: releases tagged %(tag)s") % {"agency": agency, "tag": tag.name},
            reverse("releases:tag", kwargs={"slug": tag.slug}),
            releases.tagged([tag]),
        )
    if scope == "municipality":
        municipality = get_object_or_404(Municipality, slug=value)
        return FeedScope(
            _("%(agency)s: releases about %(municipality)s")
            % {"agency": agency, "municipality": municipality.name},
            municipality.get_absolute_url(),
            releases.about([municipality]),
        )
    # A field with choices: the list page filtered by it (`?kind=news`, `?language=en`).
    choices = {"kind": PressRelease.Kind.choices, "language": settings.LANGUAGES}
    label = dict(choices.get(scope, ())).get(value)
    if label is None:
        raise Http404("No such feed.")
    return FeedScope(
        f"{agency}: {label}",
        reverse("releases:list") + f"?{scope}={value}",
        releases.filter(**{scope: value}),
    )


def _xml_safe(value):
    """XML 1.0 forbids most control characters: a string that holds one (a row saved before
    validation refused them) would make the whole feed answer 500."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class XmlSafeFeedMixin:
    """Every string of the feed and its items goes out without control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: _xml_safe(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _xml_safe(value) for key, value in self.items[-1].items()}


class SafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    pass


class SafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    pass


class ReleaseRssFeed(Feed):
    feed_type = SafeRssFeed

    def get_object(self, request, scope=None, value=None):
        return feed_scope(scope, value)

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.link

    def author_name(self, obj):
        return obj.author

    def description(self, obj):
        return _("The latest public releases, newest first.")

    def items(self, obj):
        # The model's order (newest first), which its index serves; the scopes filter with
        # EXISTS, so no row comes twice and no DISTINCT is needed.
        return obj.releases.prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, item):
        return single_line(item.title)

    def item_description(self, item):
        # RSS descriptions and Atom summaries are HTML (Django's Atom says type="html"): the
        # plain-text lead is escaped once for HTML here, and once more for XML when written.
        return escape(item.lead)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.public_date

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class ReleaseAtomFeed(ReleaseRssFeed):
    feed_type = SafeAtomFeed

    def subtitle(self, obj):
        return self.description(obj)
