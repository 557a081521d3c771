"""The dual-use export-control regime beside the catalogue: match each technology against the technology
items of the dual-use measures, give each match its measure's status on the assessment date, and fold the
result into the catalogue's assessment (the verdict is the most restrictive of both regimes).

Kept apart from assess.py because the two regimes differ in law (出口管制法 / 两用物项出口管制条例 against
技术进出口管理条例), in authority (MOFCOM against the provincial commerce department) and in time: dual-use
measures are switched on and off by announcement, so every status is computed for the day, never read from
prose. A lapsed suspension is 'unconfirmed' and gives 'review' with the question counsel must answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import lru_cache

from ..catalogue import Catalogue
from ..catalogue_dual_use import check_on, status_on
from ..models.assessment import (
    Assessment,
    DualUseCheck,
    DualUseFinding,
    Evidence,
    ParameterCheck,
    Strength,
    TechnologyResult,
    TermOrigin,
    Verdict,
)
from ..models.deal import Deal, Technology
from ..models.dual_use import DualUseItem, Measure, MeasureStatus
from ..normalize import Normalised, is_latin_edge, normalise_term, stem
from . import params
from .matcher import fields_of
from .negation import CLEAR, NOT_NEGATED, negated, negated_after

LineOf = Callable[[tuple[str | int, ...]], int | None]
Fields = list[tuple[str, Normalised]]

OWN_FIELDS = ("name", "description", "keywords")

DUAL_USE_DUTY = (
    "Apply to MOFCOM for a dual-use export licence before the technology is exported or provided to foreign "
    "persons (出口管制法 art. 12; 两用物项出口管制条例 arts. 14–17: decision within 45 working days)."
)


def _occurrences(part: str, norm: Normalised) -> Iterator[tuple[int, int]]:
    """Where a normalised term part stands in a field, on token edges for Latin words."""
    text = norm.text
    start = text.find(part)
    while start >= 0:
        end = start + len(part)
        left_ok = not is_latin_edge(part[0]) or text[start - 1] == " "
        right_ok = not is_latin_edge(part[-1]) or end >= len(text) or text[end] == " "
        if left_ok and right_ok:
            yield start, end
        start = text.find(part, start + 1)


@lru_cache(maxsize=4096)
def _parts(term: str) -> tuple[str, ...]:
    parts = tuple(normalise_term(p) for p in term.split("&") if p.strip())
    return parts if parts and all(parts) else ()


@lru_cache(maxsize=1024)
def _any_part(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Every part of an item's terms: most technologies share no word with an item, and a substring test
    per part says so without trying each term (as fast as one regex alternation of them per deal, without
    compiling eight such regexes at every start)."""
    return tuple(sorted({p for t in terms for p in _parts(t)}))


_FREE = stem("free")


def _negation(norm: Normalised, start: int, end: int) -> int:
    """The matcher's reading of a negation before the term (NOT_NEGATED, CLEAR, UNCLEAR), plus '-free'
    written right after it ("rare-earth-free magnets"), which is a clear negation."""
    after = norm.text[end : end + 16].split()
    if after and after[0] == _FREE and (len(after) < 2 or after[1] != "of"):
        b = norm.original_span(start, end)[1]
        if norm.original[b : b + 1] in ("-", "\u2010", "\u2011"):
            return CLEAR
    return negated(norm.text, start) or negated_after(norm.text, end)


Hits = list[tuple[str, str, int]]


def _term_hits(term: str, fields: Fields) -> Hits:
    """(field, deal words, negation) for each part of 'A & B', all parts in one field; [] when none."""
    parts = _parts(term)
    for fname, norm in fields:
        if not parts or not all(p in norm.text for p in parts):  # cheap rejection: most terms miss
            continue
        hits = []
        for part in parts:
            found = [(s, e, _negation(norm, s, e)) for s, e in _occurrences(part, norm)]
            if not found:
                break
            # an affirmative occurrence if there is one, else an unclear one (NOT_NEGATED < CLEAR < UNCLEAR
            # as numbers, so rank them explicitly)
            s, e, neg = min(found, key=lambda h: (h[2] != NOT_NEGATED, h[2] == CLEAR))
            hits.append((fname, norm.quote(s, e), neg))
        else:
            return hits
    return []


Texts = tuple[Fields, Fields, str]


def _in(term: str, joined: str) -> bool:
    """Whether every part of the term occurs somewhere in the technology's texts: most terms of an item
    that passed the first test still miss, and one test on the joined texts says so without reading each
    field (what _term_hits would find is then [] anyway)."""
    parts = _parts(term)
    return bool(parts) and all(p in joined for p in parts)


