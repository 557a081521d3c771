"""Licences recorded in the deal as waivers: a valid licence covers a restricted finding; nothing waives a ban.

A licence waives only within a recorded validity: no source gives a licence's validity period, so a record
without `licence_expiry` would otherwise waive its findings forever.
"""

from __future__ import annotations

import datetime as dt

from ..models.assessment import Finding, LicenceCheck, Verdict
from ..models.deal import Deal, LicenceRecord


def covers(record: LicenceRecord, finding: Finding) -> bool:
    """Whether a licence record's scope (technology names, catalogue codes or entry IDs) takes in a finding.
    Any code the entry carries counts, so a licence naming 056101X covers a finding coded 086501X."""
    if record.technologies and finding.technology_name not in record.technologies:
        return False
    codes = {c.upper() for c in (*finding.all_codes, finding.code or "", finding.entry_id) if c}
    return not record.entries or bool({c.strip().upper() for c in record.entries} & codes)


def check_licence(finding: Finding, deal: Deal, day: dt.date) -> LicenceCheck | None:
    """The licence position for one restricted finding on `day`; None when the finding needs no licence."""
    if finding.outcome is not Verdict.LICENCE_REQUIRED:
        return None
    records = [r for r in deal.licences if covers(r, finding)]
    issued = [r for r in records if r.licence_number and r.licence_issued]
    for r in sorted(issued, key=lambda r: (r.licence_issued or day, r.licence_number or "")):
        assert r.licence_issued is not None
        if r.licence_issued > day:
            continue
        if r.licence_expiry is None or r.licence_expiry < day:
            continue
        return LicenceCheck(
            status="covered",
            licence_number=r.licence_number,
            detail=f"licence {r.licence_number} issued {r.licence_issued.isoformat()}"
            + (f", valid to {r.licence_expiry.isoformat()}" if r.licence_expiry else ""),
        )
    open_ended = [r for r in issued if r.licence_expiry is None and (r.licence_issued or day) <= day]
    if open_ended:
        r = min(open_ended, key=lambda r: (r.licence_issued or day, r.licence_number or ""))
        return LicenceCheck(
            status="incomplete",
            licence_number=r.licence_number,
            detail=f"licence {r.licence_number} issued {r.licence_issued} records no expiry (licence_expiry): "
            "it waives nothing until the validity stated on the licence is recorded (no validity period "
            "is known from the sources; check with the provincial commerce department)",
        )
    expired = [r for r in issued if r.licence_expiry and r.licence_expiry < day]
    if expired:
        r = max(expired, key=lambda r: r.licence_expiry or day)
        return LicenceCheck(
            status="expired",
            licence_number=r.licence_number,
            detail=f"licence {r.licence_number} expired on {r.licence_expiry}; apply again",
        )
    if any(r.letter_of_intent_number for r in records):
        return LicenceCheck(
            status="letter_of_intent_only",
            licence_number=None,
            detail="a letter of intent is recorded but no licence yet: the contract cannot take "
            "effect until the licence is issued",
        )
    if any(r.application_date for r in records):
        return LicenceCheck(
            status="applied",
            licence_number=None,
            detail="application recorded; no letter of intent or licence yet",
        )
    return LicenceCheck(status="missing", licence_number=None, detail="no licence recorded in the deal file")
