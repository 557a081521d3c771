"""Load and cross-check a catalogue folder: sources, versions and their entries.

Layout: `sources.yaml`; one folder per version (`2020/`) holding `version.yaml` and
`entries/<ID>.yaml`, one entry per file, file name = entry ID. A version that `amends` another
carries the other's entries forward unless it deletes or re-lists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .catalogue_derive import derive_entries
from .catalogue_dual_use import DualUseData, dual_use_files, load_dual_use
from .errors import CatalogueError, Problem
from .models.catalogue import (
    CarryPolicy,
    CatalogueVersion,
    Entry,
    Part,
    Presence,
    PresenceStatus,
    Source,
    VersionStatus,
)
from .models.common import Provenance
from .models.concepts import CONCEPT_REF, Concept, ConceptLexicon
from .validation import validate
from .yamlsafe import Document, InputError, Limits, load_file

if TYPE_CHECKING:  # the overlay module is imported only when an overlay is used
    from .catalogue_overlay import OverlayRef

CATALOGUE_LIMITS = Limits(max_bytes=4 * 1024 * 1024, max_nodes=2_000_000, max_depth=40)
VERSION_DIR = re.compile(r"^\d{4}$")


def default_root() -> Path:
    """The shipped catalogue: inside the installed package, or the source tree's top level."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "catalogue", here.parents[1] / "catalogue"):
        if (candidate / "sources.yaml").is_file():
            return candidate
    raise CatalogueError([Problem(str(here / "catalogue"), None, "", "shipped catalogue not found")])


@dataclass(frozen=True)
class Coverage:
    official_entries: int
    official_prohibited: int
    official_restricted: int
    encoded_entries: int
    encoded_prohibited: int
    encoded_restricted: int
    unconfirmed_entries: int
    encoded_control_points: int
    official_wording_control_points: int
    entries_with_code: int
    entries_with_all_control_points: int

    @property
    def complete(self) -> bool:
        return (
            self.encoded_entries >= self.official_entries
            and self.entries_with_all_control_points >= self.official_entries
            and self.unconfirmed_entries == 0
        )

    @property
    def ratio(self) -> float:
        return self.encoded_entries / self.official_entries if self.official_entries else 0.0


@dataclass
class ResolvedVersion:
    """A version with its full entry set after applying `amends`."""

    meta: CatalogueVersion
    entries: dict[str, Entry]
    origin: dict[str, str] = field(default_factory=dict)  # id -> "listed" | "carried from 2020"
    superseded: dt.date | None = None
    compiled: Any = field(default=None, repr=False, compare=False)  # the engine's matcher, built once
    # exportcheck's concept groups (concepts.yaml), shared by every version; matching aids, not law
    concepts: dict[str, Concept] = field(default_factory=dict, repr=False, compare=False)
    _coverage: Coverage | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.meta.id

    def sorted_entries(self) -> list[Entry]:
        return sorted(self.entries.values(), key=entry_sort_key)

    def find(self, code_or_id: str) -> Entry | None:
        key = code_or_id.strip().upper()
        if key in self.entries:
            return self.entries[key]
        for entry in self.sorted_entries():
            if key in entry.all_codes:
                return entry
        return None

    def coverage(self) -> Coverage:
        """Counted once: every assessment reports it."""
        if self._coverage is None:
            self._coverage = self._count()
        return self._coverage

    def _count(self) -> Coverage:
        entries = list(self.entries.values())
        cps = [cp for e in entries for cp in e.control_points]
        counts = self.meta.official_counts
        return Coverage(
            official_entries=counts.total,
            official_prohibited=counts.prohibited,
            official_restricted=counts.restricted,
            encoded_entries=len(entries),
            encoded_prohibited=sum(e.part is Part.PROHIBITED for e in entries),
            encoded_restricted=sum(e.part is Part.RESTRICTED for e in entries),
            unconfirmed_entries=sum(e.presence.status is PresenceStatus.UNCONFIRMED for e in entries),
            encoded_control_points=len(cps),
            official_wording_control_points=sum(cp.provenance.fidelity == "official" for cp in cps),
            entries_with_code=sum(e.code is not None for e in entries),
            entries_with_all_control_points=sum(e.control_points_complete for e in entries),
        )


