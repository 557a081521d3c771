"""Render the dual-use regime: findings inside an assessment, and the measures' status for a day.

Kept beside formats/assessment.py so the catalogue's tables stay as they are; every piece of catalogue or
deal text goes into rich `Text` (never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from ..escape import clean
from ..escape import markdown as md
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
            out.append(Text(f"  {clean(head)}"))
            out += [Text(f"    • {clean(line)}") for line in rest]
    if check is not None:
        measures = ", ".join(f"{m.instrument} {m.status.value}" for m in check.measures) or "none"
        out.append(
            Text(
                clean(f"Dual-use measures checked on {check.date}: {measures}; {len(check.gaps)} not encoded")
            )
        )
    return out


def markdown(findings: list[DualUseFinding], check: DualUseCheck | None) -> list[str]:
    out: list[str] = []
    if findings:
        out += ["", "## Dual-use findings (export-control regime)", ""]
        for f in findings:
            head, *rest = finding_lines(f)
            out.append(f"- **{md(head)}**")
            out += [f"  - {md(line)}" for line in rest]
    if check is not None:
        out += ["", f"Dual-use measures checked on {md(check.date)}:", ""]
        out += [f"- {md(m.instrument)}: {m.status.value} — {md(m.reason)}" for m in check.measures]
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
            *(Text(clean(c)) for c in (m.measure, m.instrument, m.status.value, str(m.items), m.reason))
        )
    console.print(table)
    console.print(Text("Not encoded (a 'free' verdict does not cover these):", style="bold"))
    for gap in check.gaps:
        console.print(Text(f"  - {clean(gap)}"))
    return buf.getvalue()


# --- scan formats (SARIF, text rows, JUnit, GitHub): dual-use findings that ask for something ----------


def reportable(findings: list[DualUseFinding]) -> list[DualUseFinding]:
    """The findings a CI gate shows: those whose measure asks for a licence or a review on that day."""
    return [f for f in findings if f.outcome.value in ("licence_required", "review")]


def finding_id(f: DualUseFinding) -> str:
    return f"{f.control_code or f.measure} (dual-use)"


def rule_id(f: DualUseFinding) -> str:
    return f"exportcheck/dual-use/{f.control_code or f.measure}"


def line(f: DualUseFinding) -> int:
    lines = [e.line for e in f.evidence if e.line]
    return min(lines) if lines else 1


def message(f: DualUseFinding) -> str:
    words = ", ".join(sorted({e.deal_text for e in f.evidence}))[:300]
    return (
        f"{f.technology_name}: {f.outcome.value} — dual-use {f.control_code or '(no control code)'} "
        f"{f.instrument}, status {f.status.value} on the assessment date ({f.strength.value}; matched: {words})"
    )


def sarif_rule(f: DualUseFinding) -> dict[str, Any]:
    return {
        "id": rule_id(f),
        "name": "DualUse" + (f.control_code or f.measure).replace(".", "_").replace("-", "_"),
        "shortDescription": {"text": f"{f.item_text.zh or f.item_text.en or ''} ({f.instrument})"},
        "help": {
            "text": "Dual-use technology item: an export (including provision to foreign persons in China) needs "
            "a MOFCOM dual-use export licence while the measure is in force (出口管制法 art. 12; 两用物项出口管制条例 "
            "arts. 14–17). Run `exportcheck catalogue status --as-of DATE` for the measure's status."
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "regime": "dual_use",
            "measure": f.measure,
            "tags": ["export-control", "dual-use", "china"],
        },
    }
