"""Rendering the emails: multipart (plain text and HTML), in the subscriber's language.

Every email carries the manage and unsubscribe links and the RFC 8058 headers. A release
email is the same for every subscriber of one language but for their address, links and
Message-ID, so a batch renders and serialises each (release, language) once, with
placeholders, and each subscriber's copy is those bytes with their parts stamped in
(`MessageTemplate`): neither the templates nor the MIME building run once per subscriber.
"""

import dataclasses
import email
import functools
from email import policy
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from newsroom.core.models import Agency
from newsroom.core.web import absolute_url
from newsroom.releases.models import PressRelease

from .tokens import make_token

MANAGE_PLACEHOLDER = "NEWSROOMMANAGEURLPLACEHOLDER"
UNSUBSCRIBE_PLACEHOLDER = "NEWSROOMUNSUBSCRIBEURLPLACEHOLDER"


MANAGE_HTML_PLACEHOLDER = "NEWSROOMMANAGEURLHTMLPLACEHOLDER"
UNSUBSCRIBE_HTML_PLACEHOLDER = "NEWSROOMUNSUBSCRIBEURLHTMLPLACEHOLDER"
TO_PLACEHOLDER = "newsroom-recipient@placeholder.invalid"
MESSAGE_ID_PLACEHOLDER = "<newsroom-message-id@placeholder.invalid>"
LIST_UNSUBSCRIBE_PLACEHOLDER = "NEWSROOMLISTUNSUBSCRIBEPLACEHOLDER"
TOKEN_PLACEHOLDER = "NEWSROOMTOKENPLACEHOLDER"

# Control characters (C0 but tab and line breaks, DEL, C1) and the Unicode line and paragraph
# separators: a title may carry them (pasted text), an email must not (a line break in a
# header is an injection, U+000B or U+0085 are line breaks to Python's email package).
_BODY_CONTROLS = {
    c: " " for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029] if c not in (9, 10, 13)
}
_HEADER_CONTROLS = {c: " " for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]}


def header_text(value):
    """One line for a header: control characters and line breaks become single spaces."""
    return " ".join(str(value).translate(_HEADER_CONTROLS).split())


def body_text(value):
    """A body without control characters (tab and line breaks kept)."""
    return value.translate(_BODY_CONTROLS)


@functools.lru_cache(maxsize=64)
def _url_pattern(name, language, site_url, urlconf):
    # reverse() under translation.override costs more than the rest of a link: once per
    # (page, language), then the token goes in by replacement.
    with translation.override(language):
        path = reverse(f"subscriptions:{name}", urlconf, kwargs={"token": TOKEN_PLACEHOLDER})
    return absolute_url(path)  # site_url: part of the cache key only


def subscriber_url(subscriber, name, purpose):
    pattern = _url_pattern(
        name, subscriber.language, settings.SITE_URL, get_urlconf() or settings.ROOT_URLCONF
    )
    return pattern.replace(TOKEN_PLACEHOLDER, make_token(subscriber, purpose))


def manage_url(subscriber):
    return subscriber_url(subscriber, "manage", "manage")


def unsubscribe_url(subscriber):
    return subscriber_url(subscriber, "unsubscribe", "unsubscribe")


def version_for(root, language, *, public_only=True):
    """The version of a release for a reader of `language`, and whether it is in another.

    The version in their language where one exists (and is public), else the original.
    (None, False) when public_only and no version is public (the release was withdrawn).
    """
    members = root.translation_group()
    if public_only:
        public_ids = set(root.public_versions().values_list("pk", flat=True))
        members = [m for m in members if m.pk in public_ids]
        if not members:
            return None, False
    for member in members:
        if member.language == language:
            return member, False
    return members[0], True


def _published_order(release):
    date = release.public_date
    return (date is None, date, release.pk)


def sender(agency=None):
    agency = agency or Agency.current()
    return formataddr((header_text(agency.name), settings.DEFAULT_FROM_EMAIL))


def list_unsubscribe(unsubscribe):
    """The two addresses of List-Unsubscribe: the one-click https link and a mailto."""
    token = unsubscribe.rstrip("/").rpartition("/")[2]
    mailto = f"mailto:{settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}"
    return f"<{unsubscribe}>", f"<{mailto}>"


def list_headers(unsubscribe):
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "newsroom.invalid"
    return {
        "List-Unsubscribe": ", ".join(list_unsubscribe(unsubscribe)),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<releases.{domain}>",
        "Auto-Submitted": "auto-generated",
    }


@dataclasses.dataclass(frozen=True)
class Prepared:
    """One email ready for SMTP: its envelope and its bytes (CRLF line ends)."""

    sender: str
    recipient: str
    data: bytes

    def as_email(self):
        """The same email as Django's EmailMessage, for backends other than SMTP (the test
        outbox, the console): read back from the bytes, so that they show what SMTP gets."""
        parsed = email.message_from_bytes(self.data, policy=policy.default)
        own = {"subject", "from", "to", "content-type", "mime-version", "content-transfer-encoding"}
        message = EmailMultiAlternatives(
            subject=str(parsed["Subject"]),
            body=parsed.get_body(("plain",)).get_content(),
            from_email=str(parsed["From"]),
            to=[self.recipient],
            headers={k: str(v) for k, v in parsed.items() if k.lower() not in own},
        )
        html = parsed.get_body(("html",))
        if html is not None:
            message.attach_alternative(html.get_content(), "text/html")
        return message


