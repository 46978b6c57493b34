"""The site's frame, composed at the project level: what base.html links to.

base.html belongs to core, which sits below every app, so it names no other app's pages:
the navigation, the feeds and the search form's address come from here, the one place that
knows every app's URL names (as the home page and the URLconf do).
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from newsroom.releases.views import feed_links


def _navigation():
    return [
        {"url": reverse(name), "label": label}
        for name, label in (
            ("core:home", _("Home")),
            ("releases:list", _("Press releases")),
            ("municipalities:visits", _("Visits")),
            ("municipalities:funding_rounds", _("Funding")),
            ("contacts:list", _("Press contacts")),
            ("mediabank:images", _("Image bank")),
            ("subscriptions:subscribe", _("Subscribe")),
        )
    ]


def _footer_links():
    return [
        {"url": reverse(name), "label": label}
        for name, label in (
            ("releases:feed_rss", _("RSS feed")),
            ("releases:feed_atom", _("Atom feed")),
            ("municipalities:visits_ics", _("Calendar of visits (iCal)")),
            ("municipalities:index", _("Municipalities")),
        )
    ]


def site(request):
    """Computed only when a template uses them (the admin's pages do not)."""
    return {
        "site_navigation": SimpleLazyObject(_navigation),
        "site_footer_links": SimpleLazyObject(_footer_links),
        "site_feeds": SimpleLazyObject(feed_links),
        "site_search_url": SimpleLazyObject(lambda: reverse("releases:search")),
    }
