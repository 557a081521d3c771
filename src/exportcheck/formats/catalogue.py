"""Render catalogue listings, entries, search hits and coverage status as text or JSON strings.

A catalogue folder may be the user's own (`--catalogue`, `catalogue validate PATH`), so its text is
escaped like a deal's: rich cells are `cell`s, plain lines `clean`, JSON `json_text`."""

from __future__ import annotations

import json
from typing import Any

from ..catalogue_query import Change, Located, SearchHit, StatusRow
from ..escape import clean, json_text
from ..models.catalogue import Entry
from ..models.common import Provenance
from .console import cell, string_console


def _console(width: int = 120) -> Any:
    return string_console(width)[0]


def _dump(data: Any) -> str:
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _prov(p: Provenance | None) -> str:
    if p is None:
        return "—"
    s = f"{p.fidelity.label} [{', '.join(p.sources)}]"
    if p.zh_is_back_translation:
        s += f"; seen only in {p.seen_as.value}: Chinese is a back-translation"
    if p.note:
        s += f" — {p.note}"
    return s


def list_json(rows: list[Located]) -> str:
    return _dump(
        [
            {
                "version": r.version,
                "id": r.entry.id,
                "code": r.entry.code,
                "part": r.entry.part.value,
                "name": r.entry.name.model_dump(),
                "presence": r.entry.presence.status.value,
                "origin": r.origin,
                "control_points": len(r.entry.control_points),
            }
            for r in rows
        ]
    )


def list_text(rows: list[Located]) -> str:
    from rich.table import Table

    console = _console()
    table = Table(show_lines=False, expand=True)
    for col in ("version", "code", "id", "part", "name (zh)", "name (en, unofficial)", "CPs", "presence"):
        table.add_column(col)
    for r in rows:
        e = r.entry
        table.add_row(
            *map(
                cell,
                (
                    r.version,
                    e.code or "—",
                    e.id,
                    e.part.value,
                    e.name.zh or "—",
                    e.name.en or "—",
                    str(len(e.control_points)),
                    e.presence.status.value,
                ),
            )
        )
    console.print(table)
    console.print(f"{len(rows)} entries")
    return console.file.getvalue()


def entry_json(rows: list[Located]) -> str:
    return _dump(
        [{"version": r.version, "origin": r.origin, "entry": r.entry.model_dump(mode="json")} for r in rows]
    )


def _entry_block(version: str, origin: str, e: Entry) -> list[str]:
    out = [f"== {e.code or '(code not known)'}  {e.name.zh or ''}  {e.name.en or ''}  [version {version}]"]
    out.append(
        f"id: {e.id}   part: {e.part.value}{'' if e.part_confirmed else ' (NOT CONFIRMED)'}   "
        f"origin: {origin}"
    )
    if e.industry:
        out.append(f"industry: {e.industry.zh or ''} {e.industry.en or ''}".rstrip())
    out.append(f"name provenance: {_prov(e.provenance)}")
    if e.code:
        out.append(f"code provenance: {_prov(e.code_provenance)}")
    for alias in e.other_codes:
        out.append(f"also coded {alias.code}: {alias.context} — {_prov(alias.provenance)}")
    out.append(
        f"presence in {version}: {e.presence.status.value}"
        + (f" — {e.presence.note}" if e.presence.note else "")
        + (f" — {_prov(e.presence.provenance)}" if e.presence.provenance else "")
    )
    total = "all" if e.control_points_complete else "not all"
    out.append(f"control points ({len(e.control_points)} encoded; {total} of this version's points):")
    for cp in sorted(e.control_points, key=lambda c: int(c.number)):
        out.append(f"  {cp.number}. {cp.text.zh or '(Chinese wording not known)'}")
        if cp.text.en:
            out.append(f"      en (unofficial): {cp.text.en}")
        for sub in cp.sub_points:
            out.append(f"      - {sub.zh or ''} {sub.en or ''}".rstrip())
        for p in cp.parameters:
            out.append(f"      parameter: {p.describe()} — {_prov(p.provenance)}")
        for c in cp.conditions:
            out.append(f"      condition (not evaluated): {c.best('zh')}")
        out.append(f"      provenance: {_prov(cp.provenance)}")
        aids = cp.aids.terms + cp.aids.related
        if aids:
            out.append(f"      exportcheck matching aids (not legal text): {', '.join(aids)}")
        if cp.aids.exclude:
            out.append(f"      exportcheck exclusions (not legal text): {', '.join(cp.aids.exclude)}")
    for n in e.notes:
        out.append(f"note: {n}")
    if e.dual_use_hint:
        out.append(f"dual-use: {e.dual_use_hint}")
    return out


def entry_text(rows: list[Located]) -> str:
    lines: list[str] = []
    for r in rows:
        lines += [*map(clean, _entry_block(r.version, r.origin, r.entry)), ""]
    lines.append("English renderings are unofficial; the official Chinese text governs.")
    return "\n".join(lines) + "\n"


