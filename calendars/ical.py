"""Calendar events and their iCalendar (RFC 5545) text, as Outlook and Google Calendar read it.

A date is an all-day event: DTSTART;VALUE=DATE with DTEND the next day (DTEND is exclusive).
A meeting with a start time is a timed event in Asia/Tokyo, with the VTIMEZONE that Outlook
needs beside the TZID. Each event's UID names its object (`milestone-12@kyotsuka`), so a
client that refreshes the feed replaces the event instead of adding a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

TOKYO = ZoneInfo("Asia/Tokyo")
UID_DOMAIN = "kyotsuka"
PRODID = "-//kyotsuka//common-platform tracker//JA"


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{UID_DOMAIN}"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None
    description: str
    url: str
    location: str = ""


def all_day(*, uid: str, summary: str, day: dt.date, description: str, url: str) -> CalendarEvent:
    return CalendarEvent(uid, summary, day, day + dt.timedelta(days=1), description, url)


def at_times(
    day: dt.date, start: dt.time, end: dt.time | None
) -> tuple[dt.datetime, dt.datetime | None]:
    """A day's start (and end) time as Asia/Tokyo datetimes."""
    return (
        dt.datetime.combine(day, start, tzinfo=TOKYO),
        dt.datetime.combine(day, end, tzinfo=TOKYO) if end else None,
    )


def ics_bytes(*, name: str, events: Iterable[CalendarEvent], stamp: dt.datetime) -> bytes:
    """The calendar `name` holding the events, as UTF-8 iCalendar text."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        if item.end is not None:
            event.add("dtend", item.end)
        event.add("description", item.description)
        event.add("url", item.url)
        if item.location:
            event.add("location", item.location)
        event.add("transp", "TRANSPARENT" if not isinstance(item.start, dt.datetime) else "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
