"""Signed links for subscribers: no account, no password, just a link that cannot be forged.

A token carries the subscriber's id and their `key`; erasing a subscriber rotates the key,
so every link sent before stops working. Confirmation links expire soon, manage links late,
unsubscribe links never (a List-Unsubscribe URL must keep working in old email).
"""

import datetime as dt

from django.conf import settings
from django.core import signing

from .models import Subscriber

SALTS = {
    "confirm": "newsroom.subscriptions.confirm",
    "manage": "newsroom.subscriptions.manage",
    "unsubscribe": "newsroom.subscriptions.unsubscribe",
}


class InvalidLink(Exception):
    """The link was tampered with, has expired, or its subscriber is gone."""

    def __init__(self, *, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def max_age(purpose):
    if purpose == "confirm":
        return dt.timedelta(days=settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE_DAYS)
    if purpose == "manage":
        return dt.timedelta(days=settings.SUBSCRIPTIONS_MANAGE_MAX_AGE_DAYS)
    return None


def make_token(subscriber, purpose):
    return signing.dumps([subscriber.pk or 0, subscriber.key.hex[:12]], salt=SALTS[purpose])


def read_token(token, purpose):
    """The subscriber a token names, or InvalidLink."""
    try:
        pk, key = signing.loads(token, salt=SALTS[purpose], max_age=max_age(purpose))
    except signing.SignatureExpired as error:
        raise InvalidLink(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidLink() from error
    subscriber = Subscriber.objects.filter(pk=pk, email__isnull=False).first()
    if subscriber is None or subscriber.key.hex[:12] != key:
        raise InvalidLink()
    return subscriber