def entry_sort_key(entry: Entry) -> tuple[int, str, int]:
    return (0 if entry.part is Part.PROHIBITED else 1, entry.code or "~", int(entry.id[1:]))


@dataclass
class Catalogue:
    root: Path
    sources: dict[str, Source]
    versions: dict[str, ResolvedVersion]
    sha256: str
    # the dual-use export-control regime, loaded beside the versions (catalogue_dual_use.py)
    dual_use: DualUseData = field(default_factory=DualUseData)
    overlay: OverlayRef | None = None  # an organisation's imported official text, laid over the data

    def ordered(self) -> list[ResolvedVersion]:
        return sorted(self.versions.values(), key=lambda v: (v.meta.effective, v.id))

    def laws(self) -> list[ResolvedVersion]:
        return [v for v in self.ordered() if v.meta.status is VersionStatus.LAW]

    def in_force(self, day: dt.date) -> ResolvedVersion | None:
        """The law version in force on `day`, or None before the earliest encoded version."""
        current = None
        for version in self.laws():
            if version.meta.effective <= day:
                current = version
        return current

    def latest(self) -> ResolvedVersion:
        return self.laws()[-1]


def _digest(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _load(path: Path, root: Path, problems: list[Problem]) -> Document | None:
    display = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
    try:
        return load_file(path, display, CATALOGUE_LIMITS)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def _provenances(
    obj: Any, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Provenance]]:
    """Every Provenance inside a model, with its key path, for source-key checks."""
    found: list[tuple[tuple[str | int, ...], Provenance]] = []
    if isinstance(obj, Provenance):
        return [(path, obj)]
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _provenances(getattr(obj, name), (*path, name))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += _provenances(item, (*path, i))
    return found


def _check_sources(obj: Any, doc: Document, sources: dict[str, Source], problems: list[Problem]) -> None:
    from .yamlsafe import dotted

    for path, prov in _provenances(obj):
        for key in prov.sources:
            if key not in sources:
                problems.append(
                    Problem(
                        doc.file,
                        doc.line_of((*path, "sources")),
                        dotted((*path, "sources")),
                        f"unknown source key {key!r}; add it to sources.yaml or fix the spelling",
                    )
                )


def catalogue_files(root: Path) -> list[Path]:
    """The files a catalogue is made of, in a stable order (what its sha256 covers)."""
    files = [root / "sources.yaml"] if (root / "sources.yaml").is_file() else []
    files += sorted((root / CONCEPTS_DIR).glob("*.yaml")) if (root / CONCEPTS_DIR).is_dir() else []
    for vdir in sorted(p for p in root.iterdir() if p.is_dir() and VERSION_DIR.match(p.name)):
        if (vdir / "version.yaml").is_file():
            files.append(vdir / "version.yaml")
            edir = vdir / "entries"
            files += sorted(edir.glob("*.y*ml")) if edir.is_dir() else []
    return files + dual_use_files(root)


def catalogue_digest(root: Path) -> str:
    return _digest(root, catalogue_files(root))


