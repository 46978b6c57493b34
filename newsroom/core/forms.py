import unicodedata

from django import forms
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


class ContentReportForm(forms.ModelForm):
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