class MessageTemplate:
    """A message built and serialised once; `stamp()` makes each recipient's copy.

    The copy is the template's bytes with the recipient's parts replaced: To, Message-ID,
    List-Unsubscribe and the manage and unsubscribe links of both bodies. That holds while
    the parts are sent as they are (7bit or 8bit); where a long line made Django choose
    quoted-printable, which may break a placeholder, each copy is built in full instead.
    """

    # A placeholder's line stays far below SMTP's 998 octets with any real link in it.
    LONGEST_LINE = 600

    def __init__(self, *, subject, text, html, from_email):
        self.subject = header_text(subject)
        self.text = body_text(text)
        self.html = (
            body_text(html)
            .replace(MANAGE_PLACEHOLDER, MANAGE_HTML_PLACEHOLDER)
            .replace(UNSUBSCRIBE_PLACEHOLDER, UNSUBSCRIBE_HTML_PLACEHOLDER)
        )
        self.from_email = from_email
        self.envelope_sender = parseaddr(from_email)[1]
        self.data = self._serialise()

    def _message(self, *, to, message_id, list_unsubscribe, text, html):
        headers = {**list_headers("x"), "List-Unsubscribe": list_unsubscribe}
        headers["Message-ID"] = message_id
        message = EmailMultiAlternatives(
            subject=self.subject, body=text, from_email=self.from_email, to=[to], headers=headers
        )
        message.attach_alternative(html, "text/html")
        return message.message()

    def _serialise(self):
        mime = self._message(
            to=TO_PLACEHOLDER,
            message_id=MESSAGE_ID_PLACEHOLDER,
            list_unsubscribe=LIST_UNSUBSCRIBE_PLACEHOLDER,
            text=self.text,
            html=self.html,
        )
        if any(
            part.get("Content-Transfer-Encoding", "7bit") not in ("7bit", "8bit")
            for part in mime.walk()
        ):
            return None
        data = mime.as_bytes(linesep="\r\n")
        expected = {
            TO_PLACEHOLDER: 1,
            MESSAGE_ID_PLACEHOLDER: 1,
            LIST_UNSUBSCRIBE_PLACEHOLDER: 1,
            MANAGE_PLACEHOLDER: self.text.count(MANAGE_PLACEHOLDER),
            UNSUBSCRIBE_PLACEHOLDER: self.text.count(UNSUBSCRIBE_PLACEHOLDER),
            MANAGE_HTML_PLACEHOLDER: self.html.count(MANAGE_HTML_PLACEHOLDER),
            UNSUBSCRIBE_HTML_PLACEHOLDER: self.html.count(UNSUBSCRIBE_HTML_PLACEHOLDER),
        }
        for placeholder, count in expected.items():
            if data.count(placeholder.encode()) != count:
                return None
        for line in data.split(b"\r\n"):
            if len(line) > self.LONGEST_LINE and b"NEWSROOM" in line.upper():
                return None
        return data

    def stamp(self, *, subscriber, message_id):
        """The copy for `subscriber` (their address, links and the row's Message-ID)."""
        manage, unsubscribe = manage_url(subscriber), unsubscribe_url(subscriber)
        https, mailto = list_unsubscribe(unsubscribe)
        # An ASCII address (nearly all) goes as it is; an international domain in punycode.
        to = (
            subscriber.email
            if subscriber.email.isascii()
            else sanitize_address(subscriber.email, "utf-8")
        )
        message_id = message_id or make_msgid(
            domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "newsroom.invalid"
        )
        if self.data is None:
            data = self._message(
                to=to,
                message_id=message_id,
                list_unsubscribe=f"{https}, {mailto}",
                text=self.text.replace(MANAGE_PLACEHOLDER, manage).replace(
                    UNSUBSCRIBE_PLACEHOLDER, unsubscribe
                ),
                html=self.html.replace(MANAGE_HTML_PLACEHOLDER, escape(manage)).replace(
                    UNSUBSCRIBE_HTML_PLACEHOLDER, escape(unsubscribe)
                ),
            ).as_bytes(linesep="\r\n")
        else:
            data = (
                self.data.replace(TO_PLACEHOLDER.encode(), to.encode())
                .replace(MESSAGE_ID_PLACEHOLDER.encode(), message_id.encode())
                .replace(LIST_UNSUBSCRIBE_PLACEHOLDER.encode(), f"{https},\r\n {mailto}".encode())
                .replace(MANAGE_PLACEHOLDER.encode(), manage.encode())
                .replace(UNSUBSCRIBE_PLACEHOLDER.encode(), unsubscribe.encode())
                .replace(MANAGE_HTML_PLACEHOLDER.encode(), escape(manage).encode())
                .replace(UNSUBSCRIBE_HTML_PLACEHOLDER.encode(), escape(unsubscribe).encode())
            )
        return Prepared(sender=self.envelope_sender, recipient=to, data=data)