def load_catalogue(root: Path | None = None, overlay: Path | None = None) -> Catalogue:
    """Load, validate and resolve a catalogue folder, with an overlay folder laid over it when given;
    raise CatalogueError with every problem."""
    root = (root or default_root()).resolve()
    problems: list[Problem] = []
    if not root.is_dir():
        raise CatalogueError([Problem(str(root), None, "", "catalogue folder not found")])
    files: list[Path] = []
    sources: dict[str, Source] = {}
    sources_path = root / "sources.yaml"
    if not sources_path.is_file():
        problems.append(Problem(str(sources_path), None, "", "missing: the source register sources.yaml"))
    else:
        files.append(sources_path)
        doc = _load(sources_path, root, problems)
        if doc is not None:
            raw = doc.data.get("sources") if isinstance(doc.data, dict) else None
            if not isinstance(raw, dict):
                problems.append(Problem(doc.file, 1, "sources", "expected a mapping of source keys"))
            else:
                for key, value in raw.items():
                    model, errs = validate(Source, value, doc, ("sources", key))
                    problems += errs
                    if model:
                        sources[key] = model

    metas: dict[str, CatalogueVersion] = {}
    listed: dict[str, dict[str, Entry]] = {}
    for vdir in sorted(p for p in root.iterdir() if p.is_dir() and VERSION_DIR.match(p.name)):
        vpath = vdir / "version.yaml"
        if not vpath.is_file():
            problems.append(Problem(str(vpath), None, "", "missing version.yaml"))
            continue
        files.append(vpath)
        doc = _load(vpath, root, problems)
        if doc is None:
            continue
        meta, errs = validate(CatalogueVersion, doc.data, doc)
        problems += errs
        if meta is None:
            continue
        if meta.id != vdir.name:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(("id",)),
                    "id",
                    f"version id {meta.id!r} differs from its folder name {vdir.name!r}",
                )
            )
        _check_sources(meta, doc, sources, problems)
        metas[meta.id] = meta
        listed[meta.id] = _load_entries(vdir, root, meta, sources, problems, files)

    versions = _resolve(metas, listed, root, problems)
    concepts = _load_concepts(root, problems, files)
    _check_concept_refs(versions, concepts, root, problems)
    for version in versions.values():
        version.concepts = concepts
    files += dual_use_files(root)
    dual_use = load_dual_use(
        root,
        lambda p: _load(p, root, problems),
        lambda m, d: _check_sources(m, d, sources, problems),
        problems,
    )
    if problems:
        raise CatalogueError(problems)
    cat = Catalogue(
        root=root, sources=sources, versions=versions, sha256=_digest(root, files), dual_use=dual_use
    )
    return _with_overlay(cat, overlay, metas, listed) if overlay is not None else cat


def _with_overlay(
    cat: Catalogue, path: Path, metas: dict[str, CatalogueVersion], listed: dict[str, dict[str, Entry]]
) -> Catalogue:
    """The catalogue with an overlay's entries listed in their version, resolved again so that later
    versions carry them as they carry any listed entry."""
    from .catalogue_overlay import load_overlay, merge

    ov = load_overlay(path, set(cat.sources))
    vid = ov.manifest.version
    if vid not in cat.versions:
        raise CatalogueError(
            [Problem(f"{path.name}/overlay.yaml", None, "version", f"the catalogue has no version {vid}")]
        )
    merged, touched, problems = merge(ov, cat.versions[vid].entries, listed[vid])
    versions = _resolve(metas, {**listed, vid: merged}, cat.root, problems)
    if problems:
        raise CatalogueError(problems)
    concepts = next(iter(cat.versions.values())).concepts  # shared by every version
    for version in versions.values():
        version.concepts = concepts
    for eid in touched:
        versions[vid].origin[eid] = f"overlay {ov.ref.name}"
    ref = ov.ref
    sources = dict(cat.sources)
    sources[ov.manifest.source_key] = Source(
        title=f"organisation-supplied official text: {ref.imported_file} (sha256 {ref.imported_sha256}), "
        f"imported {ref.imported_date}; overlay {ref.name} (sha256 {ref.sha256})",
        kind="official",
        note=f"overlay folder {ref.path}",
    )
    combined = hashlib.sha256(f"{cat.sha256}+overlay:{ref.sha256}".encode()).hexdigest()
    return Catalogue(
        root=cat.root, sources=sources, versions=versions, sha256=combined, dual_use=cat.dual_use, overlay=ref
    )


CONCEPTS_DIR = "concepts"


def _load_concepts(root: Path, problems: list[Problem], files: list[Path]) -> dict[str, Concept]:
    """exportcheck's concept groups (optional folder of lexicon files): matching aids, referred to in aids
    as `@name`, or screening entries by subject (`screens:`)."""
    folder = root / CONCEPTS_DIR
    out: dict[str, Concept] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        files.append(path)
        doc = _load(path, root, problems)
        if doc is None:
            continue
        lexicon, errs = validate(ConceptLexicon, doc.data, doc)
        problems += errs
        for name, concept in (lexicon.concepts if lexicon else {}).items():
            if name in out:
                problems.append(
                    Problem(doc.file, doc.line_of(("concepts", name)), f"concepts.{name}", "defined twice")
                )
            out[name] = concept
    return out


