"""Control characters: refused on the way in, removed on the way out.

A control character in a title breaks XML feeds (XML 1.0 forbids most of them), vCards and
iCalendar files (a bare CR starts a new property) and email headers (Python splits header
lines on U+000B, U+000C, U+001C–U+001E, U+0085, U+2028 and U+2029 too). Single-line fields
(titles, names, roles, tags…) accept none of them; multi-line fields (leads, bodies,
descriptions) accept tab, line feed and carriage return only. Output code uses `single_line`
and `clean_text` so that rows saved before these rules, or by a path that skips validation,
still render.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Cc (C0, DEL and C1) plus the Unicode line and paragraph separators.
_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What a multi-line text may not hold: the same less tab, line feed and carriage return.
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def validate_single_line(value):
    if isinstance(value, str) and _SINGLE_LINE_FORBIDDEN.search(value):
        raise ValidationError(
            _("Line breaks and other control characters are not allowed here."),
            code="control_characters",
        )


def validate_text(value):
    if isinstance(value, str) and _TEXT_FORBIDDEN.search(value):
        raise ValidationError(
            _("Control characters (other than line breaks and tabs) are not allowed here."),
            code="control_characters",
        )


def single_line(value):
    """`value` on one line: line breaks and tabs become spaces, other control characters go."""
    if not value:
        return value or ""
    value = _LINE_BREAKS.sub(" ", str(value))
    return _SINGLE_LINE_FORBIDDEN.sub("", value)


def clean_text(value):
    """`value` without the control characters that a multi-line text may not hold."""
    if not value:
        return value or ""
    return _TEXT_FORBIDDEN.sub("", str(value))


class ControlCharactersMixin:
    """Model validation that refuses control characters in every text field.

    `CharField`s are single-line (`validate_single_line`), `TextField`s multi-line
    (`validate_text`). Running from `clean_fields()`, it covers the admin's forms, every
    service that calls `full_clean()`, and fields added later, without a migration.
    """

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if exclude and field.name in exclude or field.name in errors:
                continue
            if isinstance(field, models.TextField):
                validator = validate_text
            elif isinstance(field, models.CharField) and not field.choices:
                validator = validate_single_line
            else:
                continue
            try:
                validator(getattr(self, field.attname))
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


def parse_tags(tagstring):
    """taggit's parser (`TAGGIT_TAGS_FROM_STRING`) for the tag fields of every form: a line
    break or another control character separates tags as a space does."""
    from taggit.utils import _parse_tags

    return _parse_tags(single_line(tagstring))


def tag_name_on_one_line(sender, instance, **kwargs):
    """A tag added by code rather than a form (`release.tags.add(…)`) is stored on one line."""
    instance.name = single_line(instance.name).strip()
