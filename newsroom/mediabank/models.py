from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.core.fields import UserStampField
from newsroom.core.files import RandomPath
from newsroom.core.images import CleanImageField
from newsroom.core.text import ControlCharactersMixin


class Licence(models.TextChoices):
    FREE_EDITORIAL = "free-editorial", _("Free to use in editorial contexts, with credit")
    CC_BY_4 = "cc-by-4.0", _("CC BY 4.0")
    CC0 = "cc0-1.0", _("CC0 1.0 (public domain)")
    ALL_RIGHTS = "all-rights-reserved", _("All rights reserved: ask before use")


class Image(ControlCharactersMixin, models.Model):
    file = CleanImageField(
        _("file"),
        upload_to=RandomPath("images/%Y/%m/"),
        max_length=255,
        width_field="width",
        height_field="height",
    )
    title = models.CharField(pgettext_lazy("image or document", "title"), max_length=200)
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the image for those who cannot see it. Required before publishing."),
    )
    photographer = models.CharField(_("photographer"), max_length=200, blank=True)
    licence = models.CharField(
        _("licence"), max_length=40, choices=Licence, default=Licence.FREE_EDITORIAL
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = UserStampField(
        editable=False,
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A new file (a new upload, or another file put in place) gets its renditions made by
        # the worker right after the commit.
        name = self.file.name if self.file else None
        new_file = bool(name) and (
            not self.file._committed or name != getattr(self, "_stored_file", None)
        )
        super().save(*args, **kwargs)
        self._stored_file = self.file.name if self.file else None
        if new_file:
            from .tasks import enqueue_renditions_on_commit

            enqueue_renditions_on_commit(self.pk)

    def get_absolute_url(self):
        return reverse("mediabank:image", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        image = super().from_db(db, field_names, values)
        image._stored_file = image.__dict__.get("file")
        return image


class Document(ControlCharactersMixin, models.Model):
    file = models.FileField(_("file"), upload_to=RandomPath("documents/%Y/%m/"), max_length=255)
    title = models.CharField(pgettext_lazy("image or document", "title"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0, editable=False)
    content_type = models.CharField(
        pgettext_lazy("file", "content type"), max_length=100, blank=True, editable=False
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file:
            try:
                self.size = self.file.size
            except (OSError, ValueError):
                pass
            uploaded_type = getattr(getattr(self.file, "file", None), "content_type", None)
            if uploaded_type:
                self.content_type = uploaded_type
            elif not self.content_type and self.file.name.lower().endswith(".pdf"):
                self.content_type = "application/pdf"
        super().save(*args, **kwargs)
