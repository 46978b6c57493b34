"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work on these machines, so the tests use
/usr/bin/chromium, installed here with apt-get when it is missing. Only when it truly
cannot be installed are the browser tests skipped, and the run says so loudly.
"""

import os
import shutil
import subprocess

import pytest

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

_missing_reason = None


def _ensure_chromium():
    """Install Debian's Chromium when missing; return a reason string if that fails."""
    if os.path.exists(CHROMIUM):
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"{CHROMIUM} is missing and apt-get cannot be run here to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {result.stderr.strip()[-500:]}"
    return None if os.path.exists(CHROMIUM) else f"{CHROMIUM} is still missing after apt-get"


def pytest_collection_modifyitems(config, items):
    global _missing_reason
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items:
        return
    _missing_reason = _ensure_chromium()
    if _missing_reason:
        skip = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {_missing_reason}")
        for item in browser_items:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if _missing_reason:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(f"Chromium could not be installed: {_missing_reason}", red=True)


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
