from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from newsroom.core.files import send_file

from . import renditions
from .models import Image

# Which images the public may see is not this app's to say: the releases app's rule
# (`PressRelease.objects.public_images()`, the images of public releases) decides, and its
# image bank pages (newsroom/releases/pages.py) pass it in. Without it, nothing is shown.


def no_images():
    return Image.objects.none()


class ImageBankView(ListView):
    template_name = "mediabank/image_list.html"
    context_object_name = "images"
    paginate_by = 24
    images = staticmethod(no_images)

    def get_queryset(self):
        return self.images().order_by("-uploaded_at", "-pk")


class ImageDetailView(DetailView):
    template_name = "mediabank/image_detail.html"
    context_object_name = "image"
    images = staticmethod(no_images)

    def get_queryset(self):
        return self.images()


def download(request, pk, size, images=no_images):
    if size not in renditions.SIZES:
        raise Http404("No such size.")
    image = get_object_or_404(images(), pk=pk)
    try:
        path = renditions.rendition_path(image, size)
    except (renditions.RenditionError, FileNotFoundError):
        raise Http404("This image cannot be downloaded.") from None
    filename = f"{slugify(image.title) or f'image-{image.pk}'}-{size}{path.suffix}"
    name = path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    return send_file(request, name, public=True, as_attachment=True, filename=filename)
