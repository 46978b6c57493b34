"""The newsroom's absolute addresses and the client's address, each worked out in one place."""

import ast
from pathlib import Path

from django.test import RequestFactory

from newsroom.core.web import absolute_url, client_address, uid_domain

ROOT = Path(__file__).resolve().parents[2]


def test_absolute_url_joins_the_site_address_and_a_path(settings):
    settings.SITE_URL = "https://press.example.se"
    assert absolute_url("/sv/releases/x/") == "https://press.example.se/sv/releases/x/"
    assert absolute_url() == "https://press.example.se/"


def test_uid_domain_is_the_site_host_name_or_its_own_setting(settings):
    settings.SITE_URL = "https://press.example.se:8443"
    settings.CALENDAR_UID_DOMAIN = ""
    assert uid_domain() == "press.example.se"
    settings.CALENDAR_UID_DOMAIN = "newsroom.example.se"
    assert uid_domain() == "newsroom.example.se"


def test_client_address_behind_a_proxy_takes_the_last_forwarded_entry(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.1")
    settings.CLIENT_IP_HEADER = None
    assert client_address(request) == "127.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request) == "10.0.0.1"


def _joins_site_url(tree):
    """f-strings and + that put SITE_URL in front of something."""
    for node in ast.walk(tree):
        parts = []
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = [node.left, node.right]
        if any(ast.unparse(part).endswith("SITE_URL") for part in parts):
            yield node.lineno


def test_site_url_is_joined_by_hand_nowhere_but_absolute_url():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in (ROOT / "newsroom", ROOT / "municipalities")
        for path in sorted(folder.rglob("*.py"))
        if "settings" not in path.parts and path.name != "web.py"
        for line in _joins_site_url(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []
