"""The admins of counties, municipalities, visits, funding rounds and grants.

Unregistered: `newsroom.site.admin` registers them (with other apps' mixins where any).
"""

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import Grant


class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality_count"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_municipalities=Count("municipalities"))

    @admin.display(description=_("municipalities"), ordering="num_municipalities")
    def municipality_count(self, obj):
        return obj.num_municipalities


class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    list_select_related = ["county"]
    search_fields = ["code", "name", "county__name"]
    prepopulated_fields = {"slug": ["name"]}


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 1
    autocomplete_fields = ["municipality"]


class FundingRoundAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "first_year",
        "last_year",
        "yearly_budget",
        "decision_date",
        "granted_total",
    ]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GrantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total=Sum("grants__amount"))

    @admin.display(description=_("granted (SEK)"), ordering="total")
    def granted_total(self, obj):
        return obj.total or 0


class GrantAdmin(admin.ModelAdmin):
    list_display = ["municipality", "funding_round", "year", "amount", "is_example"]
    list_filter = ["funding_round", "year", "is_example", "municipality__county"]
    list_select_related = ["municipality", "funding_round"]
    search_fields = ["municipality__name", "funding_round__name"]
    autocomplete_fields = ["municipality", "funding_round"]


class AgencyVisitAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "date", "time", "status", "is_public"]
    list_filter = ["status", "is_public", "date", "municipality__county"]
    list_select_related = ["municipality"]
    search_fields = ["title", "purpose", "meets", "municipality__name"]
    autocomplete_fields = ["municipality"]
    prepopulated_fields = {"slug": ["date", "title"]}
    date_hierarchy = "date"