def _texts(tech: Technology, title: str) -> Texts:
    """The technology's own fields, the deal title, and all of them joined for one quick search per item;
    normalised once for every item."""
    own = [f for f in fields_of(tech.name, tech.description, tech.keywords) if f[0] in OWN_FIELDS]
    titled = [("title", f[1]) for f in fields_of(title, None, ()) if f[0] == "name"]
    return own, titled, "\0".join(norm.text for _f, norm in (*own, *titled))


def _match_item(
    item: DualUseItem, texts: Texts, index: int, line_of: LineOf
) -> tuple[Strength, list[Evidence], list[str]] | None:
    """The strength of the technology's match on one item, its evidence and reasons; None for no match."""
    own, titled, joined = texts
    if not any(part in joined for part in _any_part((*item.aids.terms, *item.aids.related))):
        return None
    evidence: list[Evidence] = []
    reasons: list[str] = []
    strength: Strength | None = None

    def add(hits: Hits, term: str, kind: str) -> None:
        for fname, quote, _neg in hits:
            line = line_of(("technologies", index, fname)) if fname != "title" else line_of(("title",))
            evidence.append(
                Evidence(
                    technology=index,
                    field=fname,
                    line=line,
                    deal_text=quote,
                    term=term,
                    origin=TermOrigin.EXPORTCHECK_AID,
                    kind=kind,
                )
            )

    unclear: list[tuple[Hits, str]] = []
    terms = [t for t in item.aids.terms if _in(t, joined)]
    for term in terms:
        hits = _term_hits(term, own)
        levels = {neg for _f, _q, neg in hits}
        if hits and levels == {NOT_NEGATED}:
            add(hits, term, "term")
            strength = Strength.MATCH
        elif hits and CLEAR not in levels:  # a negation whose scope may not reach the term
            unclear.append((hits, term))
    if strength is None and unclear:
        for hits, term in unclear:
            add(hits, term, "term")
        strength = Strength.POSSIBLE
        reasons.append("a negation stands before the term but may not reach it")
    if strength is None:
        for term in item.aids.related:
            if not _in(term, joined):
                continue
            hits = _term_hits(term, own)
            if hits and {neg for _f, _q, neg in hits} == {NOT_NEGATED}:
                add(hits, term, "related")
                strength = Strength.POSSIBLE
                reasons.append("only a related term matched: the item may or may not cover this technology")
        for term in terms:
            hits = _term_hits(term, titled)
            if hits and {neg for _f, _q, neg in hits} == {NOT_NEGATED}:
                add(hits, term, "term")
                strength = Strength.POSSIBLE
                reasons.append("the term occurs only in the deal title")
    if strength is None:
        return None
    return strength, evidence[:12], reasons


def _outcome(status: MeasureStatus, strength: Strength) -> Verdict:
    if status is MeasureStatus.IN_FORCE:
        return Verdict.LICENCE_REQUIRED if strength is Strength.MATCH else Verdict.REVIEW
    if status is MeasureStatus.UNCONFIRMED:
        return Verdict.REVIEW
    return Verdict.FREE  # suspended or not yet in force on that day: this measure asks for no licence


def _finding(
    measure: Measure,
    item: DualUseItem,
    tech: Technology,
    texts: Texts,
    index: int,
    day: dt.date,
    line_of: LineOf,
) -> DualUseFinding | None:
    matched = _match_item(item, texts, index, line_of)
    if matched is None:
        return None
    strength, evidence, reasons = matched
    checks: list[ParameterCheck] = [params.check(p, tech.parameters) for p in item.parameters]
    if any(c.holds is False for c in checks):
        return None  # the technology is outside the item's thresholds
    questions = [f"{c.requirement}: {c.note}" for c in checks if c.holds is None]
    if questions:
        strength = Strength.POSSIBLE
        reasons.append("a threshold of the item could not be evaluated")
    status, why = status_on(measure, day)
    name = measure.instrument.best("zh")
    if status is MeasureStatus.UNCONFIRMED:
        questions.append(
            f"Does {name} apply to this transfer on {day}? ({why}.) Check MOFCOM's announcements on this measure "
            "after that day before treating the transfer as free of a dual-use licence."
        )
    elif status is MeasureStatus.SUSPENDED:
        reasons.append(f"{why}: no dual-use licence under this measure while it is suspended")
    elif status is MeasureStatus.NOT_YET_IN_FORCE:
        reasons.append(f"{why}: a transfer from that day needs a dual-use licence")
    return DualUseFinding(
        measure=measure.id,
        instrument=name,
        control_code=item.control_code,
        item_text=item.text,
        status=status,
        status_reason=why,
        strength=strength,
        outcome=_outcome(status, strength),
        reasons=reasons,
        questions=questions,
        technology=index,
        technology_name=tech.name,
        evidence=evidence,
        parameters=checks,
        fidelity=item.provenance.fidelity,
        sources=list(item.provenance.sources),
        end_use=[t.text.best("zh") for t in measure.end_use],
    )


