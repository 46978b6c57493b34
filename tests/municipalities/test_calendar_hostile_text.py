"""A visit's calendar answers whatever its title and texts hold."""

import icalendar
import pytest
import vobject

from municipalities.models import AgencyVisit


@pytest.mark.parametrize(
    "title", ["Besök\ni Borlänge", "Besök\r\nDTSTART:20300101", "Besök\x0bi\x01B"]
)
def test_a_line_break_in_a_visit_title_gives_a_calendar(client, agency, make_visit, title):
    visit = make_visit(title="Besök", purpose="Syfte")
    AgencyVisit.objects.filter(pk=visit.pk).update(title=title, purpose="Rad ett\x0b\nrad två")
    for path in (f"/sv/visits/{visit.slug}.ics", "/sv/visits/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 200
        (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        summary = str(event["summary"])
        assert summary.startswith("Besök") and "\n" not in summary and "\r" not in summary
        assert str(event["description"]) == "Rad ett\nrad två"
        assert len(event.walk()) == 1 and event.get("dtstart").dt.year == 2018
        parsed = vobject.readOne(response.content.decode())
        (vevent,) = parsed.vevent_list
        assert vevent.summary.value == summary
        assert vevent.dtstart.value.year == 2018
