"""Strings of third-party apps that ship no Swedish catalogue (django-taggit), for makemessages.

Listing them here puts them in our catalogue, which LOCALE_PATHS ranks above the apps' own, so
the admin shows them in Swedish too. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

TAGGIT = [
    gettext_noop("Taggit"),
    gettext_noop("tag"),
    gettext_noop("tags"),
    pgettext_lazy("A tag name", "name"),
    pgettext_lazy("A tag slug", "slug"),
    gettext_noop("tagged item"),
    gettext_noop("tagged items"),
    gettext_noop("object ID"),
    gettext_noop("%(object)s tagged with %(tag)s"),
    gettext_noop("A comma-separated list of tags."),
    gettext_noop("Please provide a comma-separated list of tags."),
]
