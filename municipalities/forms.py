from django import forms
from django.utils.translation import gettext_lazy as _

from .models import County, Municipality


class VisitFilterForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)

    def __init__(self, data=None, *, visits):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["municipality"].choices = everything + list(
            Municipality.objects.filter(visits__in=visits)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )
        self.fields["county"].choices = everything + list(
            County.objects.filter(municipalities__visits__in=visits)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )

    def clean(self):
        cleaned = super().clean()
        for name in list(self.errors):
            cleaned.pop(name, None)
        return cleaned

    def filter(self, visits):
        data = self.cleaned_data if self.is_bound else {}
        if data.get("municipality"):
            visits = visits.filter(municipality__code=data["municipality"])
        if data.get("county"):
            visits = visits.filter(municipality__county__code=data["county"])
        return visits
