"""`exportcheck catalogue import`: an organisation's copy of the official text, read into an overlay.

Readers find the structure (text.py for extracted PDF text, transcription.py for CSV/YAML rows); this
module turns what they found into catalogue entries with provenance "organisation-supplied official text"
(the file's sha256, the import date, the line), checks the result against the version's official counts,
and writes the overlay folder (writer.py). It never guesses: whatever it could not place is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..catalogue import Catalogue
from ..catalogue_overlay import FoundCounts, ImportedFrom, OverlayManifest, with_kept_aids
from ..errors import InputError, Problem
from ..models.catalogue import ControlPoint, Entry, Part, Presence, PresenceStatus
from ..models.common import Fidelity, Provenance, Text
from ..safeio import read_bounded
from ..yamlsafe import Limits
from .parsed import ParsedEntry, ParseResult, conditions_of

MAX_BYTES = 32 * 1024 * 1024  # the 2023 catalogue's text is about 100 kB


@dataclass(frozen=True)
class WrittenEntry:
    id: str
    code: str
    name: str
    part: str
    points: int
    matched: str  # "code" | "name" | "new": how it met the catalogue's own entry
    complete: bool


@dataclass
class ImportReport:
    version: str
    source: str
    sha256: str
    reader: str
    official: FoundCounts
    found: FoundCounts
    entries: list[WrittenEntry]
    problems: list[Problem]
    skipped: dict[str, int] = field(default_factory=dict)
    preamble: int = 0
    into: str = ""
    overlay_name: str = ""
    overlay_sha256: str = ""


def read_source(path: Path, display: str, encoding: str | None) -> tuple[str, str, bool]:
    """The file's text, its sha256, and whether it was a PDF; within MAX_BYTES."""
    try:
        # regular files only, and never more than MAX_BYTES + 1 read whatever the file says its size is
        raw = read_bounded(path, display, MAX_BYTES)
    except OSError as exc:
        raise InputError([Problem(display, None, "", f"cannot read: {exc.strerror or exc}")]) from None
    sha = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"%PDF"):
        from .pdf import pdf_text

        return pdf_text(raw, display), sha, True
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(display, None, "", f"cannot decode as {encoding or 'UTF-8'}: {exc}; pass --encoding")]
        ) from None
    return text, sha, False


def parse(path: Path, text: str, display: str, is_pdf: bool = False) -> tuple[str, ParseResult]:
    suffix = path.suffix.lower()
    if not is_pdf and suffix in (".csv", ".yaml", ".yml"):
        from .transcription import read_transcription

        limits = Limits(max_bytes=MAX_BYTES, max_nodes=2_000_000, max_depth=10)
        return ("csv" if suffix == ".csv" else "yaml"), read_transcription(path, text, display, limits)
    from .text import parse_text

    return ("pdf" if is_pdf else "text"), parse_text(text, display)


def build(
    source: Path,
    version: str,
    catalogue: Catalogue,
    name: str,
    today: dt.date,
    encoding: str | None = None,
) -> tuple[ImportReport, OverlayManifest, list[Entry]]:
    """Read `source` and make the overlay's entries and manifest (nothing is written)."""
    display = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in source.name)
    if version not in catalogue.versions:
        raise InputError(
            [
                Problem(
                    display,
                    None,
                    "",
                    f"unknown version {version!r}; choose one of {', '.join(sorted(catalogue.versions))}",
                )
            ]
        )
    text, sha, is_pdf = read_source(source, display, encoding)
    reader, result = parse(source, text, display, is_pdf)
    resolved = catalogue.versions[version]
    counts = resolved.meta.official_counts
    key = f"overlay:{name}"
    problems = list(result.problems)
    taken = {eid for v in catalogue.versions.values() for eid in v.entries}
    entries: list[Entry] = []
    written: list[WrittenEntry] = []
    seen: dict[str, int] = {}
    for parsed in result.entries:
        where = Problem(display, parsed.line, parsed.code or "", "")
        for message in parsed.problems:
            problems.append(Problem(where.file, where.line, where.key, message))
        if parsed.broken:
            problems.append(Problem(display, parsed.line, parsed.code or "", "entry not imported"))
            continue
        assert parsed.code is not None and parsed.part is not None
        if parsed.code in seen:
            problems.append(
                Problem(
                    display,
                    parsed.line,
                    parsed.code,
                    f"code also printed on line {seen[parsed.code]}: not imported twice",
                )
            )
            continue
        seen[parsed.code] = parsed.line
        shipped, matched = _shipped(resolved.entries, parsed)
        eid = shipped.id if shipped else _new_id(parsed, taken)
        if eid is None:
            problems.append(
                Problem(display, parsed.line, parsed.code, "no free local id (M900–M999): not imported")
            )
            continue
        taken.add(eid)
        try:
            entry = with_kept_aids(_entry(parsed, eid, key, display, sha, today), shipped)
        except ValidationError as exc:  # wording the models refuse: reported, never a traceback
            problems.append(
                Problem(display, parsed.line, parsed.code, f"not imported: {exc.errors()[0]['msg']}")
            )
            continue
        entries.append(entry)
        written.append(
            WrittenEntry(
                eid,
                parsed.code,
                parsed.name,
                parsed.part,
                len(parsed.points),
                matched,
                entry.control_points_complete,
            )
        )
    found = FoundCounts(
        total=len(entries),
        prohibited=sum(e.part is Part.PROHIBITED for e in entries),
        restricted=sum(e.part is Part.RESTRICTED for e in entries),
    )
    for label, got, limit in (
        ("prohibited", found.prohibited, counts.prohibited),
        ("restricted", found.restricted, counts.restricted),
    ):
        if got > limit:
            problems.append(
                Problem(
                    display,
                    None,
                    "",
                    f"{got} {label} entries read, more than the official {limit} of version {version}",
                )
            )
    if found.prohibited > counts.prohibited or found.restricted > counts.restricted:
        raise InputError(
            [
                Problem(
                    display,
                    None,
                    "",
                    f"{found.total} entries read ({found.prohibited} prohibited, {found.restricted} "
                    f"restricted), more than version {version}'s official {counts.prohibited} + "
                    f"{counts.restricted}: not that version's text, or entries were split; nothing written",
                )
            ]
        )
    problems += _serial_gaps(result.entries, display, counts.prohibited, counts.restricted)
    official = FoundCounts(total=counts.total, prohibited=counts.prohibited, restricted=counts.restricted)
    problems = sorted(set(problems), key=lambda p: (p.line or 0, p.key, p.message))
    manifest = OverlayManifest(
        overlay=1,
        name=name,
        version=version,
        imported_from=ImportedFrom(file=display, sha256=sha, date=today, reader=reader),
        official_counts=official,
        found=found,
        problems=[p.render() for p in problems],
    )
    report = ImportReport(
        version=version,
        source=display,
        sha256=sha,
        reader=reader,
        official=official,
        found=found,
        entries=sorted(written, key=lambda w: (w.part != "prohibited", w.code)),
        problems=problems,
        skipped=result.skipped,
        preamble=result.preamble,
        overlay_name=name,
    )
    return report, manifest, entries


