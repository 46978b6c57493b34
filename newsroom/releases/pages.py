"""Release pages about what the lower apps hold: a municipality's, a county's, a visit's,
a contact's page with their releases, and the image bank of public releases' images.

The lower apps' pages show what those apps hold and leave a `releases` block empty; the
views here extend them with the releases (and the rule for which images are public), the
templates in templates/releases/ fill the block, and the project's URLconf serves these
views under the lower apps' URL names (newsroom/urls.py). So no lower app reaches up to
releases: not by import, reverse accessor, URL name or template.
"""

from municipalities.views import CountyDetailView, MunicipalityDetailView, VisitDetailView
from newsroom.contacts.views import ContactDetailView
from newsroom.mediabank.views import ImageBankView, ImageDetailView, download

from .models import PressRelease
from .views import feed_links


class MunicipalityPage(MunicipalityDetailView):
    template_name = "releases/municipality_detail.html"
    release_count = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = self.object
        releases = PressRelease.objects.public().filter(municipalities=municipality)
        context["releases"] = releases.for_listing()[: self.release_count]
        context["feed_links"] = feed_links("municipality", municipality.slug)
        return context


class CountyPage(CountyDetailView):
    template_name = "releases/county_detail.html"


class VisitPage(VisitDetailView):
    template_name = "releases/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = PressRelease.objects.public().filter(visit=self.object).for_listing()
        return context


class ContactPage(ContactDetailView):
    template_name = "releases/contact_detail.html"
    release_count = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        releases = PressRelease.objects.public().filter(contacts=self.object)
        context["releases"] = releases.for_listing()[: self.release_count]
        return context


class ImageBankPage(ImageBankView):
    images = staticmethod(PressRelease.objects.public_images)


class ImagePage(ImageDetailView):
    template_name = "releases/image_detail.html"
    images = staticmethod(PressRelease.objects.public_images)
    release_count = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        releases = PressRelease.objects.public().filter(images=self.object)
        context["releases"] = releases.order_by("-published_at")[: self.release_count]
        return context


def image_download(request, pk, size):
    """A rendition of a public release's image (404 for any other image)."""
    return download(request, pk, size, images=PressRelease.objects.public_images)


# The lower apps' URL names these pages are served under (newsroom/urls.py).
PAGES = {
    "municipalities": {
        "municipality": MunicipalityPage.as_view(),
        "county": CountyPage.as_view(),
        "visit": VisitPage.as_view(),
    },
    "contacts": {"detail": ContactPage.as_view()},
    "mediabank": {
        "images": ImageBankPage.as_view(),
        "image": ImagePage.as_view(),
        "download": image_download,
    },
}
