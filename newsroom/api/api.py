"""The read API, `/api/v1/` (django-ninja): public content only, paged by cursor.

Every list reads through the owning app's public queryset and answers in a fixed number of
queries whatever the page size (each relation is one prefetch). Every answer carries
`ETag` and `Last-Modified` (`conditional.py`), every client is held to `API_RATE_LIMIT`
(429 with `Retry-After`), and every error is JSON: `{"detail": "..."}`.
"""

import datetime as dt
import logging
import re
from typing import Annotated

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.throttling import SimpleRateThrottle
from pydantic import BeforeValidator
from taggit.models import Tag

from municipalities.models import AgencyVisit, FundingRound, Grant, Municipality
from newsroom.contacts.models import PressContact
from newsroom.core.web import client_key
from newsroom.releases.models import PressRelease, ReleaseContact, ReleaseImage

from . import keyset, schemas
from .conditional import conditional

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

FIELD_TYPES = {
    "published_at": dt.datetime,
    "created_at": dt.datetime,
    "updated_at": dt.datetime,
    "date": dt.date,
    "id": int,
    "order": int,
    "slug": str,
    "name": str,
    "code": str,
}

# The public order of releases (the order index), and the order of changes for `updated_since`.
NEWEST_FIRST = keyset.Ordering("releases", ("-published_at", "-created_at", "-id"))
BY_UPDATE = keyset.Ordering("updated", ("updated_at", "id"))
VISITS = keyset.Ordering("visits", ("-date", "-id"))
MUNICIPALITIES = keyset.Ordering("municipalities", ("code",))
FUNDING_ROUNDS = keyset.Ordering("funding", ("id",))
GRANTS = keyset.Ordering("grants", ("id",))
CONTACTS = keyset.Ordering("contacts", ("order", "name", "id"))
TAGS = keyset.Ordering("tags", ("slug",))


class ClientThrottle(SimpleRateThrottle):
    """`API_RATE_LIMIT` requests per client address (as the other rate limits count it),
    counted in the shared cache; read at each request, so a changed setting applies."""

    scope = "api"

    def __init__(self):
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request):
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        return f"api:throttle:{client_key('api', request)}"

    def wait(self):
        waited = super().wait()
        return max(1, waited or self.duration)


api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "Public press releases, visits, municipalities, funding and press contacts, read-only."
        " Lists are paged by cursor: follow `next` until it is null."
    ),
    urls_namespace="api",
    docs_url=None,
    throttle=[ClientThrottle()],
)


def _error(request, status, message):
    return api.create_response(request, {"detail": str(message)}, status=status)


@api.exception_handler(ValidationError)
def bad_request(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', _('invalid value'))}")
    return _error(
        request, 400, _("Invalid request. %(problems)s") % {"problems": "; ".join(problems)}
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Nothing public was found at this address."))


@api.exception_handler(Throttled)
def throttled(request, exc):
    return _error(request, 429, _("Too many requests: wait a little and try again."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, exc.message)


@api.exception_handler(Exception)
def server_error(request, exc):
    logger.exception("API error on %s", request.get_full_path())
    return _error(request, 500, _("Something went wrong on our side."))


ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}


def unknown_address(request, rest=""):
    """Any other address under /api/: a JSON 404 too, not the site's HTML page."""
    return JsonResponse({"detail": _("There is no such address in the API.")}, status=404)


def _page(request, queryset, ordering, cursor, limit):
    try:
        rows, next_cursor = keyset.page(
            queryset, ordering, cursor=cursor, limit=limit, field_types=FIELD_TYPES
        )
    except keyset.BadCursor:
        raise HttpError(400, _("The cursor is not valid for this list.")) from None
    next_url = None
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"items": rows, "next": next_url}


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def iso_only(value):
    """Dates and times as ISO 8601 text only (pydantic would read "0.5" as a Unix time)."""
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("expected an ISO 8601 date, e.g. 2026-12-01 or 2026-12-01T09:00Z")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(iso_only)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(iso_only)]


