"""Every response carries the Content-Security-Policy and the Permissions-Policy; HSTS
preload and includeSubDomains are the operator's choice, off by default."""

import os
import re
import subprocess
import sys

import pytest


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    ["/sv/", "/sv/releases/", "/sv/feeds/rss/", "/sv/no-page/", "/admin/login/", "/sitemap.xml"],
)
def test_every_response_has_the_policy(client, agency, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    features = response["Permissions-Policy"]
    assert "camera=()" in features and "geolocation=()" in features
    assert "microphone=()" in features


def test_the_editor_page_gets_a_nonce_for_its_import_map(editor_client, agency):
    response = editor_client.get("/admin/releases/pressrelease/add/")
    policy = directives(response)
    (nonce,) = [value for value in policy["script-src"] if value.startswith("'nonce-")]
    nonce = nonce.removeprefix("'nonce-").removesuffix("'")
    page = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in page
    quoted = re.escape(f'nonce="{nonce}"')
    assert re.search(rf"<style ({quoted} data-tiptap-style|data-tiptap-style {quoted})", page)


def test_public_pages_hold_no_inline_script_or_style(client, agency, make_release):
    release = make_release()
    for path in ["/sv/", "/sv/releases/", release.get_absolute_url(), "/sv/subscribe/"]:
        page = client.get(path).content.decode()
        assert "style=" not in page and "<style" not in page, path
        scripts = page.count("<script")
        assert scripts == page.count('<script type="application/ld+json">') + page.count(
            "<script src="
        ), path


def _hsts(env):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "news.example.se",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_hsts_preload_and_subdomains_are_opt_in():
    assert _hsts({}) == ["False", "False"]
    assert _hsts({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1"}) == [
        "True",
        "True",
    ]
