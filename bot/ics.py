"""Calendar files (.ics, RFC 5545) for events, made with the icalendar library."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from bot.knowledge import Event, Source

PRODUCT_ID = "-//biovaliance-bot//EN"


def event_calendar(event: Event, lang: str, *, stamp: dt.datetime, sources: dict[str, Source]) -> bytes:
    """One all-day VEVENT for `event` in `lang`; `stamp` is when the file is made (DTSTAMP, UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"{event.id}@biovaliance-bot")
    item.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    item.add("summary", event.display(lang))
    item.add("dtstart", event.start)
    item.add("dtend", event.end + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    location = ", ".join(part for part in (event.city, event.country.get(lang)) if part)
    if location:
        item.add("location", location)
    cited = "; ".join(sources[s].citation(lang) for s in event.source if s in sources)
    item.add("description", f"{event.text.get(lang)}\n\nSource: {cited}")
    item.add("transp", "TRANSPARENT")
    calendar.add_component(item)
    return calendar.to_ical()


def calendar_file_name(event: Event) -> str:
    return f"{event.id}.ics"
