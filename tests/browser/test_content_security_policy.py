"""The Content-Security-Policy holds in a real browser: every public page type and the admin
pages with the rich-text editor, the revision diff and the workflow run without a single
violation (the browser tests' conftest fails any browser test on one, and this file visits the
pages that no other browser test does)."""

import pytest
from django.core.management import call_command

from newsroom.releases.models import PressRelease

from .test_editorial import log_in
from .test_public_newsroom import PAGE_TYPES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", no_users=True, verbosity=0)


def test_public_pages_run_under_the_policy(page, live_server, demo, csp_violations):
    for path in [*PAGE_TYPES.values(), "/subscribe/", "/subscribe/privacy/"]:
        response = page.goto(f"{live_server.url}/sv{path}")
        policy = response.header_value("content-security-policy")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        # No nonce on public pages: a cached page stays valid for every reader.
        assert "nonce-" not in policy, path
        assert csp_violations == [], path
    # The release page's JSON-LD is a data block, not a script: the policy lets it be.
    page.goto(f"{live_server.url}/sv{PAGE_TYPES['release']}")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert csp_violations == []


def test_admin_pages_with_the_editor_and_the_diff_run_under_the_policy(
    page, live_server, demo, editor, csp_violations
):
    release = PressRelease.objects.filter(language="sv").order_by("pk").first()
    log_in(page, live_server, editor.username)
    admin = f"{live_server.url}/admin/releases/pressrelease"
    page.goto(f"{admin}/{release.pk}/change/")
    # The editor really started: its toolbar and editable area are there.
    page.locator(".prose-editor .ProseMirror:visible").click()
    page.keyboard.type(" Mer text.")
    assert page.locator(".prose-menubar, .prose-editor [role=menubar]").count() >= 1
    assert csp_violations == []
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    page.goto(f"{admin}/{release.pk}/revisions/")
    assert page.locator(".editorial-diff").count() == 1
    page.goto(f"{admin}/{release.pk}/workflow/")
    page.goto(f"{admin}/add/")
    page.locator(".prose-editor .ProseMirror:visible").click()
    for path in [
        "/admin/",
        "/admin/releases/pressrelease/",
        "/admin/mediabank/image/",
        "/admin/contacts/presscontact/",
        "/admin/municipalities/agencyvisit/add/",
    ]:
        page.goto(f"{live_server.url}{path}")
    assert csp_violations == []
