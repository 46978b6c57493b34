from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.utils import translation
from django.views.generic import DetailView

from .models import PressRelease, ReleaseContact, ReleaseImage


class PublicReleaseMixin:
    """Public views see only what `PressRelease.objects.public()` returns."""

    def get_queryset(self):
        return PressRelease.objects.public()


class ReleaseAddressMixin(PublicReleaseMixin):
    """A release's own page: the public ones, and withdrawn ones (shown with a notice)."""

    def get_queryset(self):
        return PressRelease.objects.at_address()


class ReleaseDetailView(ReleaseAddressMixin, DetailView):
    model = PressRelease
    template_name = "releases/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("visit__municipality", "funding_round", "translation_of")
            .prefetch_related(
                "quotes",
                "tags",
                "municipalities",
                "documents",
                Prefetch("translations", queryset=PressRelease.objects.public()),
                Prefetch(
                    "releasecontact_set",
                    queryset=ReleaseContact.objects.select_related("contact").filter(
                        contact__is_public=True
                    ),
                    to_attr="ordered_contacts",
                ),
                Prefetch(
                    "releaseimage_set",
                    queryset=ReleaseImage.objects.select_related("image"),
                    to_attr="ordered_images",
                ),
            )
        )

    def get_object(self, queryset=None):
        # A slug is unique per language: prefer the release in the page's language.
        language = translation.get_language()
        queryset = (queryset or self.get_queryset()).filter(slug=self.kwargs["slug"])
        release = queryset.order_by(
            Case(
                When(language=language, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).first()
        if release is None:
            raise Http404("No public release with that address.")
        return release

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        release = self.object
        context["contacts"] = [rc.contact for rc in release.ordered_contacts]
        context["images"] = [ri.image for ri in release.ordered_images]
        context["boilerplate"] = release.effective_boilerplate()
        context["translation"] = self._translation(release)
        return context

    @staticmethod
    def _translation(release):
        """The public release in the other language: the original, or a translation of this one."""
        if release.translation_of and release.translation_of.is_public:
            return release.translation_of
        return next(iter(release.translations.all()), None)
