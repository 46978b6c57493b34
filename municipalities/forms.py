from django import forms
from django.utils.translation import gettext_lazy as _

from newsroom.core.filters import FilterForm

from .models import County, Municipality


class VisitFilterForm(FilterForm):
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, data=None, *, visits):
        super().__init__(data)
        self.fields["municipality"].choices = self.choices(
            Municipality.objects.filter(visits__in=visits)
        )
        self.fields["county"].choices = self.choices(
            County.objects.filter(municipalities__visits__in=visits)
        )

    def filter(self, visits):
        data = self.cleaned_data if self.is_bound else {}
        if data.get("municipality"):
            visits = visits.filter(municipality__code=data["municipality"])
        if data.get("county"):
            visits = visits.filter(municipality__county__code=data["county"])
        return visits
