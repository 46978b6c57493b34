from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.core.files import RandomPath
from newsroom.core.images import CleanImageField
from newsroom.core.text import ControlCharactersMixin


class PressContactQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class PressContact(ControlCharactersMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("E.g. “Press officer”.")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    photo = CleanImageField(
        _("photo"), upload_to=RandomPath("contacts/"), max_length=255, blank=True
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown in the public newsroom and on releases.")
    )
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Lower comes first."))

    objects = PressContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def get_absolute_url(self):
        return reverse("contacts:detail", kwargs={"pk": self.pk})

    def get_vcard_url(self):
        return reverse("contacts:vcard", kwargs={"pk": self.pk})
