"""The workflow in the admin, as each role sees it: allowed steps, refused ones, crafted POSTs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from newsroom.core import roles
from newsroom.releases import services
from newsroom.releases.models import PressRelease
from tests.html import parse
from tests.release_forms import change_form_data, change_url, new_release_data

Status = PressRelease.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def workflow_url(release):
    return reverse("admin:releases_pressrelease_workflow", args=[release.pk])


def _status(release):
    return PressRelease.objects.get(pk=release.pk).status


def test_the_data_migration_made_the_three_groups_with_their_permissions(db):
    publish = "publish_pressrelease"
    groups = {g.name: g for g in Group.objects.all()}
    assert set(groups) >= {roles.PRESS_OFFICER, roles.EDITOR, roles.ADMINISTRATOR}
    assert not groups[roles.PRESS_OFFICER].permissions.filter(codename=publish).exists()
    assert groups[roles.EDITOR].permissions.filter(codename=publish).exists()
    assert groups[roles.ADMINISTRATOR].permissions.filter(codename=publish).exists()
    assert groups[roles.ADMINISTRATOR].permissions.filter(codename="change_user").exists()
    assert not groups[roles.EDITOR].permissions.filter(codename="change_user").exists()
    assert groups[roles.EDITOR].permissions.filter(codename="change_agency").exists()
    assert not groups[roles.PRESS_OFFICER].permissions.filter(codename="change_agency").exists()


def test_press_officer_sees_submit_but_no_publish_buttons(officer_client, draft):
    page = officer_client.get(workflow_url(draft)).content.decode()
    assert 'value="submit"' in page
    assert 'value="publish"' not in page and 'value="schedule"' not in page


def test_press_officer_submits_from_the_workflow_page(officer_client, draft):
    response = officer_client.post(
        workflow_url(draft), {"action": "submit", "submit-comment": "Granska gärna i dag"}
    )
    assert response.status_code == 302
    assert _status(draft) == Status.IN_REVIEW
    page = officer_client.get(workflow_url(draft)).content.decode()
    assert "Granska gärna i dag" in page and "Kim Kommunikatör" in page


@pytest.mark.parametrize(
    "data",
    [
        {"action": "publish"},
        {"action": "return", "return-comment": "Nej"},
        {"action": "withdraw", "withdraw-reason": "Nej"},
        {"action": "unschedule"},
        {"action": "schedule", "schedule-publish_at": "2099-01-01T09:00"},
    ],
)
def test_crafted_posts_by_a_press_officer_are_refused(officer_client, in_review, data):
    data = {**data, f"{data['action']}-base_version": in_review.version}  # even knowing it
    response = officer_client.post(workflow_url(in_review), data)
    assert response.status_code == 403
    assert _status(in_review) == Status.IN_REVIEW


def test_crafted_publish_action_on_the_changelist_by_a_press_officer_changes_nothing(
    officer_client, in_review
):
    officer_client.post(
        reverse("admin:releases_pressrelease_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [in_review.pk],
            "post": "yes",
            f"version_{in_review.pk}": in_review.version,
        },
    )
    assert _status(in_review) == Status.IN_REVIEW


def test_submit_action_by_a_press_officer_names_each_release_it_may_not_change(
    officer_client, draft, make_release
):
    scheduled = make_release(
        title="Redan schemalagd",
        status=Status.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    another = make_release(title="Ett annat utkast", status=Status.DRAFT)
    response = officer_client.post(
        reverse("admin:releases_pressrelease_changelist"),
        {
            "action": "submit_selected",
            "_selected_action": [draft.pk, scheduled.pk, another.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert (_status(draft), _status(another)) == (Status.IN_REVIEW, Status.IN_REVIEW)
    assert _status(scheduled) == Status.SCHEDULED
    assert scheduled.events.count() == 0
    found = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert [level for level, _message in found] == ["success", "error"]
    assert "2" in found[0][1]
    assert found[1][1].startswith("“Redan schemalagd”: ")


def test_crafted_status_in_the_change_form_is_ignored(officer_client, draft):
    data = change_form_data(
        officer_client, draft, status="published", publish_at="2020-01-01 10:00"
    )
    response = officer_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert _status(draft) == Status.DRAFT


def test_press_officer_cannot_edit_a_published_release(officer_client, make_release):
    release = make_release(title="Redan publicerad")
    page = officer_client.get(change_url(release))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a read-only view
    assert officer_client.post(change_url(release), {"title": "Ändrad"}).status_code == 403
    assert PressRelease.objects.get(pk=release.pk).title == "Redan publicerad"


def test_editor_publishes_from_the_workflow_page(editor_client, in_review):
    response = editor_client.post(
        workflow_url(in_review), {"action": "publish", "publish-base_version": in_review.version}
    )
    assert response.status_code == 302
    assert _status(in_review) == Status.PUBLISHED


def test_editor_schedules_in_stockholm_time_stored_in_utc(editor_client, in_review):
    local = (
        (timezone.now() + dt.timedelta(days=3))
        .astimezone(STOCKHOLM)
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )
    response = editor_client.post(
        workflow_url(in_review),
        {
            "action": "schedule",
            "schedule-publish_at": local.strftime("%Y-%m-%dT%H:%M"),
            "schedule-base_version": in_review.version,
        },
    )
    assert response.status_code == 302
    release = PressRelease.objects.get(pk=in_review.pk)
    assert release.status == Status.SCHEDULED
    assert release.publish_at == local
    assert release.publish_at.astimezone(dt.UTC).hour in (7, 8)  # CEST or CET


def test_scheduling_in_the_past_is_a_form_error_on_the_page(editor_client, in_review):
    response = editor_client.post(
        workflow_url(in_review),
        {"action": "schedule", "schedule-publish_at": "2020-01-01T09:00"},
    )
    assert response.status_code == 200
    assert "måste ligga i framtiden" in response.content.decode()
    assert _status(in_review) == Status.IN_REVIEW


def test_garbage_time_is_a_form_error_not_a_crash(editor_client, in_review):
    response = editor_client.post(
        workflow_url(in_review), {"action": "schedule", "schedule-publish_at": "imorgon"}
    )
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW


def test_the_checklist_on_the_publish_page_names_blocking_and_warning_items(
    editor_client, make_release, make_image, borlange
):
    release = make_release(
        title="Kort",
        lead="",
        status=Status.IN_REVIEW,
        body='<h4>Hoppar</h4><p>Besök i Borlänge. <a href="">tom</a></p>',
    )
    release.images.add(make_image(title="Porträtt av ordföranden"))
    page = editor_client.get(workflow_url(release)).content.decode()
    for text in [
        "Lägg till minst en presskontakt.",
        "Porträtt av ordföranden",
        "Pressmeddelandet saknar ingress.",
        "Lägg till en eller två taggar.",
        "Borlänge",
        "1 länk saknar adress eller text.",
        "h4",
        "Rubriken har 4 tecken",
    ]:
        assert text in page, text
    response = editor_client.post(
        workflow_url(release), {"action": "publish", "publish-base_version": release.version}
    )
    assert response.status_code == 200
    assert "Kan inte publiceras" in response.content.decode()
    assert _status(release) == Status.IN_REVIEW


def test_editor_returns_to_draft_with_a_comment_shown_to_the_officer(
    editor_client, officer_client, in_review
):
    editor_client.post(
        workflow_url(in_review), {"action": "return", "return-comment": "Lägg till ett citat."}
    )
    assert _status(in_review) == Status.DRAFT
    assert "Lägg till ett citat." in officer_client.get(change_url(in_review)).content.decode()


def test_editor_withdraws_with_a_reason(editor_client, make_release, make_contact):
    release = make_release(contacts=[make_contact()])
    response = editor_client.post(
        workflow_url(release), {"action": "withdraw", "withdraw-reason": "Felaktiga siffror."}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.status, release.withdrawn_reason) == (Status.WITHDRAWN, "Felaktiga siffror.")


def test_withdraw_without_reason_is_a_form_error(editor_client, make_release):
    release = make_release()
    response = editor_client.post(workflow_url(release), {"action": "withdraw"})
    assert response.status_code == 200
    assert _status(release) == Status.PUBLISHED


def _publish_selected(client, releases, **extra):
    return client.post(
        reverse("admin:releases_pressrelease_changelist"),
        {
            "action": "publish_selected",
            "_selected_action": [release.pk for release in releases],
            **extra,
        },
        follow=True,
    )


def _confirmation_data(document):
    """What the confirmation page's form posts: its hidden fields."""
    form = document.select_one("#content-main form[method=post]")
    data = {}
    for field in form.select("input[type=hidden]"):
        data.setdefault(field["name"], []).append(field["value"])
    return data


