"""Project-level views: pages that gather several apps, so no app below may hold them.

The home page shows releases, visits and press contacts; core sits below all of those
(ARCHITECTURE.md: subscriptions → releases → contacts, mediabank, municipalities → core),
so it lives here, in the project package that may import every app. Its URL keeps the name
`core:home` (see newsroom/urls.py).
"""

from django.http import HttpResponse
from django.views.generic import TemplateView

from municipalities.models import AgencyVisit
from newsroom.contacts.models import PressContact
from newsroom.core.models import Agency
from newsroom.releases.models import PressRelease


class HomeView(TemplateView):
    template_name = "home.html"
    latest_count = 6
    upcoming_count = 4

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agency = Agency.current()
        context["agency"] = agency
        context["latest_releases"] = PressRelease.objects.public().for_listing()[
            : self.latest_count
        ]
        context["upcoming_visits"] = (
            AgencyVisit.objects.public()
            .upcoming()
            .select_related("municipality")[: self.upcoming_count]
        )
        contacts = list(agency.default_contacts.filter(is_public=True)) if agency.pk else []
        context["contacts"] = contacts or list(PressContact.objects.public()[:3])
        return context


# The benchmark's ceiling (bench/run): what Django itself serves through the same middleware,
# a 20 KB page with no query and no template. Routed only when BENCHMARK_CEILING is on.
CEILING_BODY = "<!DOCTYPE html><title>ceiling</title>" + "<p>" + "x" * 20_400 + "</p>"


def benchmark_ceiling(request):
    return HttpResponse(CEILING_BODY)
