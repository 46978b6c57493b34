import unicodedata

from django import forms
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .models import ContentReport


def is_local_path(url):
    """Whether `url` is a path on this site, safe to link and redirect to.

    One leading "/" and no scheme or host by Django's own check (which also sees through
    "/<tab>/evil.example/", as browsers drop tabs and newlines before reading an address), no
    backslash and no control character anywhere.
    """
    return bool(
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(unicodedata.category(char) == "Cc" for char in url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


class PublicFormRenderer(TemplatesSetting):
    """How the public forms render: every field through one template (label, hint, error,
    widget; choices in a fieldset), `includes/forms/field.html`, as `as_field_group` and
    `{{ form }}` render it, and one error summary that links to the fields,
    `includes/forms/error_summary.html`. The admin keeps Django's own renderer."""

    field_template_name = "includes/forms/field.html"


class PublicFormMixin:
    """For the forms of the public site: render through `PublicFormRenderer`."""

    default_renderer = PublicFormRenderer


# The widest integer key any supported database stores (a signed 64-bit bigint).
_BIGINT = 2**63


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over an integer key that refuses, as an invalid choice, an
    id no database column can hold: SQLite raises OverflowError on one (a 500)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        if isinstance(field, models.IntegerField | models.AutoField):
            for pk in value:
                try:
                    in_range = -_BIGINT <= int(str(pk)) < _BIGINT
                except (TypeError, ValueError):
                    in_range = True  # the parent reports what is not a number
                if not in_range:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": pk},
                    )
        return super()._check_values(value)


class ContentReportForm(PublicFormMixin, forms.ModelForm):
    page_url = forms.CharField(widget=forms.HiddenInput, max_length=500)
    page_title = forms.CharField(widget=forms.HiddenInput, max_length=300, required=False)

    class Meta:
        model = ContentReport
        fields = ["reason", "message", "email", "page_url", "page_title"]
        labels = {
            "reason": _("What is wrong?"),
            "message": _("Tell us more"),
            "email": _("Your email (optional)"),
        }
        help_texts = {
            "message": _("What should we look at? At most 2,000 characters."),
            "email": _("Only if you want an answer. We use it for nothing else."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason"))] + list(
            ContentReport.Reason.choices
        )

    def clean_page_url(self):
        url = self.cleaned_data["page_url"]
        # Only a path on this site: never another host.
        if not is_local_path(url):
            raise forms.ValidationError(_("The page address is not valid."))
        return url