def _check_concept_refs(
    versions: dict[str, ResolvedVersion], concepts: dict[str, Concept], root: Path, problems: list[Problem]
) -> None:
    """Every `@name` in an aid names a concept group of concepts/; checked in the version whose folder
    lists the entry (a carried entry is the same file)."""
    for version in versions.values():
        for entry in version.entries.values():
            if version.origin.get(entry.id) != "listed" and not version.meta.derived_from:
                continue  # a derived version may give a carried entry aids of its own (undo)
            for aid in [entry.aids, *(cp.aids for cp in entry.control_points)]:
                for term in [*aid.terms, *aid.related, *aid.exclude, *aid.exclude_unless]:
                    unknown = [
                        m.group(0)
                        for m in (CONCEPT_REF.match(part.strip()) for part in term.split("&"))
                        if m and m.group(1) not in concepts
                    ]
                    if unknown:
                        problems.append(
                            Problem(
                                f"{root.name}/{version.id}/entries/{entry.id}.yaml"
                                if version.origin.get(entry.id) == "listed"
                                else f"{root.name}/{version.id}/version.yaml",
                                None,
                                "aids",
                                f"unknown concept group {unknown[0]!r} in {term!r}; define it in "
                                f"{CONCEPTS_DIR}/ or fix the spelling",
                            )
                        )


def _load_entries(
    vdir: Path,
    root: Path,
    meta: CatalogueVersion,
    sources: dict[str, Source],
    problems: list[Problem],
    files: list[Path],
) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    seen_codes: dict[str, str] = {}
    edir = vdir / "entries"
    paths = sorted(edir.glob("*.y*ml")) if edir.is_dir() else []
    for path in paths:
        files.append(path)
        doc = _load(path, root, problems)
        if doc is None:
            continue
        entry, errs = validate(Entry, doc.data, doc)
        problems += errs
        if entry is None:
            problems += _raw_suffix_problem(doc)
            continue
        if entry.id != path.stem:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(("id",)),
                    "id",
                    f"entry id {entry.id!r} differs from its file name {path.stem!r}",
                )
            )
        if entry.id in entries:
            problems.append(Problem(doc.file, doc.line_of(("id",)), "id", f"duplicate entry id {entry.id}"))
            continue
        if entry.code:
            if entry.code in seen_codes:
                problems.append(
                    Problem(
                        doc.file,
                        doc.line_of(("code",)),
                        "code",
                        f"duplicate code {entry.code} (also entry {seen_codes[entry.code]})",
                    )
                )
            seen_codes[entry.code] = entry.id
        _check_sources(entry, doc, sources, problems)
        entries[entry.id] = entry
    return entries


def _raw_suffix_problem(doc: Document) -> list[Problem]:
    """The J/X check on an entry that failed validation for other reasons, so every problem shows at once."""
    data = doc.data if isinstance(doc.data, dict) else {}
    code, part = data.get("code"), data.get("part")
    if isinstance(code, str) and part in ("prohibited", "restricted") and code[-1:] in ("J", "X"):
        expected = "J" if part == "prohibited" else "X"
        if code[-1] != expected:
            return [
                Problem(
                    doc.file,
                    doc.line_of(("code",)),
                    "code",
                    f"code {code} ends in {code[-1]} but part is {part} (expected suffix {expected})",
                )
            ]
    return []


