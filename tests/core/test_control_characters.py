"""Control characters in any text field of any public model: refused on the way in (model
validation, hence every admin form), and harmless on the way out for rows that hold them
anyway (saved before the rule, or by code that skips validation): every public page, feed,
vCard and calendar still answers, and still parses."""

import json
import re

import feedparser
import icalendar
import pytest
import vobject
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from municipalities.models import AgencyVisit, County, FundingRound, Grant, Municipality
from newsroom.contacts.models import PressContact
from newsroom.core.models import Agency
from newsroom.core.text import (
    ControlCharactersMixin,
    clean_text,
    single_line,
    validate_single_line,
    validate_text,
)
from newsroom.mediabank.models import Document, Image
from newsroom.releases.models import PressRelease, Quote
from tests.conftest import attach_images

# Every model whose text the public sees.
PUBLIC_MODELS = [
    Agency,
    County,
    Municipality,
    FundingRound,
    Grant,
    AgencyVisit,
    PressContact,
    PressRelease,
    Quote,
    Image,
    Document,
]

CONTROL = st.characters(categories=["Cc"]) | st.sampled_from(["\u2028", "\u2029", "\r\n"])
ORDINARY = st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])
HOSTILE = (
    st.lists(CONTROL | ORDINARY, min_size=1, max_size=12)
    .map("".join)
    .filter(lambda s: any(c < " " or "\x7f" <= c <= "\x9f" or c in "\u2028\u2029" for c in s))
)


