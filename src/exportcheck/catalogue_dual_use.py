"""Load the dual-use track that lives beside the catalogue versions: `dual_use/measures/<id>.yaml`, one
measure per file (file name = measure id), and `dual_use/gaps.yaml`, the measures known but not encoded.

Kept out of catalogue.py so that the catalogue loader only gains a call: the two regimes share the source
register and the error reporting, nothing else. A catalogue folder without `dual_use/` is valid (a user's
own catalogue); assessments then say that no dual-use measure was checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Problem
from .models.assessment import DualUseCheck, MeasureCheck
from .models.dual_use import ChangeKind, Gap, Gaps, Measure, MeasureStatus
from .validation import validate
from .yamlsafe import Document

DUAL_USE_DIR = "dual_use"

Load = Callable[[Path], Document | None]
CheckSources = Callable[[Any, Document], None]


@dataclass(eq=False)  # hashed by identity: statuses for a day are cached per loaded dataset
class DualUseData:
    measures: dict[str, Measure] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    def ordered(self) -> list[Measure]:
        return sorted(self.measures.values(), key=measure_sort_key)


def measure_sort_key(measure: Measure) -> tuple[int, int]:
    year, number = measure.id.split("-")
    return int(year), int(number)


def dual_use_files(root: Path) -> list[Path]:
    """The dual-use files of a catalogue folder, in a stable order (covered by the catalogue's sha256)."""
    base = root / DUAL_USE_DIR
    if not base.is_dir():
        return []
    files = [base / "gaps.yaml"] if (base / "gaps.yaml").is_file() else []
    mdir = base / "measures"
    return files + (sorted(mdir.glob("*.y*ml")) if mdir.is_dir() else [])


def load_dual_use(
    root: Path, load: Load, check_sources: CheckSources, problems: list[Problem]
) -> DualUseData:
    """Validate every dual-use file; problems are added to the catalogue's list, never raised here."""
    data = DualUseData()
    codes: dict[str, str] = {}
    base = root / DUAL_USE_DIR
    if base.is_dir():  # a measure saved in the wrong place would otherwise be silently left out
        for stray in sorted(p for p in base.glob("*.y*ml") if p.name != "gaps.yaml"):
            problems.append(
                Problem(
                    stray.relative_to(root.parent).as_posix(),
                    None,
                    "",
                    "unexpected file: measures go under dual_use/measures/<year>-<no>.yaml",
                )
            )
    for path in dual_use_files(root):
        doc = load(path)
        if doc is None:
            continue
        if path.name == "gaps.yaml" and path.parent.name == DUAL_USE_DIR:
            gaps, errs = validate(Gaps, doc.data, doc)
            problems += errs
            if gaps is not None:
                check_sources(gaps, doc)
                data.gaps = list(gaps.gaps)
            continue
        measure, errs = validate(Measure, doc.data, doc)
        problems += errs
        if measure is None:
            continue
        if measure.id != path.stem:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(("id",)),
                    "id",
                    f"measure id {measure.id!r} differs from its file name",
                )
            )
        if measure.id in data.measures:
            problems.append(
                Problem(doc.file, doc.line_of(("id",)), "id", f"duplicate measure id {measure.id}")
            )
            continue
        for i, item in enumerate(measure.items):
            if item.control_code is None:
                continue
            other = codes.setdefault(item.control_code, measure.id)
            if other != measure.id:
                problems.append(
                    Problem(
                        doc.file,
                        doc.line_of(("items", i, "control_code")),
                        f"items[{i}].control_code",
                        f"control code {item.control_code} also in measure {other}",
                    )
                )
        check_sources(measure, doc)
        data.measures[measure.id] = measure
    return data


def status_on(measure: Measure, day: dt.date) -> tuple[MeasureStatus, str]:
    """The measure's status on `day` and why, from its own dates and its dated status changes only.

    A dated status that has lapsed with nothing recorded after it is 'unconfirmed', never assumed to have
    ended as scheduled: for a suspension that is exactly the question counsel must answer.
    """
    name = measure.instrument.best("zh")
    if day < measure.issued:
        return MeasureStatus.NOT_YET_IN_FORCE, f"{name} was issued on {measure.issued}, after {day}"
    if measure.effective is not None and day < measure.effective:
        return MeasureStatus.NOT_YET_IN_FORCE, f"{name} takes effect on {measure.effective}"
    changes = sorted(measure.status_changes, key=lambda c: c.start)
    current = None
    for change in changes:
        if change.start <= day:
            current = change
    if current is not None:
        by = current.by.best("zh")
        if current.end is None or day <= current.end:
            if current.kind is ChangeKind.SUSPENDED:
                until = f" until {current.end} (inclusive)" if current.end else ""
                return MeasureStatus.SUSPENDED, f"{name} suspended by {by} from {current.start}{until}"
            return MeasureStatus.IN_FORCE, f"{name} applies again from {current.start} ({by})"
        return (
            MeasureStatus.UNCONFIRMED,
            f"{by} made {name} {current.kind.value} from {current.start} until {current.end}; no source held "
            f"says what applies after that day ({day})",
        )
    if measure.effective is None:
        return (
            MeasureStatus.UNCONFIRMED,
            f"{name} was issued on {measure.issued} but no source held gives the day it took effect",
        )
    return MeasureStatus.IN_FORCE, f"{name} in force since {measure.effective}"


@lru_cache(maxsize=64)  # a scan asks for the same few days thousands of times; the result is immutable
def check_on(data: DualUseData, day: dt.date) -> DualUseCheck:
    """Every measure's status on `day`, and everything known but not encoded (what 'free' cannot cover)."""
    checks = []
    for measure in data.ordered():
        status, why = status_on(measure, day)
        checks.append(
            MeasureCheck(
                measure=measure.id,
                instrument=measure.instrument.best("zh"),
                status=status,
                reason=why,
                items=len(measure.items),
            )
        )
    gaps = [f"{g.instrument}: {g.subject} ({g.status.value})" for g in data.gaps]
    gaps += [f"{m.instrument.best('zh')}: {gap}" for m in data.ordered() for gap in m.gaps]
    if not data.measures:
        gaps.insert(0, "this catalogue folder holds no dual-use measures (no dual_use/ folder)")
    return DualUseCheck(date=day.isoformat(), measures=checks, gaps=gaps)
