"""The media bank's admins.

Unregistered: `newsroom.site.admin` registers them with the releases' `ReleaseMediaGuard`
(media that a release outside review shows change only with the publish permission).
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import DocumentForm, ImageForm


class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "photographer",
        "licence",
        "has_alt_text",
        "width",
        "height",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["licence", "uploaded_at"]
    search_fields = ["title", "caption", "alt_text", "photographer"]
    readonly_fields = ["width", "height", "uploaded_at", "uploaded_by"]

    class Media:
        css = {"all": ["admin-newsroom/mediabank.css"]}

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        if not obj.file:
            return "–"
        return format_html('<img src="{}" alt="" class="mediabank-thumbnail">', obj.file.url)

    @admin.display(description=_("alt text"), boolean=True)
    def has_alt_text(self, obj):
        return bool(obj.alt_text)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = ["title", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["title"]
    readonly_fields = ["size", "content_type", "uploaded_at"]