class Paging(schemas.Schema):
    cursor: str | None = None
    limit: int = schemas.Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def with_release_details(releases):
    """What a release's full representation needs, in a fixed number of queries."""
    return releases.select_related("visit", "funding_round").prefetch_related(
        "tags",
        Prefetch("municipalities", queryset=Municipality.objects.select_related("county")),
        "quotes",
        "documents",
        Prefetch(
            "releasecontact_set",
            queryset=ReleaseContact.objects.select_related("contact").filter(
                contact__in=PressContact.objects.public()
            ),
            to_attr="api_contacts",
        ),
        Prefetch(
            "releaseimage_set",
            queryset=ReleaseImage.objects.select_related("image"),
            to_attr="api_images",
        ),
    )


# Releases -------------------------------------------------------------------------------

releases = Router(tags=["releases"])


class ReleaseFilters(Paging):
    kind: schemas.Kind | None = None
    tag: str | None = schemas.Field(None, description="A tag's slug.")
    municipality: str | None = schemas.Field(None, description="A municipality's SCB code.")
    county: str | None = schemas.Field(None, description="A county's SCB code.")
    language: schemas.Language | None = None
    updated_since: IsoDateTime | None = schemas.Field(
        None,
        description="Only releases changed at or after this time (ISO 8601), oldest change"
        " first, for keeping a copy in step.",
    )


@releases.get("/releases", response={200: schemas.ReleasePage, **ERRORS}, summary="Releases")
@conditional
def list_releases(request, filters: Query[ReleaseFilters]):
    """Public releases, newest first (or by change time with `updated_since`)."""
    found = PressRelease.objects.public().filter(published_at__isnull=False)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.tag:
        found = found.tagged(Tag.objects.filter(slug=filters.tag).values("pk"))
    if filters.municipality:
        found = found.about([filters.municipality])
    if filters.county:
        found = found.about(Municipality.objects.filter(county_id=filters.county).values("pk"))
    ordering = NEWEST_FIRST
    if filters.updated_since:
        since = filters.updated_since
        if since.tzinfo is None:
            raise HttpError(400, _("updated_since needs a time zone, e.g. 2026-12-01T09:00Z."))
        found, ordering = found.filter(updated_at__gte=since), BY_UPDATE
    return _page(request, with_release_details(found), ordering, filters.cursor, filters.limit)


@releases.get(
    "/releases/{release_id}", response={200: schemas.ReleaseOut, **ERRORS}, summary="A release"
)
@conditional
def get_release(request, release_id: int):
    """One public release, in full."""
    return get_object_or_404(with_release_details(PressRelease.objects.public()), pk=release_id)


# Visits --------------------------------------------------------------------------------

visits = Router(tags=["visits"])


class VisitFilters(Paging):
    municipality: str | None = schemas.Field(None, description="A municipality's SCB code.")
    county: str | None = schemas.Field(None, description="A county's SCB code.")
    status: schemas.VisitStatus | None = None
    since: IsoDate | None = schemas.Field(None, description="Visits on or after this date.")
    until: IsoDate | None = schemas.Field(None, description="Visits on or before this date.")


def _visits():
    return (
        AgencyVisit.objects.public()
        .select_related("municipality__county")
        .prefetch_related("topics")
    )


@visits.get("/visits", response={200: schemas.VisitPage, **ERRORS}, summary="Visits")
@conditional
def list_visits(request, filters: Query[VisitFilters]):
    """Public visits to municipalities, latest date first."""
    found = _visits()
    if filters.municipality:
        found = found.filter(municipality_id=filters.municipality)
    if filters.county:
        found = found.filter(municipality__county_id=filters.county)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.since:
        found = found.filter(date__gte=filters.since)
    if filters.until:
        found = found.filter(date__lte=filters.until)
    return _page(request, found, VISITS, filters.cursor, filters.limit)


@visits.get("/visits/{visit_id}", response={200: schemas.VisitOut, **ERRORS}, summary="A visit")
@conditional
def get_visit(request, visit_id: int):
    return get_object_or_404(_visits(), pk=visit_id)


# Municipalities ------------------------------------------------------------------------

municipalities = Router(tags=["municipalities"])


class MunicipalityFilters(Paging):
    limit: int = schemas.Field(50, ge=1, le=300)
    county: str | None = schemas.Field(None, description="A county's SCB code.")