def test_publish_selected_asks_first_and_lists_each_release_with_its_version(
    editor_client, in_review, make_release
):
    other = make_release(title="Ett annat utkast i granskning", status=Status.IN_REVIEW)
    document = parse(_publish_selected(editor_client, [in_review, other]))
    assert (_status(in_review), _status(other)) == (Status.IN_REVIEW, Status.IN_REVIEW)
    rows = document.select("#content-main tbody tr")
    assert sorted(row.select_one("td a").get_text(strip=True) for row in rows) == sorted(
        [in_review.title, other.title]
    )
    data = _confirmation_data(document)
    assert data["action"] == ["publish_selected"] and data["post"] == ["yes"]
    assert sorted(data["_selected_action"]) == sorted([str(in_review.pk), str(other.pk)])
    assert data[f"version_{in_review.pk}"] == [str(in_review.version)]


def test_editor_publishes_with_the_changelist_action(editor_client, in_review, make_release):
    no_contact = make_release(title="Saknar presskontakt", status=Status.IN_REVIEW)
    confirmation = parse(_publish_selected(editor_client, [in_review, no_contact]))
    response = editor_client.post(
        reverse("admin:releases_pressrelease_changelist"),
        _confirmation_data(confirmation),
        follow=True,
    )
    assert response.status_code == 200
    assert _status(in_review) == Status.PUBLISHED
    assert _status(no_contact) == Status.IN_REVIEW
    found = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert [level for level, _message in found] == ["success", "error"]
    assert found[1][1].startswith("“Saknar presskontakt”: ")


