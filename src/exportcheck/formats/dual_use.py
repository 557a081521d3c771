"""Render the dual-use regime: findings inside an assessment, and the measures' status for a day.

Kept beside formats/assessment.py so the catalogue's tables stay as they are; every piece of catalogue or
deal text goes into rich `Text` (never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from ..models.assessment import DualUseCheck, DualUseFinding
from .console import string_console


def _evidence(f: DualUseFinding) -> str:
    pairs = []
    for e in f.evidence:
        where = f"{e.field}{f' line {e.line}' if e.line else ''}"
        item = f"'{e.deal_text}' ~ '{e.term}' ({e.origin.label}, {where})"
        if item not in pairs:
            pairs.append(item)
    return "; ".join(pairs)


def finding_lines(f: DualUseFinding) -> list[str]:
    """One finding as plain lines: head, then why, thresholds, questions and sources."""
    code = f.control_code or "(control code not sourced)"
    lines = [
        f"{code} {f.item_text.best('zh')} — {f.instrument} — {f.technology_name}: status {f.status.value}, "
        f"{f.strength.value} -> {f.outcome.value}",
        f"status: {f.status_reason}",
        f"evidence: {_evidence(f)}",
    ]
    lines += [*f.reasons, *(f"{p.requirement}: {p.given or '—'}" for p in f.parameters)]
    lines += [f"question: {q}" for q in f.questions]
    lines += [f"end use ({f.instrument}): {t}" for t in f.end_use]
    lines.append(f"provenance: {f.fidelity.label}; sources {', '.join(f.sources)}")
    return lines


def blocks(findings: list[DualUseFinding], check: DualUseCheck | None) -> list[Any]:
    """rich renderables for the text report: each finding, then the measures checked that day."""
    from rich.text import Text

    out: list[Any] = []
    if findings:
        out.append(Text("Dual-use findings (export-control regime)", style="bold"))
        for f in findings:
            head, *rest = finding_lines(f)
            out.append(Text(f"  {head}"))
            out += [Text(f"    • {line}") for line in rest]
    if check is not None:
        measures = ", ".join(f"{m.instrument} {m.status.value}" for m in check.measures) or "none"
        out.append(
            Text(f"Dual-use measures checked on {check.date}: {measures}; {len(check.gaps)} not encoded")
        )
    return out


def markdown(findings: list[DualUseFinding], check: DualUseCheck | None) -> list[str]:
    out: list[str] = []
    if findings:
        out += ["", "## Dual-use findings (export-control regime)", ""]
        for f in findings:
            head, *rest = finding_lines(f)
            out.append(f"- **{head}**")
            out += [f"  - {line}" for line in rest]
    if check is not None:
        out += ["", f"Dual-use measures checked on {check.date}:", ""]
        out += [f"- {m.instrument}: {m.status.value} — {m.reason}" for m in check.measures]
        out.append(f"- not encoded: {len(check.gaps)} (see `exportcheck catalogue status`)")
    return out


def status_data(check: DualUseCheck) -> dict[str, Any]:
    return check.model_dump(mode="json")


def status_text(check: DualUseCheck) -> str:
    from rich.table import Table
    from rich.text import Text

    console, buf = string_console(120)
    table = Table(title=f"Dual-use measures (export-control regime): status on {check.date}", expand=True)
    for col in ("measure", "instrument", "status", "technology items", "why"):
        table.add_column(col)
    for m in check.measures:
        table.add_row(
            Text(m.measure), Text(m.instrument), Text(m.status.value), Text(str(m.items)), Text(m.reason)
        )
    console.print(table)
    console.print(Text("Not encoded (a 'free' verdict does not cover these):", style="bold"))
    for gap in check.gaps:
        console.print(Text(f"  - {gap}"))
    return buf.getvalue()
