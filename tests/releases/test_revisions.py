"""Revisions on every save, a readable diff, restore as a new revision, and stale saves refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.releases import revisions, services
from newsroom.releases.models import PressRelease, Quote, ReleaseEvent, ReleaseRevision
from tests.html import parse
from tests.release_forms import change_form_data, change_url, new_release_data


def revisions_url(release):
    return reverse("admin:releases_pressrelease_revisions", args=[release.pk])


def test_every_save_stores_a_revision_with_who_and_what(officer_client, draft, press_officer):
    response = officer_client.post(
        change_url(draft), change_form_data(officer_client, draft, title="Ny rubrik om besöket")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = draft.revisions.first()
    assert latest.title == "Ny rubrik om besöket"
    assert latest.created_by == press_officer
    assert latest.data["tags"] == ["segregation"]
    assert [name for _pk, name in latest.data["contacts"]] == ["Lena Holm (Pressansvarig)"]
    assert PressRelease.objects.get(pk=draft.pk).version == latest.version


def test_the_diff_between_two_revisions_is_readable(officer_client, draft):
    officer_client.post(change_url(draft), change_form_data(officer_client, draft))
    officer_client.post(
        change_url(draft),
        change_form_data(
            officer_client,
            draft,
            lead="Delegationen besöker Borlänge i morgon.",
            body="<p>Brödtext med ny mening.</p>",
        ),
    )
    newest, older = list(draft.revisions.all()[:2])
    response = officer_client.get(
        revisions_url(draft), {"old": older.version, "new": newest.version}
    )
    changes = {c["field"]: c for c in response.context["comparison"]["changes"]}
    assert set(changes) == {"lead", "body"}
    assert changes["body"]["html"] == "Brödtext<ins> med ny mening</ins>."
    assert "<del>En</del>" in changes["lead"]["html"]
    page = response.content.decode()
    assert "Brödtext<ins> med ny mening</ins>." in page and "Ingress" in page


def test_diff_marks_quotes_and_relations():
    old = {"title": "A", "quotes": [], "tags": ["skola"], "municipalities": [[1, "Borlänge"]]}
    new = {
        "title": "A",
        "quotes": [{"speaker": "Karin", "text": "Hej", "role": "", "organisation": ""}],
        "tags": ["skola", "bostad"],
        "municipalities": [],
    }
    changes = {c["field"]: c for c in revisions.diff(old, new)}
    assert set(changes) == {"quotes", "tags", "municipalities"}
    assert "<del>Borlänge</del>" in changes["municipalities"]["html"]
    assert "Karin" in changes["quotes"]["html"]


def test_html_in_a_diff_is_escaped():
    changes = revisions.diff({"title": "a"}, {"title": "<script>x</script>"})
    assert "<script>" not in changes[0]["html"] and "&lt;script&gt;" in changes[0]["html"]


def test_restoring_an_old_revision_makes_a_new_one(officer_client, draft, make_contact):
    officer_client.post(change_url(draft), change_form_data(officer_client, draft))
    first = draft.revisions.first()
    Quote.objects.create(release=draft, speaker="Karin Ekholm", text="Ett citat.")
    officer_client.post(
        change_url(draft),
        change_form_data(officer_client, draft, title="Helt fel rubrik", tags="fel"),
    )
    assert PressRelease.objects.get(pk=draft.pk).title == "Helt fel rubrik"
    response = officer_client.post(*_restore_form(officer_client, draft, first.version))
    assert response.status_code == 302
    release = PressRelease.objects.get(pk=draft.pk)
    assert release.title == first.title
    assert list(release.tags.names()) == ["segregation"]
    assert not release.quotes.exists()
    newest = release.revisions.first()
    assert newest.version == release.version > first.version
    assert "Återställt från version" in newest.comment
    assert newest.data["tags"] == ["segregation"]
    assert [e.action for e in release.events.filter(version=release.version)] == ["restore"]


def _restore_form(client, release, version):
    """The restore button's form on the revisions page: its address and what it posts."""
    document = parse(client.get(revisions_url(release)))
    form = document.select_one(f"form#restore-{version}")
    data = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    return form["action"], data


