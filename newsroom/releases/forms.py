"""Forms of the editorial workflow in the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from .models import PressRelease
from .services import changes_since

# What the body editor offers; `sanitize.py` is the allow-list whatever the browser sends.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "HorizontalRule": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
        "History": True,
    }
}


class PressReleaseAdminForm(forms.ModelForm):
    """The release form with the rich-text body and optimistic locking on `version`."""

    body = ProseEditorFormField(
        label=_("Body"),
        required=False,
        config=BODY_EDITOR,
        help_text=_("Headings, lists, links and block quotes from the toolbar; no HTML needed."),
    )
    base_version = forms.IntegerField(
        label=_("Version you started from"), widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = PressRelease
        fields = [
            "kind",
            "language",
            "translation_of",
            "title",
            "slug",
            "lead",
            "body",
            "tags",
            "municipalities",
            "visit",
            "funding_round",
            "documents",
            "boilerplate",
            "send_notification",
            "update_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changes_meanwhile = None
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        base = cleaned.get("base_version")
        # Lock the row until the admin's transaction ends: no save can slip in between.
        current = (
            PressRelease.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if base != current:
            self.changes_meanwhile = changes_since(self.instance, base or 0)
            # Saving again, after reading what changed, replaces it deliberately.
            self.data = self.data.copy()
            self.data[self.add_prefix("base_version")] = current
            raise ValidationError(
                _(
                    "Someone else saved this release after you opened it. Nothing was saved: "
                    "your text is still in the form. Read what changed meanwhile (above), then "
                    "either reload the page and make your changes again, or save once more to "
                    "replace their version with yours."
                ),
                code="stale",
            )
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the release's history."),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The press officer sees this in the release's history."),
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Swedish time (Europe/Stockholm)."),
    )
    comment = forms.CharField(label=_("Comment"), required=False)

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise ValidationError(_("The time to publish at must be in the future."), code="past")
        return publish_at


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown publicly on the release's page."),
    )
