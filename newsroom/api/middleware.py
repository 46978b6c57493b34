"""Errors under the API's addresses are JSON, whoever answered them.

Ninja's own handlers answer the API's errors as JSON (`api.py`); this covers what answers
before or around it: the refusal of a NUL byte (core's middleware), Django's 400, 404 and
500 pages. An HTML error page under `/api/` or `/oembed/` becomes `{"detail": "..."}` with
the same status.
"""

from http import HTTPStatus

from django.http import JsonResponse

PREFIXES = ("/api/", "/oembed/")


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(PREFIXES)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            json = JsonResponse({"detail": phrase}, status=status)
            for header in ("Retry-After", "Allow"):
                if response.has_header(header):
                    json[header] = response[header]
            return json
        return response
