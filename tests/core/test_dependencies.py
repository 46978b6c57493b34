"""Dependencies point one way (docs/ARCHITECTURE.md): subscriptions → releases → contacts,
mediabank, municipalities → core. Nothing lower imports anything higher; the project package
(urls, views, sitemaps, context processors, and `newsroom.site`, which composes the admin)
may import all.

"Imports" includes the other ways of reaching up: a URL name of a higher app in code or a
template, a template of a higher app (or the project's pages) included or extended, and a
reverse accessor or lookup that leads from a lower app's model to a higher one's.

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


# Other ways of reaching up: URL names, templates, reverse accessors ----------------------

import re  # noqa: E402

from django.apps import apps as app_registry  # noqa: E402

TEMPLATES = ROOT / "templates"
# Each app's label and template folder, URL namespace and admin URL prefix are its name.
LABELS = {
    "newsroom.core": "core",
    "municipalities": "municipalities",
    "newsroom.contacts": "contacts",
    "newsroom.mediabank": "mediabank",
    "newsroom.releases": "releases",
    "newsroom.subscriptions": "subscriptions",
}
APP_OF_LABEL = {label: app for app, label in LABELS.items()}
# Shared pieces every app may use belong to core: the site's frame, the generic includes
# and the admin's editorial frame. The project's own pages sit above every app.
CORE_TEMPLATES = {"base.html", "includes", "editorial"}
PROJECT_TEMPLATES = {"home.html", "404.html", "500.html", "503.html", "error_page.html"}


def template_owner(name):
    """The app a template belongs to: "newsroom" for the project's pages, None for Django's
    and other libraries' templates (not in templates/)."""
    parts = Path(name).parts
    if name in PROJECT_TEMPLATES:
        return "newsroom"
    if not (TEMPLATES / name).exists():
        return None
    if parts[0] == "admin" and len(parts) > 2:
        parts = parts[1:]
    if parts[0] in CORE_TEMPLATES:
        return "newsroom.core"
    return APP_OF_LABEL.get(parts[0]) if len(parts) > 1 else "newsroom"


def url_name_owner(name):
    """The app a URL name ("releases:list", "admin:releases_pressrelease_change") points at."""
    namespace, _, rest = name.partition(":")
    if namespace == "admin":
        return next(
            (APP_OF_LABEL[label] for label in APP_OF_LABEL if rest.startswith(label + "_")), None
        )
    return APP_OF_LABEL.get(namespace)


def allowed(app, other):
    return other in (None, app) or other in ALLOWED[app]


TEMPLATE_REFERENCES = re.compile(
    r"{%\s*(?:(include|extends)\s+[\"']([^\"']+)[\"']|url\s+[\"']([\w-]+:[\w-]+)[\"'])"
)


def upward_template_references(app, text):
    """What a template of `app` includes, extends or names by URL above `app`."""
    for _kind, template, url_name in TEMPLATE_REFERENCES.findall(text):
        other = template_owner(template) if template else url_name_owner(url_name)
        if other == "newsroom" or not allowed(app, other):
            yield template or url_name


URL_NAME = re.compile(r"^(\w+):(\w+)$")


def upward_url_names(app, tree):
    """The URL names in an app's Python code (reverse(), redirect(), ...) that point above it."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if URL_NAME.match(node.value) and not allowed(app, url_name_owner(node.value)):
                yield node.value


def upward_relations(app):
    """The reverse accessors and query names that lead from `app`'s models to an app above."""
    names = set()
    for model in app_registry.get_app_config(LABELS[app]).get_models():
        for relation in model._meta.related_objects:
            other = APP_OF_LABEL.get(relation.related_model._meta.app_label)
            if other and not allowed(app, other):
                names |= {relation.get_accessor_name(), relation.field.related_query_name()}
    return names


def uses_of_relations(names, tree):
    """Attribute access (`municipality.releases`), lookups (`releases__in=`) and field names
    (`get_field("releases")`, `prefetch_related("releases")`) among `names`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            yield ast.unparse(node)
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] in names:
            yield f"{node.arg}="
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.split("__")[0] in names:
                yield repr(node.value)


def app_templates(app):
    label = LABELS[app]
    for folder in (TEMPLATES / label, TEMPLATES / "admin" / label):
        yield from sorted(folder.rglob("*.html")) if folder.exists() else ()
    if app == "newsroom.core":
        yield TEMPLATES / "base.html"
        for folder in (TEMPLATES / "includes", TEMPLATES / "admin" / "editorial"):
            yield from sorted(folder.rglob("*.html")) if folder.exists() else ()


@pytest.mark.parametrize("app", APPS)
def test_an_app_s_templates_include_extend_and_link_only_what_is_below_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}: {reference}"
        for path in app_templates(app)
        for reference in upward_template_references(app, path.read_text(encoding="utf-8"))
    ]
    assert wrong == []


def app_sources(app):
    for path in sorted(APPS[app].rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("app", APPS)
def test_an_app_s_code_names_no_url_of_an_app_above_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path, tree in app_sources(app)
        for name in upward_url_names(app, tree)
    ]
    assert wrong == []


@pytest.mark.parametrize("app", APPS)
def test_an_app_follows_no_reverse_relation_to_an_app_above_it(app):
    names = upward_relations(app)
    wrong = [
        f"{path.relative_to(ROOT)}: {use}"
        for path, tree in app_sources(app)
        for use in uses_of_relations(names, tree)
    ]
    for path in app_templates(app):
        text = path.read_text(encoding="utf-8")
        wrong += [f"{path.relative_to(ROOT)}: .{name}" for name in names if f".{name}" in text]
    assert wrong == []


# The checks catch what the code did before the release pages existed.


def test_the_template_check_catches_a_lower_template_reaching_up():
    old = (
        '{% include "releases/includes/release_card.html" %}'
        "{% url 'releases:feed_rss_scoped' scope='municipality' value=m.slug %}"
        '{% extends "home.html" %}'
    )
    found = list(upward_template_references("municipalities", old))
    assert found == [
        "releases/includes/release_card.html",
        "releases:feed_rss_scoped",
        "home.html",
    ]
    assert list(upward_template_references("newsroom.releases", old)) == ["home.html"]


def test_the_url_name_check_catches_a_lower_view_reversing_a_release_url():
    old = 'reverse(f"releases:feed_rss_scoped", kwargs=scoped); reverse("municipalities:index")'
    assert list(upward_url_names("municipalities", ast.parse(old))) == ["releases:feed_rss_scoped"]
    admin = 'reverse("admin:releases_pressrelease_change", args=[1])'
    assert list(upward_url_names("newsroom.mediabank", ast.parse(admin))) == [
        "admin:releases_pressrelease_change"
    ]


@pytest.mark.django_db
def test_the_relation_check_catches_the_old_reverse_accessors():
    municipalities = upward_relations("municipalities")
    assert {"releases", "subscribers"} <= municipalities
    old_views = (
        "municipality.releases.public().for_listing()\n"
        "self.object.releases.public()\n"
        'Image._meta.get_field("releases").related_model.objects.public()\n'
        "Image.objects.filter(releases__in=public_releases())\n"
    )
    assert set(uses_of_relations(municipalities, ast.parse(old_views))) == {
        "municipality.releases",
        "self.object.releases",
        "'releases'",
        "releases__in=",
    }
