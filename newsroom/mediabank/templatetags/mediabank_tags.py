from django import template
from django.urls import reverse

from newsroom.mediabank import renditions

register = template.Library()


@register.simple_tag
def download_options(image):
    """Each size an image can be downloaded in: name, label, pixel size and address."""
    options = []
    for size in renditions.offered_sizes(image):
        width, height = renditions.rendition_size(image, size)
        options.append(
            {
                "size": size,
                "label": renditions.SIZES[size][1],
                "width": width,
                "height": height,
                "url": reverse("mediabank:download", kwargs={"pk": image.pk, "size": size}),
            }
        )
    return options
