"""The Swedish catalogue is complete and compiled, and Swedish pages really speak Swedish."""

import ast
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from newsroom.releases.models import PressRelease
from tests.html import parse

PO = Path(settings.LOCALE_PATHS[0]) / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")
# What must come through a translation untouched: %(name)s, {name} and HTML tags.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}|<[^>]+>")


def read_po(path):
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None and "msgid" in entry and not entry["obsolete"]:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
            entry["obsolete"] = False
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key, value = match.group(1), ast.literal_eval(match.group(3))
            if key.startswith("msgstr"):
                key = int(match.group(2) or 0)
                entry["msgstr"][key] = value
            else:
                entry[key] = value
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
    return entries


def _messages():
    return [entry for entry in read_po(PO) if entry["msgid"]]


def _name(entry):
    return f"{entry['msgctxt']}|{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


# The catalogue ----------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = _messages()
    assert messages
    untranslated = [_name(e) for e in messages if not all(e["msgstr"].values())]
    fuzzy = [_name(e) or "(header)" for e in read_po(PO) if "fuzzy" in e["flags"]]
    assert untranslated == [], "translate these, then run compilemessages"
    assert fuzzy == [], "check these translations and remove the fuzzy flag"


def test_plurals_have_both_swedish_forms():
    plurals = [e for e in _messages() if e["msgid_plural"]]
    assert plurals
    for entry in plurals:
        assert sorted(entry["msgstr"]) == [0, 1], _name(entry)


def test_placeholders_and_markup_come_through_unchanged():
    for entry in _messages():
        source = entry["msgid_plural"] or entry["msgid"]
        expected = sorted(_PLACEHOLDER.findall(source))
        for text in entry["msgstr"].values():
            assert sorted(_PLACEHOLDER.findall(text)) == expected, _name(entry)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is missing")
def test_msgfmt_finds_the_catalogue_valid_and_complete():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # msgfmt names only what is missing: "N translated messages." when nothing is.
    assert "translated message" in report
    assert "untranslated" not in report and "fuzzy" not in report, report


def test_the_committed_mo_holds_every_translation_of_the_po():
    """The .mo is committed so that machines without gettext speak Swedish: it must be current."""
    with MO.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for entry in _messages():
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]
        if entry["msgid_plural"]:
            for index, text in entry["msgstr"].items():
                assert catalog.get((key, index)) == text, f"recompile: {_name(entry)}"
        else:
            assert catalog.get(key) == entry["msgstr"][0], f"recompile: {_name(entry)}"


def test_statuses_and_kinds_use_the_newsrooms_swedish_words():
    with translation.override("sv"):
        statuses = [str(label) for label in PressRelease.Status.labels]
        kinds = [str(label) for label in PressRelease.Kind.labels]
    assert statuses == ["Utkast", "Granskas", "Schemalagd", "Publicerad", "Tillbakadragen"]
    assert kinds == ["Pressmeddelande", "Nyhet", "Uttalande"]


# What readers see -------------------------------------------------------------------

SWEDISH_NAVIGATION = ["Startsida", "Pressmeddelanden", "Besök", "Bidrag", "Presskontakter"]
ENGLISH_NAVIGATION = ["Home", "Press releases", "Visits", "Funding", "Press contacts"]


def test_the_swedish_front_page_is_in_swedish(client, agency):
    page = parse(client.get("/sv/"))
    content = page.get_text()
    assert page.select_one("a.skip-link").get_text() == "Hoppa till innehållet"
    nav = [a.get_text() for a in page.select(".site-nav a")]
    assert nav == SWEDISH_NAVIGATION + ["Bildbank", "Prenumerera"]
    for words in ["Senaste pressmeddelanden", "Tillgänglighetsredogörelse", "Rapportera innehåll"]:
        assert words in content
    assert "Skip to content" not in content
    assert page.title.get_text() == "Delegationen mot segregation – Pressrum"


def test_the_english_front_page_stays_english(client, agency):
    page = parse(client.get("/en/"))
    content = page.get_text()
    assert page.select_one("a.skip-link").get_text() == "Skip to content"
    nav = [a.get_text() for a in page.select(".site-nav a")]
    assert nav == ENGLISH_NAVIGATION + ["Image bank", "Subscribe"]
    assert "Accessibility statement" in content
    assert "Hoppa till innehållet" not in content


def test_the_swedish_release_list_says_pressmeddelanden(client, agency, make_release):
    make_release()
    make_release(kind=PressRelease.Kind.STATEMENT)
    page = parse(client.get("/sv/releases/"))
    content = page.get_text()
    assert page.h1.get_text() == "Pressmeddelanden"
    assert "2 pressmeddelanden" in content
    kinds = {span.get_text() for span in page.select(".release-card .kind")}
    assert kinds == {"Uttalande", "Pressmeddelande"}
    assert "Filtrera" in content and "Visa pressmeddelanden" in content
    english = parse(client.get("/en/releases/"))
    assert english.h1.get_text() == "Press releases" and "2 releases" in english.get_text()


def test_a_release_page_in_swedish(client, agency, make_release, make_contact):
    release = make_release(contacts=[make_contact(name="Lena Holm")], tags=["segregation"])
    content = client.get(f"/sv/releases/{release.slug}/").content.decode()
    for words in [
        "Presskontakter",
        "Lägg till Lena Holm i dina kontakter (vCard)",
        "Taggar",
        "Om Delegationen mot segregation",
        "Dela",
        "Rapportera innehåll",
    ]:
        assert words in content, words
    assert "Press contacts" not in content and "Share" not in content


def test_form_errors_are_in_swedish(client, agency):
    response = client.post("/sv/report/", {"page_url": "//example.com/", "message": "Fel."})
    content = response.content.decode()
    assert "Det finns ett problem" in content
    assert "Sidans adress är inte giltig." in content
    assert "There is a problem" not in content


def test_the_feed_has_a_swedish_title(client, agency, make_release):
    make_release()
    content = client.get("/sv/feeds/rss/").content.decode()
    assert "<title>Delegationen mot segregation: pressmeddelanden</title>" in content


def test_the_admin_login_is_in_swedish(client, db):
    content = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Pressrummets administration" in content and "Logga in" in content
    assert "Django" not in content.split("<body", 1)[1]