def _municipalities():
    return Municipality.objects.select_related("county").prefetch_related(
        Prefetch("grants", queryset=Grant.objects.select_related("funding_round")),
        Prefetch("visits", queryset=AgencyVisit.objects.public(), to_attr="api_visits"),
    )


@municipalities.get(
    "/municipalities",
    response={200: schemas.MunicipalityPage, **ERRORS},
    summary="Municipalities",
)
@conditional
def list_municipalities(request, filters: Query[MunicipalityFilters]):
    """Sweden's municipalities by SCB code, each with its grants and public visits."""
    found = _municipalities()
    if filters.county:
        found = found.filter(county_id=filters.county)
    return _page(request, found, MUNICIPALITIES, filters.cursor, filters.limit)


@municipalities.get(
    "/municipalities/{code}",
    response={200: schemas.MunicipalityOut, **ERRORS},
    summary="A municipality",
)
@conditional
def get_municipality(request, code: str):
    return get_object_or_404(_municipalities(), code=code)


# Funding -------------------------------------------------------------------------------

funding = Router(tags=["funding"])


def _rounds():
    return FundingRound.objects.prefetch_related(
        Prefetch(
            "grants",
            queryset=Grant.objects.select_related("funding_round", "municipality__county"),
        )
    )


@funding.get(
    "/funding-rounds", response={200: schemas.FundingRoundPage, **ERRORS}, summary="Funding rounds"
)
@conditional
def list_funding_rounds(request, paging: Query[Paging]):
    """Funding rounds with their grants."""
    return _page(request, _rounds(), FUNDING_ROUNDS, paging.cursor, paging.limit)


@funding.get(
    "/funding-rounds/{slug}",
    response={200: schemas.FundingRoundOut, **ERRORS},
    summary="A funding round",
)
@conditional
def get_funding_round(request, slug: str):
    return get_object_or_404(_rounds(), slug=slug)


class GrantFilters(Paging):
    limit: int = schemas.Field(50, ge=1, le=500)
    funding_round: str | None = schemas.Field(None, description="A funding round's slug.")
    year: int | None = None
    municipality: str | None = schemas.Field(None, description="A municipality's SCB code.")
    county: str | None = schemas.Field(None, description="A county's SCB code.")


@funding.get("/grants", response={200: schemas.GrantPage, **ERRORS}, summary="Grants")
@conditional
def list_grants(request, filters: Query[GrantFilters]):
    """Grants to municipalities, one row per round, municipality and year."""
    found = Grant.objects.select_related("funding_round", "municipality__county")
    if filters.funding_round:
        found = found.filter(funding_round__slug=filters.funding_round)
    if filters.year is not None:
        found = found.filter(year=filters.year)
    if filters.municipality:
        found = found.filter(municipality_id=filters.municipality)
    if filters.county:
        found = found.filter(municipality__county_id=filters.county)
    return _page(request, found, GRANTS, filters.cursor, filters.limit)


# Press contacts and tags ---------------------------------------------------------------

contacts = Router(tags=["contacts"])


@contacts.get("/contacts", response={200: schemas.ContactPage, **ERRORS}, summary="Press contacts")
@conditional
def list_contacts(request, paging: Query[Paging]):
    """Public press contacts, in the newsroom's order."""
    return _page(request, PressContact.objects.public(), CONTACTS, paging.cursor, paging.limit)


@contacts.get(
    "/contacts/{contact_id}", response={200: schemas.ContactOut, **ERRORS}, summary="A contact"
)
@conditional
def get_contact(request, contact_id: int):
    return get_object_or_404(PressContact.objects.public(), pk=contact_id)


tags = Router(tags=["tags"])


@tags.get("/tags", response={200: schemas.TagPage, **ERRORS}, summary="Tags")
@conditional
def list_tags(request, paging: Query[Paging]):
    """The tags of public releases and visits, by slug."""
    found = PressRelease.objects.public_tags()
    return _page(request, found, TAGS, paging.cursor, paging.limit)


for router in (releases, visits, municipalities, funding, contacts, tags):
    api.add_router("", router)