def search_json(hits: list[SearchHit]) -> str:
    return _dump(
        [
            {
                "version": h.version,
                "id": h.entry.id,
                "code": h.entry.code,
                "name": h.entry.name.model_dump(),
                "part": h.entry.part.value,
                "where": h.where,
                "text": h.text,
            }
            for h in hits
        ]
    )


def search_text(hits: list[SearchHit]) -> str:
    from rich.table import Table

    console = _console()
    table = Table(expand=True)
    for col in ("version", "code", "name", "part", "matched in", "text"):
        table.add_column(col)
    for h in hits:
        table.add_row(
            *map(
                cell,
                (
                    h.version,
                    h.entry.code or h.entry.id,
                    h.entry.name.best("zh"),
                    h.entry.part.value,
                    h.where,
                    h.text,
                ),
            )
        )
    if hits:  # an empty table says nothing a count does not
        console.print(table)
    console.print(
        f"{len(hits)} hit{'' if len(hits) == 1 else 's'}" if hits else "no entry or control point matched"
    )
    return console.file.getvalue()


def status_json(rows: list[StatusRow], sha256: str, dual_use: dict[str, Any] | None = None) -> str:
    return _dump(
        {
            "catalogue_sha256": sha256,
            "versions": [
                {
                    "version": r.version,
                    "status": r.status,
                    "effective": r.effective,
                    "superseded": r.superseded,
                    "instrument": r.instrument,
                    "official": {
                        "entries": r.official_total,
                        "prohibited": r.official_prohibited,
                        "restricted": r.official_restricted,
                    },
                    "encoded": {
                        "entries": r.encoded_total,
                        "prohibited": r.encoded_prohibited,
                        "restricted": r.encoded_restricted,
                        "unconfirmed_entries": r.unconfirmed,
                        "entries_with_code": r.with_code,
                        "entries_with_official_name": r.entries_official_name,
                        "entries_with_all_control_points": r.complete_entries,
                        "control_points": r.control_points,
                        "control_points_official_wording": r.official_wording_control_points,
                    },
                    "coverage_ratio": round(r.encoded_total / r.official_total, 4)
                    if r.official_total
                    else 0.0,
                    "complete": r.encoded_total >= r.official_total
                    and r.complete_entries >= r.official_total
                    and r.unconfirmed == 0,
                }
                for r in rows
            ],
            **({"dual_use": dual_use} if dual_use is not None else {}),
        }
    )


def status_text(rows: list[StatusRow], sha256: str) -> str:
    from rich.table import Table

    console = _console()
    table = Table(title="Catalogue coverage: what exportcheck encodes of each official version", expand=True)
    for col in (
        "version",
        "in force",
        "official (J+X)",
        "encoded (J+X)",
        "unconfirmed",
        "with code",
        "control points (official wording)",
        "complete entries",
    ):
        table.add_column(col)
    for r in rows:
        table.add_row(
            *map(
                cell,
                (
                    r.version,
                    f"{r.effective} → {r.superseded or 'now'}",
                    f"{r.official_total} ({r.official_prohibited}+{r.official_restricted})",
                    f"{r.encoded_total} ({r.encoded_prohibited}+{r.encoded_restricted})",
                    str(r.unconfirmed),
                    str(r.with_code),
                    f"{r.control_points} ({r.official_wording_control_points})",
                    str(r.complete_entries),
                ),
            )
        )
    console.print(table)
    console.print("No version is fully encoded: a 'free' verdict means no encoded entry matched.")
    console.print(f"catalogue sha256: {sha256}")
    return console.file.getvalue()


def diff_json(old: str, new: str, changes: list[Change]) -> str:
    return _dump(
        {
            "from": old,
            "to": new,
            "changes": [
                {
                    "kind": c.kind,
                    "id": c.entry_id,
                    "code": c.code,
                    "name": c.name,
                    "part": c.part,
                    "details": list(c.details),
                    "sources": list(c.sources),
                }
                for c in changes
            ],
        }
    )


def diff_text(old: str, new: str, changes: list[Change]) -> str:
    from rich.table import Table

    console, buf = string_console(120)
    table = Table(title=cell(f"Catalogue changes {old} -> {new}"), expand=True, show_lines=True)
    for col in ("change", "code", "id", "name", "part", "details", "sources"):
        table.add_column(col)
    for c in changes:
        row = (c.kind, c.code or "—", c.entry_id, c.name, c.part, "\n".join(c.details), ", ".join(c.sources))
        table.add_row(*map(cell, row))
    console.print(table)
    console.print(
        f"{len(changes)} changes (only what the encoded data shows; unnamed official changes are not listed)"
    )
    return buf.getvalue()
