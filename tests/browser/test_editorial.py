"""The editorial workflow in a real browser.

A press officer writes a release in the editor and submits it; an editor schedules it.
"""

import datetime as dt

import pytest
from django.utils import timezone

from newsroom.releases.models import PressRelease

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests-only"


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_officer_writes_and_submits_then_editor_schedules(
    page,
    live_server,
    press_officer,  # noqa: F811
    editor,  # noqa: F811
    make_contact,
    agency,
    axe_audit,  # noqa: F811
):
    make_contact(name="Lena Holm")
    log_in(page, live_server, press_officer.username)

    page.goto(f"{live_server.url}/admin/releases/pressrelease/add/")
    page.fill("#id_title", "Delegationen besöker Gävle i december")
    page.fill("#id_lead", "Myndigheten träffar kommunledningen i Gävle.")
    page.fill("#id_tags", "besök, segregation")
    # The body is written in the rich-text editor, with a heading from its toolbar.
    editor_area = page.locator(".prose-editor .ProseMirror:visible")
    editor_area.click()
    page.keyboard.type("Besöket handlar om skolan och bostäderna.")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("Program")
    page.keyboard.press("Control+b")
    # A press contact, chosen with the admin's autocomplete.
    page.locator("#releasecontact_set-0 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Lena")
    page.locator(".select2-results__option", has_text="Lena Holm").click()
    page.click("input[name=_submit_for_review]")
    page.wait_for_url("**/workflow/")

    release = PressRelease.objects.get(title="Delegationen besöker Gävle i december")
    assert release.status == PressRelease.Status.IN_REVIEW
    assert "<p>Besöket handlar om skolan och bostäderna.</p>" in release.body
    assert "<strong>Program</strong>" in release.body
    assert page.locator(".editorial-panel .status-badge").first.inner_text() == "In review"
    # The press officer may not publish: the page offers no such button.
    assert page.locator("input[name=action][value=publish]").count() == 0

    log_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/releases/pressrelease/{release.pk}/workflow/")
    axe_audit(page)
    when = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    page.fill("#id_schedule-publish_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("form:has(input[value=schedule]) button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".messagelist").inner_text().strip() == "Scheduled."

    release.refresh_from_db()
    assert release.status == PressRelease.Status.SCHEDULED
    assert release.publish_at == when
    assert not PressRelease.objects.public().filter(pk=release.pk).exists()
