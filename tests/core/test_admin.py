import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from municipalities.models import Grant
from newsroom.core.models import Agency
from newsroom.releases.models import PressRelease
from tests.release_forms import new_release_data

ADMIN_MODELS = [
    model
    for model in apps.get_models()
    if model in admin.site._registry
    and model._meta.app_label
    in {"core", "releases", "contacts", "mediabank", "municipalities", "subscriptions"}
]


# Records that readers or the system make, never an editor: their admins refuse to add.
NEVER_ADDED = {
    "core.ContentReport",
    "subscriptions.Announcement",
    "subscriptions.Delivery",
    "subscriptions.Digest",
}


def _add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_working_changelist_and_add_form(admin_client, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = admin_client.get(_add_url(model))
    assert add.status_code == (403 if opts.label in NEVER_ADDED else 200)


def test_the_agency_add_form_is_refused_only_once_an_agency_exists(admin_client, db):
    assert admin_client.get(_add_url(Agency)).status_code == 200
    Agency.objects.create(name="Delegationen mot segregation")
    assert admin_client.get(_add_url(Agency)).status_code == 403


def test_release_changelist_filters_and_search(admin_client, make_release, borlange):
    make_release(title="Om Borlänge", municipalities=[borlange], tags=["skola"])
    make_release(title="Något annat", kind="news")
    url = reverse("admin:releases_pressrelease_changelist")
    for query in [
        "?status__exact=published",
        "?kind__exact=news",
        "?language__exact=sv",
        "?q=Borl%C3%A4nge",
        f"?municipality={borlange.code}",
    ]:
        assert admin_client.get(url + query).status_code == 200
    assert "Om Borlänge" in admin_client.get(url + "?q=Borl%C3%A4nge").content.decode()


def _release_form(**overrides):
    """A complete new release with a quote (and a crafted status, which the form ignores)."""
    return new_release_data(
        lead="Ingress",
        tags="segregation, skola",
        status="published",
        send_notification="on",
        **{
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-text": "Ett citat.",
            "quotes-0-speaker": "Karin Ekholm",
            "quotes-0-order": "0",
        },
        **overrides,
    )


def test_a_superuser_creates_a_complete_release_that_then_shows_on_the_site(
    admin_client, agency, borlange, make_contact, client
):
    contact = make_contact(name="Lena Holm")
    response = admin_client.post(
        reverse("admin:releases_pressrelease_add"),
        _release_form(municipalities=[borlange.pk], contact=contact),
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    release = PressRelease.objects.get(title="Ny release")
    assert release.status == PressRelease.Status.DRAFT  # the form never sets the status
    admin_client.post(
        reverse("admin:releases_pressrelease_workflow", args=[release.pk]),
        {"action": "publish", "publish-base_version": release.version},
    )
    release.refresh_from_db()
    assert release.status == PressRelease.Status.PUBLISHED
    assert set(release.tags.names()) == {"segregation", "skola"}
    assert release.quotes.get().speaker == "Karin Ekholm"
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Ett citat." in page and "Lena Holm" in page and "Borlänge" in page


def test_a_script_in_the_body_is_cleaned_not_stored(admin_client, db):
    response = admin_client.post(
        reverse("admin:releases_pressrelease_add"),
        _release_form(body='<p>Hej</p><script>alert("x")</script><img src=x onerror=alert(1)>'),
    )
    assert response.status_code == 302
    body = PressRelease.objects.get().body
    assert "<script" not in body and "onerror" not in body and "Hej" in body


def _round_form(prefix_total, grants, **overrides):
    data = {
        "name": "Stöd",
        "slug": "stod",
        "first_year": "2018",
        "last_year": "2020",
        "yearly_budget": "425000000",
        "decision_date": "",
        "municipality_count": "",
        "description": "",
        "grants-TOTAL_FORMS": str(prefix_total),
        "grants-INITIAL_FORMS": "0",
    }
    for i, (municipality, year) in enumerate(grants):
        data.update(
            {
                f"grants-{i}-municipality": municipality,
                f"grants-{i}-year": str(year),
                f"grants-{i}-amount": "1000",
            }
        )
    data.update(overrides)
    return data


def test_a_grant_outside_the_round_years_is_a_form_error(admin_client, borlange):
    response = admin_client.post(
        reverse("admin:municipalities_fundinground_add"), _round_form(1, [(borlange.pk, 2025)])
    )
    assert response.status_code == 200
    assert "2018–2020" in response.content.decode()
    assert not Grant.objects.exists()


def test_a_duplicate_grant_is_a_form_error(admin_client, borlange):
    response = admin_client.post(
        reverse("admin:municipalities_fundinground_add"),
        _round_form(2, [(borlange.pk, 2019), (borlange.pk, 2019)]),
    )
    assert response.status_code == 200
    assert not Grant.objects.exists()


def test_a_duplicate_grant_against_the_database_is_a_form_error(admin_client, make_grant, borlange):
    make_grant(year=2019)
    response = admin_client.post(
        reverse("admin:municipalities_grant_add"),
        {
            "funding_round": Grant.objects.get().funding_round_id,
            "municipality": borlange.pk,
            "year": "2019",
            "amount": "5",
        },
    )
    assert response.status_code == 200
    assert "Kommunen har redan ett bidrag" in response.content.decode()
    assert Grant.objects.count() == 1


# Content reports are for the editors (issue 4) ------------------------------------------


@pytest.fixture
def content_report(db):
    from newsroom.core.models import ContentReport

    return ContentReport.objects.create(
        page_url="/sv/releases/fel-datum/",
        page_title="Fel datum",
        reason=ContentReport.Reason.ERROR,
        message="Datumet i ingressen stämmer inte.",
    )


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_read_and_handle_content_reports(request, role, content_report):
    from django.test import Client

    from newsroom.core.models import ContentReport

    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    changelist = client.get(reverse("admin:core_contentreport_changelist"))
    assert changelist.status_code == 200
    assert "Fel datum" in changelist.content.decode()
    change_url = reverse("admin:core_contentreport_change", args=[content_report.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert "Datumet i ingressen stämmer inte." in page.content.decode()

    response = client.post(change_url, {"status": "handled", "editor_note": "Rättat."})
    assert response.status_code == 302
    content_report.refresh_from_db()
    assert content_report.status == ContentReport.Status.HANDLED
    assert content_report.editor_note == "Rättat."
    assert content_report.handled_by == user


def test_editors_mark_reports_handled_from_the_list(editor_client, editor, content_report):
    response = editor_client.post(
        reverse("admin:core_contentreport_changelist"),
        {"action": "mark_handled", "_selected_action": [content_report.pk]},
    )
    assert response.status_code == 302
    content_report.refresh_from_db()
    assert content_report.status == "handled"
    assert content_report.handled_by == editor


def test_press_officers_do_not_see_content_reports(officer_client, content_report):
    changelist = officer_client.get(reverse("admin:core_contentreport_changelist"))
    assert changelist.status_code == 403
