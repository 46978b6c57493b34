"""Dependencies point one way (docs/ARCHITECTURE.md): subscriptions → releases → contacts,
mediabank, municipalities → core. Nothing lower imports anything higher; the project package
(urls, views, sitemaps, and `newsroom.site`, which composes the admin) may import all.

The admin is composed in one place: apps export unregistered `ModelAdmin` classes and mixins,
and only `newsroom/site/admin.py` registers (or unregisters) them, so no app reaches into
another app's admin, and every model's admin class is read in one file."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

APPS = {
    "newsroom.core": ROOT / "newsroom" / "core",
    "municipalities": ROOT / "municipalities",
    "newsroom.contacts": ROOT / "newsroom" / "contacts",
    "newsroom.mediabank": ROOT / "newsroom" / "mediabank",
    "newsroom.releases": ROOT / "newsroom" / "releases",
    "newsroom.subscriptions": ROOT / "newsroom" / "subscriptions",
}
# What each app may import of the others.
ALLOWED = {
    "newsroom.core": set(),
    "municipalities": {"newsroom.core"},
    "newsroom.contacts": {"newsroom.core"},
    "newsroom.mediabank": {"newsroom.core"},
    "newsroom.releases": {
        "newsroom.core",
        "municipalities",
        "newsroom.contacts",
        "newsroom.mediabank",
    },
    "newsroom.subscriptions": set(APPS) - {"newsroom.subscriptions"},
}


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def app_of(module):
    return next(
        (app for app in APPS if module == app or module.startswith(app + ".")),
        "newsroom" if module == "newsroom" or module.startswith("newsroom.") else None,
    )


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = []
    for path in sorted(APPS[app].rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in imported_modules(path):
            other = app_of(module)
            if other and other != app and other not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}: {module}")
    assert wrong == []


def admin_registrations(path):
    """Calls and decorators that register or unregister a model admin, in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"register", "unregister"}:
                target = ast.unparse(node.func.value)
                if target == "admin" or target.endswith("site"):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.func)}"


def test_only_the_site_module_registers_admins():
    found = [
        line
        for path in sorted(
            [*ROOT.joinpath("newsroom").rglob("*.py"), *APPS["municipalities"].rglob("*.py")]
        )
        if "migrations" not in path.parts
        for line in admin_registrations(path)
    ]
    assert found and all(line.startswith("newsroom/site/admin.py:") for line in found), found
