"""Read-only questions about the catalogue: list, find by code, search text, coverage status, diff."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue, ResolvedVersion
from .models.catalogue import Entry, Part
from .normalize import normalise, normalise_term


@dataclass(frozen=True)
class Located:
    version: str
    entry: Entry
    origin: str


def versions_for(catalogue: Catalogue, version: str | None) -> list[ResolvedVersion]:
    if version is None:
        return catalogue.ordered()
    if version not in catalogue.versions:
        raise KeyError(version)
    return [catalogue.versions[version]]


def list_entries(
    catalogue: Catalogue, version: str, part: Part | None = None, industry: str | None = None
) -> list[Located]:
    v = catalogue.versions[version]
    needle = normalise_term(industry) if industry else None
    out = []
    for e in v.sorted_entries():
        if part and e.part is not part:
            continue
        if needle:
            hay = normalise(
                " ".join(x for x in (e.industry.zh, e.industry.en) if x) if e.industry else ""
            ).text
            if needle not in hay:
                continue
        out.append(Located(v.id, e, v.origin.get(e.id, "listed")))
    return out


def find(catalogue: Catalogue, code_or_id: str, version: str | None = None) -> list[Located]:
    out = []
    for v in versions_for(catalogue, version):
        e = v.find(code_or_id)
        if e is not None:
            out.append(Located(v.id, e, v.origin.get(e.id, "listed")))
    return out


@dataclass(frozen=True)
class SearchHit:
    version: str
    entry: Entry
    where: str  # name | control point N | aid
    text: str


def search(catalogue: Catalogue, query: str, version: str | None = None) -> list[SearchHit]:
    """Entries whose legal text or aids contain the query (Simplified, Traditional or English)."""
    needle = normalise_term(query)
    if not needle:
        return []
    hits: list[SearchHit] = []

    def contains(text: str | None) -> bool:
        return (bool(text) and f" {needle} " in normalise(text or "").text) or (
            not needle.isascii() and needle in normalise(text or "").text
        )

    for v in versions_for(catalogue, version):
        for e in v.sorted_entries():
            candidates: list[tuple[str, str | None]] = [("name", e.name.zh), ("name", e.name.en)]
            for cp in e.control_points:
                candidates += [
                    (f"control point {cp.number}", cp.text.zh),
                    (f"control point {cp.number}", cp.text.en),
                ]
                candidates += [(f"control point {cp.number} (exportcheck aid)", t) for t in cp.aids.terms]
            candidates += [("entry (exportcheck aid)", t) for t in e.aids.terms + e.aids.related]
            for where, text in candidates:
                if contains(text):
                    hits.append(SearchHit(v.id, e, where, text or ""))
                    break
    return hits


@dataclass(frozen=True)
class StatusRow:
    version: str
    status: str
    effective: str
    superseded: str | None
    instrument: str
    official_total: int
    official_prohibited: int
    official_restricted: int
    encoded_total: int
    encoded_prohibited: int
    encoded_restricted: int
    unconfirmed: int
    with_code: int
    complete_entries: int
    control_points: int
    official_wording_control_points: int
    entries_official_name: int


def status(catalogue: Catalogue) -> list[StatusRow]:
    rows = []
    for v in catalogue.ordered():
        c = v.coverage()
        rows.append(
            StatusRow(
                version=v.id,
                status=v.meta.status.value,
                effective=v.meta.effective.isoformat(),
                superseded=v.superseded.isoformat() if v.superseded else None,
                instrument=v.meta.instrument.best("zh"),
                official_total=c.official_entries,
                official_prohibited=c.official_prohibited,
                official_restricted=c.official_restricted,
                encoded_total=c.encoded_entries,
                encoded_prohibited=c.encoded_prohibited,
                encoded_restricted=c.encoded_restricted,
                unconfirmed=c.unconfirmed_entries,
                with_code=c.entries_with_code,
                complete_entries=c.entries_with_all_control_points,
                control_points=c.encoded_control_points,
                official_wording_control_points=c.official_wording_control_points,
                entries_official_name=sum(e.provenance.fidelity == "official" for e in v.entries.values()),
            )
        )
    return rows
