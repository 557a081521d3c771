"""Render dated duties (`exportcheck due`) as text or JSON, and word one deadline for the gate's formats.
Each returns a string; nothing prints. Deal text (titles, licence numbers) is shown inert: control and
bidirectional-override characters become visible `\\xNN` escapes, never terminal sequences."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .. import __version__
from ..models.procedure import DeadlineKind, DeadlineState, DealDeadline

STATE_TEXT = {
    DeadlineState.OVERDUE: "OVERDUE",
    DeadlineState.DUE_SOON: "due soon",
    DeadlineState.UPCOMING: "upcoming",
}
# C0/C1 controls, DEL, zero-width and bidirectional formatting characters
_INERT = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def inert(text: str) -> str:
    """User text made safe for a terminal or a one-line annotation."""
    return _INERT.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


@dataclass(frozen=True)
class DueItem:
    """One dated duty of one deal file, as `exportcheck due` lists it."""

    file: str
    deal_title: str
    deadline: DealDeadline


def when(d: DealDeadline) -> str:
    """'last day was 2026-11-30', 'expires on 2027-01-10', ..."""
    day = d.date.isoformat()
    if d.kind is DeadlineKind.REGISTRATION:
        return f"the last day was {day}" if d.state is DeadlineState.OVERDUE else f"the last day is {day}"
    return f"expired on {day}" if d.state is DeadlineState.OVERDUE else f"expires on {day}"


def message(d: DealDeadline) -> str:
    """One line for an annotation: what, its state and date, and where the date comes from."""
    return inert(f"{d.title.en}: {STATE_TEXT[d.state]} — {when(d)} ({d.basis.en})")


def render_text(items: list[DueItem], day: str) -> str:
    """A plain table, sorted by date; no colour, so it can be diffed and mailed."""
    if not items:
        return f"no deadlines (as of {day})\n"
    out = [f"deadlines as of {day}", ""]
    for it in items:
        d = it.deadline
        days = f"{-d.days_left} days ago" if d.days_left < 0 else f"in {d.days_left} days"
        out.append(f"{d.date.isoformat()}  {STATE_TEXT[d.state]:<8}  {days:<14}  {inert(it.file)}")
        out.append(f"    {inert(it.deal_title)}: {inert(d.title.en)}")
        out.append(f"    {inert(d.basis.en)}")
    counts = {s: sum(it.deadline.state is s for it in items) for s in DeadlineState}
    out += ["", ", ".join(f"{STATE_TEXT[s]}: {counts[s]}" for s in DeadlineState)]
    return "\n".join(out) + "\n"


def render_json(items: list[DueItem], day: str) -> str:
    """Deterministic JSON: sorted keys, the reference date, one object per deadline."""
    data = {
        "format_version": 1,
        "tool_version": __version__,
        "reference_date": day,
        "deadlines": [
            {"file": it.file, "deal_title": it.deal_title, **it.deadline.model_dump(mode="json")}
            for it in items
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
