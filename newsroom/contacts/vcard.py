"""vCard 4.0 (RFC 6350) for a press contact, written by vobject.

vobject escapes text values and folds long lines; every value is put on one line first, so
that no character in a contact's fields (a bare CR, a vertical tab…) starts a property.
"""

import re
import uuid

import vobject
from django.utils import timezone

from newsroom.core.text import single_line
from newsroom.core.web import absolute_url


def tel_uri(phone):
    """A Swedish number as a tel: URI in international form (070-174 06 10 → +46701740610)."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    return f"tel:{digits}"


def vcard(contact, photo_url=""):
    name = single_line(contact.name).strip()
    parts = name.rsplit(" ", 1)
    given, family = (parts[0], parts[1]) if len(parts) == 2 else ("", name)
    uid = uuid.uuid5(uuid.NAMESPACE_URL, absolute_url(f"/contacts/{contact.pk}"))
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    card.add("kind").value = "individual"
    if contact.organisation:
        card.add("org").value = [single_line(contact.organisation)]
    if contact.role:
        card.add("title").value = single_line(contact.role)
    if contact.email:
        email = card.add("email")
        email.value = single_line(contact.email)
        email.params["TYPE"] = ["work"]
    if contact.phone:
        tel = card.add("tel")
        tel.value = tel_uri(single_line(contact.phone))
        tel.params["VALUE"] = ["uri"]
        tel.params["TYPE"] = ["work", "voice"]
    if photo_url:
        card.add("photo").value = photo_url
    card.add("url").value = absolute_url(contact.get_absolute_url())
    card.add("uid").value = f"urn:uuid:{uid}"
    card.add("rev").value = f"{timezone.now():%Y%m%dT%H%M%SZ}"
    return card.serialize()
