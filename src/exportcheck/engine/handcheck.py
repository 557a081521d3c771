"""The explained `free`: what exportcheck could not check, so counsel knows what to check by hand.

A technology without findings was checked only against the encoded control points. Entries of the version
whose control points are not all encoded may still hold a point that catches it; those whose subject is near
the technology (a word of their industry heading or name in its text) are listed per technology, and every
such entry of the version is listed once for the whole assessment (JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..catalogue import ResolvedVersion
from ..models.assessment import Assessment, HandCheck, TechnologyResult
from ..models.catalogue import Entry
from ..models.deal import Deal, Technology
from ..normalize import normalise, stem

# Heading and name words that say nothing about a subject (GB/T 4754 headings and entry names share them).
_GENERIC_EN = frozenset(
    stem(w)
    for w in (
        "and", "of", "the", "for", "in", "on", "other", "others", "related", "technology", "technologies",
        "technique", "techniques", "industry", "industries", "service", "services", "product", "products",
        "manufacturing", "manufacture", "gb", "division", "t", "processing", "process", "equipment",
        "general", "special", "purpose", "engineering", "production", "development", "design", "use", "new", "material", "materials", "method", "methods",
    )
)  # fmt: skip
_GENERIC_ZH = (
    "技术",
    "工艺",
    "制造业",
    "制造",
    "业",
    "及",
    "和",
    "与",
    "的",
    "其他",
    "相关",
    "产品",
    "设备",
    "加工",
    "服务",
)
# patterns, compiled (and kept by `re`) when a run first asks for hand checks, not at every start
_NOTE = r"\([^)]*\)"
_CJK = r"[\u3400-\u9fff]+"


@lru_cache(maxsize=8192)
def _words(en: str, zh: str) -> tuple[frozenset[str], frozenset[str]]:
    """(English stems, Chinese two-character words) of a heading or name, without generic words."""
    # parentheses in English headings are exportcheck's notes ("GB/T 4754-2002 division 31; inferred")
    en = re.sub(_NOTE, " ", en)
    latin = {w for w in normalise(en).text.split() if w.isascii() and w.isalpha() and len(w) > 2}
    folded = normalise(zh).text
    for generic in _GENERIC_ZH:
        folded = folded.replace(generic, " ")
    pairs = {run[i : i + 2] for run in re.findall(_CJK, folded) for i in range(len(run) - 1)}
    return frozenset(latin - _GENERIC_EN), frozenset(pairs)


@dataclass(frozen=True)
class _Near:
    """A not fully encoded entry and the words that make a technology near it, per source of nearness."""

    entry: Entry
    sources: tuple[tuple[str, str, frozenset[str], frozenset[str]], ...]  # (what, label, latin, zh)


@dataclass(frozen=True)
class _Partial:
    """What a version's not fully encoded entries need for every assessment, computed once."""

    near: tuple[_Near, ...]
    listing: tuple[str, ...]


# id(version) -> (version, data): the version is kept so its id is never reused while cached
_PARTIAL: dict[int, tuple[ResolvedVersion, _Partial]] = {}


def _partial(version: ResolvedVersion) -> _Partial:
    hit = _PARTIAL.get(id(version))
    if hit is not None and hit[0] is version:
        return hit[1]
    near = []
    for entry in not_fully_encoded(version):
        sources = []
        for what, text in (("industry heading", entry.industry), ("name", entry.name)):
            if text is None:
                continue
            latin, zh = _words(text.en or "", text.zh or "")
            if latin or zh:
                sources.append((what, " / ".join(x for x in (text.zh, text.en) if x), latin, zh))
        near.append(_Near(entry, tuple(sources)))
    listing = tuple(
        f"{e.code or e.id} {e.name.best('zh')}" + (f" ({e.id})" if e.code else "")
        for e in not_fully_encoded(version)
    )
    data = _Partial(tuple(near), listing)
    if len(_PARTIAL) > 64:  # a long-lived process loading many catalogues
        _PARTIAL.clear()
    _PARTIAL[id(version)] = (version, data)
    return data


def not_fully_encoded(version: ResolvedVersion) -> list[Entry]:
    return [e for e in version.sorted_entries() if not e.control_points_complete]


def hand_checks(tech: Technology, version: ResolvedVersion) -> list[HandCheck]:
    """Entries of the version, not fully encoded, whose industry heading or name shares a word with the
    technology's name, description or keywords."""
    text = normalise(" | ".join([tech.name, tech.description or "", *tech.keywords])).text
    tokens = set(text.split())
    # the text's two-character windows: a Chinese pair is in the text exactly when it is one of them, and
    # one set intersection per source replaces a substring search per pair (a scan asks for every deal)
    windows = {text[i : i + 2] for i in range(len(text) - 1)}
    out = []
    for item in _partial(version).near:
        near = []
        for what, label, latin, zh in item.sources:
            shared_latin, shared_zh = latin & tokens, zh & windows
            if shared_latin or shared_zh:
                shared = sorted(shared_latin) + sorted(shared_zh)
                near.append(f"{what} {label!r} shares {', '.join(repr(w) for w in shared[:5])}")
        if near:
            e = item.entry
            out.append(HandCheck(entry_id=e.id, code=e.code, name=e.name, near_by=near))
    return out


def explain_unchecked(result: Assessment, deal: Deal, version: ResolvedVersion) -> Assessment:
    """Add to every technology without (uncleared) findings the entries to check by hand, and list the
    version's not fully encoded entries for the assessment."""
    techs: list[TechnologyResult] = []
    explained = False
    for t in result.technologies:
        own = [f for f in result.findings if f.technology == t.index and not f.cleared]
        if own or t.index >= len(deal.technologies):
            techs.append(t)
            continue
        explained = True
        checks = hand_checks(deal.technologies[t.index], version)
        partial = len(_partial(version).listing)
        reason = (
            f"checked against the encoded control points of the {len(version.entries)} entries exportcheck "
            f"holds for version {version.id}; {partial} of them have control points not (all) encoded"
            + (
                f", {len(checks)} near this technology: check it by hand against the official text of "
                + ", ".join(c.code or c.entry_id for c in checks)
                if checks
                else ""
            )
        )
        techs.append(t.model_copy(update={"check_by_hand": checks, "reasons": [*t.reasons, reason]}))
    if not explained:
        return result
    listing = list(_partial(version).listing)
    return result.model_copy(update={"technologies": techs, "not_fully_encoded": listing})
