"""Rendering the emails: multipart (plain text and HTML), in the subscriber's language.

Every email carries the manage and unsubscribe links and the RFC 8058 headers. A release
email's body is the same for every subscriber of one language but for their links, so a
batch renders each (release, language) once and puts each subscriber's links in by
replacing placeholders: the templates run once per batch, not once per subscriber.
"""

import functools
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


TOKEN_PLACEHOLDER = "NEWSROOMTOKENPLACEHOLDER"


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
    return formataddr((str(agency.name), settings.DEFAULT_FROM_EMAIL))


def list_headers(unsubscribe):
    token = unsubscribe.rstrip("/").rpartition("/")[2]
    mailto = f"mailto:{settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}"
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "newsroom.invalid"
    return {
        "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<releases.{domain}>",
        "Auto-Submitted": "auto-generated",
    }


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
        subject=subject,
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
    return text, html


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

    def release_parts(self, root, language):
        """(subject, text, html) of a release's email, or None when no version is public."""
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
            self._cache[key] = (version.title, text, html)
        return self._cache[key]

    def release_message(self, *, root, subscriber, message_id):
        """The message, or None when no version of the release is public any more."""
        parts = self.release_parts(root, subscriber.language)
        if parts is None:
            return None
        subject, text, html = parts
        return build_message(
            subscriber=subscriber,
            subject=subject,
            text=text,
            html=html,
            message_id=message_id,
            from_email=self.from_email,
        )

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
        return build_message(
            subscriber=subscriber,
            subject=subject,
            text=text,
            html=html,
            message_id=message_id,
            from_email=self.from_email,
        )


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
