"""The agency's and content reports' admins.

Unregistered: `newsroom.site.admin` registers them (with other apps' mixins where any).
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import is_local_path
from .models import Agency, ContentReport


class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "website", "email"]
    filter_horizontal = ["default_contacts"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "logo", "website", "email", "phone"]}),
        (None, {"fields": ["boilerplate", "boilerplate_en", "default_contacts"]}),
    ]

    def has_add_permission(self, request):
        # One agency per newsroom.
        return super().has_add_permission(request) and not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class ContentReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "page_link", "status", "email"]
    list_filter = ["status", "reason", "language"]
    search_fields = ["page_url", "page_title", "message", "email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "page_url",
        "page_title",
        "reason",
        "message",
        "email",
        "language",
        "created_at",
        "handled_at",
        "handled_by",
    ]
    fields = readonly_fields[:6] + [
        "status",
        "editor_note",
        "created_at",
        "handled_at",
        "handled_by",
    ]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        # Reports come from readers only.
        return False

    @admin.display(description=_("page"), ordering="page_url")
    def page_link(self, obj):
        # A link only to a path on this site; anything else (stored before the form checked
        # it) is shown as text, never followed from the admin.
        if not is_local_path(obj.page_url):
            return obj.page_title or obj.page_url
        return format_html('<a href="{}">{}</a>', obj.page_url, obj.page_title or obj.page_url)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            if obj.status in ContentReport.OPEN_STATES:
                obj.handled_at, obj.handled_by = None, None
            else:
                obj.handled_at, obj.handled_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark as handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.filter(status=ContentReport.Status.NEW).update(
            status=ContentReport.Status.HANDLED, handled_at=timezone.now(), handled_by=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d report marked as handled.", "%(count)d reports marked as handled.", count
            )
            % {"count": count},
        )
