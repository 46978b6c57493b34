from django import template
from django.urls import reverse

from newsroom.mediabank import renditions

register = template.Library()


@register.simple_tag
def download_options(image):
    """Each size an image can be downloaded in: name, label, pixel size and address."""
    options, seen = [], set()
    for size, (longest, label) in renditions.SIZES.items():
        width, height = renditions.rendition_size(image, size)
        # A web size no smaller than the original is the original: offer it once.
        if longest and (not width or (width, height) == (image.width, image.height)):
            continue
        if (width, height) in seen:
            continue
        seen.add((width, height))
        options.append(
            {
                "size": size,
                "label": label,
                "width": width,
                "height": height,
                "url": reverse("mediabank:download", kwargs={"pk": image.pk, "size": size}),
            }
        )
    return options