def screen(
    deal: Deal, catalogue: Catalogue, day: dt.date, line_of: LineOf
) -> tuple[list[DualUseFinding], DualUseCheck]:
    """Every technology against every encoded dual-use technology item, with statuses for `day`."""
    data = catalogue.dual_use
    found: list[DualUseFinding] = []
    for index, tech in enumerate(deal.technologies):
        texts = _texts(tech, deal.title)
        for measure in data.ordered():
            for item in measure.items:
                finding = _finding(measure, item, tech, texts, index, day, line_of)
                if finding is not None:
                    found.append(finding)
    found.sort(key=lambda f: (-f.outcome.rank, f.technology, f.measure, f.control_code or "~"))
    return found, check_on(data, day)


def _label(f: DualUseFinding) -> str:
    return f"{f.control_code or '(no control code)'} ({f.instrument})"


def _worst(verdicts: list[Verdict], default: Verdict) -> Verdict:
    return max(verdicts, key=lambda v: v.rank, default=default)


def with_dual_use(
    result: Assessment,
    deal: Deal,
    catalogue: Catalogue,
    day: dt.date,
    line_of: LineOf | None,
    next_duty: dict[Verdict, str],
) -> Assessment:
    """The catalogue's assessment with the dual-use regime folded in: findings, per-technology and overall
    verdicts (the most restrictive of both), the measures checked and what is not encoded."""
    found, check = screen(deal, catalogue, day, line_of or (lambda _p: None))
    not_export = result.verdict is Verdict.NOT_EXPORT
    techs: list[TechnologyResult] = []
    for t in result.technologies:
        mine = [f for f in found if f.technology == t.index]
        reasons = t.reasons + sorted(
            f"dual-use {_label(f)}: {f.status.value}, {f.strength.value} -> {f.outcome.value}" for f in mine
        )
        verdict = t.verdict if not_export else _worst([t.verdict, *[f.outcome for f in mine]], t.verdict)
        techs.append(t.model_copy(update={"verdict": verdict, "reasons": reasons}))
    du_worst = _worst([f.outcome for f in found], Verdict.FREE)
    verdict = result.verdict if not_export else _worst([result.verdict, du_worst], result.verdict)
    gate = result.gate_verdict or result.verdict
    gate = gate if not_export else _worst([gate, du_worst], gate)
    measures = ", ".join(f"{m.instrument} ({m.status.value})" for m in check.measures) or "none encoded"
    # the catalogue's per-technology lines ("name: review") now carry the combined verdict
    changed = {
        f"{old.name}: {old.verdict.value}": f"{new.name}: {new.verdict.value}"
        for old, new in zip(result.technologies, techs, strict=True)
        if old.verdict is not new.verdict
    }
    reasons = [changed.get(r, r) for r in result.verdict_reasons]
    reasons.append(f"dual-use regime checked on {check.date}: {measures}")
    if verdict is Verdict.FREE:
        reasons.append(
            f"free under both regimes: no entry of catalogue version {result.catalogue.version} and no dual-use "
            "measure in force that day matched; dual-use measures not encoded are listed under "
            f"dual_use_checked.gaps ({len(check.gaps)})"
        )
    notes = list(result.dual_use)
    caveats = list(result.caveats)
    for f in found:
        if f.outcome is not Verdict.FREE:  # routes the checklist to the MOFCOM dual-use licence track
            head = f"{_label(f)} {f.item_text.best('zh')}"
            notes.append(f"{head}: {f.status.value} on {check.date} — {f.status_reason}")
        if f.status is MeasureStatus.SUSPENDED:
            caveats.append(
                f"{_label(f)}: {f.status_reason}; no dual-use licence track while suspended, but a transfer "
                "performed after the suspension ends must be re-assessed on its own date"
            )
    if not_export and any(f.outcome is not Verdict.FREE for f in found):
        caveats.append(
            "a dual-use item provided to foreign organisations or persons inside China is an export under the "
            "dual-use measures (出口管制法 art. 2(3)); the dual-use findings still apply to such a provision"
        )
    duty = result.next_duty
    if not not_export and verdict is not result.verdict:
        duty = DUAL_USE_DUTY if verdict is Verdict.LICENCE_REQUIRED else next_duty[verdict]
    elif not not_export and du_worst is Verdict.LICENCE_REQUIRED:
        duty = f"{result.next_duty} Also: {DUAL_USE_DUTY}"
    return result.model_copy(
        update={
            "verdict": verdict,
            "gate_verdict": gate,
            "technologies": techs,
            "verdict_reasons": reasons,
            "dual_use": sorted(set(notes)),
            "caveats": caveats,
            "dual_use_findings": found,
            "dual_use_checked": check,
            "next_duty": duty,
        }
    )