def text_fields(model):
    """The free-text fields: CharFields and TextFields, less keys, slugs and choices."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.primary_key
        and not field.choices
    ]


def test_every_public_model_refuses_control_characters():
    assert all(issubclass(model, ControlCharactersMixin) for model in PUBLIC_MODELS)
    # Each has something to protect (Grant has no text today, and gains the rule for later).
    assert sum(len(text_fields(model)) for model in PUBLIC_MODELS) >= 25


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\t", "\n", "\x0b", "\x0c", "\r", "\x1f", "\x7f", "\x85", "\u2028"]
)
def test_single_line_fields_refuse_every_control_character(char):
    with pytest.raises(ValidationError):
        validate_single_line(f"Rubrik{char}Word: mer")
    assert "\n" not in single_line(f"a{char}b") and single_line(f"a{char}b") in ("a b", "ab")


def test_multi_line_fields_keep_line_breaks_and_tabs_only():
    validate_text("Rad ett\r\nrad två\n\tindrag")
    for char in ["\x00", "\x0b", "\x0c", "\x1c", "\x7f", "\x85", "\u2029"]:
        with pytest.raises(ValidationError):
            validate_text(f"Rad{char}ett")
        assert clean_text(f"Rad{char}ett\nTvå") == "Radett\nTvå"


@pytest.fixture
def world(agency, borlange, make_release, make_contact, make_visit, make_image, make_grant):
    """One public object of each kind, linked together so that each page shows the others."""
    from django.core.files.base import ContentFile

    contact = make_contact(name="Lena Holm", organisation="Delmos")
    visit = make_visit(title="Besök i Borlänge", purpose="Syfte", meets="Kommunledningen")
    visit.topics.add("bostad")
    grant = make_grant(is_example=True)
    image = make_image(caption="Bildtext")
    document = Document(title="Rapport")
    document.file.save("rapport.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    release = make_release(
        title="Delegationen besöker Borlänge",
        lead="Ingress",
        tags=["segregation"],
        municipalities=[borlange],
        contacts=[contact],
        quotes=[("Anna Andersson", "Citat")],
        visit=visit,
        funding_round=grant.funding_round,
        update_note="Rättad",
    )
    release.documents.add(document)
    attach_images(release, image)
    agency.default_contacts.add(contact)
    return {
        Agency: agency,
        County: borlange.county,
        Municipality: borlange,
        FundingRound: grant.funding_round,
        Grant: grant,
        AgencyVisit: visit,
        PressContact: contact,
        PressRelease: release,
        Quote: release.quotes.get(),
        Image: image,
        Document: document,
        Tag: Tag.objects.get(name="segregation"),
    }


def public_addresses(world):
    release, visit = world[PressRelease], world[AgencyVisit]
    contact, image, tag = world[PressContact], world[Image], world[Tag]
    fr, borlange = world[FundingRound], world[Municipality]
    pages = [
        "/sv/",
        "/en/",
        "/sv/releases/",
        release.get_absolute_url(),
        "/sv/search/?q=Borl%C3%A4nge",
        f"/sv/tags/{tag.slug}/",
        "/sv/contacts/",
        contact.get_absolute_url(),
        "/sv/visits/",
        visit.get_absolute_url(),
        borlange.get_absolute_url(),
        borlange.county.get_absolute_url(),
        "/sv/municipalities/",
        "/sv/funding/",
        fr.get_absolute_url(),
        "/sv/images/",
        image.get_absolute_url(),
        "/sv/subscribe/",
        "/sv/accessibility/",
    ]
    feeds = [
        f"/{lang}/feeds/{fmt}/{scope}"
        for lang in ("sv", "en")
        for fmt in ("rss", "atom")
        for scope in ("", f"tag/{tag.slug}/", f"municipality/{borlange.slug}/")
    ]
    addresses = {
        "pages": pages,
        "feeds": feeds,
        "vcards": [contact.get_vcard_url()],
        "calendars": ["/sv/visits/calendar.ics", f"/sv/visits/{visit.slug}.ics"],
        "csv": [f"/sv/funding/{fr.slug}/grants.csv"],
        "xml": ["/sitemap.xml"],
    }
    return [(kind, path) for kind, paths in addresses.items() for path in paths]


def assert_renders(client, world, kind, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    body = response.content
    if kind == "feeds":
        feed = feedparser.parse(body)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries, path
    elif kind == "vcards":
        card = vobject.readOne(body.decode())
        assert len(card.contents["fn"]) == 1 and len(card.contents["email"]) == 1
    elif kind == "calendars":
        assert icalendar.Calendar.from_ical(body).walk("VEVENT"), path
        assert vobject.readOne(body.decode()).vevent_list, path
    elif kind == "pages" and path == world[PressRelease].get_absolute_url():
        match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', body, re.S)
        assert json.loads(match.group(1))["@type"] == "NewsArticle"


def stored_fields(model):
    if model is Tag:
        return [Tag._meta.get_field("name")]
    return text_fields(model)


# No NUL: PostgreSQL cannot store it in text at all, so no row can hold one there.
STORED = HOSTILE.map(lambda s: s.replace("\x00", "")).filter(lambda s: s.strip())


# The addresses are read in PARTS tests that run side by side (pytest-xdist); each example
# of each part fills every text field of every public model anew, so the parts together try
# PARTS times as many hostile values per field as one test would.
PARTS = 6


@pytest.mark.parametrize("part", range(PARTS))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_rows_holding_control_characters_still_render_everywhere(client, world, part, data):
    for model, obj in world.items():
        values = {}
        for field in stored_fields(model):
            value = data.draw(STORED, label=f"{model.__name__}.{field.name}")
            values[field.attname] = value[: field.max_length or 40]
        if values:
            model.objects.filter(pk=obj.pk).update(**values)
    for kind, path in public_addresses(world)[part::PARTS]:
        assert_renders(client, world, kind, path)


@pytest.mark.parametrize("model", [model for model in PUBLIC_MODELS if text_fields(model)])
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_model_validation_refuses_control_characters_in_every_text_field(world, model, data):
    for field in text_fields(model):
        obj = model.objects.get(pk=world[model].pk)
        obj.full_clean()  # valid as it stands
        value = data.draw(HOSTILE, label=f"{model.__name__}.{field.name}")
        setattr(obj, field.attname, value)
        if not _forbidden(value, field):
            continue  # line breaks and tabs in a multi-line text
        with pytest.raises(ValidationError) as caught:
            obj.full_clean()
        assert field.name in caught.value.message_dict


@pytest.mark.parametrize("model", PUBLIC_MODELS)
def test_the_message_says_what_is_wrong(world, model):
    for field in text_fields(model):
        if isinstance(field, models.EmailField | models.URLField):
            continue
        obj = model.objects.get(pk=world[model].pk)
        setattr(obj, field.attname, "Rubrik\x0bWord: mer")
        with pytest.raises(ValidationError) as caught:
            obj.full_clean()
        codes = [error.code for error in caught.value.error_dict[field.name]]
        assert codes == ["control_characters"], (field.name, caught.value.message_dict)


def _forbidden(value, field):
    allowed = "\t\n\r" if isinstance(field, models.TextField) else ""
    return any(
        (c < " " or "\x7f" <= c <= "\x9f" or c in "\u2028\u2029") and c not in allowed
        for c in value
    )


def test_the_admin_form_refuses_a_line_break_in_a_name(editor_client, agency):
    response = editor_client.post(
        "/admin/contacts/presscontact/add/",
        {"name": "Lena Holm\rEMAIL:attacker@example.com", "role": "Press", "order": 0},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert [e.code for e in errors.as_data()["name"]] == ["control_characters"]
    assert "Radbrytningar och andra styrtecken är inte tillåtna här." in response.content.decode()
    assert not PressContact.objects.exists()


def test_tags_typed_with_control_characters_are_stored_on_one_line(make_release):
    from django import forms

    class TagsForm(forms.ModelForm):
        class Meta:
            model = PressRelease
            fields = ["tags"]

    release = make_release()
    form = TagsForm({"tags": "skola\nbostad\x0barbete"}, instance=release)
    assert form.is_valid(), form.errors
    form.save()
    assert sorted(release.tags.names()) == ["arbete", "bostad", "skola"]
    release.tags.add("fritid\r\nidrott")  # by code, past any form
    assert Tag.objects.filter(name="fritid idrott").exists()
