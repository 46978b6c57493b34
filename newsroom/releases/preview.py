"""Previews of releases that are not public yet, on the real public template.

Staff see any release they may view (from the admin); anyone else needs a signed preview
link that has neither expired nor been revoked. Either way the page says it is a preview
and asks search engines to keep away.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsroom.core.web import absolute_url

from .models import PressRelease
from .services import preview_link_from_token, preview_token
from .views import ReleaseAddressMixin, ReleaseDetailView


def preview_url(link, absolute=True):
    with translation.override(link.release.language):
        path = reverse("releases:preview", kwargs={"token": preview_token(link)})
    return absolute_url(path) if absolute else path


class _AnyRelease(ReleaseAddressMixin):
    # Sits between ReleaseDetailView and ReleaseAddressMixin in the preview's MRO, so that the
    # detail view's select/prefetch work applies to every release, not only public ones.
    def get_queryset(self):
        return PressRelease.objects.all()


class ReleasePreviewView(ReleaseDetailView, _AnyRelease):
    """The public page of one release, chosen by pk, marked as a preview."""

    release_pk = None
    # The link's token, put on the page's media addresses so that its holder gets the files.
    preview_token = None

    def get_object(self, queryset=None):
        return (queryset or self.get_queryset()).get(pk=self.release_pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "preview": True,
            "preview_token": self.preview_token,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


def render_preview(request, release, token=None):
    return ReleasePreviewView.as_view(release_pk=release.pk, preview_token=token)(request)


def preview_by_token(request, token):
    link = preview_link_from_token(token)
    if link is None:
        response = render(
            request,
            "releases/preview_gone.html",
            {"message": _("This preview link has expired or been revoked.")},
            status=410,
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    with translation.override(link.release.language):
        return render_preview(request, link.release, token=token)
