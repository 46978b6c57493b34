from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ContentReport


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
        if not url.startswith("/") or url.startswith("//") or "\\" in url:
            raise forms.ValidationError(_("The page address is not valid."))
        return url
