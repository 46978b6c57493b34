"""Every .ics the newsroom serves reads the same in two independent parsers (icalendar and
vobject, whose reading of a zone matches ical.js, Thunderbird's): the same UTC instant for a
summer and a winter visit."""

import datetime as dt

import icalendar
import pytest
import vobject

UTC = dt.UTC
SUMMER = (dt.date(2019, 5, 14), dt.time(10, 0), dt.datetime(2019, 5, 14, 8, 0, tzinfo=UTC))
WINTER = (dt.date(2019, 1, 15), dt.time(10, 0), dt.datetime(2019, 1, 15, 9, 0, tzinfo=UTC))


def _starts_by_icalendar(body):
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(event["uid"]): event.decoded("dtstart").astimezone(UTC)
        for event in calendar.walk("VEVENT")
    }


def _starts_by_vobject(body):
    calendar = vobject.readOne(body.decode())
    return {
        event.uid.value: event.dtstart.value.astimezone(UTC)
        for event in calendar.contents.get("vevent", [])
    }


@pytest.fixture
def timed_visits(make_visit):
    return [
        make_visit(title=f"Besök {name}", date=date, time=time)
        for name, (date, time, _utc) in (("sommar", SUMMER), ("vinter", WINTER))
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_calendar_gives_the_same_utc_instant_in_icalendar_and_vobject(
    client, agency, timed_visits, language
):
    summer, winter = timed_visits
    expected = {
        f"visit-{summer.pk}@testserver": SUMMER[2],
        f"visit-{winter.pk}@testserver": WINTER[2],
    }
    paths = [f"/{language}/visits/calendar.ics"]
    paths += [f"/{language}/visits/{visit.slug}.ics" for visit in timed_visits]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        by_icalendar = _starts_by_icalendar(response.content)
        by_vobject = _starts_by_vobject(response.content)
        assert by_icalendar == by_vobject, path
        assert by_icalendar == {uid: expected[uid] for uid in by_icalendar}, path
        assert by_icalendar, path


def test_the_time_zone_is_written_as_yearly_rules(client, agency, timed_visits):
    body = client.get("/sv/visits/calendar.ics").content
    (zone,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    rules = {
        part.name: (set(part["rrule"].to_ical().decode().split(";")), "RDATE" in part)
        for part in zone.subcomponents
    }
    assert rules == {
        "DAYLIGHT": ({"FREQ=YEARLY", "BYMONTH=3", "BYDAY=-1SU"}, False),
        "STANDARD": ({"FREQ=YEARLY", "BYMONTH=10", "BYDAY=-1SU"}, False),
    }


def test_uids_keep_their_domain_whatever_host_serves_them(client, agency, make_visit, settings):
    visit = make_visit(date=SUMMER[0], time=SUMMER[1])
    settings.CALENDAR_UID_DOMAIN = "press.example.se"
    body = client.get("/sv/visits/calendar.ics", HTTP_HOST="localhost").content
    assert set(_starts_by_icalendar(body)) == {f"visit-{visit.pk}@press.example.se"}


def test_an_all_day_calendar_needs_no_time_zone(client, agency, make_visit):
    make_visit(date=dt.date(2019, 5, 14))
    calendar = icalendar.Calendar.from_ical(client.get("/sv/visits/calendar.ics").content)
    assert calendar.walk("VTIMEZONE") == []
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2019, 5, 14)
