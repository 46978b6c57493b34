"""Requests no link of ours can produce, refused before any view sees them."""

from django.core.exceptions import BadRequest


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string is a 400.

    No address of the newsroom holds one, and PostgreSQL refuses NUL in any text parameter:
    without this, a `%00` in a tag's or a feed's address reached a query and answered 500.
    (Form fields refuse NUL themselves: Django's CharField does.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("A NUL byte in the address.")
        return self.get_response(request)
