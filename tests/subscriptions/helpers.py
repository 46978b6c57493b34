"""What several subscriptions tests build: links read from an email, digests."""

import datetime as dt
import re

from django.utils import timezone

from newsroom.subscriptions.models import Digest

LINK = re.compile(r"https?://[^\s<>\"]+/(confirm|manage|unsubscribe)/([^/\s]+)/")


def link_in(message, kind):
    """The path of the first `kind` link in an email's plain text."""
    for match in LINK.finditer(message.body if hasattr(message, "body") else message):
        if match.group(1) == kind:
            return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])
    raise AssertionError(f"no {kind} link in the email")


def make_digest(subscriber, releases, **fields):
    """A daily digest of `releases` for the subscriber, covering the day up to now."""
    fields.setdefault("frequency", "daily")
    fields.setdefault("covers_until", timezone.now())
    fields.setdefault("covers_from", fields["covers_until"] - dt.timedelta(days=1))
    fields.setdefault("period", fields["covers_until"].date())
    return Digest.objects.create(
        subscriber=subscriber, release_ids=[release.pk for release in releases], **fields
    )
