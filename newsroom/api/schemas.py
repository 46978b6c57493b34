"""What the API answers, as pydantic schemas (django-ninja): the OpenAPI schema is made
from them and every answer is validated against them."""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from newsroom.core.web import absolute_url
from newsroom.mediabank import renditions

Kind = Literal["press_release", "news", "statement"]
Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]
VisitStatus = Literal["planned", "held", "cancelled"]


class Error(Schema):
    detail: str = Field(description="What was wrong, in words.")


class CountyOut(Schema):
    code: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


class MunicipalityRef(Schema):
    code: str
    name: str
    county: CountyOut
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


class TagOut(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


class QuoteOut(Schema):
    text: str
    speaker: str
    role: str
    party: str
    organisation: str


class ContactOut(Schema):
    id: int
    name: str
    role: str
    organisation: str
    email: str
    phone: str
    photo: str | None = Field(description="The photo's address, if any.")
    url: str
    vcard: str

    @staticmethod
    def resolve_photo(obj):
        return absolute_url(obj.photo.url) if obj.photo else None

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_vcard(obj):
        return absolute_url(obj.get_vcard_url())


class ImageOut(Schema):
    id: int
    title: str
    caption: str
    alt_text: str
    photographer: str
    licence: str
    width: int | None
    height: int | None
    url: str
    renditions: dict[str, str] = Field(
        description="Download addresses by size (small, medium, large, original)."
    )

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_renditions(obj):
        return {
            size: absolute_url(reverse("mediabank:download", kwargs={"pk": obj.pk, "size": size}))
            for size in renditions.offered_sizes(obj)
        }


class DocumentOut(Schema):
    title: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.file.url)


class VisitRef(Schema):
    id: int
    slug: str
    title: str
    date: dt.date
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


class FundingRoundRef(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


class ReleaseOut(Schema):
    id: int
    kind: Kind
    language: Language
    title: str
    slug: str
    url: str = Field(description="The release's public page.")
    lead: str
    body: str = Field(description="Sanitised HTML.")
    published_at: dt.datetime
    updated_at: dt.datetime
    update_note: str
    translation_of: int | None = Field(description="The id of the release this one translates.")
    tags: list[TagOut]
    municipalities: list[MunicipalityRef]
    quotes: list[QuoteOut]
    contacts: list[ContactOut]
    images: list[ImageOut]
    documents: list[DocumentOut]
    visit: VisitRef | None = Field(description="The visit it announces or reports, if public.")
    funding_round: FundingRoundRef | None

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_translation_of(obj):
        return obj.translation_of_id

    @staticmethod
    def resolve_contacts(obj):
        return [link.contact for link in obj.api_contacts]

    @staticmethod
    def resolve_images(obj):
        return [link.image for link in obj.api_images]

    @staticmethod
    def resolve_visit(obj):
        return obj.visit if obj.visit_id and obj.visit.is_public else None


class GrantOut(Schema):
    funding_round: str = Field(description="The round's slug.")
    year: int
    amount: int = Field(description="In whole kronor (SEK).")
    is_example: bool = Field(description="An illustrative figure, not a decided one.")
    municipality: str = Field(description="The municipality's SCB code.")

    @staticmethod
    def resolve_funding_round(obj):
        return obj.funding_round.slug

    @staticmethod
    def resolve_municipality(obj):
        return obj.municipality_id


class GrantRow(GrantOut):
    municipality_name: str
    county: str = Field(description="The county's SCB code.")
    county_name: str

    @staticmethod
    def resolve_municipality_name(obj):
        return obj.municipality.name

    @staticmethod
    def resolve_county(obj):
        return obj.municipality.county_id

    @staticmethod
    def resolve_county_name(obj):
        return obj.municipality.county.name


class VisitOut(Schema):
    id: int
    slug: str
    title: str
    date: dt.date
    time: dt.time | None
    status: VisitStatus
    purpose: str
    meets: str
    attendees: str
    municipality: MunicipalityRef
    topics: list[TagOut]
    url: str
    ical: str

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_ical(obj):
        return absolute_url(reverse("municipalities:visit_ics", kwargs={"slug": obj.slug}))


class MunicipalityOut(MunicipalityRef):
    grants: list[GrantOut]
    visits: list[VisitRef]

    @staticmethod
    def resolve_visits(obj):
        return obj.api_visits


class FundingRoundOut(Schema):
    slug: str
    name: str
    first_year: int
    last_year: int
    yearly_budget: int = Field(description="In whole kronor (SEK).")
    decision_date: dt.date | None
    municipality_count: int | None
    description: str
    url: str
    grants: list[GrantRow]

    @staticmethod
    def resolve_url(obj):
        return absolute_url(obj.get_absolute_url())


def page_schema(item, name):
    """A page of `item`s with the next page's address."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next": str | None},
            "next": Field(description="The next page's address; null on the last page."),
        },
    )


ReleasePage = page_schema(ReleaseOut, "ReleasePage")
VisitPage = page_schema(VisitOut, "VisitPage")
MunicipalityPage = page_schema(MunicipalityOut, "MunicipalityPage")
FundingRoundPage = page_schema(FundingRoundOut, "FundingRoundPage")
GrantPage = page_schema(GrantRow, "GrantPage")
TagPage = page_schema(TagOut, "TagPage")
ContactPage = page_schema(ContactOut, "ContactPage")
