from django.contrib import admin

from .models import Agency


@admin.register(Agency)
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
