from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from municipalities.models import AgencyVisit, TaggedVisit
from newsroom.core.fields import UserStampField
from newsroom.core.text import ControlCharactersMixin
from newsroom.mediabank.models import Document, Image

from .sanitize import sanitize_html


class TaggedRelease(TaggedItemBase):
    content_object = models.ForeignKey("PressRelease", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("release tag")
        verbose_name_plural = _("release tags")
        indexes = [
            # "Does this release carry one of these tags?" (tag pages, related releases),
            # answered from the index alone.
            models.Index(fields=["content_object", "tag"], name="taggedrelease_release_tag"),
        ]


def public_q(now=None, prefix=""):
    """The condition "the public may see this release": published, or scheduled with its time
    come. The one rule: `public()` and `at_address()` are built on it, and
    `PressRelease.is_public` says the same of one release (a test keeps them in step).

    `prefix` applies it across a relation (e.g. "content_object__" from a release's tag).
    """
    Status = PressRelease.Status
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED}) | Q(
        **{f"{prefix}status": Status.SCHEDULED, f"{prefix}publish_at__lte": now}
    )


class PressReleaseQuerySet(models.QuerySet):
    def public(self):
        """What the public may see (`public_q`).

        The one definition used by every public view, feed, sitemap, search and email.
        """
        return self.filter(public_q())

    def at_address(self):
        """What a release's own address shows: the public ones, and withdrawn ones (with a notice).

        Withdrawn releases leave every list, feed and search but keep their page.
        """
        return self.filter(
            public_q() | Q(status=PressRelease.Status.WITHDRAWN, published_at__isnull=False)
        )

    def tagged(self, tags):
        """Releases carrying any of `tags` (Tag objects or ids), without a join: the list keeps
        its order index and needs no DISTINCT."""
        if not isinstance(tags, models.QuerySet):
            tags = [getattr(tag, "pk", tag) for tag in tags]
        return self.filter(
            Exists(TaggedRelease.objects.filter(content_object=OuterRef("pk"), tag__in=tags))
        )

    def about(self, municipalities):
        """Releases about any of `municipalities` (objects or codes), without a join."""
        through = PressRelease.municipalities.through
        if not isinstance(municipalities, models.QuerySet):
            municipalities = [getattr(m, "pk", m) for m in municipalities]
        return self.filter(
            Exists(
                through.objects.filter(pressrelease=OuterRef("pk"), municipality__in=municipalities)
            )
        )

    def for_listing(self):
        """What a list of release cards needs (release_card.html), in a fixed number of
        queries: the releases and their images. A card shows no tag, municipality, visit or
        funding round, so none is joined or prefetched (each cost a query per page)."""
        return self.prefetch_related("images")

    def in_translation_group(self, original):
        """The releases of one translation group: the original (a pk, or an `OuterRef` to
        one) and its translations."""
        return self.filter(Q(pk=original) | Q(translation_of=original))

    def tags(self):
        """The tags of these releases."""
        tagged = TaggedRelease.objects.filter(content_object__in=self)
        return Tag.objects.filter(pk__in=tagged.values("tag_id"))

    def images(self):
        """The images of these releases, from the image bank."""
        return Image.objects.filter(releases__in=self).distinct()

    def documents(self):
        """The documents of these releases."""
        return Document.objects.filter(releases__in=self).distinct()

    def public_tags(self):
        """The tags the public may reach: those of public releases or of public visits.

        A tag used only by drafts, releases in review, scheduled ones whose time has not
        come or withdrawn ones must not answer at all: its very name may reveal an embargoed
        topic.
        """
        # EXISTS per tag: an index look-up that stops at the first public release, whatever
        # the size of the archive (an IN over every public release's tags would read them all).
        on_releases = TaggedRelease.objects.filter(tag=OuterRef("pk")).filter(
            public_q(prefix="content_object__")
        )
        if self.query.where:
            on_releases = on_releases.filter(content_object__in=self)
        on_visits = TaggedVisit.objects.filter(
            tag=OuterRef("pk"), content_object__in=AgencyVisit.objects.public()
        )
        return Tag.objects.filter(Exists(on_releases) | Exists(on_visits))

    def public_images(self):
        """The images the public may see and download: those of public releases, no other
        (the image bank, its downloads and the image pages show these only)."""
        return self.public().images()


