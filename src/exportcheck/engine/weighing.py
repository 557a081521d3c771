"""A second reading of a technology's findings: what outweighs a mere hint (a near miss on the same
entry's point, or the deal saying no technology passes), and which matched words were disguised."""

from __future__ import annotations

from collections.abc import Collection

from ..models.assessment import Finding, NearMiss, Strength, Verdict
from ..models.catalogue import Part
from ..models.deal import Deal, Technology
from .matcher import RELATED
from .wording import goods_only


def miss_from(f: Finding, technology: int, reason: str) -> NearMiss:
    """A finding turned into a near miss: the same entry, point and evidence, with the reason it fails."""
    return NearMiss(
        entry_id=f.entry_id,
        code=f.code,
        name=f.name,
        control_point=f.control_point,
        technology=technology,
        evidence=f.evidence,
        reason=reason,
    )


def weigh_no_technology(
    statement: str | None, index: int, found: list[Finding], misses: list[NearMiss]
) -> tuple[list[Finding], list[NearMiss]]:
    """A possible finding (a hint at the subject area, or a term whose thresholds are not given) gives way
    when the deal says in so many words that no technology or know-how passes: a distribution, supply or
    logistics contract that names rare-earth mines or LFP packs transfers no rare-earth or LFP technology.
    Decisive matches stay, and so does a term under a negation whose scope is unclear. `statement` is the
    technology's no-technology sentence (wording.no_technology_statement), read once per technology."""
    if not statement:
        return found, misses
    kept = []
    for f in found:
        if f.strength is Strength.POSSIBLE and not any(e.negation for e in f.evidence):
            misses.append(
                miss_from(
                    f, index, f"only a possible match, and the deal says no technology passes: '{statement}'"
                )
            )
        else:
            kept.append(f)
    return kept, misses


def weigh_goods(
    tech: Technology,
    statement: str | None,
    forms: Collection[str],
    index: int,
    found: list[Finding],
    misses: list[NearMiss],
) -> tuple[list[Finding], list[NearMiss]]:
    """Every finding gives way, decisive ones too, when the technology is goods: no form of the deal
    transfers technology, the text sells or supplies finished products and says in so many words that no
    technical knowledge passes, and nothing says that it does. The catalogue controls technology, not the
    products made with it (a supply contract for NdFeB magnets exports no magnet-making technology). A
    term under a negation of unclear scope still keeps its finding."""
    statement = goods_only(tech, forms, statement)
    if not statement:
        return found, misses
    kept = []
    for f in found:
        if any(e.negation for e in f.evidence):
            kept.append(f)
            continue
        misses.append(
            miss_from(
                f,
                index,
                "the deal sells or supplies products and transfers no technology: "
                f"'{statement}'; the catalogue controls the technology, not the goods",
            )
        )
    return kept, misses


def shared_heading(found: list[Finding], unpointed: set[str]) -> list[Finding]:
    """One heading in both parts (中国传统建筑技术 is 085001J and 085001X in the 2023 text) with neither
    entry's control points known: matching the heading cannot tell which part covers the technology, so
    both findings become 'possible' (review) with that reason: at least a licence, possibly prohibited.
    (Twelve blind labellers split 8 to 4 for 'review' over 'prohibited' here.)"""
    heads: dict[tuple[int, str], set[Part]] = {}
    for f in found:
        if f.control_point is None and f.strength is Strength.MATCH and f.entry_id in unpointed and f.name.zh:
            heads.setdefault((f.technology, f.name.zh), set()).add(f.part)
    split = {k for k, parts in heads.items() if len(parts) > 1}
    if not split:
        return found
    out = []
    for f in found:
        key = (f.technology, f.name.zh or "")
        if f.control_point is None and f.strength is Strength.MATCH and key in split:
            codes = sorted({x.code or x.entry_id for x in found if (x.technology, x.name.zh or "") == key})
            why = (
                f"the heading {f.name.zh} stands in both the prohibited and the restricted part "
                f"({', '.join(codes)}) and neither's control points are known: at least a licence is needed, "
                "and the transfer may be prohibited; compare it with the official text"
            )
            update = {"strength": Strength.POSSIBLE, "outcome": Verdict.REVIEW, "reasons": [*f.reasons, why]}
            f = f.model_copy(update=update)
        out.append(f)
    return out


def explained_away(found: list[Finding], misses: list[NearMiss]) -> tuple[list[Finding], list[NearMiss]]:
    """A hint at an entry's subject (no point matched, related words only) gives way to a near miss on a
    point of the same entry that says why it does not apply: below a threshold, negated, excluded, or a
    point the version does not yet hold. The point is the more precise reading of the same words."""
    explained = {(m.technology, m.entry_id): m for m in misses if m.control_point is not None}
    kept = []
    for f in found:
        why = explained.get((f.technology, f.entry_id))
        hint = f.control_point is None and f.strength is Strength.POSSIBLE
        if why is not None and hint and all(e.kind == RELATED for e in f.evidence):
            misses.append(
                miss_from(
                    f,
                    f.technology,
                    f"the entry's subject matched, but control point {why.control_point} explains why "
                    f"it does not apply: {why.reason}",
                )
            )
        else:
            kept.append(f)
    return kept, misses


def disguise_warnings(findings: list[Finding], deal: Deal) -> list[str]:
    """One warning per technology and field whose matched words had to be unmasked to be read."""
    seen: dict[tuple[int, str], set[str]] = {}
    quotes: dict[tuple[int, str], set[str]] = {}
    for f in findings:
        for e in f.evidence:
            if e.disguise:
                key = (e.technology, e.field)
                seen.setdefault(key, set()).update(e.disguise)
                quotes.setdefault(key, set()).add(e.deal_text)
    out = []
    for (tech, fname), reasons in sorted(seen.items()):
        words = ", ".join(f"'{q}'" for q in sorted(quotes[(tech, fname)]))
        name = deal.technologies[tech].name if tech < len(deal.technologies) else str(tech)
        out.append(
            f"DISGUISED TEXT: technology '{name}', {fname}: {words} matched only after undoing "
            f"{', '.join(sorted(reasons))}; a person reads these words as the catalogue's, a plain search "
            "would not. Find out who wrote the text and why."
        )
    return out
