"""`manage.py seed_bench --releases N --subscribers M`: a database full of benchmark content.

Bulk inserts (no `save()` per row), so 100,000 releases take minutes on SQLite and
PostgreSQL. The content looks like a real archive: releases in both languages spread over
the years, with tags (a few common, many rare), municipalities, press contacts and quotes;
subscribers with their topics. No images (the benchmark measures pages, not files).

It fills every app's tables, so it lives at the project level (newsroom.site), which may
import every app.
It refuses a database that holds anything else than benchmark content: the agency it
creates carries a marker, and without that agency the database must hold no release, no
subscriber and no contact. On a benchmark database it replaces the earlier content.
"""

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from municipalities.models import County, Municipality
from newsroom.contacts.models import PressContact
from newsroom.core.models import Agency
from newsroom.releases.models import (
    PressRelease,
    Quote,
    ReleaseContact,
    TaggedRelease,
)
from newsroom.subscriptions.models import Subscriber

# The benchmark agency's short name: how a benchmark database is recognised.
MARKER = "seed_bench"
BENCH_DOMAIN = "bench.example"
BATCH = 2000

TOPICS = [
    "segregation", "bostäder", "skola", "arbetsmarknad", "integration", "statistik",
    "bidrag", "kommuner", "forskning", "civilsamhälle", "trygghet", "fritid", "hälsa",
    "utbildning", "näringsliv", "kultur", "idrott", "barn och unga", "äldre", "digitalisering",
    "miljö", "transporter", "demokrati", "jämställdhet", "språk", "nyanlända", "föreningar",
    "stadsplanering", "landsbygd", "uppföljning", "rapport", "konferens", "webbinarium",
    "samverkan", "regeringsuppdrag", "budget", "lägesbild", "kartläggning", "metodstöd",
    "utvärdering",
]  # fmt: skip
WORDS = (
    "myndigheten kommunen segregation bostadsområden skolresultat arbetsmarknaden insatser "
    "stöd samverkan uppföljning rapporten visar att fler invånare har fått arbete och "
    "utbildning under året där det lokala arbetet har stärkts genom långsiktiga satsningar "
    "på barn och unga föreningsliv trygghet och bostäder i hela landet"
).split()
KINDS = (
    [PressRelease.Kind.PRESS_RELEASE] * 6
    + [PressRelease.Kind.NEWS] * 3
    + [PressRelease.Kind.STATEMENT]
)


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def is_benchmark_database():
    """Whether the database holds only benchmark content (or nothing at all yet)."""
    agency = Agency.objects.first()
    if agency is not None:
        return agency.short_name == MARKER
    return not (
        PressRelease.objects.exists()
        or Subscriber.objects.exists()
        or PressContact.objects.exists()
    )


