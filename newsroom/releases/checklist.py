"""The checklist shown before a release is published: computed from the release, never stored.

Blocking items (no press contact, an image without alt text) stop publication; the rest
are warnings that the editor may publish past.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

TITLE_MIN, TITLE_MAX = 10, 100


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    ok: bool
    blocking: bool
    message: str = ""

    @property
    def level(self):
        if self.ok:
            return "ok"
        return "blocking" if self.blocking else "warning"


class _BodyScanner(HTMLParser):
    """Finds links without an address or text, and headings that skip a level."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.empty_links = 0
        self.heading_problems = []
        self._link = None
        self._last_level = 1  # the page's h1 is the release title

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._link = {"href": (dict(attrs).get("href") or "").strip(), "text": ""}
        elif re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if level > self._last_level + 1 or level == 1:
                self.heading_problems.append(tag)
            self._last_level = level

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            if not self._link["href"] or not self._link["text"].strip():
                self.empty_links += 1
            self._link = None


def _named_municipalities(release):
    """Municipalities whose name the text mentions but which are not linked to the release."""
    from municipalities.models import Municipality

    text = " ".join([release.title, release.lead, strip_tags(release.body or "")])
    linked = set(release.municipalities.values_list("pk", flat=True)) if release.pk else set()
    missing = []
    for pk, name in Municipality.objects.values_list("pk", "name"):
        if pk in linked:
            continue
        # Whole words, case as written: "Mark" the municipality, not "mark" the ground.
        if re.search(rf"(?<![\wåäöÅÄÖ]){re.escape(name)}(?![\wåäöÅÄÖ])", text):
            missing.append(name)
    return missing


def release_checklist(release):
    """The checklist items for a saved release, in the order the editor reads them."""
    items = []
    length = len(release.title.strip())
    items.append(
        CheckItem(
            "title",
            _("Title length"),
            TITLE_MIN <= length <= TITLE_MAX,
            False,
            _("The title has %(count)s characters; aim for %(min)s–%(max)s.")
            % {"count": length, "min": TITLE_MIN, "max": TITLE_MAX},
        )
    )
    items.append(
        CheckItem(
            "lead",
            _("Lead"),
            bool(release.lead.strip()),
            False,
            "" if release.lead.strip() else _("The release has no lead."),
        )
    )
    # Only public contacts are shown on the release's page, so only they count.
    contacts = release.releasecontact_set
    has_contact = contacts.filter(contact__is_public=True).exists()
    if has_contact:
        contact_message = ""
    elif contacts.exists():
        contact_message = _(
            "Add at least one public press contact: the release's page does not show the "
            "private ones."
        )
    else:
        contact_message = _("Add at least one press contact.")
    items.append(CheckItem("contact", _("Press contact"), has_contact, True, contact_message))
    without_alt = [
        ri.image for ri in release.releaseimage_set.select_related("image") if not ri.image.alt_text
    ]
    items.append(
        CheckItem(
            "alt_text",
            _("Alt text on every image"),
            not without_alt,
            True,
            ngettext(
                "This image has no alt text: %(names)s.",
                "These images have no alt text: %(names)s.",
                len(without_alt),
            )
            % {"names": ", ".join(f"“{image.title}”" for image in without_alt)}
            if without_alt
            else "",
        )
    )
    has_tags = release.tags.exists()
    items.append(
        CheckItem("tags", _("Tags"), has_tags, False, "" if has_tags else _("Add a tag or two."))
    )
    named = _named_municipalities(release)
    items.append(
        CheckItem(
            "municipalities",
            _("Municipalities named in the text are linked"),
            not named,
            False,
            _("The text names %(names)s; link the municipality to the release.")
            % {"names": ", ".join(named)}
            if named
            else "",
        )
    )
    scanner = _BodyScanner()
    scanner.feed(release.body or "")
    scanner.close()
    items.append(
        CheckItem(
            "links",
            _("No empty links"),
            not scanner.empty_links,
            False,
            ngettext(
                "%(count)s link has no address or no text.",
                "%(count)s links have no address or no text.",
                scanner.empty_links,
            )
            % {"count": scanner.empty_links}
            if scanner.empty_links
            else "",
        )
    )
    items.append(
        CheckItem(
            "headings",
            _("Headings in order"),
            not scanner.heading_problems,
            False,
            _(
                "A heading skips a level (%(tags)s): start with Heading 2 and go down one step "
                "at a time."
            )
            % {"tags": ", ".join(scanner.heading_problems)}
            if scanner.heading_problems
            else "",
        )
    )
    return items


def blocking_problems(release):
    return [item for item in release_checklist(release) if item.level == "blocking"]
