from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from newsroom.releases.models import PressRelease


def language_redirect(request):
    """`/` goes to the newsroom in the browser's language (Swedish unless it asks for English)."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return HttpResponseRedirect(reverse("core:home"))


class HomeView(TemplateView):
    template_name = "core/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_releases"] = PressRelease.objects.public().for_listing()[
            : self.latest_count
        ]
        return context
