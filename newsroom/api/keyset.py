"""Cursor pagination by key: a page is "the next N rows after this one" in a total order.

The cursor is the last row's values of the ordering's fields, opaque to clients (base64 of a
small JSON list with the ordering's name), so a page costs the same wherever it lies and rows
added meanwhile before the cursor (new releases, newest first) never shift later pages: no
row is skipped or repeated.
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime


class BadCursor(ValueError):
    """The cursor cannot be read, or belongs to another ordering."""


@dataclass(frozen=True)
class Ordering:
    """A total order: `fields` as in `order_by()` ("-published_at"), the last one unique."""

    name: str
    fields: tuple

    def order_by(self):
        return list(self.fields)

    @property
    def names(self):
        return [field.lstrip("-") for field in self.fields]

    def cursor(self, row):
        values = [_dump(_attr(row, name)) for name in self.names]
        raw = json.dumps([self.name, *values], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def after(self, cursor, field_types):
        """The condition "after the row of `cursor`" in this order."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, *values = json.loads(raw)
        except (ValueError, TypeError) as error:
            raise BadCursor(str(error)) from None
        if name != self.name or len(values) != len(self.fields):
            raise BadCursor("The cursor belongs to another list or ordering.")
        values = [_load(value, field_types[n]) for n, value in zip(self.names, values, strict=True)]
        condition = Q()
        for i, field in enumerate(self.fields):
            lookup = "lt" if field.startswith("-") else "gt"
            equal = {self.names[j]: values[j] for j in range(i)}
            condition |= Q(**equal, **{f"{self.names[i]}__{lookup}": values[i]})
        return condition


def _attr(row, dotted):
    for part in dotted.split("__"):
        row = getattr(row, part)
    return row


def _dump(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _load(value, kind):
    try:
        return _parse(value, kind)
    except (ValueError, OverflowError) as error:
        raise BadCursor(str(error)) from None


def _parse(value, kind):
    if kind is dt.datetime:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    elif kind is dt.date:
        parsed = parse_date(value) if isinstance(value, str) else None
    elif kind is int:
        parsed = value if isinstance(value, int) and not isinstance(value, bool) else None
    else:
        parsed = value if isinstance(value, str) else None
    if parsed is None:
        raise BadCursor("The cursor holds a value of the wrong kind.")
    return parsed


def page(queryset, ordering, *, cursor, limit, field_types):
    """(rows, next cursor or None): at most `limit` rows after `cursor`, in one query."""
    if cursor:
        queryset = queryset.filter(ordering.after(cursor, field_types))
    rows = list(queryset.order_by(*ordering.order_by())[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (ordering.cursor(rows[-1]) if more and rows else None)
