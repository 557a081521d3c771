"""An organisation's own copy of the official text, layered over a catalogue.

An overlay folder (written by `exportcheck catalogue import`) holds `overlay.yaml` (which version, which
file it was imported from, that file's sha256 and the import date) and `entries/<ID>.yaml` in the
catalogue's entry format. Layered over a catalogue, an overlay entry replaces the legal text of the entry
with the same code (exportcheck's matching aids, other codes and dual-use hint are kept), and an entry
with a new code is added. The overlay is user input: read with the catalogue's YAML limits, validated with
the same models, never executed, and named with its sha256 wherever the catalogue is named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .errors import CatalogueError, Problem
from .models.catalogue import ControlPoint, Entry, VersionId
from .models.common import Provenance, Strict
from .validation import validate
from .yamlsafe import InputError, Limits, load_file

OVERLAY_FILE = "overlay.yaml"
OVERLAY_LIMITS = Limits(max_bytes=4 * 1024 * 1024, max_nodes=2_000_000, max_depth=40)
MAX_ENTRIES = 2_000  # the catalogue has never had 200 entries
MAX_TOTAL_BYTES = 64 * 1024 * 1024


class ImportedFrom(Strict):
    file: str = Field(
        pattern=r"^[^\x00-\x1f\x7f-\x9f]{1,255}$", description="Name of the file the text was imported from."
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of that file.")
    date: dt.date = Field(description="Day of the import.")
    reader: Literal["text", "pdf", "csv", "yaml"] = Field(description="How it was read.")

    @field_validator("file")
    @classmethod
    def _printable(cls, value: str) -> str:
        """Printed on the terminal with every report: no control, format or bidi characters."""
        if any(unicodedata.category(ch)[0] == "C" for ch in value):
            raise ValueError("control or format characters in the file name")
        return value


class FoundCounts(Strict):
    total: int = Field(ge=0)
    prohibited: int = Field(ge=0)
    restricted: int = Field(ge=0)


class OverlayManifest(Strict):
    """overlay.yaml: what an overlay folder holds and where it came from."""

    overlay: Literal[1] = Field(description="Format of the overlay folder.")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="The overlay's name.")
    version: VersionId = Field(description="The catalogue version whose official text was imported.")
    imported_from: ImportedFrom
    official_counts: FoundCounts = Field(description="The version's official counts at import time.")
    found: FoundCounts = Field(description="Entries the import could read and wrote.")
    problems: list[str] = Field(default_factory=list, description="What the import could not place.")

    @property
    def source_key(self) -> str:
        return f"overlay:{self.name}"


@dataclass(frozen=True)
class OverlayRef:
    """What every output says about an overlay in use."""

    name: str
    path: str
    sha256: str
    version: str
    imported_sha256: str
    imported_file: str
    imported_date: str
    entries: int


@dataclass
class Overlay:
    manifest: OverlayManifest
    entries: list[Entry]
    ref: OverlayRef


def is_overlay(path: Path) -> bool:
    return (path / OVERLAY_FILE).is_file()


def _files(root: Path) -> list[Path]:
    edir = root / "entries"
    if edir.is_symlink():
        return [root / OVERLAY_FILE, edir]  # refused by the readers below
    found = sorted(p for p in edir.glob("*.y*ml") if p.is_file() or p.is_symlink()) if edir.is_dir() else []
    return [root / OVERLAY_FILE, *found]


def overlay_digest(root: Path) -> str:
    """sha256 of an overlay's files, as load_overlay computes it; files it would refuse make a digest
    no valid overlay has, so the cache is never used for them (loading then reports the problem)."""
    digest = hashlib.sha256()
    files = _files(root)
    if len(files) > MAX_ENTRIES + 1:
        return "refused"
    for path in files:
        try:
            if path.is_symlink() or path.stat().st_size > OVERLAY_LIMITS.max_bytes:
                return "refused"
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            return "unreadable"
    return digest.hexdigest()


def load_overlay(root: Path, known_sources: set[str]) -> Overlay:
    """Read and validate an overlay folder; CatalogueError with every problem."""
    problems: list[Problem] = []
    if not is_overlay(root):
        raise CatalogueError(
            [
                Problem(
                    str(root),
                    None,
                    "",
                    f"not an overlay folder (no {OVERLAY_FILE}); write one with "
                    "'exportcheck catalogue import'",
                )
            ]
        )
    files = _files(root)
    if len(files) > MAX_ENTRIES + 1:
        raise CatalogueError([Problem(str(root), None, "", f"more than {MAX_ENTRIES} entry files")])
    digest = hashlib.sha256()
    docs = []
    total = 0
    for path in files:
        display = f"{root.name}/{path.relative_to(root).as_posix()}"
        if path.is_symlink():
            problems.append(
                Problem(display, None, "", "is a symbolic link: overlays are read from plain files")
            )
            continue
        try:
            total += path.stat().st_size
            if total > MAX_TOTAL_BYTES:
                raise CatalogueError(
                    [Problem(display, None, "", f"overlay larger than {MAX_TOTAL_BYTES:,} bytes")]
                )
            doc = load_file(path, display, OVERLAY_LIMITS)
        except InputError as exc:
            problems += exc.problems
            continue
        except OSError as exc:
            problems.append(Problem(display, None, "", f"cannot read: {exc.strerror or exc}"))
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
        docs.append((path, doc))
    if problems:
        raise CatalogueError(problems)
    manifest, errs = validate(OverlayManifest, docs[0][1].data, docs[0][1])
    if manifest is None:
        raise CatalogueError(errs)
    allowed = known_sources | {manifest.source_key}
    entries: list[Entry] = []
    for path, doc in docs[1:]:
        entry, errs = validate(Entry, doc.data, doc)
        problems += errs
        if entry is None:
            continue
        if entry.id != path.stem:
            problems.append(
                Problem(
                    doc.file, doc.line_of(("id",)), "id", f"entry id {entry.id!r} differs from its file name"
                )
            )
        if entry.code is None:
            problems.append(
                Problem(doc.file, doc.line_of(("code",)), "code", "an overlay entry needs its code")
            )
        if manifest.source_key not in entry.provenance.sources:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(("provenance",)),
                    "provenance.sources",
                    f"an overlay entry's name must cite {manifest.source_key!r}",
                )
            )
        for key in sorted({k for p in _provenances(entry) for k in p.sources} - allowed):
            problems.append(Problem(doc.file, None, "", f"unknown source key {key!r}"))
        entries.append(entry)
    codes = [e.code for e in entries if e.code]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(Problem(f"{root.name}/entries", None, "code", f"code {code} in more than one entry"))
    if problems:
        raise CatalogueError(problems)
    sha = digest.hexdigest()
    ref = OverlayRef(
        name=manifest.name,
        path=str(root),
        sha256=sha,
        version=manifest.version,
        imported_sha256=manifest.imported_from.sha256,
        imported_file=manifest.imported_from.file,
        imported_date=manifest.imported_from.date.isoformat(),
        entries=len(entries),
    )
    return Overlay(manifest, sorted(entries, key=lambda e: e.code or ""), ref)


def _provenances(entry: Entry) -> list[Provenance]:
    found = [entry.provenance]
    found += [p for p in (entry.code_provenance, entry.presence.provenance) if p]
    found += [a.provenance for a in entry.other_codes]
    for cp in entry.control_points:
        found.append(cp.provenance)
        found += [p.provenance for p in cp.parameters]
    return found


def _same_point(shipped: ControlPoint, text: str) -> bool:
    """Whether a shipped point is the imported one: same wording, or the shipped wording is its heading."""
    if not shipped.text.zh or shipped.provenance.zh_is_back_translation:
        return False
    head = shipped.text.zh.split("（")[0].split("(")[0]
    return text == shipped.text.zh or (len(head) >= 4 and text.startswith(head))


def with_kept_aids(imported: Entry, shipped: Entry | None) -> Entry:
    """The imported legal text with exportcheck's own additions for the same entry kept: matching aids
    (entry and point, a point's when its wording is the shipped point's), other codes, dual-use hint; and,
    when the import did not read every point, the shipped points it did not replace."""
    if shipped is None:
        return imported
    points, matched = [], []
    for cp in imported.control_points:
        match = next((s for s in shipped.control_points if _same_point(s, cp.text.zh or "")), None)
        if match is not None:
            matched.append(match)
            if not cp.aids.terms and not cp.aids.related:
                cp = cp.model_copy(update={"aids": match.aids})
        points.append(cp)
    notes = list(imported.notes)
    if not imported.control_points_complete:
        # the import did not read every point: a point exportcheck already holds is kept (with its own
        # provenance) rather than lost, which could turn a controlled technology into 'free'
        numbers = {cp.number for cp in points}
        for cp in shipped.control_points:
            if cp not in matched and cp.number not in numbers:
                points.append(cp)
                numbers.add(cp.number)
                notes.append(
                    f"control point {cp.number} kept from exportcheck's data: the import did not read every "
                    "point of this entry"
                )
        points.sort(key=lambda cp: int(cp.number))
    others = [a for a in imported.other_codes]
    have = {imported.code, *(a.code for a in others)}
    for alias in shipped.other_codes:
        if alias.code not in have:
            others.append(alias)
            have.add(alias.code)
    if shipped.code and shipped.code not in have and shipped.code_provenance:
        from .models.catalogue import CodeAlias

        others.append(
            CodeAlias(
                code=shipped.code,
                context="the shipped catalogue's code for this entry",
                provenance=shipped.code_provenance,
            )
        )
    aids = imported.aids if imported.aids.terms or imported.aids.related else shipped.aids
    return imported.model_copy(
        update={
            "control_points": points,
            "notes": notes,
            "other_codes": others,
            "aids": aids,
            "dual_use_hint": imported.dual_use_hint or shipped.dual_use_hint,
        }
    )


def merge(
    overlay: Overlay, resolved: dict[str, Entry], listed: dict[str, Entry]
) -> tuple[dict[str, Entry], list[str], list[Problem]]:
    """The version's listed entries with the overlay's laid over them, the ids it touched, and problems.

    An overlay entry takes the id of the resolved entry holding its code (whatever id the overlay file
    gave it), else of the codeless entry of the same name and part its import matched, else keeps its own
    id if free (a local id the catalogue has since given to another entry is refused, never merged)."""
    problems: list[Problem] = []
    by_code = {c: e for e in resolved.values() for c in e.all_codes}
    out = dict(listed)
    touched: list[str] = []
    for entry in overlay.entries:
        assert entry.code is not None
        shipped = by_code.get(entry.code)
        if shipped is None and entry.id in resolved:
            held = resolved[entry.id]
            if held.code is None and held.part is entry.part and held.name.zh == entry.name.zh:
                shipped = held
            else:
                problems.append(
                    Problem(
                        f"{overlay.ref.name}/entries/{entry.id}.yaml",
                        None,
                        "id",
                        f"id {entry.id} is the catalogue's {held.code or 'codeless'} entry "
                        f"{held.name.best('zh')}; give this entry ({entry.code}) a free id",
                    )
                )
                continue
        key = shipped.id if shipped else entry.id
        if key in touched:
            problems.append(
                Problem(f"{overlay.ref.name}/entries", None, "code", f"two overlay entries for {key}")
            )
            continue
        out[key] = with_kept_aids(entry.model_copy(update={"id": key}), shipped)
        touched.append(key)
    return out, sorted(touched), problems
