"""The read API: every endpoint and filter, public content only, JSON errors."""

import datetime as dt

import pytest
from django.utils import timezone

from municipalities.models import County, Municipality
from newsroom.releases.models import PressRelease
from tests.conftest import attach_images

Status = PressRelease.Status


@pytest.fixture
def falun(county):
    return Municipality.objects.create(code="2080", name="Falun", slug="falun", county=county)


@pytest.fixture
def malmo(db):
    skane = County.objects.create(code="12", name="Skåne län", slug="skane-lan")
    return Municipality.objects.create(code="1280", name="Malmö", slug="malmo", county=skane)


@pytest.fixture
def hidden(make_release):
    """A release in every state the public must never see through the API."""
    now = timezone.now()
    return [
        make_release(title="Utkast", status=Status.DRAFT, tags=["hemligt"]),
        make_release(title="Granskas", status=Status.IN_REVIEW),
        make_release(
            title="Planerat", status=Status.SCHEDULED, publish_at=now + dt.timedelta(days=1)
        ),
        make_release(
            title="Tillbakadraget",
            status=Status.WITHDRAWN,
            published_at=now - dt.timedelta(days=2),
            withdrawn_at=now - dt.timedelta(days=1),
            withdrawn_reason="Fel siffror.",
        ),
    ]


def titles(data):
    return [item["title"] for item in data["items"]]


def test_releases_are_listed_newest_first_in_full(
    get_json, make_release, make_contact, make_image, borlange
):
    contact = make_contact(name="Lena Holm")
    secret = make_contact(name="Hemlig Kontakt", is_public=False)
    older = make_release(title="Äldre", published_at=timezone.now() - dt.timedelta(days=3))
    release = make_release(
        title="Besök i Borlänge",
        tags=["segregation"],
        municipalities=[borlange],
        contacts=[contact, secret],
        quotes=[("Anna Rektor", "Vi är glada.")],
        published_at=timezone.now() - dt.timedelta(hours=1),
    )
    attach_images(release, make_image(title="Skolgården"))

    data = get_json("/api/v1/releases")

    assert titles(data) == ["Besök i Borlänge", "Äldre"]
    assert data["next"] is None
    item = data["items"][0]
    assert item["id"] == release.pk
    assert item["url"] == f"http://testserver/sv/releases/{release.slug}/"
    assert item["kind"] == "press_release"
    assert item["language"] == "sv"
    assert item["body"] == "<p>Brödtext.</p>"
    assert [tag["slug"] for tag in item["tags"]] == ["segregation"]
    assert item["municipalities"][0]["code"] == "2081"
    assert item["municipalities"][0]["county"]["code"] == "20"
    assert item["quotes"] == [
        {
            "text": "Vi är glada.",
            "speaker": "Anna Rektor",
            "role": "",
            "party": "",
            "organisation": "",
        }
    ]
    assert [c["name"] for c in item["contacts"]] == ["Lena Holm"]
    (image,) = item["images"]
    assert image["title"] == "Skolgården"
    assert set(image["renditions"]) == {"small", "original"}  # 1200 px: medium is the original
    assert image["renditions"]["small"].endswith(f"/images/{image['id']}/download/small/")
    assert older.pk == data["items"][1]["id"]


def test_the_public_rule_holds_on_every_path(get_json, make_release, hidden):
    public = make_release(title="Publicerat")
    make_release(
        title="Planerat som passerat",
        status=Status.SCHEDULED,
        publish_at=timezone.now() - dt.timedelta(minutes=1),
    )
    expected = ["Planerat som passerat", "Publicerat"]
    assert titles(get_json("/api/v1/releases")) == expected
    # Through updated_since too (every row here changed in the last minute).
    since = "2000-01-01T00:00:00Z"
    assert sorted(titles(get_json(f"/api/v1/releases?updated_since={since}"))) == sorted(expected)
    for release in hidden:
        get_json(f"/api/v1/releases/{release.pk}", status=404)
    assert get_json(f"/api/v1/releases/{public.pk}")["title"] == "Publicerat"
    # A tag used only by a draft does not exist for the public.
    assert "hemligt" not in [tag["slug"] for tag in get_json("/api/v1/tags")["items"]]
    assert get_json("/api/v1/releases?tag=hemligt")["items"] == []


def test_release_filters(get_json, make_release, borlange, falun, malmo):
    make_release(title="Nyhet", kind="news", tags=["skola"], municipalities=[borlange])
    make_release(title="Uttalande", kind="statement", municipalities=[malmo])
    make_release(title="English", language="en", municipalities=[falun], tags=["school"])

    def found(query):
        return sorted(titles(get_json(f"/api/v1/releases?{query}")))

    assert found("kind=news") == ["Nyhet"]
    assert found("kind=statement") == ["Uttalande"]
    assert found("tag=skola") == ["Nyhet"]
    assert found("municipality=1280") == ["Uttalande"]
    assert found("county=20") == ["English", "Nyhet"]
    assert found("county=12") == ["Uttalande"]
    assert found("language=en") == ["English"]
    assert found("language=sv&county=20") == ["Nyhet"]
    assert found("tag=okand") == []


