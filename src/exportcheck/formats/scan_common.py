"""What every scan format reads of one file's result: the deadlines it warns of, the verdict its gate
judges, the caveat on a 'free' from a partly encoded version, and a finding's short id.

Apart from scan.py (text, JSON, step summary) and scan_ci.py (SARIF, JUnit, GitHub annotations) so that
both use it without importing each other."""

from __future__ import annotations

from ..models.assessment import FileResult, Finding, Verdict
from ..models.procedure import DeadlineState, DealDeadline


def warned(r: FileResult) -> list[DealDeadline]:
    """The deadlines the gate reports: overdue or due soon (upcoming ones are for `exportcheck due`)."""
    return [d for d in r.deadlines if d.state is not DeadlineState.UPCOMING]


def gate(result: FileResult) -> Verdict | None:
    a = result.assessment
    return (a.gate_verdict or a.verdict) if a else None


def coverage_caveat(r: FileResult) -> tuple[str, str] | None:
    """Why a 'free' from a partly encoded catalogue version is not a clearance, keyed by the version.

    `assess` says it with every free verdict; a scan report without it read 'free' as 'cleared'."""
    a = r.assessment
    if a is None or a.catalogue.coverage.complete or Verdict.FREE not in (a.verdict, a.gate_verdict):
        return None
    c, version = a.catalogue.coverage, a.catalogue.version
    return version, (
        f"catalogue version {version} is only partly encoded ({c.encoded_entries} of {c.official_entries} "
        "entries, few with all their control points): 'free' means no encoded entry matched, not that the "
        "technology is absent from the official catalogue; `exportcheck assess FILE` lists the entries to "
        "check by hand"
    )


def finding_id(f: Finding) -> str:
    return (f.code or f.entry_id) + (f" CP{f.control_point}" if f.control_point else "")
