"""The press contacts' admin.

Unregistered: `newsroom.site.admin` registers them (with other apps' mixins where any).
"""

from django.contrib import admin


class PressContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "organisation", "email", "phone", "is_public", "order"]
    list_editable = ["is_public", "order"]
    list_filter = ["is_public", "organisation"]
    search_fields = ["name", "role", "organisation", "email"]
