"""Counsel's rulings recorded in the deal, applied after the assessment (like licences).

A ruling is pinned to the technology's text by a fingerprint: when the text changes, the ruling clears
nothing until counsel rules again. A ruling never hides a finding: the finding stays in the output with the
ruling beside it, and only the gate (what --fail-on compares) changes. `applies` can only make the outcome
more severe; `not_applicable` can clear any finding for the gate, a prohibited one only with a caveat that
names it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Callable, Mapping

from ..models.assessment import Assessment, Finding, RulingApplied, RulingOutcome, Verdict
from ..models.catalogue import Part
from ..models.deal import Deal, Decision, Ruling, Technology
from ..normalize import normalise
from .licences import check_licence

LineOf = Callable[[tuple[str | int, ...]], int | None]


def fingerprint(tech: Technology) -> str:
    """sha256 of the technology's normalised name, description, keywords and parameters.

    Normalised (folded, Simplified, stemmed) so that re-wrapping or converting the script does not stale
    a ruling. Parameter values are kept as written (only Unicode-folded and whitespace-collapsed) as well:
    normalisation drops the comparator in '<= 2.6 g/cm3', and a threshold that flips must stale the ruling.
    """

    def norm(text: str) -> str:
        return normalise(text).text.strip()

    def folded(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    data = {
        "name": norm(tech.name),
        "description": norm(tech.description or ""),
        "keywords": sorted(norm(k) for k in tech.keywords),
        "parameters": sorted([norm(k), norm(str(v)), folded(str(v))] for k, v in tech.parameters.items()),
    }
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def finding_label(f: Finding) -> str:
    """'technology: code CPn', the way rulings and the record name a finding."""
    return f"{f.technology_name}: {f.code or f.entry_id}" + (
        f" CP{f.control_point}" if f.control_point else ""
    )


def _names_finding(r: Ruling, f: Finding) -> bool:
    codes = {c.upper() for c in (f.code or "", f.entry_id, *f.all_codes) if c}
    if r.entry.strip().upper() not in codes:
        return False
    return r.control_point is None or r.control_point == f.control_point


def _decided(f: Finding) -> Verdict:
    """What a finding counsel says applies calls for: the entry's part. When the sources do not settle the
    part, the more severe reading (fail closed)."""
    if f.part is Part.PROHIBITED or not f.part_confirmed:
        return Verdict.PROHIBITED
    return Verdict.LICENCE_REQUIRED


def _outcome(i: int, r: Ruling, line: int | None, status: str, detail: str, hits: list[str]) -> RulingOutcome:
    return RulingOutcome(
        index=i,
        line=line,
        technology=r.technology,
        entry=r.entry,
        control_point=r.control_point,
        decision=r.decision.value,
        by=r.by,
        date=r.date.isoformat(),
        reason=r.reason,
        expires=r.expires.isoformat() if r.expires else None,
        status=status,
        detail=detail,
        findings=hits,
    )


def _validity(r: Ruling, deal: Deal, day: dt.date, prints: list[str]) -> tuple[str, str, set[int]]:
    """(status, detail, technologies it may apply to); status is '' while the ruling is still valid."""
    named = [i for i, t in enumerate(deal.technologies) if t.name.casefold() == r.technology.casefold()]
    if not named:
        return "unused", f"the deal has no technology named {r.technology!r}", set()
    if r.date > day:
        return (
            "not_yet_valid",
            f"dated {r.date.isoformat()}, after the reference day {day.isoformat()}",
            set(),
        )
    if r.expires and r.expires < day:
        return "expired", f"expired on {r.expires.isoformat()}; rule again to keep it", set()
    fresh = {i for i in named if prints[i] == r.fingerprint}
    if not fresh:
        return (
            "stale",
            "the technology's text changed since the ruling (fingerprint differs): it clears nothing until "
            "counsel rules again (exportcheck rule)",
            set(),
        )
    return "", "", fresh


def apply_rulings(
    result: Assessment,
    deal: Deal,
    *,
    day: dt.date,
    strict: bool,
    next_duty: Mapping[Verdict, str],
    line_of: LineOf | None = None,
) -> Assessment:
    """The assessment with the deal's valid rulings applied, the gate recomputed and every ruling's fate
    listed. `day` is the reference day (expiry, rulings dated later)."""
    if not deal.rulings:
        return result
    line = line_of or (lambda _path: None)
    prints = [fingerprint(t) for t in deal.technologies]
    findings = list(result.findings)
    outcomes: dict[int, RulingOutcome] = {}
    decided: set[int] = set()  # findings an `applies` ruling decided: a not_applicable cannot clear them
    # `applies` first: when counsel's rulings disagree on a finding, the more severe one holds
    order = sorted(
        range(len(deal.rulings)), key=lambda i: (deal.rulings[i].decision is Decision.NOT_APPLICABLE, i)
    )
    for i in order:
        r = deal.rulings[i]
        where = line(("rulings", i))
        status, detail, fresh = _validity(r, deal, day, prints)
        if status:
            outcomes[i] = _outcome(i, r, where, status, detail, [])
            continue
        hits = [k for k, f in enumerate(findings) if f.technology in fresh and _names_finding(r, f)]
        if not hits:
            what = f"{r.entry}" + (f" control point {r.control_point}" if r.control_point else "")
            outcomes[i] = _outcome(
                i, r, where, "unused", f"names no finding the deal has ({r.technology}: {what})", []
            )
            continue
        applied = RulingApplied(
            decision=r.decision.value,
            by=r.by,
            date=r.date.isoformat(),
            reason=r.reason,
            expires=r.expires.isoformat() if r.expires else None,
            ruling=i,
        )
        labels = []
        for k in hits:
            f = findings[k]
            if r.decision is Decision.APPLIES:
                findings[k] = _apply(f, applied, deal, day)
                decided.add(k)
            elif k in decided:
                continue
            else:
                findings[k] = f.model_copy(update={"ruling": applied, "cleared": True})
            labels.append(finding_label(f))
        if not labels:
            outcomes[i] = _outcome(
                i, r, where, "unused", "overridden: another ruling says these findings apply", []
            )
            continue
        effect = "cleared for the gate" if r.decision is Decision.NOT_APPLICABLE else "decided: it applies"
        outcomes[i] = _outcome(i, r, where, "applied", effect, sorted(set(labels)))
    return _regate(result, findings, [outcomes[i] for i in sorted(outcomes)], strict, next_duty)


def _apply(f: Finding, applied: RulingApplied, deal: Deal, day: dt.date) -> Finding:
    """An `applies` ruling: a possible match (or a review) becomes what the entry's part calls for."""
    decided = _decided(f)
    if decided.rank <= f.outcome.rank:
        return f.model_copy(update={"ruling": applied})
    reason = (
        f"counsel ruled that it applies ({applied.by}, {applied.date}): {f.outcome.value} -> {decided.value}"
    )
    if not f.part_confirmed:
        reason += "; the sources do not settle whether the entry is prohibited or restricted, so prohibited"
    update: dict[str, object] = {
        "ruling": applied,
        "outcome_before_ruling": f.outcome,
        "outcome": decided,
        "reasons": [*f.reasons, reason],
    }
    decided_finding = f.model_copy(update={"outcome": decided})
    check = check_licence(decided_finding, deal, day)
    update["licence"] = check
    update["waived"] = bool(check and check.status == "covered")
    return f.model_copy(update=update)


