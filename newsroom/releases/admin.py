from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import PressRelease, Quote, ReleaseContact, ReleaseImage


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["text", ("speaker", "party"), ("role", "organisation"), "order"]


class ReleaseContactInline(admin.TabularInline):
    model = ReleaseContact
    extra = 1
    autocomplete_fields = ["contact"]


class ReleaseImageInline(admin.TabularInline):
    model = ReleaseImage
    extra = 1
    autocomplete_fields = ["image"]


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "status", "public_date", "updated_at"]
    list_filter = [
        "status",
        "kind",
        "language",
        ("tags", admin.RelatedOnlyFieldListFilter),
        "municipalities__county",
        ("municipalities", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "lead", "body", "quotes__speaker"]
    date_hierarchy = "published_at"
    autocomplete_fields = [
        "municipalities",
        "visit",
        "funding_round",
        "translation_of",
        "documents",
    ]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    inlines = [QuoteInline, ReleaseContactInline, ReleaseImageInline]
    fieldsets = [
        (None, {"fields": ["kind", "language", "translation_of", "title", "slug", "lead", "body"]}),
        (_("Links"), {"fields": ["tags", "municipalities", "visit", "funding_round", "documents"]}),
        (_("About us"), {"fields": ["boilerplate"], "classes": ["collapse"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "published_at",
                    "send_notification",
                    "update_note",
                ]
            },
        ),
        (
            _("History"),
            {
                "fields": ["created_at", "created_by", "updated_at", "updated_by"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description=_("date"), ordering="published_at")
    def public_date(self, obj):
        return obj.public_date

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
