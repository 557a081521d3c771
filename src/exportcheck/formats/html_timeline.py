"""The procedure as a picture: an inline-SVG timeline for the HTML report, one row per checklist track.

Built only from the checklist (its steps, their statuses, the deadlines the procedure data gives and the
dates the checklist computed) and the deal's own records (application, letter of intent, signing, licence
and registration dates). Nothing is estimated: a step without a recorded or computed date shows its time
limit as the procedure data states it, never a guessed calendar day (working days depend on holidays).
The short labels are exportcheck's navigation words, not legal text; the checklist below the timeline
carries each step's full wording and legal basis.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from ..escape import html as esc
from ..models.deal import Deal
from ..models.procedure import Checklist, ChecklistItem, DeadlineUnit, ItemStatus, Track

# step id -> short label (en, zh); only these steps are drawn, in the checklist's order
MILESTONES: dict[str, tuple[str, str]] = {
    "remediation.stop_performance": ("Stop performance", "停止履行"),
    "remediation.document_facts": ("Document the facts", "固定相关事实"),
    "remediation.consult_authority": ("Consult the authority", "咨询主管部门"),
    "prohibited.do_not_export": ("Do not export", "不得出口"),
    "dual_use.apply": ("Dual-use licence application", "申请两用物项出口许可"),
    "dual_use.decision": ("MOFCOM decision", "商务部许可决定"),
    "restricted.application": ("Application", "报送申请书"),
    "restricted.review": ("Trade & technical review", "贸易审查和技术审查"),
    "restricted.letter_of_intent": ("Letter of intent", "技术出口许可意向书"),
    "restricted.negotiate_sign": ("Negotiation & signing", "实质性谈判与签约"),
    "restricted.licence_application": ("Licence application", "申请技术出口许可证"),
    "restricted.licence_issued": ("Licence", "技术出口许可证"),
    "free.contract": ("Signing", "签订合同"),
    "free.register": ("Registration", "技术出口合同登记"),
    "free.certificate": ("Certificate", "技术出口合同登记证"),
}
TRACK_LABEL: dict[Track, tuple[str, str]] = {
    Track.REMEDIATION: ("Remediation", "补救事项"),
    Track.PROHIBITED: ("Prohibited", "禁止出口"),
    Track.DUAL_USE: ("Dual-use licence", "两用物项出口许可"),
    Track.RESTRICTED: ("Technology export licence", "技术出口许可"),
    Track.FREE: ("Contract registration", "技术出口合同登记"),
}
COLOUR = {
    ItemStatus.DONE: "#1b7f3b",
    ItemStatus.NEXT: "#0b5cad",
    ItemStatus.TODO: "#ffffff",
    ItemStatus.BLOCKED: "#ffffff",
    ItemStatus.WARNING: "#b3261e",
}
WIDTH = 1000
ROW = 220


@dataclass(frozen=True)
class Stop:
    """One milestone: the step it stands for, and the date the records or the checklist give it."""

    item: ChecklistItem
    label: tuple[str, str]
    date: dt.date | None
    date_kind: tuple[str, str] | None  # what the date is ("recorded", "last day")


def _first(dates: list[dt.date | None]) -> dt.date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def _recorded(step: str, deal: Deal | None) -> dt.date | None:
    """The day the deal's records say this step happened."""
    if deal is None:
        return None
    lic = deal.licences
    contract = deal.contract
    if step == "restricted.application":
        return _first([r.application_date for r in lic])
    if step == "restricted.letter_of_intent":
        return _first([r.letter_of_intent_date for r in lic])
    if step == "restricted.licence_issued":
        return _first([r.licence_issued for r in lic])
    if step in ("restricted.negotiate_sign", "free.contract"):
        return contract.signed if contract else None
    if step == "free.register":
        return contract.registration_date if contract else None
    return None


def stops(checklist: Checklist, deal: Deal | None) -> dict[Track, list[Stop]]:
    """The milestones of each track the checklist opened, in its order."""
    out: dict[Track, list[Stop]] = {}
    for item in checklist.items:
        if item.kind != "step" or item.id not in MILESTONES:
            continue
        day = _recorded(item.id, deal)
        kind: tuple[str, str] | None = ("recorded", "记录日期") if day else None
        if day is None and item.deadline_date is not None:
            day, kind = item.deadline_date, ("last day", "最后一日")
        out.setdefault(item.track, []).append(Stop(item, MILESTONES[item.id], day, kind))
    return out