def _worst(verdicts: list[Verdict], default: Verdict) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=default)


def _regate(
    result: Assessment,
    findings: list[Finding],
    outcomes: list[RulingOutcome],
    strict: bool,
    next_duty: Mapping[Verdict, str],
) -> Assessment:
    """Recompute verdicts raised by `applies` and the gate lowered by `not_applicable`, as assess() does."""
    techs = []
    gates = []
    for t in result.technologies:
        own = [f for f in findings if f.technology == t.index]
        verdict = _worst([t.verdict, *(f.outcome for f in own)], t.verdict)
        techs.append(t.model_copy(update={"verdict": verdict}) if verdict is not t.verdict else t)
        if own:
            gates.append(_worst([f.outcome for f in own if not (f.waived or f.cleared)], Verdict.FREE))
        else:
            gates.append(verdict)
    update: dict[str, object] = {"findings": findings, "technologies": techs, "rulings": outcomes}
    reasons = list(result.verdict_reasons)
    caveats = list(result.caveats)
    if result.verdict is Verdict.NOT_EXPORT:
        update["gate_verdict"] = Verdict.NOT_EXPORT
    else:
        verdict = _worst([result.verdict, *(t.verdict for t in techs)], result.verdict)
        gate = _worst(gates, Verdict.FREE)
        if strict and gate is Verdict.FREE and not result.catalogue.coverage.complete:
            gate = Verdict.REVIEW
        if verdict is not result.verdict:
            update["verdict"] = verdict
            update["next_duty"] = next_duty[verdict]
        raised = {
            f"{old.name}: {old.verdict.value}": f"{new.name}: {new.verdict.value}"
            for old, new in zip(result.technologies, techs, strict=True)
            if old.verdict is not new.verdict
        }
        reasons = [raised.get(x, x) for x in reasons]
        update["gate_verdict"] = gate
        cleared = [f for f in findings if f.cleared]
        if cleared:
            reasons.append(
                f"{len(cleared)} finding(s) cleared for the gate by counsel's rulings; gate verdict {gate.value}"
            )
        for f in cleared:
            if f.outcome is Verdict.PROHIBITED and f.ruling:
                caveats.insert(
                    0,
                    f"PROHIBITED finding {finding_label(f)} cleared for the gate only by counsel's ruling "
                    f"({f.ruling.by}, {f.ruling.date}): {f.ruling.reason}",
                )
    for o in outcomes:
        if o.status != "applied":
            caveats.append(f"ruling rulings[{o.index}] ({o.technology}: {o.entry}) {o.status}: {o.detail}")
    update["verdict_reasons"] = reasons
    update["caveats"] = caveats
    return result.model_copy(update=update)
