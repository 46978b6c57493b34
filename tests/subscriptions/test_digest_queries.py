"""Sending digests costs a fixed number of queries per batch, plus two per digest.

The per-digest two are the crash-safety of sending, the same as for a release email: the
subscriber is checked again just before the hand-over to SMTP (`_still_active`), and the
row is marked sent right after (`_mark_sent`). Releases, their versions, the agency and
the rendering are looked up once per batch, whatever the number of digests.
"""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.subscriptions import services
from newsroom.subscriptions.models import Digest

pytestmark = pytest.mark.django_db

PER_DIGEST = 2  # _still_active and _mark_sent


@pytest.fixture
def releases(make_release, agency):
    original = make_release(title="Besök", language="sv")
    translated = make_release(
        title="Visit", language="en", translation_of=original, slug="visit-queries"
    )
    only_swedish = make_release(title="Bara svenska", language="sv")
    return [original, translated, only_swedish]


def _digests(make_subscriber, releases, count):
    now = timezone.now()
    ids = []
    for n in range(count):
        subscriber = make_subscriber(frequency="daily", language="en" if n % 2 else "sv")
        ids.append(
            Digest.objects.create(
                subscriber=subscriber,
                frequency="daily",
                period=now.date(),
                covers_from=now - dt.timedelta(days=1),
                covers_until=now,
                release_ids=[releases[0].pk, releases[2].pk],
            ).pk
        )
    return ids


def _queries_to_send(ids):
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as queries:
        counts = services.emails_send_batch(model=Digest, ids=ids)
    assert counts["sent"] == len(ids) and len(mail.outbox) == len(ids)
    return len(queries)


def test_digest_queries_do_not_grow_with_the_digests(make_subscriber, releases, settings):
    settings.SUBSCRIPTIONS_CLAIM_CHUNK = 100  # one claim for the whole batch, 5 or 20
    five = _queries_to_send(_digests(make_subscriber, releases, 5))
    twenty = _queries_to_send(_digests(make_subscriber, releases, 20))
    assert twenty - five == 15 * PER_DIGEST, (five, twenty)
    by_language = {m.to[0]: m.body for m in mail.outbox}
    assert any("Visit" in body and "Bara svenska" in body for body in by_language.values())
    assert any("Besök" in body and "Bara svenska" in body for body in by_language.values())
