import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from newsroom.core.filters import filter_errors

from . import calendar
from .forms import VisitFilterForm
from .funding import CHART_WIDTH, grant_table
from .models import AgencyVisit, County, FundingRound, Grant, Municipality

# A municipality's, a county's or a visit's page here shows what this app holds. Releases
# sit above this app: the releases app extends these pages with their releases
# (newsroom/releases/pages.py), and the project's URLconf serves its versions.


class MunicipalityIndexView(ListView):
    """The counties, each with its municipalities."""

    template_name = "municipalities/municipality_index.html"
    context_object_name = "counties"

    def get_queryset(self):
        return County.objects.prefetch_related("municipalities")


class MunicipalityDetailView(DetailView):
    """A municipality's page: the agency's visits and its grants."""

    model = Municipality
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"

    def get(self, request, *args, **kwargs):
        # A journalist may type the SCB code (/municipalities/2081/): send them to the page.
        if kwargs["slug"].isdigit():
            municipality = get_object_or_404(Municipality, code=kwargs["slug"])
            return redirect(municipality, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Municipality.objects.select_related("county")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = self.object
        context["visits"] = municipality.visits.public().order_by("-date", "-time")
        grants = municipality.grants.select_related("funding_round").order_by(
            "funding_round", "year"
        )
        context["grants"] = grants
        context["grants_have_examples"] = any(grant.is_example for grant in grants)
        return context


class CountyDetailView(DetailView):
    model = County
    template_name = "municipalities/county_detail.html"
    context_object_name = "county"

    def get_queryset(self):
        return County.objects.prefetch_related("municipalities")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visits"] = (
            AgencyVisit.objects.public()
            .filter(municipality__county=self.object)
            .select_related("municipality")
            .order_by("-date")[:20]
        )
        return context


class VisitListView(ListView):
    """Upcoming visits first, then past ones (paginated), filterable by municipality and county."""

    template_name = "municipalities/visit_list.html"
    context_object_name = "past_visits"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.form = VisitFilterForm(request.GET or None, visits=AgencyVisit.objects.public())
        if self.form.is_bound:
            self.form.is_valid()
        return super().get(request, *args, **kwargs)

    def visits(self):
        return self.form.filter(AgencyVisit.objects.public()).select_related("municipality__county")

    def get_queryset(self):
        return self.visits().past()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["filter_errors"] = filter_errors(self.form)
        context["upcoming_visits"] = self.visits().upcoming()
        return context


class VisitDetailView(DetailView):
    template_name = "municipalities/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return AgencyVisit.objects.public().select_related("municipality__county")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = self.object.topics.all()
        return context


def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def visit_ics(request, slug):
    visit = get_object_or_404(
        AgencyVisit.objects.public().select_related("municipality__county"), slug=slug
    )
    return _ics_response(calendar.calendar_for([visit], visit.title), f"{visit.slug}.ics")


def visits_ics(request):
    visits = AgencyVisit.objects.public().select_related("municipality__county").order_by("date")
    return _ics_response(calendar.calendar_for(visits, _("Agency visits")), "visits.ics")


class FundingRoundListView(ListView):
    template_name = "municipalities/fundinground_list.html"
    context_object_name = "funding_rounds"

    def get_queryset(self):
        return FundingRound.objects.all()


class FundingRoundDetailView(DetailView):
    """A round's budget and grants as a table, as an accessible SVG chart, and as CSV."""

    template_name = "municipalities/fundinground_detail.html"
    context_object_name = "funding_round"

    def get_queryset(self):
        return FundingRound.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = self.object.grants.select_related("municipality")
        context["table"] = grant_table(self.object, grants)
        context["chart_width"] = CHART_WIDTH
        return context


def grants_csv(request, slug):
    funding_round = get_object_or_404(FundingRound, slug=slug)
    grants = (
        Grant.objects.filter(funding_round=funding_round)
        .select_related("municipality__county")
        .order_by("municipality__name", "year")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(funding_round.slug)}-grants.csv"'
    )
    # A BOM so that spreadsheet programs read the Swedish letters right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Funding round"),
            _("Municipality code"),
            _("Municipality"),
            _("County"),
            _("Year"),
            _("Amount (SEK)"),
            _("Example figure"),
        ]
    )
    for grant in grants:
        writer.writerow(
            [
                funding_round.name,
                grant.municipality.code,
                grant.municipality.name,
                grant.municipality.county.name,
                grant.year,
                grant.amount,
                _("yes") if grant.is_example else _("no"),
            ]
        )
    return response
