"""A version read backwards from a later one (`derived_from`), for an older text no source reproduces.

The 2008 catalogue survives only through what the 2020 adjustment (No. 38) changed: its entries are the 2020
entries less those No. 38 added, plus those it deleted (listed in the 2008 folder). Nothing here writes legal
text: a carried entry keeps the later wording, and every way that wording may differ from the older one is
said in its presence, so that a match on it is `review` where the older text is not known.
"""

from __future__ import annotations

from .errors import Problem
from .models.catalogue import CatalogueVersion, Entry, Presence, PresenceStatus, UndoneChange


def derive_entries(
    meta: CatalogueVersion,
    base: dict[str, Entry],
    listed: dict[str, Entry],
    file: str,
    problems: list[Problem],
) -> tuple[dict[str, Entry], dict[str, str]]:
    """The entries of `meta` (derived from the version holding `base`) and where each comes from."""
    later = meta.derived_from or ""
    undo = meta.undo
    kinds = {"added": undo.added, "modified": undo.modified, "uncertain": undo.uncertain}
    seen: dict[str, str] = {}
    by_id = {c.id: c for changes in kinds.values() for c in changes}
    for kind, changes in kinds.items():
        for i, change in enumerate(changes):
            if change.id not in base:
                problems.append(
                    Problem(file, None, f"undo.{kind}.{i}.id", f"{change.id} is not held by version {later}")
                )
            if change.id in seen:
                problems.append(
                    Problem(
                        file, None, f"undo.{kind}.{i}.id", f"{change.id} is also under undo.{seen[change.id]}"
                    )
                )
            seen.setdefault(change.id, kind)
    entries: dict[str, Entry] = {}
    origin: dict[str, str] = {}
    for eid, entry in base.items():
        if eid in listed or seen.get(eid) == "added":
            continue
        entries[eid] = _carried_back(entry, meta, seen.get(eid), by_id.get(eid))
        origin[eid] = f"carried back from {later}"
    for eid, entry in listed.items():
        if seen.get(eid) == "added":
            problems.append(
                Problem(file, None, "undo.added", f"{eid} is listed in version {meta.id} but undone as added")
            )
        entries[eid] = entry
        origin[eid] = "listed"
    return entries, origin


def _carried_back(
    entry: Entry, meta: CatalogueVersion, kind: str | None, change: UndoneChange | None
) -> Entry:
    """The later entry as it may have read in `meta`: points the later instrument added are dropped, its
    presence says how far the later content can be trusted for this version (with the source of the change),
    and aids the derived version gives the entry replace the later ones."""
    later = meta.derived_from
    points = [cp for cp in entry.control_points if not (cp.history and cp.history.added_in == later)]
    dropped = [cp.number for cp in entry.control_points if cp not in points]
    if kind == "modified":
        # the later wording's exclusions may be what the later instrument added (M2: 'other than first-generation
        # hybrids'), so they never turn a match on the older, unknown wording into a near miss
        points = [
            cp.model_copy(update={"aids": cp.aids.model_copy(update={"exclude": [], "exclude_unless": []})})
            for cp in points
        ]
        presence = Presence(
            status=PresenceStatus.UNCONFIRMED,
            provenance=change.provenance if change else None,
            note=f"version {later} modified this entry and its wording in version {meta.id} is not known: a match "
            "on it is not decisive",
        )
    elif _from_overlay(entry):
        presence = Presence(
            status=PresenceStatus.UNCONFIRMED,
            note=f"known in version {later} from an organisation's copy of its official text; whether version "
            f"{meta.id} held it in this wording is not known",
        )
    elif kind == "uncertain" or entry.presence.status is PresenceStatus.UNCONFIRMED:
        presence = Presence(
            status=PresenceStatus.UNCONFIRMED,
            provenance=change.provenance if change else None,
            note=f"no source places this entry in version {meta.id}; it may be one of version {later}'s "
            "unidentified additions",
        )
    else:
        presence = Presence(
            status=PresenceStatus.INFERRED,
            note=f"in the version {later} text and not among the entries version {later} is known to have "
            "added or modified; its control points as encoded are read back from that text",
        )
    notes = list(entry.notes)
    if dropped:
        notes.append(
            f"Control points {', '.join(dropped)} were added by version {later} and are not part of "
            f"version {meta.id}."
        )
    return entry.model_copy(
        update={
            "presence": presence,
            "control_points": points,
            "control_points_complete": entry.control_points_complete and not dropped and kind is None,
            "notes": notes,
            "aids": change.aids if change and change.aids else entry.aids,
        }
    )


def _from_overlay(entry: Entry) -> bool:
    """Whether the later version holds the entry as an organisation's imported text (an overlay's source key,
    `overlay:NAME`): that text may carry the later instrument's additions, which no `undo` list names."""
    prov = entry.presence.provenance
    return prov is not None and any(key.startswith("overlay:") for key in prov.sources)
