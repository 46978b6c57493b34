from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from newsroom.core.files import send_file

from . import renditions
from .models import Image


def public_releases():
    """The public releases, by the releases' own rule (reached through the relation, so this
    lower app does not import the releases app)."""
    return Image._meta.get_field("releases").related_model.objects.public()


def public_images():
    """The image bank: the images of public releases, and nothing else."""
    return Image.objects.filter(releases__in=public_releases()).distinct()


class ImageBankView(ListView):
    template_name = "mediabank/image_list.html"
    context_object_name = "images"
    paginate_by = 24

    def get_queryset(self):
        return public_images().order_by("-uploaded_at", "-pk")


class ImageDetailView(DetailView):
    template_name = "mediabank/image_detail.html"
    context_object_name = "image"

    def get_queryset(self):
        return public_images()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["releases"] = (
            public_releases().filter(images=self.object).order_by("-published_at")[:10]
        )
        return context


def download(request, pk, size):
    if size not in renditions.SIZES:
        raise Http404("No such size.")
    image = get_object_or_404(public_images(), pk=pk)
    try:
        path = renditions.rendition_path(image, size)
    except (renditions.RenditionError, FileNotFoundError):
        raise Http404("This image cannot be downloaded.") from None
    filename = f"{slugify(image.title) or f'image-{image.pk}'}-{size}{path.suffix}"
    name = path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    return send_file(request, name, public=True, as_attachment=True, filename=filename)
