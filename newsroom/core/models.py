from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
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
    logo = models.ImageField(_("logo"), upload_to="agency/", blank=True)
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
