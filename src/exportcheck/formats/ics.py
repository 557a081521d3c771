"""Render dated duties as an RFC 5545 calendar (`exportcheck due --format ics`), written by the maintained
`icalendar` library so escaping, line folding and required properties are right.

Each deadline is one all-day event whose UID is derived from (deal file, duty): importing a later run updates
the event instead of adding a second one. DTSTAMP is the reference date, not the clock, so the same
`--as-of` gives byte-identical output."""

from __future__ import annotations

import datetime as dt
import hashlib

from .. import __version__
from .due import STATE_TEXT, DueItem, inert

PRODID = f"-//exportcheck//exportcheck {__version__}//EN"
UID_DOMAIN = "exportcheck.invalid"


def uid(file: str, duty: str) -> str:
    """Stable per (deal file, duty); the same deal and duty always give the same UID."""
    digest = hashlib.sha256(f"{file}\x1f{duty}".encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def render_ics(items: list[DueItem], day: dt.date) -> str:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "exportcheck deadlines")
    stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    for it in items:
        d = it.deadline
        event = Event()
        event.add("uid", uid(it.file, d.duty))
        event.add("dtstamp", stamp)
        event.add("dtstart", d.date)
        event.add("dtend", d.date + dt.timedelta(days=1))
        event.add("summary", inert(f"{d.title.en} — {it.deal_title}"))
        lines = [
            f"{STATE_TEXT[d.state]} as of {day.isoformat()}. {d.title.zh}",
            d.basis.en,
            d.basis.zh,
            f"Deal file: {it.file}",
            "exportcheck is a screening aid, not legal advice.",
        ]
        event.add("description", "\n".join(inert(line) for line in lines))
        event.add("categories", ["exportcheck", d.kind.value])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
