"""Forms of the editorial workflow in the admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField

from .models import PressRelease
from .services import EDITABLE_FIELDS

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
    """The release form with the rich-text body and the version the editor started from.

    The form only carries the version: `services.release_edit` compares it under a row lock.
    When the service refused the edit as stale, the admin builds the form again with
    `stale_edit` set, and the form shows the refusal with what changed meanwhile.
    """

    body = ProseEditorFormField(
        label=_("Body"),
        required=False,
        config=BODY_EDITOR,
        help_text=_("Headings, lists, links and block quotes from the toolbar; no HTML needed."),
    )
    base_version = forms.IntegerField(
        label=_("Version you started from"),
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
    )
    stale_edit = None  # a `services.StaleEdit`, set by the admin on the form it shows again

    class Meta:
        model = PressRelease
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.changes_meanwhile = None
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
            self.fields["base_version"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.stale_edit is not None:
            self.changes_meanwhile = self.stale_edit.changes_meanwhile
            # Saving again, after reading what changed, replaces it deliberately.
            self.data = self.data.copy()
            self.data[self.add_prefix("base_version")] = self.stale_edit.current_version
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


def _version_seen():
    # The version of the release the editor reviewed on the page, compared by the service.
    return forms.IntegerField(
        label=_("Version you started from"), widget=forms.HiddenInput, min_value=1
    )


class PublishForm(CommentForm):
    base_version = _version_seen()


class ConfirmForm(forms.Form):
    """A step with nothing to fill in."""


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The press officer sees this in the release's history."),
    )


class ScheduleForm(forms.Form):
    base_version = _version_seen()
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