def _shipped(entries: dict[str, Entry], parsed: ParsedEntry) -> tuple[Entry | None, str]:
    """The catalogue's own entry for what was read: by code, else a codeless entry of the same name and part."""
    for entry in sorted(entries.values(), key=lambda e: e.id):
        if parsed.code in entry.all_codes:
            return entry, "code"
    for entry in sorted(entries.values(), key=lambda e: e.id):
        if (
            entry.code is None
            and entry.part.value == parsed.part
            and entry.name.zh == parsed.name
            and not entry.provenance.zh_is_back_translation
        ):
            return entry, "name"
    return None, "new"


def _new_id(parsed: ParsedEntry, taken: set[str]) -> str | None:
    """An id for a code the catalogue does not hold: M500+serial (prohibited), M600+serial (restricted),
    else the first free from M900; the catalogue's own ids (master table) are far below."""
    base = 500 if parsed.part == "prohibited" else 600
    if parsed.serial and parsed.serial < 100 and f"M{base + parsed.serial}" not in taken:
        return f"M{base + parsed.serial}"
    return next((f"M{n}" for n in range(900, 1000) if f"M{n}" not in taken), None)


def _entry(parsed: ParsedEntry, eid: str, key: str, display: str, sha: str, today: dt.date) -> Entry:
    def prov(line: int) -> Provenance:
        return Provenance(
            sources=[key],
            fidelity=Fidelity.OFFICIAL,
            note=f"organisation-supplied official text: {display} line {line} (sha256 {sha[:16]}…), imported {today.isoformat()}",
        )

    points = [
        ControlPoint(
            number=str(p.number),
            text=Text(zh=p.text),
            provenance=prov(p.line),
            conditions=[Text(zh=c) for c in conditions_of(p.text)],
        )
        for p in parsed.points
    ]
    assert parsed.part is not None
    return Entry(
        id=eid,
        part=Part(parsed.part),
        code=parsed.code,
        code_provenance=prov(parsed.line),
        serial=parsed.serial,
        industry=Text(zh=parsed.industry) if parsed.industry else None,
        name=Text(zh=parsed.name),
        provenance=prov(parsed.line),
        presence=Presence(status=PresenceStatus.EVIDENCED, provenance=prov(parsed.line)),
        control_points=points,
        control_points_complete=not parsed.problems and bool(points),
        notes=[f"problem at import: {m}" for m in parsed.problems],
    )


def _serial_gaps(entries: list[ParsedEntry], display: str, prohibited: int, restricted: int) -> list[Problem]:
    """Serial numbers (序号) the text should hold and does not: where an entry went missing."""
    out = []
    for part, official in (("prohibited", prohibited), ("restricted", restricted)):
        serials = sorted({e.serial for e in entries if e.part == part and e.serial})
        if not serials:
            continue
        missing = sorted(set(range(1, max(official, serials[-1]) + 1)) - set(serials))
        if missing:
            out.append(
                Problem(display, None, "", f"{part} part: serial numbers {_ranges(missing)} not found")
            )
    return out


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)


def run_import(
    source: Path,
    version: str,
    into: Path,
    catalogue: Catalogue,
    today: dt.date,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportReport:
    """Read, write the overlay folder, and load it back over the catalogue as every later run will."""
    from ..catalogue import load_catalogue
    from .writer import check_target, write_overlay

    check_target(into)
    if name is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name):
        raise InputError(
            [Problem("--name", None, "", f"{name!r}: letters, digits, '.', '_' and '-' only (at most 64)")]
        )
    name = name or _name_of(into)
    report, manifest, entries = build(source, version, catalogue, name, today, encoding)
    write_overlay(into, manifest, entries)
    layered = load_catalogue(catalogue.root, into)
    assert layered.overlay is not None
    report.into = str(into)
    report.overlay_sha256 = layered.overlay.sha256
    return report


def _name_of(into: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", into.resolve().name).strip("-._")[:64]
    return name or "overlay"
