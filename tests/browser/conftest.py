"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work on these machines, so the tests use
/usr/bin/chromium, which `make test` installs with apt-get when it is missing (the
Makefile's `chromium` target). When it is missing all the same, the browser tests are
skipped and the run says so loudly.
"""

import os

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

# pytest-django's live server runs the ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The WCAG 2.1 A and AA rules that Swedish law holds public agencies to.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

MISSING = f"{CHROMIUM} is missing (`make test` installs it with apt-get when run as root)"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Marked before `-m` selects: `make test` runs `-m "not browser"`, then `-m browser`.
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {MISSING}")
        for item in browser_items:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if any("BROWSER TESTS SKIPPED" in str(report.longrepr) for report in skipped):
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(MISSING, red=True)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, live_server, django_db_blocker, tmp_path_factory):
    """The demo newsroom, loaded once per module and committed, served by the live server.

    The test database comes first: the live server, started after it, shares its
    connection (SQLite in memory); started before, it would serve an empty database.

    The module's tests read it (a report one of them sends stays until the end); the
    database is flushed when the module is done, as after any transactional test.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        call_command("load_demo", no_users=True, verbosity=0)
        try:
            yield live_server
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's helper of the same name, except for tests on `demo_site`.

    Its version gives every test that uses the live server a transactional database,
    flushed after the test, which would take the demo with it: tests on the demo site read
    the data `demo_site` committed for their module instead.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    if "demo_site" not in request.fixturenames:
        request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def axe_audit():
    """Audit the page with axe-core (bundled with axe-playwright-python, served locally)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def audit(page):
        results = axe.run(page, options=AXE_OPTIONS)
        violations = results.response["violations"]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(
                node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                for node in v["nodes"][:5]
            )
            for v in violations
        )
        assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{details}"
        return results

    return audit


# Reports every Content-Security-Policy violation of the page to the console, where the
# fixture below reads it. Violations caused by the test's own tools (axe-core, run through
# Playwright's evaluate, adds styles) have no source file: the page's own markup and scripts
# always have one (the page's address, or the script's).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  if (!event.sourceFile) return;
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""


def watch_csp(page):
    """The list into which the page's Content-Security-Policy violations go from now on."""
    violations = []
    page.add_init_script(_CSP_LISTENER)

    def on_console(message):
        text = message.text
        if text.startswith("CSP violation"):
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


@pytest.fixture(scope="module")
def shared_page(browser, demo_site):
    """One page for a module's tests that only read public pages (no form, no cookie of their
    own): a fresh browser context for each of them would cost more than what they check."""
    context = browser.new_context()
    page = context.new_page()
    page.csp_violations = watch_csp(page)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Fails every browser test whose pages break the Content-Security-Policy."""
    if "page" in request.fixturenames:
        page = request.getfixturevalue("page")
        violations = watch_csp(page)
    elif "shared_page" in request.fixturenames:
        page = request.getfixturevalue("shared_page")
        violations = page.csp_violations
        violations.clear()
    else:
        yield []
        return
    yield violations
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