def _pick(pair: tuple[str, str], lang: str) -> list[str]:
    if lang == "both":
        return list(pair) if pair[0] != pair[1] else [pair[0]]
    return [pair[1] if lang == "zh" else pair[0]]


def _limit(item: ChecklistItem, lang: str) -> list[str]:
    """The step's time limit as the procedure data states it (e.g. '≤ 30 working days'), a line per language."""
    if item.deadline_days is None or item.deadline_unit is None:
        return []
    working = item.deadline_unit is DeadlineUnit.WORKING_DAYS
    en = f"≤ {item.deadline_days} {'working' if working else 'calendar'} days"
    zh = f"{item.deadline_days}个{'工作日' if working else '日'}内"
    return _pick((en, zh), lang)


def _today_index(row: list[Stop], today: dt.date) -> float:
    """Where today falls: after every step done or dated before today, before the rest."""
    passed = -1
    for i, s in enumerate(row):
        if s.item.status is ItemStatus.DONE or (s.date is not None and s.date < today):
            passed = i
    return passed + 0.5


def _text(x: float, y: float, text: str, cls: str, anchor: str = "middle") -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" class="{cls}" text-anchor="{anchor}">{esc(text)}</text>'


def render_svg(checklist: Checklist, deal: Deal | None, lang: str) -> str:
    """One SVG (empty string when no track has milestones): a row per track, today's position marked."""
    rows = [(t, r) for t, r in stops(checklist, deal).items() if t in TRACK_LABEL]
    if not rows:
        return ""
    today = checklist.reference_date
    height = ROW * len(rows) + 10
    parts = [f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img">']
    titles = " / ".join(_pick(("Procedure timeline", "办理流程时间轴"), lang))
    parts.append(f"<title>{esc(titles)}</title>")
    left, right = 100.0, WIDTH - 100.0
    for r, (track, row) in enumerate(rows):
        top = r * ROW
        axis = top + 78
        parts.append(_text(10, top + 20, " / ".join(_pick(TRACK_LABEL[track], lang)), "track", "start"))
        step = (right - left) / max(len(row) - 1, 1)
        xs = [left + i * step for i in range(len(row))] if len(row) > 1 else [(left + right) / 2]
        parts.append(f'<line x1="{xs[0]:.0f}" y1="{axis}" x2="{xs[-1]:.0f}" y2="{axis}" class="axis"/>')
        for x, s in zip(xs, row, strict=True):
            status = s.item.status
            dash = ' stroke-dasharray="3 2"' if status is ItemStatus.BLOCKED else ""
            parts.append(
                f'<circle cx="{x:.0f}" cy="{axis}" r="9" fill="{COLOUR[status]}" class="stop"{dash}/>'
            )
            y = axis + 32
            for line in (part for text in _pick(s.label, lang) for part in textwrap.wrap(text, 15)):
                parts.append(_text(x, y, line, "label" + (" next" if status is ItemStatus.NEXT else "")))
                y += 19
            if s.date is not None and s.date_kind is not None:
                kind = " / ".join(_pick(s.date_kind, lang))
                parts.append(_text(x, y, s.date.isoformat(), "date"))
                parts.append(_text(x, y + 17, f"({kind})", "date"))
                y += 34
            for line in _limit(s.item, lang):
                parts.append(_text(x, y, line, "limit"))
                y += 17
        # today's position along the row
        index = _today_index(row, today)
        if len(row) == 1:
            tx = xs[0] + (-60 if index < 0 else 60)
        else:
            tx = left + index * step
            tx = min(max(tx, left - 30), right + 30)
        parts.append(f'<line x1="{tx:.0f}" y1="{axis - 22}" x2="{tx:.0f}" y2="{axis + 12}" class="today"/>')
        word = " / ".join(_pick(("today", "今日"), lang))
        anchor = "start" if tx < left + 120 else "end" if tx > right - 120 else "middle"
        parts.append(_text(max(tx, 2), axis - 28, f"{word} {today.isoformat()}", "todaytext", anchor))
    parts.append("</svg>")
    return "".join(parts)
