"""Snapshots of a release's content, and readable differences between two of them."""

import difflib
import re
from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Scalar fields kept in a revision's `data`, besides title, lead and body (own columns).
SCALAR_FIELDS = ["kind", "boilerplate", "update_note", "visit", "funding_round"]
# What a diff compares, in the order the admin shows it.
DIFF_FIELDS = [
    ("title", _("Title")),
    ("lead", _("Lead")),
    ("body", _("Body")),
    ("quotes", _("Quotes")),
    ("kind", _("Kind")),
    ("tags", _("Tags")),
    ("municipalities", _("Municipalities")),
    ("contacts", _("Press contacts")),
    ("images", _("Images")),
    ("documents", _("Documents")),
    ("visit", _("Visit")),
    ("funding_round", _("Funding round")),
    ("update_note", _("Update note")),
    ("boilerplate", _("About us")),
]


def _pairs(objects):
    return [[obj.pk, str(obj)] for obj in objects]


def snapshot(release):
    """The release's content and relations as JSON-able data (ids with their names)."""
    return {
        "title": release.title,
        "lead": release.lead,
        "body": release.body,
        "kind": release.kind,
        "boilerplate": release.boilerplate,
        "update_note": release.update_note,
        "visit": _pairs([release.visit] if release.visit else []),
        "funding_round": _pairs([release.funding_round] if release.funding_round else []),
        "tags": sorted(release.tags.names()),
        "municipalities": _pairs(release.municipalities.order_by("name")),
        "contacts": _pairs(
            rc.contact for rc in release.releasecontact_set.select_related("contact")
        ),
        "images": _pairs(ri.image for ri in release.releaseimage_set.select_related("image")),
        "documents": _pairs(release.documents.order_by("pk")),
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "role": q.role,
                "party": q.party,
                "organisation": q.organisation,
                "order": q.order,
            }
            for q in release.quotes.all()
        ],
    }


def revision_data(revision):
    """A revision's full snapshot (title, lead and body live in their own columns)."""
    return {**revision.data, "title": revision.title, "lead": revision.lead, "body": revision.body}


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|figcaption)>|<br\s*/?>", re.IGNORECASE)


def as_text(field, value):
    """A field's value as the plain text a reader compares."""
    if field == "body":
        return unescape(strip_tags(_BLOCK_END.sub("\n", value or ""))).strip()
    if field == "quotes":
        return "\n".join(_quote_text(q) for q in value or [])
    if field == "tags":
        return ", ".join(value or [])
    if field in {"visit", "funding_round", "municipalities", "contacts", "images", "documents"}:
        return ", ".join(name for _pk, name in value or [])
    return str(value or "")


def _quote_text(quote):
    extra = ", ".join(part for part in (quote.get("role"), quote.get("organisation")) if part)
    return f"{quote['speaker']}: “{quote['text']}”" + (f" ({extra})" if extra else "")


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def inline_diff(old, new):
    """Word-level difference as HTML, with <del> and <ins> marking what changed."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 (every part is escaped)


def diff(old, new):
    """The fields that differ between two snapshots: [(label, old text, new text, html)]."""
    changes = []
    for field, label in DIFF_FIELDS:
        old_text, new_text = as_text(field, old.get(field)), as_text(field, new.get(field))
        if old_text != new_text:
            changes.append(
                {
                    "field": field,
                    "label": label,
                    "old": old_text,
                    "new": new_text,
                    "html": inline_diff(old_text, new_text),
                }
            )
    return changes
