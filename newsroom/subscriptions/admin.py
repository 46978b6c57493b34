"""The subscriptions' admins (unregistered) and `ReleaseSubscriptionsMixin`, which adds the
delivery report, "retry failed deliveries" and "send test email to me" to the release admin.
`newsroom.site.admin` composes and registers them; the extra pages are in `admin_views.py`.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.core.admin_tools import ExistsRelatedFilter, LargeTableAdminMixin, ObjectTool
from newsroom.releases.models import PressRelease

from . import admin_views, services
from .models import SubscriberKind


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
            chosen = SubscriberKind.objects.filter(subscriber=OuterRef("pk"), kind=self.value())
            return queryset.filter(Exists(chosen))
        return queryset


class SubscriberAdmin(LargeTableAdminMixin, admin.ModelAdmin):
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
        ExistsRelatedFilter.on("tags", _("tags"), "tag"),
        ExistsRelatedFilter.on("counties", _("counties"), "county"),
        ExistsRelatedFilter.on("municipalities", _("municipalities"), "municipality"),
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
                self.admin_site.admin_view(admin_views.TopicCountsView.as_view(model_admin=self)),
                name="subscriptions_subscriber_topics",
            ),
            *super().get_urls(),
        ]


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


class DeliveryAdmin(ReadOnlyEmailAdmin):
    list_display = ["release", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", ("release", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["subscriber", "release"]
    search_fields = ["subscriber__email", "release__title", "message_id"]


class DigestAdmin(ReadOnlyEmailAdmin):
    list_display = ["period", "frequency", "subscriber", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "frequency", "period"]


class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["release", "announced_at", "matched"]
    list_select_related = ["release"]
    search_fields = ["release__title"]
    readonly_fields = ["release", "announced_at", "matched"]

    def has_add_permission(self, request):
        return False


# -- for the release admin (subscriptions may depend on releases, not back) --------------


class ReleaseSubscriptionsMixin:
    """Adds the delivery report (with "retry failed deliveries") and "send test email to me"
    to the release admin, as buttons, pages and a changelist action."""

    def get_urls(self):
        def view(view_class):
            return self.admin_site.admin_view(view_class.as_view(model_admin=self))

        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/deliveries/",
                view(admin_views.DeliveryReportView),
                name=f"{prefix}_deliveries",
            ),
            path(
                "<path:object_id>/send-test-email/",
                view(admin_views.SendTestEmailView),
                name=f"{prefix}_send_test_email",
            ),
            *super().get_urls(),
        ]

    def get_object_tools(self, request, obj):
        tools = list(super().get_object_tools(request, obj))
        if admin_views.may_read_deliveries(request.user):
            tools.append(
                ObjectTool(
                    _("Delivery report"),
                    reverse("admin:releases_pressrelease_deliveries", args=[obj.pk]),
                )
            )
        tools.append(
            ObjectTool(
                _("Send test email to me"),
                reverse("admin:releases_pressrelease_send_test_email", args=[obj.pk]),
                post=True,
            )
        )
        return tools

    def get_actions(self, request):
        actions = super().get_actions(request)
        if IS_POPUP_VAR not in request.GET:
            action = self.get_action("send_test_email")
            actions[action[1]] = action
        return actions

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
