from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from newsroom.core.text import ControlCharactersMixin

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2200)]


class County(ControlCharactersMixin, models.Model):
    """A Swedish county (län), by its SCB code."""

    code = models.CharField(
        _("code"),
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}$", _("A county code has two digits."))],
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:county", kwargs={"slug": self.slug})


class Municipality(ControlCharactersMixin, models.Model):
    """A Swedish municipality (kommun), by its SCB code."""

    code = models.CharField(
        _("code"),
        max_length=4,
        primary_key=True,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality code has four digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:municipality", kwargs={"slug": self.slug})


class FundingRound(ControlCharactersMixin, models.Model):
    """A programme of support that the agency hands out to municipalities."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    yearly_budget = models.PositiveBigIntegerField(
        _("yearly budget (SEK)"), help_text=_("The sum shared out each year, in whole kronor.")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    municipality_count = models.PositiveSmallIntegerField(
        _("number of municipalities"),
        null=True,
        blank=True,
        help_text=_("As announced; the grants listed may be fewer while data is being entered."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        ordering = ["-first_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="fundinground_years_in_order"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:funding_round", kwargs={"slug": self.slug})

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError(
                {"last_year": _("The last year cannot come before the first year.")}
            )

    @property
    def years(self):
        return range(self.first_year, self.last_year + 1)


class Grant(ControlCharactersMixin, models.Model):
    """What one municipality gets from a funding round in one year."""

    funding_round = models.ForeignKey(
        FundingRound,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("funding round"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    amount = models.PositiveBigIntegerField(_("amount (SEK)"))
    is_example = models.BooleanField(
        _("example figure"),
        default=False,
        help_text=_("Tick when the amount is illustrative, not a decided figure: pages label it."),
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["funding_round", "year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_round", "municipality", "year"],
                name="grant_unique_round_municipality_year",
                violation_error_message=_(
                    "This municipality already has a grant from this round for that year."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}: {self.amount} kr"

    def clean(self):
        # The year must lie inside the round's years; the database cannot say this across
        # the foreign key, so the form says it.
        try:
            fr = self.funding_round
        except FundingRound.DoesNotExist:
            return
        if self.year is not None and fr.first_year and fr.last_year:
            if not fr.first_year <= self.year <= fr.last_year:
                raise ValidationError(
                    {
                        "year": _("The year must lie within the round's years, %(first)s–%(last)s.")
                        % {"first": fr.first_year, "last": fr.last_year}
                    }
                )


class TaggedVisit(TaggedItemBase):
    content_object = models.ForeignKey("AgencyVisit", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("visit tag")
        verbose_name_plural = _("visit tags")


class AgencyVisitQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self):
        from django.utils import timezone

        return self.filter(date__gte=timezone.localdate()).order_by("date", "time")

    def past(self):
        from django.utils import timezone

        return self.filter(date__lt=timezone.localdate()).order_by("-date", "-time")


class AgencyVisit(ControlCharactersMixin, models.Model):
    """The agency visits a municipality."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("municipality"),
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True, help_text=_("Europe/Stockholm time."))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    purpose = models.TextField(_("purpose"), blank=True)
    meets = models.TextField(
        _("meets"),
        blank=True,
        help_text=_(
            "Who the agency meets, e.g. the municipal leadership and officials working on housing."
        ),
    )
    attendees = models.TextField(
        _("attending from the agency"), blank=True, help_text=_("Names and roles, one per line.")
    )
    topics = TaggableManager(_("topics"), through=TaggedVisit, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    is_public = models.BooleanField(_("public"), default=True)

    objects = AgencyVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency visit")
        verbose_name_plural = _("agency visits")
        ordering = ["-date", "-time"]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("municipalities:visit", kwargs={"slug": self.slug})

    @property
    def is_upcoming(self):
        from django.utils import timezone

        return self.date >= timezone.localdate()
