from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .fields import UserStampField
from .files import RandomPath
from .images import CleanImageField
from .text import ControlCharactersMixin


class Agency(ControlCharactersMixin, models.Model):
    """The newsroom's owner: one row, edited in the admin."""

    # A constant unique column with a check constraint keeps the table to a single row.
    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_("For example “Delmos”.")
    )
    boilerplate = models.TextField(
        _("about us"),
        blank=True,
        help_text=_("Shown at the end of every press release unless the release has its own."),
    )
    boilerplate_en = models.TextField(
        _("about us (English)"), blank=True, help_text=_("Shown on English releases.")
    )
    logo = CleanImageField(_("logo"), upload_to=RandomPath("agency/"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    default_contacts = models.ManyToManyField(
        "contacts.PressContact",
        blank=True,
        related_name="+",
        verbose_name=_("default press contacts"),
        help_text=_("Suggested on new releases and shown on the home page."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agency")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="agency_single_row"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:home")

    def boilerplate_for(self, language):
        if language == "en" and self.boilerplate_en:
            return self.boilerplate_en
        return self.boilerplate

    @classmethod
    def current(cls):
        """The agency; an unsaved placeholder when none is set up yet."""
        return cls.objects.first() or cls(name=str(_("Newsroom")))


class ContentReport(ControlCharactersMixin, models.Model):
    """“Report this content”: a reader tells the editors that something on a page is wrong."""

    class Reason(models.TextChoices):
        ERROR = "error", _("Factual error")
        PERSONAL_DATA = "personal_data", _("Personal data that should not be published")
        OFFENSIVE = "offensive", _("Offensive or illegal content")
        ACCESSIBILITY = "accessibility", _("Accessibility problem")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        HANDLED = "handled", _("Handled")
        DISMISSED = "dismissed", _("Dismissed")

    OPEN_STATES = {Status.NEW}

    page_url = models.CharField(
        _("page"), max_length=500, help_text=_("The address of the reported page.")
    )
    page_title = models.CharField(_("page title"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    message = models.TextField(_("message"), max_length=2000)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Given by the reader to hear back; optional.")
    )
    language = models.CharField(_("language"), max_length=5, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW, db_index=True
    )
    editor_note = models.TextField(_("editor's note"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = UserStampField(
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("content report")
        verbose_name_plural = _("content reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.page_url}"
