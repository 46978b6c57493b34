"""Subscribers, what they follow, and the emails sent to them.

An email to a subscriber is a row with a status machine (after pretix): created pending,
claimed (sending, committed) by one worker, then marked sent or failed. `Delivery` is the
email for one release, `Digest` the email listing several for one digest period.
"""

import dataclasses
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.releases.models import PressRelease


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and still wanting email: the only ones anything is ever sent to."""
        return self.filter(status=Subscriber.Status.ACTIVE, email__isnull=False)

    def matching(self, release_group):
        """Subscribers whose topics match a release (or a release and its translations).

        `release_group` is a queryset or list of the releases that make up one announcement:
        the original and its translations. Kinds filter (none chosen: every kind); tags,
        municipalities and counties combine with OR (none chosen with "everything": any).
        """
        releases = PressRelease.objects.filter(pk__in=[r.pk for r in release_group])
        kinds = set(releases.values_list("kind", flat=True))
        tag_ids = releases.values("tags__id")
        municipality_codes = releases.values("municipalities__code")
        county_codes = releases.values("municipalities__county_id")
        if kinds:
            kind_ok = ~Exists(SubscriberKind.objects.filter(subscriber=OuterRef("pk"))) | Exists(
                SubscriberKind.objects.filter(subscriber=OuterRef("pk"), kind__in=kinds)
            )
        else:
            kind_ok = Q()
        through = Subscriber.tags.through
        topic_ok = (
            Q(all_topics=True)
            | Exists(through.objects.filter(subscriber=OuterRef("pk"), tag_id__in=tag_ids))
            | Exists(
                Subscriber.municipalities.through.objects.filter(
                    subscriber=OuterRef("pk"), municipality_id__in=municipality_codes
                )
            )
            | Exists(
                Subscriber.counties.through.objects.filter(
                    subscriber=OuterRef("pk"), county_id__in=county_codes
                )
            )
        )
        # A subscriber who chose only kinds (no subjects) follows every release of those kinds.
        no_subjects = (
            ~Exists(through.objects.filter(subscriber=OuterRef("pk")))
            & ~Exists(Subscriber.municipalities.through.objects.filter(subscriber=OuterRef("pk")))
            & ~Exists(Subscriber.counties.through.objects.filter(subscriber=OuterRef("pk")))
            & Exists(SubscriberKind.objects.filter(subscriber=OuterRef("pk")))
        )
        return self.active().filter(kind_ok).filter(topic_ok | no_subjects)


@dataclasses.dataclass(frozen=True)
class Topics:
    """What one side of the matching holds, as sets: a subscriber's choices, or what a
    release group is about. `Topics.matches` is `SubscriberQuerySet.matching` in Python, for
    planning many releases against many subscribers in a fixed number of queries; a test
    keeps the two in step."""

    kinds: frozenset = frozenset()
    tags: frozenset = frozenset()
    municipalities: frozenset = frozenset()
    counties: frozenset = frozenset()
    everything: bool = False

    def matches(self, release):
        """Whether a subscriber with these topics follows a release group with `release`'s."""
        if self.kinds and release.kinds and not self.kinds & release.kinds:
            return False
        if self.everything:
            return True
        if self.tags & release.tags or self.municipalities & release.municipalities:
            return True
        if self.counties & release.counties:
            return True
        # Only kinds chosen (no subjects): every release of those kinds.
        return bool(self.kinds) and not (self.tags or self.municipalities or self.counties)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bouncing")
        ERASED = "erased", _("Erased")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    DIGEST_FREQUENCIES = {Frequency.DAILY, Frequency.WEEKLY}

    # Normalised (stripped, lower case); NULL once erased, so the address is really gone.
    email = models.EmailField(_("email address"), max_length=254, unique=True, null=True)
    # Part of every signed link: rotating it (on erasure) voids all links sent before.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency, default=Frequency.IMMEDIATE
    )
    all_topics = models.BooleanField(
        _("everything"), default=True, help_text=_("Follows every release, whatever its topics.")
    )
    tags = models.ManyToManyField(
        "taggit.Tag", blank=True, related_name="+", verbose_name=_("tags")
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="subscribers",
        verbose_name=_("municipalities"),
    )
    counties = models.ManyToManyField(
        "municipalities.County", blank=True, related_name="subscribers", verbose_name=_("counties")
    )
    consent_text = models.TextField(_("consent text"), blank=True)
    consent_version = models.CharField(_("consent version"), max_length=40, blank=True)
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    requested_at = models.DateTimeField(
        _("last confirmation request"), null=True, blank=True, editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Digests list what was announced after this time (confirmation or a change of frequency).
    digest_since = models.DateTimeField(_("digests from"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    bounce_count = models.PositiveIntegerField(_("bounces in a row"), default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "frequency"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="erased") | Q(email__isnull=False),
                name="subscriber_has_email_unless_erased",
            ),
        ]

    def __str__(self):
        return self.email or _("(erased subscriber #%(pk)s)") % {"pk": self.pk}

    def save(self, *args, **kwargs):
        self._normalise_email()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:subscriptions_subscriber_change", args=[self.pk])

    def _normalise_email(self):
        # The one normal form (as services.normalise_email), whatever path saves the row:
        # the admin, a shell or a service; lookups are by the normal form.
        if self.email is not None:
            self.email = self.email.strip().lower()

    def clean_fields(self, exclude=None):
        self._normalise_email()  # validate what will be stored
        super().clean_fields(exclude=exclude)

    def clean(self):
        self._normalise_email()
        super().clean()

    @property
    def kinds(self):
        return [k.kind for k in self.kind_topics.all()]


class SubscriberKind(models.Model):
    """A kind of release (press release, news, statement) a subscriber follows."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="kind_topics")
    kind = models.CharField(_("kind"), max_length=20, choices=PressRelease.Kind)

    class Meta:
        verbose_name = _("followed kind")
        verbose_name_plural = _("followed kinds")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "kind"], name="subscriberkind_unique")
        ]

    def __str__(self):
        return self.get_kind_display()


class Announcement(models.Model):
    """A release whose first publication was fanned out to subscribers: at most one each.

    Keyed by the original release of a translation group, so that publishing the
    translation later announces nothing twice. Digests list announcements.
    """

    release = models.OneToOneField(
        "releases.PressRelease",
        on_delete=models.CASCADE,
        related_name="announcement",
        verbose_name=_("release"),
    )
    announced_at = models.DateTimeField(_("announced"), db_index=True)
    matched = models.PositiveIntegerField(_("matched subscribers"), default=0)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-announced_at"]

    def __str__(self):
        return str(self.release)


class OutgoingEmail(models.Model):
    """The status machine shared by deliveries and digests."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINAL_STATES = {Status.SENT, Status.FAILED, Status.CANCELLED}

    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # When the batch task last enqueued for it is due to run: the recovery enqueues another
    # only when that was longer than the claim timeout ago.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True

    # What a batch's claim loads with each row (what `build_message` reads).
    CLAIM_RELATED = ("subscriber",)

    def get_message_id(self):
        """Deterministic per row: a re-send after a crash carries the same Message-ID."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "newsroom.invalid"
        return f"<newsroom.{self._meta.model_name}.{self.pk}@{domain}>"

    def build_message(self, renderer):
        """This email, ready to send (`emails.Prepared`), rendered by the batch's `renderer`
        (`emails.ReleaseEmailRenderer`); None when there is nothing left to send."""
        raise NotImplementedError


class Delivery(OutgoingEmail):
    """The email announcing one release to one subscriber."""

    release = models.ForeignKey(
        "releases.PressRelease",
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("release"),
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "subscriber"], name="delivery_unique_release_subscriber"
            )
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    CLAIM_RELATED = ("subscriber", "release", "release__translation_of")

    def __str__(self):
        return f"{self.release} → {self.subscriber}"

    def get_absolute_url(self):
        return reverse("admin:subscriptions_delivery_change", args=[self.pk])

    def build_message(self, renderer):
        # None once no version of the release is public (withdrawn since the announcement).
        return renderer.release_message(
            root=self.release, subscriber=self.subscriber, message_id=self.get_message_id()
        )


class Digest(OutgoingEmail):
    """One digest email per subscriber and period (daily or weekly), never two."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    frequency = models.CharField(_("frequency"), max_length=10, choices=Subscriber.Frequency)
    period = models.DateField(_("period"), help_text=_("The day (or Monday) it is sent for."))
    covers_from = models.DateTimeField(pgettext_lazy("digest period", "from"))
    covers_until = models.DateTimeField(_("until"))
    release_ids = models.JSONField(_("releases"), default=list)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "frequency", "period"], name="digest_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} {self.period} → {self.subscriber}"

    def get_absolute_url(self):
        return reverse("admin:subscriptions_digest_change", args=[self.pk])

    def build_message(self, renderer):
        # None once none of its releases has a public version.
        return renderer.digest_message(
            digest=self, subscriber=self.subscriber, message_id=self.get_message_id()
        )
