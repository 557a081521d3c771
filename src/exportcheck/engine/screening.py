"""What survives of a technology's hits for one entry or control point: hits grouped by kind, screened
for negation and exclusion, and the finding or near miss built from them. Pure functions of the matcher's
hits and the catalogue version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..catalogue import ResolvedVersion
from ..models.assessment import (
    Evidence,
    Finding,
    NearMiss,
    ParameterCheck,
    Strength,
    Verdict,
)
from ..models.catalogue import ControlPoint, Entry, Part, PresenceStatus
from ..models.deal import Technology
from .matcher import (
    EXCLUDE,
    NAME,
    NEEDS,
    OVERRIDE,
    RELATED,
    TERM,
    CompiledVersion,
    Hit,
)

LineOf = Callable[[tuple[str | int, ...]], int | None]


def evidence_of(hits: list[Hit], compiled: CompiledVersion, tech: int, line_of: LineOf) -> list[Evidence]:
    out = []
    for h in hits:
        pat = compiled.patterns[h.pattern]
        path: tuple[str | int, ...] = ("title",) if h.field == "title" else ("technologies", tech, h.field)
        out.append(
            Evidence(
                technology=tech,
                field=h.field,
                line=line_of(path),
                deal_text=h.quote,
                term=pat.term,
                origin=pat.origin,
                kind=pat.kind,
                concept=pat.concepts[h.part] if pat.concepts else None,
                disguise=h.folded,
                negation="unclear" if h.doubt else None,
            )
        )
    # the full key: a set's order depends on string hashing, so ties must not be left to it
    return sorted(
        set(out),
        key=lambda e: (e.field, e.deal_text, e.term, e.kind, e.origin, e.line or 0, e.concept or ""),
    )


@dataclass
class HitGroup:
    term: list[Hit] = field(default_factory=list)
    related: list[Hit] = field(default_factory=list)
    name: list[Hit] = field(default_factory=list)
    exclude: list[Hit] = field(default_factory=list)
    override: list[Hit] = field(default_factory=list)
    negated: list[Hit] = field(default_factory=list)
    needs: list[Hit] = field(default_factory=list)


def group_hits(
    found: dict[int, list[Hit]], compiled: CompiledVersion, title_is_own: bool = False
) -> dict[tuple[str, str | None], HitGroup]:
    """Hits per (entry, control point) by kind. A pattern counts only where every part occurs
    affirmatively. The deal title describes the technology when the deal has only one; otherwise it is
    context, and hits there only ever suggest (related)."""
    groups: dict[tuple[str, str | None], HitGroup] = {}
    for pidx, hits in sorted(found.items()):
        pat = compiled.patterns[pidx]
        g = groups.setdefault((pat.entry_id, pat.control_point), HitGroup())
        parts = {h.part for h in hits if not h.negated}
        affirmative = [h for h in hits if not h.negated]
        if len(parts) < len(pat.parts):
            if pat.kind in (TERM, NAME, RELATED):
                g.negated.extend(hits)
            continue
        if pat.kind == NEEDS:
            g.needs.extend(h for h in affirmative if title_is_own or h.field != "title")
            continue
        if pat.kind in (EXCLUDE, OVERRIDE):
            kept = [h for h in affirmative if h.field != "title"]
            (g.exclude if pat.kind == EXCLUDE else g.override).extend(kept)
            continue
        if not title_is_own and all(h.field == "title" for h in affirmative):
            g.related.extend(affirmative)
            continue
        {TERM: g.term, RELATED: g.related, NAME: g.name}[pat.kind].extend(affirmative)
    return groups


def near_miss(entry: Entry, cp: str | None, index: int, evidence: list[Evidence], reason: str) -> NearMiss:
    return NearMiss(
        entry_id=entry.id,
        code=entry.code,
        name=entry.name,
        control_point=cp,
        technology=index,
        evidence=evidence,
        reason=reason,
    )


@dataclass(frozen=True)
class Screened:
    """What survives negation and exclusion: the evidence, notes, and which kinds of hit remain."""

    evidence: list[Evidence]
    notes: list[str]
    term: bool  # a decisive aid or legal term remains
    name: bool  # a legal heading remains


def screen(
    entry: Entry, cp: str | None, g: HitGroup, compiled: CompiledVersion, index: int, line_of: LineOf
) -> Screened | NearMiss | None:
    """What may become a finding; a near miss when only negated or excluded mentions remain; None when
    nothing positive matched."""
    positive = g.term + g.name + g.related
    if not positive:
        return negation_miss(entry, cp, index, g, compiled, line_of) if g.negated else None
    overridden = override_note(g, compiled, index, line_of)
    notes = list(overridden)
    if g.exclude and not overridden:
        # an exclusion takes out only what it is said of: hits in the same clause as the excluded phrase
        excluded_at = {(h.field, h.clause) for h in g.exclude}
        kept = [h for h in positive if (h.field, h.clause) not in excluded_at]
        if cp is None and not (g.term + g.name):
            # a hint at the entry's subject yields to the entry's own scope limit stated anywhere in the
            # technology ("only somatic cells are edited" against the germ-line entry), unless overridden
            kept = []
        ex = evidence_of(g.exclude, compiled, index, line_of)
        pairs = "; ".join(sorted({f"'{e.deal_text}' matches exclusion '{e.term}'" for e in ex}))
        if not kept:
            return near_miss(
                entry, cp, index, evidence_of(positive, compiled, index, line_of) + ex, f"excluded: {pairs}"
            )
        notes.append(f"exclusion not applied to the rest of the text ({pairs} concerns another clause)")
        positive = kept
    plain = [h for h in positive if not h.doubt]
    if any(h.doubt for h in positive) and not any(h in plain for h in g.term + g.name):
        quotes = ", ".join(sorted({f"'{h.quote}'" for h in positive if h.doubt}))
        notes.append(
            f"{quotes} stands under a negation whose scope is unclear (a duty such as 'shall not "
            "sublicense', or a negated modifier): counsel should confirm whether it is transferred"
        )
    return Screened(
        evidence=evidence_of(positive, compiled, index, line_of),
        notes=notes,
        term=any(h in plain for h in g.term),
        name=any(h in plain for h in g.name),
    )


def negation_miss(
    entry: Entry, cp: str | None, index: int, g: HitGroup, compiled: CompiledVersion, line_of: LineOf
) -> NearMiss:
    ev = evidence_of(g.negated, compiled, index, line_of)
    quotes = ", ".join(sorted({f"'{e.deal_text}'" for e in ev}))
    return near_miss(
        entry, cp, index, ev, f"mentioned only in a negation ({quotes}): the deal says it is not transferred"
    )


def override_note(g: HitGroup, compiled: CompiledVersion, index: int, line_of: LineOf) -> list[str]:
    """Why an exclusion does not apply: the text also names what lies beyond it (e.g. parent breeds)."""
    if not (g.exclude and g.override):
        return []
    ex = evidence_of(g.exclude, compiled, index, line_of)
    ov = evidence_of(g.override, compiled, index, line_of)
    return [
        "the text mentions the excluded "
        + ", ".join(sorted({f"'{e.deal_text}'" for e in ex}))
        + " but also "
        + ", ".join(sorted({f"'{e.deal_text}'" for e in ov}))
        + ", which the exclusion does not cover"
    ]


def outcome_of(entry: Entry, strength: Strength, version: ResolvedVersion, reasons: list[str]) -> Verdict:
    if entry.presence.status is PresenceStatus.UNCONFIRMED:
        reasons.append(
            entry.presence.note or f"whether version {version.id} still holds this entry is not confirmed"
        )
    if not entry.part_confirmed:
        reasons.append("sources do not settle whether this entry is prohibited or restricted")
    if (
        strength is Strength.MATCH
        and entry.presence.status is not PresenceStatus.UNCONFIRMED
        and entry.part_confirmed
    ):
        return Verdict.PROHIBITED if entry.part is Part.PROHIBITED else Verdict.LICENCE_REQUIRED
    return Verdict.REVIEW


def finding_of(
    entry: Entry,
    cp: ControlPoint | None,
    strength: Strength,
    reasons: list[str],
    tech_index: int,
    tech: Technology,
    evidence: list[Evidence],
    version: ResolvedVersion,
    checks: list[ParameterCheck] | None = None,
    questions: list[str] | None = None,
) -> Finding:
    outcome = outcome_of(entry, strength, version, reasons)
    prov = cp.provenance if cp else entry.provenance
    if prov.fidelity != "official":
        reasons.append(f"the matched wording is {prov.fidelity.label}; confirm against the official text")
    return Finding(
        code=entry.code,
        entry_id=entry.id,
        all_codes=entry.all_codes,
        name=entry.name,
        part=entry.part,
        part_confirmed=entry.part_confirmed,
        control_point=cp.number if cp else None,
        control_point_text=cp.text if cp else None,
        strength=strength,
        outcome=outcome,
        reasons=reasons,
        technology=tech_index,
        technology_name=tech.name,
        evidence=evidence,
        parameters=checks or [],
        questions=questions or [],
        unevaluated=[c.best() for c in cp.conditions] if cp else [],
        fidelity=prov.fidelity,
        sources=sorted(prov.sources),
        presence=entry.presence.status,
        dual_use_hint=entry.dual_use_hint,
    )


def needs_met(
    entry: Entry, strength: Strength, groups: dict[tuple[str, str | None], HitGroup], reasons: list[str]
) -> Strength:
    """A decisive match on an entry whose points are all of one kind (software) needs that kind in the text:
    'personalised recommendations' in a consultant's written advice is not a recommender system."""
    if strength is not Strength.MATCH or not entry.aids.needs:
        return strength
    g = groups.get((entry.id, None))
    if g is not None and g.needs:
        return strength
    reasons.append(
        "the words match, but the text names nothing the entry's technology is made of "
        f"({', '.join(entry.aids.needs)}): it may describe advice or a product, not the technology"
    )
    return Strength.POSSIBLE
