"""Search of public releases: full text on PostgreSQL, a simpler fallback elsewhere.

One interface whatever the database:

    releases = search_releases(PressRelease.objects.public(), "kommun")  # ranked queryset
    add_snippets(page_of_releases, "kommun")  # sets `release.snippet`, safe HTML with <mark>

On PostgreSQL each release is matched with the text-search configuration of its own language
(`swedish` or `english`), weighted title (A) > lead (B) > body (C), through the expression
that the GIN index of migration `0004_search_index` is built on, so the index serves the
query. Elsewhere (SQLite) every word must occur in the title, lead or body, ranked by where.
"""

import html
import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

# The text-search configuration for each release language; anything else is Swedish.
CONFIGS = {"sv": "swedish", "en": "english"}
_TABLE = '"releases_pressrelease"'
# Constant regconfig casts keep the expression immutable, as an index needs.
_CONFIG_SQL = (
    f"CASE WHEN {_TABLE}.\"language\" = 'en' "
    "THEN 'english'::regconfig ELSE 'swedish'::regconfig END"
)
# The same expression is indexed (see migrations/0004_search_index.py): keep them identical.
VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector({_CONFIG_SQL}, coalesce({_TABLE}.\"{column}\", '')), '{weight}')"
    for column, weight in (("title", "A"), ("lead", "B"), ("body", "C"))
)
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS pressrelease_search_gin ON releases_pressrelease "
    f"USING gin (({VECTOR_SQL.replace(_TABLE + '.', '')}))"
)

# Markers that no text contains, turned into <mark> after escaping (so the snippet is safe).
_START, _STOP = "\u27e6", "\u27e7"
MAX_WORDS = 10


def _uses_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


def search_releases(queryset, query):
    """The releases of `queryset` that match `query`, best first, annotated `search_rank`."""
    query = (query or "").strip()
    if not query:
        return queryset
    if _uses_postgres(queryset):
        return _postgres_search(queryset, query)
    return _fallback_search(queryset, query)


def add_snippets(releases, query):
    """Give each release a `snippet`: a short extract with the query's words marked."""
    releases = list(releases)
    for release in releases:
        headline = getattr(release, "search_headline", None)
        if headline is not None:
            release.snippet = _marked(html.unescape(headline))
        else:
            release.snippet = _fallback_snippet(release, query)
    return releases


# PostgreSQL ------------------------------------------------------------------------------


def _queries(query):
    return {
        language: SearchQuery(query, config=config, search_type="websearch")
        for language, config in CONFIGS.items()
    }


def _by_language(expressions, output_field):
    """One expression per release language, chosen by the row's language."""
    return Case(
        When(language="en", then=expressions["en"]),
        default=expressions["sv"],
        output_field=output_field,
    )


def _postgres_search(queryset, query):
    queries = _queries(query)
    vector = RawSQL(VECTOR_SQL, [], output_field=SearchVectorField())
    plain_body = Func(
        F("body"),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    # Many bodies open with the lead: then the body alone, so the snippet does not repeat it.
    text = Case(
        When(~Q(lead="") & Q(body__contains=F("lead")), then=plain_body),
        default=Concat(
            F("lead"),
            Value(" \u2026 ", output_field=TextField()),
            plain_body,
            output_field=TextField(),
        ),
        output_field=TextField(),
    )
    headline_options = {
        "start_sel": _START,
        "stop_sel": _STOP,
        "max_words": 35,
        "min_words": 15,
        "max_fragments": 2,
        "fragment_delimiter": " \u2026 ",
    }
    return (
        queryset.annotate(search_vector=vector)
        .filter(
            Q(language="en", search_vector=queries["en"])
            | (~Q(language="en") & Q(search_vector=queries["sv"]))
        )
        .annotate(
            search_rank=_by_language(
                {lang: SearchRank(F("search_vector"), q) for lang, q in queries.items()},
                FloatField(),
            ),
            search_headline=_by_language(
                {
                    lang: SearchHeadline(text, q, config=CONFIGS[lang], **headline_options)
                    for lang, q in queries.items()
                },
                TextField(),
            ),
        )
        .order_by("-search_rank", "-published_at", "id")
    )


# Fallback (SQLite) -----------------------------------------------------------------------


def _words(query):
    return [word for word in re.split(r"\W+", query.lower()) if word][:MAX_WORDS]


def _contains(field, word):
    """Case-insensitive containment. SQLite's LIKE folds ASCII only, so “örebro” would miss
    “Örebro”: the capitalised and upper-case spellings are tried too."""
    condition = Q()
    for variant in {word, word.capitalize(), word.upper()}:
        condition |= Q(**{f"{field}__icontains": variant})
    return condition


def _fallback_search(queryset, query):
    words = _words(query)
    if not words:
        return queryset.none()
    rank = Value(0.0)
    for word in words:
        in_title, in_lead, in_body = (_contains(field, word) for field in ("title", "lead", "body"))
        queryset = queryset.filter(in_title | in_lead | in_body)
        for condition, weight in ((in_title, 1.0), (in_lead, 0.4), (in_body, 0.2)):
            rank = rank + Case(
                When(condition, then=Value(weight)),
                default=Value(0.0),
                output_field=FloatField(),
            )
    # Ties (a release and its translation, published together) in a stable order: the
    # original, made first, before its translation.
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-published_at", "id")


def _fallback_snippet(release, query, width=30):
    words = _words(query)
    body = html.unescape(strip_tags(re.sub(r"<[^>]+>", " ", release.body or "")))
    body = " ".join(body.split())
    # Many bodies open with the lead: do not show it twice.
    lead = release.lead or ""
    text = body if lead and lead.strip() in body else " ".join(filter(None, [lead, body]))
    tokens = text.split()
    if not tokens:
        return ""
    first = next((i for i, token in enumerate(tokens) if any(w in token.lower() for w in words)), 0)
    start = max(0, first - width // 3)
    extract = " ".join(tokens[start : start + width])
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        extract = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", extract)
    prefix = "\u2026 " if start else ""
    suffix = " \u2026" if start + width < len(tokens) else ""
    return _marked(prefix + extract + suffix)


def _marked(text):
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308 - escaped above, only our own <mark> added
