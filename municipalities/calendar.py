"""iCalendar (RFC 5545) of the agency's public visits, in Europe/Stockholm time."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from newsroom.core.text import clean_text, single_line
from newsroom.core.web import absolute_url, uid_domain

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A visit with a start time but no end is shown as lasting this long.
DEFAULT_DURATION = dt.timedelta(hours=2)


def visit_uid(visit):
    """Stable across edits, servers and the host a request came in by: the visit's id and
    the newsroom's UID domain (`CALENDAR_UID_DOMAIN`, by default `SITE_URL`'s host name)."""
    return f"visit-{visit.pk}@{uid_domain()}"


def stockholm_timezone():
    """Europe/Stockholm as mainstream calendars write it: one STANDARD and one DAYLIGHT rule
    (the EU's last Sundays of March and October since 1996), not icalendar's list of
    transition dates, which vobject and ical.js (Thunderbird) misread."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Stockholm")
    zone.add("x-lic-location", "Europe/Stockholm")
    for kind, name, start, month, offset_from, offset_to in (
        (icalendar.TimezoneDaylight, "CEST", dt.datetime(1996, 3, 31, 2), 3, 1, 2),
        (icalendar.TimezoneStandard, "CET", dt.datetime(1996, 10, 27, 3), 10, 2, 1),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("tzoffsetfrom", dt.timedelta(hours=offset_from))
        part.add("tzoffsetto", dt.timedelta(hours=offset_to))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


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
    events = [visit_event(visit) for visit in visits]
    if any(isinstance(event.decoded("dtstart"), dt.datetime) for event in events):
        calendar.add_component(stockholm_timezone())
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