def build_message(*, subscriber, subject, text, html, message_id, from_email=None):
    """The message for one subscriber, links filled in; text and html hold placeholders."""
    manage, unsubscribe = manage_url(subscriber), unsubscribe_url(subscriber)
    text = text.replace(MANAGE_PLACEHOLDER, manage).replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe)
    html = html.replace(MANAGE_PLACEHOLDER, escape(manage)).replace(
        UNSUBSCRIBE_PLACEHOLDER, escape(unsubscribe)
    )
    headers = list_headers(unsubscribe)
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        from_email=from_email or sender(),
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def render_pair(template, context, language, *, agency=None):
    """The .txt and .html of an email template in `language`."""
    with translation.override(language):
        context = {
            "agency": agency or Agency.current(),
            "site_url": settings.SITE_URL,
            "manage_url": MANAGE_PLACEHOLDER,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
            "language": language,
            **context,
        }
        text = render_to_string(f"subscriptions/email/{template}.txt", context)
        html = render_to_string(f"subscriptions/email/{template}.html", context)
    return body_text(text), body_text(html)


class ReleaseEmailRenderer:
    """Renders release and digest emails for one batch.

    One cache, keyed by (release, language), serves both: which version a reader of that
    language gets, and the release email rendered from it. The agency (sender, subject,
    footer) is looked up once. So a batch's queries grow with its distinct releases, not
    with its subscribers.
    """

    def __init__(self, *, public_only=True):
        self.public_only = public_only
        self._cache = {}
        self._roots = {}
        self.agency = Agency.current()
        self.from_email = sender(self.agency)

    def version(self, root, language):
        """`version_for(root, language)`, once per (release, language)."""
        key = ("version", root.pk, language)
        if key not in self._cache:
            self._cache[key] = version_for(root, language, public_only=self.public_only)
        return self._cache[key]

    def release_template(self, root, language):
        """The release's email for readers of `language` (a `MessageTemplate`), or None
        when no version is public."""
        key = ("release", root.pk, language)
        if key not in self._cache:
            version, other_language = self.version(root, language)
            if version is None:
                self._cache[key] = None
                return None
            text, html = render_pair(
                "release",
                {
                    "release": version,
                    "release_url": absolute_url(version.get_absolute_url()),
                    "other_language": other_language,
                },
                language,
                agency=self.agency,
            )
            self._cache[key] = MessageTemplate(
                subject=version.title, text=text, html=html, from_email=self.from_email
            )
        return self._cache[key]

    def release_message(self, *, root, subscriber, message_id):
        """The message (`Prepared`), or None when no version of the release is public any
        more. An empty `message_id` gets a fresh one (the editor's test email)."""
        template = self.release_template(root, subscriber.language)
        if template is None:
            return None
        return template.stamp(subscriber=subscriber, message_id=message_id)

    def _digest_roots(self, release_ids):
        missing = [pk for pk in release_ids if pk not in self._roots]
        if missing:
            self._roots.update(
                (root.pk, root)
                for root in PressRelease.objects.filter(pk__in=missing).select_related(
                    "translation_of"
                )
            )
            self._roots.update((pk, None) for pk in missing if pk not in self._roots)
        return [self._roots[pk] for pk in dict.fromkeys(release_ids) if self._roots[pk]]

    def digest_message(self, *, digest, subscriber, message_id):
        """The message, or None when none of the digest's releases has a public version."""
        language = subscriber.language
        items = []
        for root in self._digest_roots(digest.release_ids):
            version, other_language = self.version(root, language)
            if version is None:
                continue
            items.append(
                {
                    "release": version,
                    "release_url": absolute_url(version.get_absolute_url()),
                    "other_language": other_language,
                }
            )
        if not items:
            return None
        # In the order the versions the reader gets were published (an original may be a draft).
        items.sort(key=lambda item: _published_order(item["release"]))
        text, html = render_pair(
            "digest", {"items": items, "digest": digest}, language, agency=self.agency
        )
        with translation.override(language):
            subject = _("%(agency)s: %(count)s new from the newsroom") % {
                "agency": self.agency.name,
                "count": len(items),
            }
        template = MessageTemplate(
            subject=subject, text=text, html=html, from_email=self.from_email
        )
        return template.stamp(subscriber=subscriber, message_id=message_id)


def subscriber_message(subscriber, kind):
    """The confirmation email ("confirm") or the manage-link email ("manage")."""
    context = {"subscriber": subscriber}
    if kind == "confirm":
        context["confirm_url"] = subscriber_url(subscriber, "confirm", "confirm")
    text, html = render_pair(kind, context, subscriber.language)
    with translation.override(subscriber.language):
        if kind == "confirm":
            subject = _("Confirm your subscription to %(agency)s") % {
                "agency": Agency.current().name
            }
        else:
            subject = _("Your subscription to %(agency)s") % {"agency": Agency.current().name}
    return build_message(
        subscriber=subscriber, subject=subject, text=text, html=html, message_id=""
    )
