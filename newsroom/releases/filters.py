from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from municipalities.models import County, Municipality
from newsroom.core.filters import EVERYTHING, FilterForm

from .models import PressRelease

# A search longer than this is refused with a message rather than sent to the database.
MAX_QUERY_LENGTH = 200


class ReleaseFilterForm(FilterForm):
    """The filters of the release list and the search page, all kept in the query string.

    Choices come from what the public can actually find, so a filter never leads nowhere.
    Each field is optional; an invalid value is reported and ignored, never a 500.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(label=_("Language"), required=False)

    FILTERS = ["kind", "tag", "municipality", "county", "year", "language"]

    def __init__(self, data=None, *, public_releases):
        super().__init__(data)
        self.fields["kind"].choices = [EVERYTHING, *PressRelease.Kind.choices]
        self.fields["language"].choices = [EVERYTHING, *settings.LANGUAGES]
        self.fields["tag"].choices = self.choices(
            Tag.objects.filter(releases_taggedrelease_items__content_object__in=public_releases),
            value="slug",
        )
        self.fields["municipality"].choices = self.choices(
            Municipality.objects.filter(releases__in=public_releases)
        )
        self.fields["county"].choices = self.choices(
            County.objects.filter(municipalities__releases__in=public_releases)
        )
        years = sorted(
            {d.year for d in public_releases.dates("published_at", "year")}, reverse=True
        )
        self.fields["year"].choices = [EVERYTHING] + [(y, str(y)) for y in years]

    def filter(self, queryset):
        """The queryset narrowed by every valid filter; invalid ones are left out."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("language"):
            queryset = queryset.filter(language=data["language"])
        if data.get("tag"):
            queryset = queryset.filter(tags__slug=data["tag"])
        if data.get("municipality"):
            queryset = queryset.filter(municipalities__code=data["municipality"])
        if data.get("county"):
            queryset = queryset.filter(municipalities__county__code=data["county"])
        if data.get("year"):
            queryset = queryset.filter(published_at__year=data["year"])
        if any(data.get(name) for name in ("tag", "municipality", "county")):
            queryset = queryset.distinct()
        return queryset

    @property
    def active_filters(self):
        data = self.cleaned_data if self.is_bound else {}
        return {name: data[name] for name in self.FILTERS if data.get(name)}

    @property
    def query(self):
        return (self.cleaned_data.get("q") or "") if self.is_bound else ""
