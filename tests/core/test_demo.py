import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from municipalities.models import AgencyVisit, FundingRound, Grant
from newsroom.core.models import Agency
from newsroom.releases.models import PressRelease


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)


def test_the_demo_holds_the_seed_release_with_its_facts(demo):
    agency = Agency.objects.get()
    assert agency.name == "Delegationen mot segregation"
    release = PressRelease.objects.public().get(
        slug="delegationen-mot-segregation-besoker-borlange"
    )
    assert release.language == "sv"
    assert [q.role for q in release.quotes.all()] == ["direktör", "kommunstyrelsens ordförande"]
    assert release.quotes.all()[1].party == "S"
    assert list(release.municipalities.values_list("code", flat=True)) == ["2081"]
    assert release.visit.date.isoformat() == "2018-11-28"
    assert "bostadsförsörjning" in release.visit.meets
    assert release.contacts.get().email.endswith("@example.se")
    english = release.translations.get()
    assert english.language == "en"


def test_the_demo_funding_round_matches_the_seed(demo):
    round_ = FundingRound.objects.get()
    assert (round_.first_year, round_.last_year) == (2018, 2020)
    assert round_.yearly_budget == 425_000_000
    assert round_.municipality_count == 32
    # Amounts per municipality are not in the seed, so every one is labelled an example.
    assert Grant.objects.filter(municipality__code="2081").count() == 3
    assert not Grant.objects.filter(is_example=False).exists()


def test_the_demo_people_are_fictional_with_example_addresses(demo):
    from newsroom.contacts.models import PressContact

    assert all(c.email.endswith("@example.se") for c in PressContact.objects.all())
    assert "Inger" not in str(list(PressRelease.objects.values_list("body", flat=True)))


def test_the_demo_has_enough_for_lists_and_every_state(demo):
    assert PressRelease.objects.public().count() >= 12
    assert PressRelease.objects.filter(status="scheduled").exists()
    assert PressRelease.objects.filter(status="draft").exists()
    assert AgencyVisit.objects.count() >= 5


def test_loading_the_demo_twice_changes_nothing(demo, capsys):
    before = (PressRelease.objects.count(), get_user_model().objects.count())
    title = PressRelease.objects.first().title
    PressRelease.objects.filter(title=title).update(title="Ändrad av en redaktör")
    call_command("load_demo")
    assert (PressRelease.objects.count(), get_user_model().objects.count()) == before
    assert PressRelease.objects.filter(title="Ändrad av en redaktör").exists()
    assert "password" not in capsys.readouterr().out


def test_demo_accounts_one_per_role_with_printed_passwords(db, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    users = get_user_model().objects.filter(
        username__in=["kommunikator", "redaktor", "administrator"]
    )
    assert users.count() == 3
    assert out.count("password:") == 3
    assert all(user.groups.count() == 1 for user in users)


def test_no_demo_accounts_when_debug_is_off(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.exists()
