import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from municipalities.models import County, FundingRound, Grant, Municipality


def test_reference_fixture_has_every_county_and_municipality(reference_data):
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    borlange = Municipality.objects.select_related("county").get(code="2081")
    assert borlange.name == "Borlänge"
    assert borlange.county.code == "20"
    assert borlange.county.name == "Dalarnas län"


def test_every_municipality_code_starts_with_its_county_code(reference_data):
    for municipality in Municipality.objects.all():
        assert municipality.code[:2] == municipality.county_id


def test_municipality_slugs_are_unique_even_for_habo_and_habo(reference_data):
    slugs = list(Municipality.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 290
    assert Municipality.objects.get(name="Håbo").slug != Municipality.objects.get(name="Habo").slug


def test_a_grant_is_unique_per_round_municipality_and_year(make_grant):
    make_grant(year=2018)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_grant(year=2018)
    assert Grant.objects.count() == 1


def test_a_duplicate_grant_gives_a_friendly_validation_message(make_grant, funding_round, borlange):
    make_grant(year=2019)
    duplicate = Grant(funding_round=funding_round, municipality=borlange, year=2019, amount=1)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Kommunen har redan ett bidrag" in str(error.value)


@pytest.mark.parametrize("year", [2017, 2021])
def test_a_grant_year_outside_the_round_is_refused(funding_round, borlange, year):
    grant = Grant(funding_round=funding_round, municipality=borlange, year=year, amount=5)
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "year" in error.value.message_dict


def test_a_funding_round_cannot_end_before_it_starts(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRound.objects.create(
            name="Bakvänd", slug="bakvand", first_year=2020, last_year=2018, yearly_budget=1
        )
    round_ = FundingRound(
        name="Bakvänd", slug="bakvand", first_year=2020, last_year=2018, yearly_budget=1
    )
    with pytest.raises(ValidationError):
        round_.full_clean()