def test_updated_since_lists_changes_oldest_first(get_json, make_release):
    first = make_release(title="Först")
    second = make_release(title="Sedan")
    cut = timezone.now()
    first.lead = "Ändrad."
    first.save()
    data = get_json(f"/api/v1/releases?updated_since={cut.isoformat().replace('+', '%2B')}")
    assert titles(data) == ["Först"]
    everything = get_json("/api/v1/releases?updated_since=2000-01-01T00:00:00Z")
    assert titles(everything) == ["Sedan", "Först"]
    assert second.pk == everything["items"][0]["id"]


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("kind=opinion", "kind"),
        ("language=de", "language"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-12-01T09:00", "time zone"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WyJ2aXNpdHMiLCIyMDI2LTAxLTAxIiwxXQ", "cursor"),
    ],
)
def test_bad_input_is_a_json_400_that_says_what(get_json, query, fragment):
    data = get_json(f"/api/v1/releases?{query}", status=400, HTTP_ACCEPT_LANGUAGE="en")
    assert fragment in data["detail"]


def test_errors_speak_swedish_by_default(get_json):
    data = get_json("/api/v1/releases?cursor=x", status=400)
    assert data["detail"] == "Markören (cursor) gäller inte för den här listan."
    assert get_json("/api/nothing-here", status=404)["detail"]


def test_unknown_addresses_are_json_404s(get_json):
    assert "detail" in get_json("/api/v1/releases/999999", status=404)
    assert "detail" in get_json("/api/v1/municipalities/0000", status=404)
    assert "detail" in get_json("/api/v1/funding-rounds/none", status=404)


def test_visits_endpoint_and_filters(get_json, make_visit, borlange, malmo):
    held = make_visit(title="Besök i Borlänge", status="held", date=dt.date(2026, 3, 1))
    make_visit(title="Besök i Malmö", municipality=malmo, date=dt.date(2026, 5, 1))
    make_visit(title="Internt möte", is_public=False)
    held.topics.add("bostad")

    data = get_json("/api/v1/visits")
    assert titles(data) == ["Besök i Malmö", "Besök i Borlänge"]
    assert get_json("/api/v1/visits?municipality=2081")["items"][0]["id"] == held.pk
    assert titles(get_json("/api/v1/visits?county=12")) == ["Besök i Malmö"]
    assert titles(get_json("/api/v1/visits?status=held")) == ["Besök i Borlänge"]
    assert titles(get_json("/api/v1/visits?since=2026-04-01")) == ["Besök i Malmö"]
    assert titles(get_json("/api/v1/visits?until=2026-04-01")) == ["Besök i Borlänge"]
    one = get_json(f"/api/v1/visits/{held.pk}")
    assert one["municipality"]["name"] == "Borlänge"
    assert [t["slug"] for t in one["topics"]] == ["bostad"]
    assert one["ical"].endswith(f"/visits/{held.slug}.ics")


def test_municipalities_carry_grants_and_public_visits(
    get_json, make_grant, make_visit, borlange, malmo
):
    make_grant(year=2018, amount=12_000_000)
    make_grant(year=2019, amount=13_000_000)
    make_visit(title="Öppet besök")
    make_visit(title="Stängt besök", is_public=False)

    data = get_json("/api/v1/municipalities")
    assert [m["code"] for m in data["items"]] == ["1280", "2081"]
    borlange_data = get_json("/api/v1/municipalities/2081")
    assert [(g["year"], g["amount"]) for g in borlange_data["grants"]] == [
        (2018, 12_000_000),
        (2019, 13_000_000),
    ]
    assert [v["title"] for v in borlange_data["visits"]] == ["Öppet besök"]
    assert [m["code"] for m in get_json("/api/v1/municipalities?county=12")["items"]] == ["1280"]


def test_funding_rounds_and_grants(get_json, funding_round, make_grant, malmo):
    make_grant(year=2018)
    make_grant(year=2019, municipality=malmo, amount=5)

    rounds = get_json("/api/v1/funding-rounds")["items"]
    assert [r["slug"] for r in rounds] == [funding_round.slug]
    assert rounds[0]["yearly_budget"] == 425_000_000
    one = get_json(f"/api/v1/funding-rounds/{funding_round.slug}")
    assert {
        (g["municipality"], g["municipality_name"], g["county_name"]) for g in one["grants"]
    } == {
        ("2081", "Borlänge", "Dalarnas län"),
        ("1280", "Malmö", "Skåne län"),
    }
    assert len(get_json("/api/v1/grants")["items"]) == 2
    assert [g["amount"] for g in get_json("/api/v1/grants?municipality=1280")["items"]] == [5]
    assert [g["year"] for g in get_json("/api/v1/grants?year=2018")["items"]] == [2018]
    assert [g["county"] for g in get_json("/api/v1/grants?county=12")["items"]] == ["12"]
    assert len(get_json(f"/api/v1/grants?funding_round={funding_round.slug}")["items"]) == 2
    assert get_json("/api/v1/grants?funding_round=none")["items"] == []


def test_contacts_and_tags(get_json, make_contact, make_release, make_visit):
    shown = make_contact(name="Lena Holm", order=1)
    make_contact(name="Hemlig", is_public=False)
    make_release(tags=["skola"])
    make_visit().topics.add("bostad")

    data = get_json("/api/v1/contacts")
    assert [c["name"] for c in data["items"]] == ["Lena Holm"]
    assert (
        get_json(f"/api/v1/contacts/{shown.pk}")["vcard"]
        == f"http://testserver{shown.get_vcard_url()}"
    )
    hidden = make_contact(name="Dold", is_public=False)
    get_json(f"/api/v1/contacts/{hidden.pk}", status=404)
    assert [t["slug"] for t in get_json("/api/v1/tags")["items"]] == ["bostad", "skola"]