def test_a_restore_is_an_edit_refused_when_the_release_changed_meanwhile(
    officer_client, editor, draft
):
    services.release_edit(
        release=draft, by=editor, base_version=1, changes={"title": "Andra rubriken"}
    )
    url, data = _restore_form(officer_client, draft, 1)
    assert data["base_version"] == "2"
    services.release_edit(
        release=draft, by=editor, base_version=2, changes={"title": "Tredje rubriken"}
    )
    response = officer_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    release = PressRelease.objects.get(pk=draft.pk)
    assert (release.title, release.version) == ("Tredje rubriken", 3)
    assert not release.events.filter(action="restore").exists()


@pytest.mark.parametrize("data", [{}, {"base_version": ""}, {"base_version": "abc"}])
def test_a_restore_without_the_version_seen_is_a_bad_request(officer_client, editor, draft, data):
    services.release_edit(release=draft, by=editor, base_version=1, changes={"title": "Ny"})
    url = reverse("admin:releases_pressrelease_restore", args=[draft.pk, 1])
    assert officer_client.post(url, data).status_code == 400
    assert PressRelease.objects.get(pk=draft.pk).version == 2


def test_a_restore_checks_who_edits_like_any_edit(press_officer, editor, make_release):
    release = make_release(title="Publicerad rubrik")
    services.release_edit(release=release, by=editor, base_version=1, changes={"title": "Ny"})
    first = release.revisions.get(version=1)
    with pytest.raises(PermissionDenied):
        services.release_restore_revision(
            release=release, by=press_officer, revision=first, base_version=2
        )
    assert PressRelease.objects.get(pk=release.pk).title == "Ny"


