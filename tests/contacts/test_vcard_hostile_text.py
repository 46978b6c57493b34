"""A contact's vCard stays one vCard whatever the contact's fields hold."""

import re

import pytest
import vobject

from newsroom.contacts.models import PressContact

# vCard 4.0 properties (RFC 6350 §6) and the extension prefix.
KNOWN = {"BEGIN", "END", "VERSION", "FN", "N", "KIND", "ORG", "TITLE", "EMAIL", "TEL", "PHOTO",
         "URL", "UID", "REV"}  # fmt: skip


def strict_lines(text):
    """A second, strict reading: CRLF lines only, folded lines start with a space, every
    logical line is `NAME[;params]:value` with a known property name."""
    assert "\r" not in text.replace("\r\n", ""), "a bare CR"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF"
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    names = []
    for line in unfolded.split("\r\n")[:-1]:
        match = re.match(r"^([A-Za-z-]+)(;[^:]*)?:", line)
        assert match, f"not a content line: {line!r}"
        names.append(match.group(1).upper())
    assert set(names) <= KNOWN, set(names) - KNOWN
    return names


@pytest.mark.parametrize(
    "name",
    [
        "Lena Holm\rEMAIL:attacker@example.com",
        "Lena Holm\nEMAIL:attacker@example.com",
        "Lena Holm\r\nEMAIL:attacker@example.com",
        "Lena Holm\x0bEMAIL:attacker@example.com",
        "Lena Holm\x85EMAIL:attacker@example.com",
        "Lena Holm\u2028EMAIL:attacker@example.com",
    ],
)
def test_a_line_break_in_a_name_injects_no_property(client, agency, make_contact, name):
    contact = make_contact(name="Lena Holm", email="lena@example.se")
    PressContact.objects.filter(pk=contact.pk).update(name=name, role=name, organisation=name)
    response = client.get(contact.get_vcard_url())
    assert response.status_code == 200
    text = response.content.decode()
    names = strict_lines(text)
    assert names.count("EMAIL") == 1 and names.count("FN") == 1
    card = vobject.readOne(text)
    assert [e.value for e in card.contents["email"]] == ["lena@example.se"]
    assert "Lena Holm" in card.fn.value and "EMAIL:attacker@example.com" in card.fn.value
    assert "\r" not in card.fn.value and "\n" not in card.fn.value


def test_vcard_escapes_the_special_characters_of_text_values(client, agency, make_contact):
    contact = make_contact(
        name="Lena; Holm", role="Press, kommunikation\\ och ;mer", organisation="A;B, C"
    )
    text = client.get(contact.get_vcard_url()).content.decode()
    strict_lines(text)
    card = vobject.readOne(text)
    assert card.fn.value == "Lena; Holm"
    assert card.title.value == "Press, kommunikation\\ och ;mer"
    assert card.org.value == ["A;B, C"]