def test_publish_selected_refuses_a_release_changed_after_the_confirmation_page(
    editor_client, press_officer, in_review, make_release
):
    other = make_release(
        title="Ett annat i granskning",
        status=Status.IN_REVIEW,
        contacts=list(in_review.contacts.all()),
        tags=["skola"],
    )
    data = _confirmation_data(parse(_publish_selected(editor_client, [in_review, other])))
    # Meanwhile a press officer rewrites one of them.
    services.release_edit(
        release=in_review,
        by=press_officer,
        base_version=in_review.version,
        changes={"lead": "En helt ny ingress som redaktören inte har läst."},
    )
    response = editor_client.post(
        reverse("admin:releases_pressrelease_changelist"), data, follow=True
    )
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW
    assert _status(other) == Status.PUBLISHED
    found = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert [level for level, _message in found] == ["success", "error"]
    assert found[1][1].startswith(f"“{in_review.title}”: ")
    assert "Ingenting gjordes" in found[1][1]


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_publish_selected_without_the_version_seen_publishes_nothing(
    editor_client, in_review, version
):
    extra = {"post": "yes"}
    if version is not None:
        extra[f"version_{in_review.pk}"] = version
    response = _publish_selected(editor_client, [in_review], **extra)
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_officer_saves_and_submits_a_new_release_in_one_click(officer_client, make_contact):
    contact = make_contact()
    data = new_release_data(
        title="Nytt pressmeddelande om skolan",
        tags="skola",
        contact=contact,
        _submit_for_review="1",
    )
    response = officer_client.post(reverse("admin:releases_pressrelease_add"), data)
    assert response.status_code == 302
    release = PressRelease.objects.get(title="Nytt pressmeddelande om skolan")
    assert release.status == Status.IN_REVIEW
    assert release.created_by.username == "kommunikator"
    assert [e.action for e in release.events.order_by("pk")] == ["create", "submit"]


def test_an_administrator_publishes_and_manages_users(administrator, in_review, client):
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    client.post(
        workflow_url(in_review), {"action": "publish", "publish-base_version": in_review.version}
    )
    assert _status(in_review) == Status.PUBLISHED


def test_editors_and_press_officers_do_not_manage_users(officer_client, editor_client):
    for client in (officer_client, editor_client):
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_a_nonexistent_time_in_stockholm_is_a_form_error(editor_client, in_review):
    # 02:30 on the last Sunday of March 2099 does not exist in Swedish time (clocks skip it).
    response = editor_client.post(
        workflow_url(in_review),
        {"action": "schedule", "schedule-publish_at": "2099-03-29T02:30"},
    )
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_publishing_a_text_changed_after_the_editor_opened_the_page_is_refused(
    editor_client, press_officer, in_review, action
):
    page = editor_client.get(workflow_url(in_review))
    seen = page.context["forms"][action]["base_version"].value()
    assert f'name="{action}-base_version" value="{seen}"' in page.content.decode()
    # The press officer changes the text while the editor reads it.
    services.release_edit(
        release=PressRelease.objects.get(pk=in_review.pk),
        by=press_officer,
        base_version=seen,
        changes={"lead": "En helt annan ingress."},
    )
    data = {"action": action, f"{action}-base_version": seen}
    if action == "schedule":
        data["schedule-publish_at"] = "2099-01-01T09:00"
    response = editor_client.post(workflow_url(in_review), data)
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW
    page = response.content.decode()
    assert "Ändrat av någon annan under tiden" in page
    assert "En<ins> helt annan</ins> ingress." in page  # the difference, as on the change form
    # Doing it again, having read the difference, is deliberate.
    again = response.context["forms"][action]["base_version"].value()
    assert again == PressRelease.objects.get(pk=in_review.pk).version != seen
    response = editor_client.post(
        workflow_url(in_review), {**data, f"{action}-base_version": again}
    )
    assert response.status_code == 302
    assert _status(in_review) == (Status.PUBLISHED if action == "publish" else Status.SCHEDULED)


def test_a_publish_without_the_version_seen_is_refused(editor_client, in_review):
    response = editor_client.post(workflow_url(in_review), {"action": "publish"})
    assert response.status_code == 200
    assert _status(in_review) == Status.IN_REVIEW
