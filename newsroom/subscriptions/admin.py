from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from municipalities.models import County, Municipality
from newsroom.releases.admin import PressReleaseAdmin
from newsroom.releases.models import PressRelease

from . import services
from .models import Announcement, Delivery, Digest, Subscriber, SubscriberKind


class SubscriberKindInline(admin.TabularInline):
    model = SubscriberKind
    extra = 0


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return PressRelease.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind_topics__kind=self.value())
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "language",
        "frequency",
        "topics",
        "bounce_count",
        "created_at",
        "confirmed_at",
    ]
    list_filter = [
        "status",
        "frequency",
        "language",
        "all_topics",
        KindFilter,
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("counties", admin.RelatedOnlyFieldListFilter),
        ("municipalities", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["email"]
    autocomplete_fields = ["municipalities", "counties"]
    filter_horizontal = ["tags"]
    inlines = [SubscriberKindInline]
    # What happened to the subscriber and what they agreed to: shown, never edited.
    HISTORY_FIELDS = [
        "consent_text",
        "consent_version",
        "consented_at",
        "created_at",
        "requested_at",
        "confirmed_at",
        "digest_since",
        "unsubscribed_at",
        "erased_at",
        "bounce_count",
    ]
    readonly_fields = ["status", *HISTORY_FIELDS]
    fieldsets = [
        (None, {"fields": ["email", "status", "language", "frequency"]}),
        (_("Topics"), {"fields": ["all_topics", "tags", "counties", "municipalities"]}),
        (_("Consent and history"), {"fields": HISTORY_FIELDS}),
    ]
    actions = ["erase", "unsubscribe"]
    change_list_template = "admin/subscriptions/subscriber/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tags", "municipalities", "counties", "kind_topics")
        )

    @admin.display(description=_("topics"))
    def topics(self, obj):
        if obj.all_topics and not obj.kinds:
            return _("Everything")
        names = [k.get_kind_display() for k in obj.kind_topics.all()]
        names += [t.name for t in obj.tags.all()]
        names += [c.name for c in obj.counties.all()]
        names += [m.name for m in obj.municipalities.all()]
        return ", ".join(names)

    @admin.action(
        description=_("Erase the selected subscribers (GDPR request)"), permissions=["delete"]
    )
    def erase(self, request, queryset):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        count = 0
        for subscriber in queryset:
            services.subscriber_erase(subscriber=subscriber)
            count += 1
        self.message_user(
            request,
            ngettext("Erased %d subscriber.", "Erased %d subscribers.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unsubscribe the selected subscribers"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(subscriber=subscriber)
        self.message_user(request, _("Unsubscribed."), messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "topics/",
                self.admin_site.admin_view(self.topic_counts_view),
                name="subscriptions_subscriber_topics",
            ),
            *super().get_urls(),
        ]

    def topic_counts_view(self, request):
        """How many active subscribers follow each topic."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        active = Q(subscribers__status=Subscriber.Status.ACTIVE)
        active_ids = Subscriber.objects.active().values("pk")
        tag_counts = (
            Subscriber.tags.through.objects.filter(subscriber__in=active_ids)
            .values("tag__name")
            .annotate(count=Count("subscriber"))
            .order_by("-count", "tag__name")
        )
        kinds = (
            SubscriberKind.objects.filter(subscriber__in=active_ids)
            .values("kind")
            .annotate(count=Count("subscriber"))
            .order_by("-count")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Active subscribers per topic"),
            "everything": Subscriber.objects.active().filter(all_topics=True).count(),
            "total": Subscriber.objects.active().count(),
            "tags": [(row["tag__name"], row["count"]) for row in tag_counts],
            "kinds": [(PressRelease.Kind(row["kind"]).label, row["count"]) for row in kinds],
            "counties": County.objects.annotate(count=Count("subscribers", filter=active))
            .filter(count__gt=0)
            .order_by("-count"),
            "municipalities": Municipality.objects.annotate(
                count=Count("subscribers", filter=active)
            )
            .filter(count__gt=0)
            .order_by("-count"),
            "frequencies": Subscriber.objects.active()
            .values("frequency")
            .annotate(count=Count("pk"))
            .order_by("frequency"),
        }
        return TemplateResponse(request, "admin/subscriptions/topic_counts.html", context)


class ReadOnlyEmailAdmin(admin.ModelAdmin):
    list_filter = ["status"]
    search_fields = ["subscriber__email", "message_id"]
    list_select_related = ["subscriber"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        # The rows cannot be edited here (has_change_permission), but re-queueing them is a
        # change: it takes the model's change permission, never just the view one.
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description=_("Retry the selected failed emails"), permissions=["retry"])
    def retry(self, request, queryset):
        count = services.emails_retry_failed(queryset=queryset)
        self.message_user(request, _("%(count)d queued again.") % {"count": count})


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyEmailAdmin):
    list_display = ["release", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", ("release", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["subscriber", "release"]
    search_fields = ["subscriber__email", "release__title", "message_id"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyEmailAdmin):
    list_display = ["period", "frequency", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "frequency", "period"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["release", "announced_at", "matched"]
    list_select_related = ["release"]
    search_fields = ["release__title"]
    readonly_fields = ["release", "announced_at", "matched"]

    def has_add_permission(self, request):
        return False


# -- the release admin, extended from here (subscriptions may depend on releases, not back) --


class SubscriptionsPressReleaseAdmin(PressReleaseAdmin):
    """Adds the delivery report, "retry failed" and "send test email to me" to releases."""

    actions = [*(PressReleaseAdmin.actions or []), "send_test_email"]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/deliveries/",
                self.admin_site.admin_view(self.delivery_report_view),
                name=f"{prefix}_deliveries",
            ),
            path(
                "<path:object_id>/send-test-email/",
                self.admin_site.admin_view(self.send_test_email_view),
                name=f"{prefix}_send_test_email",
            ),
            *super().get_urls(),
        ]

    change_form_template = "admin/subscriptions/release_change_form.html"

    def render_change_form(self, request, context, *args, **kwargs):
        # Extend whatever change form the release admin uses (its own or Django's lookup).
        app, model = self.opts.app_label, self.opts.model_name
        parent = super().change_form_template
        context["subscriptions_base_template"] = select_template(
            [parent]
            if parent
            else [
                f"admin/{app}/{model}/change_form.html",
                f"admin/{app}/change_form.html",
                "admin/change_form.html",
            ]
        )
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.action(description=_("Send test email to me"))
    def send_test_email(self, request, queryset):
        if not request.user.email:
            self.message_user(request, _("Your account has no email address."), messages.ERROR)
            return
        for release in queryset:
            services.release_send_test(release=release, email=request.user.email)
        self.message_user(
            request,
            _("Test email sent to %(email)s.") % {"email": request.user.email},
            messages.SUCCESS,
        )

    def send_test_email_view(self, request, object_id):
        release = get_object_or_404(PressRelease, pk=object_id)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        change_url = reverse("admin:releases_pressrelease_change", args=[release.pk])
        if request.method != "POST":
            return redirect(change_url)
        self.send_test_email(request, PressRelease.objects.filter(pk=release.pk))
        return redirect(change_url)

    def delivery_report_view(self, request, object_id):
        release = get_object_or_404(
            PressRelease.objects.select_related("translation_of"), pk=object_id
        )
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        root = release.translation_of or release
        if request.method == "POST" and "retry" in request.POST:
            if not self.has_change_permission(request, release):
                raise PermissionDenied
            count = services.emails_retry_failed(queryset=Delivery.objects.filter(release=root))
            self.message_user(
                request, _("%(count)d failed deliveries queued again.") % {"count": count}
            )
            return redirect(request.path)
        deliveries = Delivery.objects.filter(release=root)
        counts = dict(
            deliveries.values_list("status").annotate(count=Count("pk")).order_by("status")
        )
        announcement = Announcement.objects.filter(release=root).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": release,
            "root": root,
            "title": _("Delivery report: %(title)s") % {"title": release.title},
            "announcement": announcement,
            "matched": announcement.matched if announcement else 0,
            "counts": [(label, counts.get(value, 0)) for value, label in Delivery.Status.choices],
            "failed_count": counts.get(Delivery.Status.FAILED, 0),
            "failures": deliveries.exclude(error="")
            .select_related("subscriber")
            .order_by("-pk")[:200],
        }
        return TemplateResponse(request, "admin/subscriptions/delivery_report.html", context)


if admin.site.is_registered(PressRelease):
    admin.site.unregister(PressRelease)
admin.site.register(PressRelease, SubscriptionsPressReleaseAdmin)
