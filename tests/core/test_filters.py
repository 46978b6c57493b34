"""The filter forms' shared base: choices from what exists, bad values reported and ignored."""

import pytest
from django import forms

from municipalities.forms import VisitFilterForm
from municipalities.models import County
from newsroom.core.filters import EVERYTHING, FilterForm, filter_errors
from newsroom.releases.filters import ReleaseFilterForm


class CountyFilter(FilterForm):
    county = forms.ChoiceField(label="County", required=False)
    year = forms.IntegerField(label="Year", required=False)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["county"].choices = self.choices(County.objects.all())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("year") == 1:
            raise forms.ValidationError("Not a field's error.")
        return cleaned


def test_choices_are_all_then_each_distinct_row_by_name(county):
    County.objects.create(code="01", name="Stockholms län", slug="stockholms-lan")
    form = CountyFilter()
    assert form.fields["county"].choices == [
        EVERYTHING,
        ("20", "Dalarnas län"),
        ("01", "Stockholms län"),
    ]


def test_a_bad_filter_is_reported_and_the_good_ones_kept(county):
    form = CountyFilter({"county": "20", "year": "x"})
    assert not form.is_valid()
    assert form.cleaned_data == {"county": "20"}
    assert filter_errors(form) == [("id_year", "Year", form.errors["year"])]
    # An error that is no field's is left out of the summary, not a KeyError.
    form = CountyFilter({"year": "1"})
    form.is_valid()
    assert filter_errors(form) == []
    assert filter_errors(CountyFilter()) == []


@pytest.mark.parametrize("form_class", [ReleaseFilterForm, VisitFilterForm])
def test_the_public_filter_forms_share_the_base(form_class):
    assert issubclass(form_class, FilterForm)
