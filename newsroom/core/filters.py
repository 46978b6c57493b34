"""What the public filter forms share (releases' list and search, municipalities' visits).

A filter form is kept in the query string; every field is optional; its choices come from
what the public can actually find, so a filter never leads nowhere; an invalid value is
reported (`filter_errors`) and ignored, never a 500.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

# The first choice of every filter: no filtering.
EVERYTHING = ("", _("All"))


class FilterForm(forms.Form):
    """A form of optional filters that keeps the valid ones when another one is wrong."""

    @staticmethod
    def choices(queryset, value="code", label="name"):
        """'All', then (value, label) of each distinct row of `queryset`, by label."""
        return [EVERYTHING] + list(queryset.distinct().order_by(label).values_list(value, label))

    def clean(self):
        cleaned = super().clean()
        # Keep the valid filters even when another one is wrong.
        for name in list(self.errors):
            cleaned.pop(name, None)
        return cleaned


def filter_errors(form):
    """Each unusable filter as (field id, label, messages), for the error summary."""
    if not form.is_bound:
        return []
    return [
        (form[name].id_for_label, form.fields[name].label, errors)
        for name, errors in form.errors.items()
        if name in form.fields
    ]
