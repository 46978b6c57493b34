import datetime as dt

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from municipalities.models import County, Municipality
from newsroom.core.filters import EVERYTHING, FilterForm

from .models import (
    PressRelease,
    municipalities_of_public_releases,
    public_q,
    tags_of_public_releases,
)

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
        # Each choice is one EXISTS per tag, municipality or county, which stops at the
        # first public release: the cost follows the number of choices, not of releases.
        through = PressRelease.municipalities.through
        self.fields["tag"].choices = self.choices(tags_of_public_releases(), value="slug")
        self.fields["municipality"].choices = self.choices(municipalities_of_public_releases())
        on_release = public_q(prefix="pressrelease__")
        self.fields["county"].choices = self.choices(
            County.objects.filter(
                Exists(through.objects.filter(on_release, municipality__county=OuterRef("pk")))
            )
        )
        years = self._years(public_releases)
        self.fields["year"].choices = [EVERYTHING] + [(y, str(y)) for y in years]

    @staticmethod
    def _years(public_releases):
        """From the newest release's year to the oldest's: two look-ups at the ends of the
        order index instead of grouping the whole archive by year."""
        dated = public_releases.filter(published_at__isnull=False).values_list(
            "published_at", flat=True
        )
        newest = dated.order_by("-published_at", "-created_at", "-id").first()
        oldest = dated.order_by("published_at", "created_at", "id").first()
        if newest is None:
            return []
        newest, oldest = timezone.localtime(newest).year, timezone.localtime(oldest).year
        return list(range(newest, oldest - 1, -1))

    def filter(self, queryset):
        """The queryset narrowed by every valid filter; invalid ones are left out."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("language"):
            queryset = queryset.filter(language=data["language"])
        # EXISTS rather than joins: no duplicates, so no DISTINCT, and the order index serves.
        if data.get("tag"):
            queryset = queryset.tagged(Tag.objects.filter(slug=data["tag"]).values("pk"))
        if data.get("municipality"):
            queryset = queryset.about([data["municipality"]])
        if data.get("county"):
            queryset = queryset.about(
                Municipality.objects.filter(county__code=data["county"]).values("pk")
            )
        if data.get("year"):
            # A range on the indexed column, not a function of it on every row.
            start, end = (
                timezone.make_aware(dt.datetime(year, 1, 1))
                for year in (data["year"], data["year"] + 1)
            )
            queryset = queryset.filter(published_at__gte=start, published_at__lt=end)
        return queryset

    @property
    def active_filters(self):
        data = self.cleaned_data if self.is_bound else {}
        return {name: data[name] for name in self.FILTERS if data.get(name)}

    @property
    def query(self):
        return (self.cleaned_data.get("q") or "") if self.is_bound else ""
