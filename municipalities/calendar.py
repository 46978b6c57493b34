"""iCalendar (RFC 5545) of the agency's public visits, in Europe/Stockholm time."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from newsroom.core.text import clean_text, single_line
from newsroom.core.web import absolute_url, site_host

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A visit with a start time but no end is shown as lasting this long.
DEFAULT_DURATION = dt.timedelta(hours=2)


def visit_uid(visit):
    """Stable across edits and servers: the visit's id and the newsroom's host."""
    return f"visit-{visit.pk}@{site_host()}"


def visit_event(visit):
    event = icalendar.Event()
    event.add("uid", visit_uid(visit))
    event.add("summary", single_line(visit.title))
    if visit.time:
        start = dt.datetime.combine(visit.date, visit.time, tzinfo=STOCKHOLM)
        event.add("dtstart", start)
        event.add("dtend", start + DEFAULT_DURATION)
    else:
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + dt.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    place = f"{visit.municipality.name}, {visit.municipality.county.name}"
    event.add("location", single_line(place))
    # icalendar escapes line breaks in text values; other control characters are dropped.
    description = "\n\n".join(clean_text(part) for part in (visit.purpose, visit.meets) if part)
    if description:
        event.add("description", description)
    event.add("url", absolute_url(visit.get_absolute_url()))
    event.add("status", "CANCELLED" if visit.status == visit.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_for(visits, name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Newsroom//Agency visits//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", single_line(name))
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for visit in visits:
        calendar.add_component(visit_event(visit))
    calendar.add_missing_timezones()
    return calendar.to_ical()
