"""Last touches on a technology's findings before they are reported: the precise reason wins over a vague
one, and each piece of evidence is told once. Kept apart from `assess` so its rules can be read alone."""

from __future__ import annotations

from ..models.assessment import Evidence, Finding, Strength, TermOrigin
from .matcher import NAME, RELATED, TERM


def is_subject_hint(f: Finding) -> bool:
    """A possible finding on an entry as a whole (no control point): 'resembles the entry's subject'."""
    return f.control_point is None and f.strength is Strength.POSSIBLE


def prefer_other_version_points(found: list[Finding], extra: list[Finding]) -> list[Finding]:
    """A subject hint gives way to the same entry's finding from another version's control point.

    The hint says only that the words resemble the entry's subject; the other-version finding says which
    point matched in which version and that the chosen version's wording of it is not encoded — the fact
    counsel needs. Both are `possible`, so the verdict is unchanged; the hint's evidence is kept with it.
    """
    by_entry = {(x.technology, x.entry_id): x for x in extra}
    out: list[Finding] = []
    absorbed: dict[tuple[int, str], list[Evidence]] = {}
    for f in found:
        key = (f.technology, f.entry_id)
        if key in by_entry and is_subject_hint(f):
            absorbed.setdefault(key, []).extend(f.evidence)
        else:
            out.append(f)
    for key, x in by_entry.items():
        more = absorbed.get(key, [])
        out.append(x.model_copy(update={"evidence": [*x.evidence, *more]}) if more else x)
    return out


_KIND_RANK = {TERM: 0, NAME: 1, RELATED: 2}
_ORIGIN_RANK = {
    TermOrigin.LEGAL_TEXT: 0,
    TermOrigin.LEGAL_TEXT_SHORTENED: 1,
    TermOrigin.BACK_TRANSLATION: 2,
    TermOrigin.EXPORTCHECK_AID: 3,
}


def _preference(e: Evidence) -> tuple[int, int, int, str]:
    """Strongest kind first, then the catalogue's own wording before an aid, then a named concept group."""
    return (_KIND_RANK.get(e.kind, 3), _ORIGIN_RANK.get(e.origin, 4), e.concept is None, e.term)


def without_duplicate_evidence(findings: list[Finding]) -> list[Finding]:
    """The same words of the deal, at the same place, are listed once per finding.

    One phrase ('Speech synthesis') often fires both an aid and the concept group that holds it; listing
    each made the same evidence appear up to four times. The kept item is the strongest reading; a
    negation or an undone disguise makes a different item, so neither is ever hidden.
    """
    out = []
    for f in findings:
        best: dict[tuple[object, ...], Evidence] = {}
        for e in f.evidence:
            key = _key(e)
            if key not in best or _preference(e) < _preference(best[key]):
                best[key] = e
        if len(best) == len(f.evidence):
            out.append(f)
            continue
        kept = [e for e in f.evidence if best.get(_key(e)) is e]
        out.append(f.model_copy(update={"evidence": kept}))
    return out


def _key(e: Evidence) -> tuple[object, ...]:
    return (e.technology, e.field, e.line, e.deal_text.casefold(), e.negation, e.disguise)