def _resolve(
    metas: dict[str, CatalogueVersion],
    listed: dict[str, dict[str, Entry]],
    root: Path,
    problems: list[Problem],
) -> dict[str, ResolvedVersion]:
    resolved: dict[str, ResolvedVersion] = {}

    def vfile(vid: str) -> str:
        return f"{root.name}/{vid}/version.yaml"

    def build(vid: str, stack: tuple[str, ...]) -> ResolvedVersion | None:
        if vid in resolved:
            return resolved[vid]
        meta = metas[vid]
        entries: dict[str, Entry] = {}
        origin: dict[str, str] = {}
        if meta.derived_from:
            if meta.derived_from not in metas or meta.derived_from in stack:
                problems.append(
                    Problem(
                        vfile(vid), None, "derived_from", f"unknown or circular version {meta.derived_from!r}"
                    )
                )
                return None
            later = build(meta.derived_from, (*stack, vid))
            if later is None:
                return None
            entries, origin = derive_entries(meta, later.entries, listed[vid], vfile(vid), problems)
            _check_version(meta, entries, vfile(vid), problems)
            resolved[vid] = ResolvedVersion(meta=meta, entries=entries, origin=origin)
            return resolved[vid]
        if meta.amends:
            if meta.amends not in metas or meta.amends in stack:
                problems.append(
                    Problem(vfile(vid), None, "amends", f"amends unknown or circular version {meta.amends!r}")
                )
                return None
            base = build(meta.amends, (*stack, vid))
            if base is None:
                return None
            for d in meta.deleted:
                if d.id not in base.entries:
                    problems.append(
                        Problem(
                            vfile(vid),
                            None,
                            "deleted",
                            f"deletes {d.id}, which version {meta.amends} does not hold",
                        )
                    )
            gone = {d.id for d in meta.deleted}
            for eid, entry in base.entries.items():
                if eid in gone or eid in listed[vid]:
                    continue
                if (
                    meta.carry is CarryPolicy.UNCONFIRMED
                    and entry.presence.status is not PresenceStatus.UNCONFIRMED
                ):
                    entry = entry.model_copy(
                        update={
                            "presence": Presence(
                                status=PresenceStatus.UNCONFIRMED,
                                note=f"carried from version {meta.amends}: no source confirms whether version {vid} "
                                "kept, changed or deleted this entry",
                            )
                        }
                    )
                entries[eid] = entry
                origin[eid] = f"carried from {meta.amends}"
        for eid, entry in listed[vid].items():
            if eid in {d.id for d in meta.deleted}:
                problems.append(
                    Problem(
                        f"{root.name}/{vid}/entries/{eid}.yaml",
                        None,
                        "id",
                        f"entry {eid} is both listed and deleted in version {vid}",
                    )
                )
            entries[eid] = entry
            origin[eid] = "listed"
        _check_version(meta, entries, vfile(vid), problems)
        result = ResolvedVersion(meta=meta, entries=entries, origin=origin)
        resolved[vid] = result
        return result

    for vid in sorted(metas):
        build(vid, ())
    laws = sorted(
        (v for v in resolved.values() if v.meta.status is VersionStatus.LAW), key=lambda v: v.meta.effective
    )
    for older, newer in pairwise(laws):
        older.superseded = newer.meta.effective
    return resolved


def _check_version(
    meta: CatalogueVersion, entries: dict[str, Entry], file: str, problems: list[Problem]
) -> None:
    counts = meta.official_counts
    j = sum(e.part is Part.PROHIBITED for e in entries.values())
    x = len(entries) - j
    for label, encoded, official in (
        ("prohibited", j, counts.prohibited),
        ("restricted", x, counts.restricted),
        ("total", j + x, counts.total),
    ):
        if encoded > official:
            problems.append(
                Problem(
                    file,
                    None,
                    f"official_counts.{label}",
                    f"{encoded} {label} entries encoded, more than the official {official}",
                )
            )
    codes: dict[str, str] = {}
    for entry in sorted(entries.values(), key=lambda e: e.id):
        if entry.code:
            if entry.code in codes and codes[entry.code] != entry.id:
                problems.append(
                    Problem(
                        file,
                        None,
                        "entries",
                        f"code {entry.code} held by both {codes[entry.code]} and {entry.id}",
                    )
                )
            codes[entry.code] = entry.id


@cache
def shipped_catalogue() -> Catalogue:
    return load_catalogue(None)