def test_a_stale_save_is_refused_and_shows_what_changed(officer_client, editor_client, draft):
    mine = change_form_data(officer_client, draft, title="Min rubrik")
    theirs = change_form_data(editor_client, draft, lead="Redaktörens nya ingress.")
    assert editor_client.post(change_url(draft), theirs).status_code == 302

    response = officer_client.post(change_url(draft), mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Någon annan har sparat pressmeddelandet" in page
    assert "<ins>Redaktörens nya</ins>" in page  # what changed meanwhile
    assert 'value="Min rubrik"' in page  # what I wrote is still in the form
    release = PressRelease.objects.get(pk=draft.pk)
    assert (release.title, release.lead) == (draft.title, "Redaktörens nya ingress.")

    # Saving again, knowingly, replaces their version with mine.
    again = dict(mine, base_version=response.context["adminform"].form["base_version"].value())
    assert officer_client.post(change_url(draft), again).status_code == 302
    assert PressRelease.objects.get(pk=draft.pk).title == "Min rubrik"


def test_a_transition_meanwhile_also_makes_the_form_stale(officer_client, editor, draft):
    mine = change_form_data(officer_client, draft, title="Min rubrik")
    services.release_submit(release=draft, by=editor)
    response = officer_client.post(change_url(draft), mine)
    assert response.status_code == 200
    assert "Skickad för granskning" in response.content.decode()
    assert PressRelease.objects.get(pk=draft.pk).title != "Min rubrik"


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_missing_or_garbage_version_is_a_form_error(officer_client, draft, version):
    data = change_form_data(officer_client, draft, title="X rubrik", base_version=version)
    response = officer_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert PressRelease.objects.get(pk=draft.pk).title == draft.title


def test_workflow_steps_leave_no_spurious_revisions(officer_client, editor_client, make_contact):
    response = officer_client.post(
        reverse("admin:releases_pressrelease_add"),
        new_release_data(
            title="En ny release om besöket",
            tags="segregation",
            contact=make_contact(name="Lena Holm"),
        ),
    )
    assert response.status_code == 302
    release = PressRelease.objects.get()
    workflow = reverse("admin:releases_pressrelease_workflow", args=[release.pk])

    assert officer_client.post(workflow, {"action": "submit"}).status_code == 302
    assert officer_client.get(change_url(release)).status_code == 200
    assert (
        editor_client.post(workflow, {"action": "return", "return-comment": "Nej"}).status_code
        == 302
    )
    assert officer_client.get(change_url(release)).status_code == 200
    assert officer_client.get(revisions_url(release)).status_code == 200

    release.refresh_from_db()
    assert release.version == 3  # created, submitted, returned
    assert [(r.version, r.comment) for r in release.revisions.all()] == [(1, "")]
    # A save after the steps is the next revision, and its diff is against the first.
    assert (
        officer_client.post(
            change_url(release), change_form_data(officer_client, release, title="En ändrad rubrik")
        ).status_code
        == 302
    )
    assert list(release.revisions.values_list("version", flat=True)) == [4, 1]


def _writes(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def test_reading_the_change_revisions_and_workflow_pages_writes_nothing(officer_client, draft):
    assert not draft.revisions.exists()  # made outside the admin, like a fixture
    for url in (
        change_url(draft),
        revisions_url(draft),
        reverse("admin:releases_pressrelease_workflow", args=[draft.pk]),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get(url).status_code == 200
        assert _writes(queries) == [], url
    assert (ReleaseRevision.objects.count(), ReleaseEvent.objects.count()) == (0, 0)
    assert PressRelease.objects.get(pk=draft.pk).version == 1


def test_the_first_edit_keeps_the_stored_content_as_a_baseline(draft, press_officer):
    before = revisions.snapshot(draft)
    services.release_edit(
        release=draft, by=press_officer, base_version=1, changes={"title": "Ny rubrik"}
    )
    edit, baseline = draft.revisions.all()
    assert (edit.version, baseline.version) == (2, 1)
    assert revisions.revision_data(baseline) == before
    assert revisions.revision_data(edit) == {**before, "title": "Ny rubrik"}
    # A second edit needs no baseline.
    services.release_edit(release=draft, by=press_officer, base_version=2, changes={})
    assert list(draft.revisions.values_list("version", flat=True)) == [3, 2, 1]


def test_an_edit_from_the_shell_is_saved_with_a_revision_and_refused_when_stale(
    draft, press_officer, editor, borlange
):
    revision = services.release_edit(
        release=draft,
        by=editor,
        base_version=draft.version,
        changes={"lead": "Redaktörens ingress.", "tags": ["skola"], "municipalities": [borlange]},
        comment="Från skalet.",
    )
    release = PressRelease.objects.get(pk=draft.pk)
    assert (release.lead, release.version, release.updated_by) == (
        "Redaktörens ingress.",
        2,
        editor,
    )
    assert list(release.tags.names()) == ["skola"]
    assert list(release.municipalities.all()) == [borlange]
    assert (revision.version, revision.lead, revision.created_by) == (2, release.lead, editor)
    assert revision.data["tags"] == ["skola"]
    assert release.events.get(action="edit").comment == "Från skalet."
    assert draft.version == 2  # the caller's instance is the saved state

    stale = PressRelease.objects.get(pk=draft.pk)
    with pytest.raises(services.StaleEdit) as refused:
        services.release_edit(
            release=stale, by=press_officer, base_version=1, changes={"lead": "Min ingress."}
        )
    assert refused.value.current_version == 2
    changes = {c["field"]: c for c in refused.value.changes_meanwhile["changes"]}
    assert set(changes) == {"lead", "tags", "municipalities"}
    assert [e.action for e in refused.value.changes_meanwhile["events"]] == ["edit"]
    release.refresh_from_db()
    assert (release.lead, release.version) == ("Redaktörens ingress.", 2)
    assert release.revisions.count() == 2


def test_an_edit_changes_the_content_only_and_checks_who_edits(draft, press_officer, make_release):
    with pytest.raises(ValueError):
        services.release_edit(
            release=draft, by=press_officer, base_version=1, changes={"status": "published"}
        )
    published = make_release(title="Redan publicerad")
    with pytest.raises(PermissionDenied):
        services.release_edit(
            release=published, by=press_officer, base_version=1, changes={"title": "Ändrad"}
        )
    with pytest.raises(ValidationError):
        services.release_edit(
            release=draft, by=press_officer, base_version=1, changes={"title": "x" * 300}
        )
    assert PressRelease.objects.get(pk=published.pk).title == "Redan publicerad"
    assert not ReleaseRevision.objects.exists()