class PressRelease(ControlCharactersMixin, models.Model):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        NEWS = "news", _("News")
        STATEMENT = "statement", _("Statement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    EDITABLE_STATES = {Status.DRAFT, Status.IN_REVIEW}
    # States a release may be published or scheduled from (scheduled: only before its time).
    PUBLISHABLE_STATES = {Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PRESS_RELEASE)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The original release that this one translates."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_("The last part of the address. Made from the title when left empty."),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences that say what is new.")
    )
    body = models.TextField(_("body"), blank=True)
    tags = TaggableManager(_("tags"), through=TaggedRelease, blank=True)
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="releases",
        verbose_name=_("municipalities"),
    )
    visit = models.ForeignKey(
        "municipalities.AgencyVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("visit"),
    )
    funding_round = models.ForeignKey(
        "municipalities.FundingRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("funding round"),
    )
    contacts = models.ManyToManyField(
        "contacts.PressContact",
        through="ReleaseContact",
        blank=True,
        related_name="releases",
        verbose_name=_("press contacts"),
    )
    images = models.ManyToManyField(
        "mediabank.Image",
        through="ReleaseImage",
        blank=True,
        related_name="releases",
        verbose_name=_("images"),
    )
    documents = models.ManyToManyField(
        "mediabank.Document", blank=True, related_name="releases", verbose_name=_("documents")
    )
    boilerplate = models.TextField(
        _("about us"),
        blank=True,
        help_text=_("Leave empty to use the agency's “About us” text."),
    )
    # No index of its own: on SQLite it would lure the planner away from the order index
    # below for `public()`'s OR (see the indexes in Meta).
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("For a scheduled release.")
    )
    # The public date: when it was (or, for a scheduled release, will be) made public.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    send_notification = models.BooleanField(
        _("notify subscribers"),
        default=True,
        help_text=_("Untick to publish without emailing subscribers."),
    )
    update_note = models.CharField(
        _("update note"),
        max_length=300,
        blank=True,
        help_text=_("Shown publicly on the release, e.g. “Corrected the date of the visit.”"),
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = UserStampField(
        editable=False,
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = UserStampField(
        editable=False,
        verbose_name=_("updated by"),
    )

    objects = PressReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        # The public order, total (the id breaks ties) so that lists page by key, not offset.
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [
            # Serves every public list newest first (and oldest first, read backwards): the
            # public condition is checked along the index, which stops after one page.
            models.Index(
                fields=["-published_at", "-created_at", "-id"], name="pressrelease_public_order"
            ),
            # The next scheduled release (when a cached page must expire), and the worker's
            # look-up of scheduled releases.
            models.Index(
                fields=["publish_at"],
                name="pressrelease_scheduled",
                condition=Q(status="scheduled"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"],
                name="pressrelease_unique_slug_per_language",
                violation_error_message=_("Another release in this language has this slug."),
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(publish_at__isnull=False),
                name="pressrelease_scheduled_has_publish_at",
                violation_error_message=_("A scheduled release needs a time to publish at."),
            ),
        ]
        permissions = [
            ("publish_pressrelease", _("Can publish, schedule and withdraw press releases")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        # Keep `published_at` the public date whatever path changed the status.
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        elif self.status == self.Status.SCHEDULED:
            self.published_at = self.publish_at
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse("releases:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == self.Status.SCHEDULED and not self.publish_at:
            raise ValidationError(
                {"publish_at": _("A scheduled release needs a time to publish at.")}
            )
        if self.translation_of_id and self.translation_of_id == self.pk:
            raise ValidationError({"translation_of": _("A release cannot translate itself.")})
        if self.translation_of and self.translation_of.language == self.language:
            raise ValidationError(
                {
                    "translation_of": _(
                        "A translation must be in another language than the original."
                    )
                }
            )

    def _unique_slug(self):
        base = slugify(self.title)[:190] or "release"
        siblings = PressRelease.objects.filter(language=self.language).exclude(pk=self.pk)
        slug, n = base, 2
        while siblings.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def is_public(self):
        """`public_q()` for this one release, read from its fields without a query."""
        Status = self.Status
        return self.status == Status.PUBLISHED or (
            self.status == Status.SCHEDULED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def original(self):
        """The release this one translates, or itself when it is an original."""
        return self.translation_of or self

    @property
    def original_id(self):
        return self.translation_of_id or self.pk

    def translation_group(self):
        """The original and its translations, the original first: one announcement."""
        original = self.original
        return [original, *original.translations.exclude(pk=original.pk)]

    def public_versions(self):
        """The public releases of this one's translation group (a translation may be
        public before its original)."""
        return PressRelease.objects.public().in_translation_group(self.original_id)

    def public_counterparts(self):
        """This release's other public versions: the original it translates, then its own
        translations; read from `translation_of` and `translations` as loaded, so that a
        list that prefetches them asks nothing more."""
        others = [release for release in self.translations.all() if release.is_public]
        if self.translation_of and self.translation_of.is_public:
            others.insert(0, self.translation_of)
        return others

    def public_counterpart(self):
        """The public release in the other language, or None."""
        return next(iter(self.public_counterparts()), None)

    @property
    def public_date(self):
        return self.published_at or self.publish_at

    def effective_boilerplate(self, agency=None):
        if self.boilerplate:
            return self.boilerplate
        from newsroom.core.models import Agency

        return (agency or Agency.current()).boilerplate_for(self.language)


def tags_of_public_releases():
    """Tags that public releases carry: an EXISTS per tag that stops at the first public
    release, so the cost follows the number of tags, not of releases."""
    return Tag.objects.filter(
        Exists(
            TaggedRelease.objects.filter(tag=OuterRef("pk")).filter(
                public_q(prefix="content_object__")
            )
        )
    )


def municipalities_of_public_releases():
    """Municipalities that public releases are about (an EXISTS per municipality)."""
    from municipalities.models import Municipality

    through = PressRelease.municipalities.through
    return Municipality.objects.filter(
        Exists(
            through.objects.filter(public_q(prefix="pressrelease__"), municipality=OuterRef("pk"))
        )
    )


class Quote(ControlCharactersMixin, models.Model):
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("release")
    )
    text = models.TextField(_("quote"))
    speaker = models.CharField(_("speaker"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    party = models.CharField(
        _("party"), max_length=50, blank=True, help_text=_("For elected officials, e.g. “S”.")
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"

    @property
    def attribution(self):
        name = f"{self.speaker} ({self.party})" if self.party else self.speaker
        return ", ".join(part for part in (name, self.role, self.organisation) if part)


class ReleaseContact(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, verbose_name=_("release"))
    contact = models.ForeignKey(
        "contacts.PressContact", on_delete=models.CASCADE, verbose_name=_("press contact")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("press contact of a release")
        verbose_name_plural = _("press contacts of the release")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["release", "contact"], name="releasecontact_unique"),
        ]

    def __str__(self):
        return str(self.contact)


class ReleaseImage(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, verbose_name=_("release"))
    image = models.ForeignKey("mediabank.Image", on_delete=models.CASCADE, verbose_name=_("image"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("image of a release")
        verbose_name_plural = _("images of the release")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["release", "image"], name="releaseimage_unique"),
        ]

    def __str__(self):
        return str(self.image)


class ReleaseEvent(models.Model):
    """One step of the editorial workflow: who moved the release where, when and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        EDIT = "edit", _("Edited")
        SUBMIT = "submit", _("Submitted for review")
        RETURN = "return", _("Returned to draft")
        PUBLISH = "publish", _("Published")
        SCHEDULE = "schedule", _("Scheduled")
        UNSCHEDULE = "unschedule", _("Unscheduled")
        WITHDRAW = "withdraw", _("Withdrawn")
        RESTORE = "restore", _("Revision restored")
        PREVIEW_LINK = "preview_link", _("Preview link made")
        PREVIEW_REVOKE = "preview_revoke", _("Preview link revoked")

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="events", verbose_name=_("release")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    from_status = models.CharField(
        _("from"), max_length=20, choices=PressRelease.Status, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=PressRelease.Status, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = UserStampField(
        verbose_name=_("by"),
        help_text=_("Empty when a management command or the system did it."),
    )

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.release}"

    def get_absolute_url(self):
        return reverse("admin:releases_pressrelease_workflow", args=[self.release_id])


class ReleaseRevision(models.Model):
    """A snapshot of a release's content as saved: title, lead, body, quotes and relations."""

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("release")
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # Quotes and relations, as written by `releases.revisions.snapshot()`.
    data = models.JSONField(_("data"), default=dict, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = UserStampField(
        verbose_name=_("saved by"),
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-version", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "version"], name="releaserevision_unique_version"
            ),
        ]

    def __str__(self):
        return _("%(title)s, version %(version)s") % {"title": self.title, "version": self.version}

    def get_absolute_url(self):
        return reverse("admin:releases_pressrelease_revisions", args=[self.release_id])


class PreviewLink(models.Model):
    """A signed, expiring link to preview a release that is not public yet.

    The signed token carries the release and this row's key; the row says whether the link
    still works. Making a new link revokes the release's earlier ones.
    """

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="preview_links",
        verbose_name=_("release"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = UserStampField(
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Preview of %(release)s") % {"release": self.release}

    def get_absolute_url(self):
        from .preview import preview_url

        return preview_url(self)

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
