from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from municipalities.models import County, Municipality
from newsroom.core.forms import IdsChoiceField, PublicFormMixin
from newsroom.releases.models import PressRelease

from .models import Subscriber
from .services.subscribers import Preferences

CONSENT_TEXT = _(
    "I want to receive the newsroom's releases by email and agree that my email address and "
    "choices are stored for that purpose until I unsubscribe. I can unsubscribe at any time "
    "through the link in every email."
)


class NoLineBreaksMixin:
    """Refuse newlines in any submitted value: they are how email headers get injected."""

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            values = (
                self.data.getlist(self.add_prefix(name))
                if hasattr(self.data, "getlist")
                else [self.data.get(self.add_prefix(name))]
            )
            if any(isinstance(v, str) and ("\r" in v or "\n" in v) for v in values):
                self.add_error(name, _("Line breaks are not allowed here."))
        return cleaned


class TopicsForm(PublicFormMixin, NoLineBreaksMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Releases only published in the other language come with a note."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    topics = forms.ChoiceField(
        label=_("What to follow"),
        choices=[("all", _("Everything")), ("chosen", _("Only what I choose below"))],
        initial="all",
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"),
        choices=PressRelease.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means every kind."),
    )
    tags = IdsChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("%(value)s is not a tag that can be followed.")},
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.all(),
        required=False,
        help_text=_("Releases about any municipality in the county."),
        error_messages={"invalid_choice": _("%(value)s is not a county that can be followed.")},
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        error_messages={
            "invalid_choice": _("%(value)s is not a municipality that can be followed.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only tags the public can reach: a draft's tag may name an embargoed topic. A tag
        # the subscriber already follows stays choosable on the manage page.
        followed = [tag.pk for tag in (self.initial.get("tags") or [])]
        self.fields["tags"].queryset = Tag.objects.filter(
            Q(pk__in=PressRelease.objects.public_tags().values("pk")) | Q(pk__in=followed)
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("topics") == "chosen" and not any(
            cleaned.get(name) for name in ("kinds", "tags", "counties", "municipalities")
        ):
            self.add_error(
                "topics", _("Choose at least one kind, tag, county or municipality to follow.")
            )
        return cleaned

    def preferences(self):
        data = self.cleaned_data
        return Preferences(
            language=data["language"],
            frequency=data["frequency"],
            all_topics=data["topics"] == "all",
            kinds=tuple(data["kinds"]) if data["topics"] == "chosen" else (),
            tags=tuple(data["tags"]),
            municipalities=tuple(data["municipalities"]),
            counties=tuple(data["counties"]),
        )

    @classmethod
    def initial_for(cls, subscriber):
        return {
            "language": subscriber.language,
            "frequency": subscriber.frequency,
            "topics": "all" if subscriber.all_topics else "chosen",
            "kinds": subscriber.kinds,
            "tags": list(subscriber.tags.all()),
            "municipalities": list(subscriber.municipalities.all()),
            "counties": list(subscriber.counties.all()),
        }


class SubscribeForm(TopicsForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.se."),
        },
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Tick the box to agree, or we cannot send you email.")},
    )
    consent.summary_label = _("Consent")  # the error summary's short name for the long label
    field_order = ["email", "language", "frequency", "topics"]

    def clean_email(self):
        # Stored lower case: validate what will be stored (lower() can lengthen an address,
        # or make it invalid: "İ" becomes "i" and a combining dot).
        email = (self.cleaned_data.get("email") or "").strip().lower()
        self.fields["email"].run_validators(email)
        return email
