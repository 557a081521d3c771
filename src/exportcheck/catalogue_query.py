"""Read-only questions about the catalogue: list, find by code, search text, coverage status, diff."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue, ResolvedVersion
from .models.catalogue import ControlPoint, Entry, Part, PresenceStatus
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


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed | unconfirmed (carried, fate unknown)
    entry_id: str
    code: str | None
    name: str
    part: str
    details: tuple[str, ...]
    sources: tuple[str, ...]


def _cp_signature(cp: ControlPoint) -> tuple[object, ...]:
    """What makes a point's legal content: its wording (zh, else en), sub-points and thresholds."""
    return (
        cp.text.zh or cp.text.en,
        tuple(s.zh or s.en for s in cp.sub_points),
        tuple((p.id, p.comparator.value, p.value, p.unit, p.condition) for p in cp.parameters),
        tuple(c.zh or c.en for c in cp.conditions),
    )


def _entry_changes(a: Entry, b: Entry) -> tuple[list[str], set[str]]:
    details: list[str] = []
    sources: set[str] = set()
    if a.code != b.code:
        details.append(f"code {a.code or '—'} -> {b.code or '—'}")
        if b.code_provenance:
            sources.update(b.code_provenance.sources)
    if a.part is not b.part:
        details.append(f"part {a.part.value} -> {b.part.value}")
    if (a.name.zh or a.name.en) != (b.name.zh or b.name.en):
        details.append(f"name {a.name.best('zh')} -> {b.name.best('zh')}")
        sources.update(b.provenance.sources)
    cps_a = {cp.number: cp for cp in a.control_points}
    cps_b = {cp.number: cp for cp in b.control_points}
    for number in sorted(set(cps_a) | set(cps_b), key=int):
        old, new = cps_a.get(number), cps_b.get(number)
        if old is None and new is not None:
            details.append(f"control point {number} added: {new.text.best('zh')}")
            sources.update(new.provenance.sources)
        elif new is None and old is not None:
            details.append(f"control point {number} removed: {old.text.best('zh')}")
        elif old is not None and new is not None and _cp_signature(old) != _cp_signature(new):
            details.append(f"control point {number} changed: {old.text.best('zh')} -> {new.text.best('zh')}")
            sources.update(new.provenance.sources)
            for p in new.parameters:
                sources.update(p.provenance.sources)
    return details, sources


def deleted_by(catalogue: Catalogue, entry_id: str) -> list[str]:
    """Versions whose instrument deleted the entry: named in their `deleted`, or listed only in a version
    derived backwards from them (the later text no longer holds it, as No. 38 dropped M4 from the 2008 text)."""
    out = {v.id for v in catalogue.laws() if any(d.id == entry_id for d in v.meta.deleted)}
    for v in catalogue.laws():
        later = v.meta.derived_from
        listed_only_here = v.origin.get(entry_id) == "listed"
        if (
            later in catalogue.versions
            and listed_only_here
            and entry_id not in catalogue.versions[later].entries
        ):
            out.add(later)
    return sorted(out)


def added_by(catalogue: Catalogue, entry_id: str) -> list[str]:
    """Versions a source says added the entry: those a derived version undoes it as added from."""
    return sorted(
        {
            v.meta.derived_from
            for v in catalogue.laws()
            if v.meta.derived_from and entry_id in {c.id for c in v.meta.undo.added}
        }
    )


def _presence_sources(entry: Entry) -> list[str]:
    """The sources that show an entry in its version (for an entry the next version dropped: the deletion)."""
    return list(entry.presence.provenance.sources) if entry.presence.provenance else []


def diff(catalogue: Catalogue, old: str, new: str) -> list[Change]:
    """Entries and control points added, removed and changed from version `old` to version `new`."""
    va, vb = catalogue.versions[old], catalogue.versions[new]
    deleted = {d.id: d for d in vb.meta.deleted}
    changes: list[Change] = []
    for eid in sorted(set(va.entries) | set(vb.entries), key=lambda i: int(i[1:])):
        a, b = va.entries.get(eid), vb.entries.get(eid)
        if a is not None and b is None:
            d = deleted.get(eid)
            dropped = d is not None or new in deleted_by(catalogue, eid)
            why = (
                (f"deleted by {vb.meta.instrument.best('zh')}",) if dropped else ("not in the newer version",)
            )
            changes.append(
                Change(
                    "removed",
                    eid,
                    a.code,
                    a.name.best("zh"),
                    a.part.value,
                    why,
                    tuple(sorted(d.provenance.sources if d else _presence_sources(a) if dropped else ())),
                )
            )
        elif b is not None and a is None:
            prov = b.presence.provenance or b.provenance
            changes.append(
                Change(
                    "added",
                    eid,
                    b.code,
                    b.name.best("zh"),
                    b.part.value,
                    (f"{len(b.control_points)} control points encoded",),
                    tuple(sorted(prov.sources)),
                )
            )
        elif a is not None and b is not None:
            details, sources = _entry_changes(a, b)
            if not details and b.presence.status is PresenceStatus.UNCONFIRMED is not a.presence.status:
                note = b.presence.note or "status in the newer version not confirmed"
                changes.append(
                    Change("unconfirmed", eid, b.code, b.name.best("zh"), b.part.value, (note,), ())
                )
            elif details:
                changes.append(
                    Change(
                        "changed",
                        eid,
                        b.code,
                        b.name.best("zh"),
                        b.part.value,
                        tuple(details),
                        tuple(sorted(sources)),
                    )
                )
    order = {"removed": 0, "added": 1, "changed": 2, "unconfirmed": 3}
    return sorted(changes, key=lambda c: (order[c.kind], c.code or "~", int(c.entry_id[1:])))
