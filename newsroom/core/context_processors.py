from django.utils.functional import SimpleLazyObject

from .models import Agency


def newsroom(request):
    """The agency on every page, fetched only when a template uses it."""
    return {"agency": SimpleLazyObject(Agency.current)}
