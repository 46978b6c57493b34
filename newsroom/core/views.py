import sys
from urllib.parse import urlencode

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import cache_page
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import is_ratelimited

from .forms import ContentReportForm, is_local_path
from .web import absolute_url, client_key

# How many reports one client may send: enough for a reader, too few for a flood.
REPORT_RATE = "5/h"
RATE_LIMITED = _(
    "You have sent several reports in a short time. Please wait an hour and try again, or email us."
)


def language_redirect(request):
    """`/` goes to the newsroom in the browser's language (Swedish unless it asks for English)."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return HttpResponseRedirect(reverse("core:home"))


class AccessibilityStatementView(TemplateView):
    template_name = "core/accessibility.html"


class ContentReportView(FormView):
    """“Report this content”: stores a ContentReport for the editors; rate-limited per client."""

    form_class = ContentReportForm
    template_name = "core/report.html"

    def get_initial(self):
        page = self.request.GET.get("page", "")
        return {"page_url": page[:500], "page_title": self.request.GET.get("title", "")[:300]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The reported page as a link only when it is a path on this site.
        page = context["form"]["page_url"].value()
        context["page_link"] = page if is_local_path(page) else ""
        return context

    def post(self, request, *args, **kwargs):
        limited = is_ratelimited(
            request, group="content-report", key=client_key, rate=REPORT_RATE, method="POST",
            increment=True,
        )  # fmt: skip
        if limited:
            form = self.get_form()
            return render(
                request,
                self.template_name,
                {"form": form, "rate_limited": True, "summary_errors": [RATE_LIMITED]},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        report = form.save(commit=False)
        report.language = translation.get_language() or ""
        report.save()
        thanks = reverse("core:report_thanks") + "?" + urlencode({"page": report.page_url})
        return HttpResponseRedirect(thanks)


class ReportThanksView(TemplateView):
    template_name = "core/report_thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.request.GET.get("page", "")
        context["back_url"] = page if is_local_path(page) else ""
        return context


@cache_page(60 * 60)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/report/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# Errors that mean the database cannot be reached (down, restarting, connection lost), as
# opposed to a fault in a query; psycopg's own errors reach views wrapped in these.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def _database_unavailable(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


@requires_csrf_token
def server_error(request):
    """handler500: a 503 with Retry-After while the database is unreachable, else the 500 page.

    Django calls it for every uncaught exception, from a view or a middleware, with the
    exception being handled; the traceback goes to the log, never to the reader. Neither page
    touches the database (no context processors).
    """
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