class Command(BaseCommand):
    help = "Fill an empty (or benchmark) database with N releases and M subscribers, in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=1000)
        parser.add_argument("--subscribers", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=8)

    def handle(self, *args, releases, subscribers, seed, **options):
        if releases < 1 or subscribers < 0:
            raise CommandError("--releases must be at least 1 and --subscribers at least 0.")
        if not is_benchmark_database():
            raise CommandError(
                "This database holds content that seed_bench did not make: refusing to touch "
                "it. Point DATABASE_URL at an empty database."
            )
        started = time.monotonic()
        rng = random.Random(seed)
        if not County.objects.exists():
            call_command("loaddata", "fixtures/municipalities.json", verbosity=0)
        with transaction.atomic():
            self._clear()
            agency = Agency.objects.create(
                name="Benchmarkmyndigheten",
                short_name=MARKER,
                boilerplate="Om myndigheten: " + sentence(rng, 30),
                boilerplate_en="About the agency: " + sentence(rng, 30),
                email=f"press@{BENCH_DOMAIN}",
            )
            contacts = PressContact.objects.bulk_create(
                PressContact(
                    name=f"Presskontakt {n}",
                    role="Presssekreterare",
                    email=f"kontakt{n}@{BENCH_DOMAIN}",
                    phone="08-000 00 00",
                    is_public=n != 7,
                    order=n,
                )
                for n in range(1, 11)
            )
            agency.default_contacts.set(contacts[:2])
            tags = Tag.objects.bulk_create(
                Tag(name=name, slug=f"bench-{n}") for n, name in enumerate(TOPICS)
            )
            tags = list(Tag.objects.filter(slug__startswith="bench-").order_by("pk"))
            self._releases(rng, releases, tags, contacts)
            self._subscribers(rng, subscribers, tags)
        # Bulk inserts send no signals: no page stored before may be served.
        cache.clear()
        self.stdout.write(
            f"Seeded {releases} releases and {subscribers} subscribers "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _clear(self):
        Subscriber.objects.all().delete()
        PressRelease.objects.all().delete()
        PressContact.objects.all().delete()
        Tag.objects.filter(slug__startswith="bench-").delete()
        Agency.objects.all().delete()
        get_user_model().objects.filter(username="bench-admin").delete()

    def _releases(self, rng, count, tags, contacts):
        now = timezone.now()
        municipality_ids = list(Municipality.objects.values_list("pk", flat=True))
        # Tag popularity follows a long tail: a few tags on many releases.
        tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
        # One release every few hours back from now, so the archive spans years.
        span = dt.timedelta(days=max(365, count // 8))
        step = span / count
        Through = PressRelease.municipalities.through
        for start in range(0, count, BATCH):
            batch = []
            for n in range(start, min(count, start + BATCH)):
                language = "en" if n % 5 == 0 else "sv"
                published = now - step * (n + 1)
                status = PressRelease.Status.PUBLISHED
                if n % 97 == 3:
                    status = PressRelease.Status.DRAFT
                elif n % 211 == 5:
                    status = PressRelease.Status.WITHDRAWN
                title = f"{sentence(rng, 7)[:-1]} {n}"
                body = "".join(f"<p>{sentence(rng, rng.randint(25, 60))}</p>" for _ in range(5))
                batch.append(
                    PressRelease(
                        kind=rng.choice(KINDS),
                        language=language,
                        title=title,
                        slug=f"bench-{n}",
                        lead=sentence(rng, 25),
                        body=body,
                        status=status,
                        published_at=None if status == PressRelease.Status.DRAFT else published,
                        withdrawn_at=now if status == PressRelease.Status.WITHDRAWN else None,
                        withdrawn_reason="Felaktiga uppgifter."
                        if status == PressRelease.Status.WITHDRAWN
                        else "",
                    )
                )
            # A scheduled one in the future, as a real newsroom has.
            if start == 0:
                batch[0].status = PressRelease.Status.SCHEDULED
                batch[0].publish_at = batch[0].published_at = now + dt.timedelta(days=2)
            created = PressRelease.objects.bulk_create(batch)
            if created[0].pk is None:
                slugs = [r.slug for r in batch]
                by_slug = dict(
                    PressRelease.objects.filter(slug__in=slugs).values_list("slug", "pk")
                )
                for release in batch:
                    release.pk = by_slug[release.slug]
            tagged, places, people, quotes = [], [], [], []
            for release in batch:
                for tag in set(rng.choices(tags, weights=tag_weights, k=rng.randint(1, 4))):
                    tagged.append(TaggedRelease(tag_id=tag.pk, content_object_id=release.pk))
                for pk in set(rng.sample(municipality_ids, rng.randint(0, 3))):
                    places.append(Through(pressrelease_id=release.pk, municipality_id=pk))
                for order, contact in enumerate(rng.sample(contacts, 2)):
                    people.append(
                        ReleaseContact(release_id=release.pk, contact_id=contact.pk, order=order)
                    )
                quotes.append(
                    Quote(
                        release_id=release.pk,
                        text=sentence(rng, 20),
                        speaker="Anna Andersson",
                        role="Generaldirektör",
                    )
                )
            TaggedRelease.objects.bulk_create(tagged)
            Through.objects.bulk_create(places)
            ReleaseContact.objects.bulk_create(people)
            Quote.objects.bulk_create(quotes)
            self.stdout.write(f"  {min(count, start + BATCH)} releases", ending="\r")
            self.stdout.flush()
        self.stdout.write("")

    def _subscribers(self, rng, count, tags):
        now = timezone.now()
        Through = Subscriber.tags.through
        for start in range(0, count, BATCH):
            batch = [
                Subscriber(
                    email=f"prenumerant{n}@{BENCH_DOMAIN}",
                    status=Subscriber.Status.ACTIVE if n % 10 else Subscriber.Status.PENDING,
                    language="en" if n % 4 == 0 else "sv",
                    frequency=Subscriber.Frequency.IMMEDIATE,
                    all_topics=n % 3 != 0,
                    consent_text="Jag vill få pressmeddelanden.",
                    consent_version="bench",
                    consented_at=now,
                    confirmed_at=now if n % 10 else None,
                )
                for n in range(start, min(count, start + BATCH))
            ]
            created = Subscriber.objects.bulk_create(batch)
            if created and created[0].pk is None:
                emails = [s.email for s in batch]
                by_email = dict(
                    Subscriber.objects.filter(email__in=emails).values_list("email", "pk")
                )
                for subscriber in batch:
                    subscriber.pk = by_email[subscriber.email]
            Through.objects.bulk_create(
                Through(subscriber_id=s.pk, tag_id=rng.choice(tags).pk)
                for s in batch
                if not s.all_topics
            )
