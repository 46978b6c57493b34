"""Dependencies point one way (docs/ARCHITECTURE.md): subscriptions → releases → contacts,
mediabank, municipalities → core. Nothing lower imports anything higher; the project package
(urls, views, sitemaps) may import all."""

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
