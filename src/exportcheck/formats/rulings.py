"""How rulings, the gate and the explained `free` read in every format: plain strings, no markup.

Kept apart from the per-format renderers so each renderer adds only a call: the text is the same in text,
Markdown, SARIF, JUnit and GitHub output.
"""

from __future__ import annotations

from ..models.assessment import Assessment, Finding, Verdict


def ruling_note(f: Finding) -> str | None:
    """The ruling beside a finding, or None."""
    r = f.ruling
    if r is None:
        return None
    if f.cleared:
        effect = "cleared for the gate"
    elif f.outcome_before_ruling is not None:
        effect = f"decided: {f.outcome_before_ruling.value} -> {f.outcome.value}"
    else:
        effect = "confirmed"
    until = f", until {r.expires}" if r.expires else ""
    return f"counsel's ruling {r.decision} by {r.by} on {r.date}{until} ({effect}): {r.reason}"


def gate_line(a: Assessment) -> str | None:
    """'Gate: …' when licences or rulings make the gate differ from the legal verdict."""
    gate = a.gate_verdict or a.verdict
    if gate is a.verdict:
        return None
    why = []
    if any(f.waived for f in a.findings):
        why.append("licences recorded in the deal")
    if any(f.cleared for f in a.findings):
        why.append("counsel's rulings")
    line = f"Gate (what --fail-on compares): {gate.value}, after {' and '.join(why) or 'rulings'}"
    if any(f.cleared and f.outcome is Verdict.PROHIBITED for f in a.findings):
        line += " — a PROHIBITED finding is cleared only by counsel's ruling (see caveats)"
    return line


def ruling_lines(a: Assessment) -> list[str]:
    """Every ruling recorded in the deal and what became of it."""
    out = []
    for o in a.rulings:
        cp = f" CP{o.control_point}" if o.control_point else ""
        out.append(
            f"rulings[{o.index}] {o.technology}: {o.entry}{cp} {o.decision} by {o.by} on {o.date} "
            f"({o.reason}): {o.status.upper()} — {o.detail}"
            + (f" ({', '.join(o.findings)})" if o.findings else "")
        )
    return out


def hand_check_lines(a: Assessment, lang: str = "en") -> list[str]:
    """Per technology without findings: the entries to check by hand against the official text."""
    out = []
    for t in a.technologies:
        for c in t.check_by_hand:
            out.append(
                f"{t.name}: {c.code or c.entry_id} {c.name.best(lang)} — check by hand against the official "
                f"text ({'; '.join(c.near_by)})"
            )
    return out
