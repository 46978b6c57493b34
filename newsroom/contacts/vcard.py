"""vCard 4.0 (RFC 6350) for a press contact."""

import re
import uuid

from django.conf import settings
from django.utils import timezone


def _escape(value):
    # RFC 6350 §3.4: backslash, comma, semicolon and newline are escaped in text values.
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """Lines longer than 75 octets are folded (RFC 6350 §3.2), never inside a character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def tel_uri(phone):
    """A Swedish number as a tel: URI in international form (070-174 06 10 → +46701740610)."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    return f"tel:{digits}"


def vcard(contact, photo_url=""):
    parts = contact.name.rsplit(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else ("", contact.name)
    uid = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/contacts/{contact.pk}")
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{_escape(contact.name)}",
        f"N:{_escape(family)};{_escape(given)};;;",
        "KIND:individual",
    ]
    if contact.organisation:
        lines.append(f"ORG:{_escape(contact.organisation)}")
    if contact.role:
        lines.append(f"TITLE:{_escape(contact.role)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=work:{contact.email}")
    if contact.phone:
        lines.append(f'TEL;VALUE=uri;TYPE="work,voice":{tel_uri(contact.phone)}')
    if photo_url:
        lines.append(f"PHOTO:{photo_url}")
    lines += [
        f"URL:{settings.SITE_URL}{contact.get_absolute_url()}",
        f"UID:urn:uuid:{uid}",
        f"REV:{timezone.now():%Y%m%dT%H%M%SZ}",
        "END:VCARD",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
