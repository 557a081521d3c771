"""The report of `catalogue import` (how much of the version was read, what was written, what was not
placed) and of `config` (the effective settings). Plain text, never markup: the names come from the
user's files; or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..catalogue_import import ImportReport
from ..config import Setting
from ..escape import clean


def _safe(text: str) -> str:
    """Text from the user's file or folder names, never a terminal escape (the project's one escaper)."""
    return clean(text)


def _data(report: ImportReport) -> dict[str, Any]:
    return {
        "format_version": 1,
        "version": report.version,
        "source": {"file": report.source, "sha256": report.sha256, "reader": report.reader},
        "overlay": {"path": report.into, "name": report.overlay_name, "sha256": report.overlay_sha256},
        "official": report.official.model_dump(),
        "found": report.found.model_dump(),
        "entries": [asdict(e) for e in report.entries],
        "problems": [p.render() for p in report.problems],
        "skipped_lines": dict(sorted(report.skipped.items())),
        "preamble_lines": report.preamble,
    }


def import_json(report: ImportReport) -> str:
    return json.dumps(_data(report), ensure_ascii=False, indent=2) + "\n"


def import_text(report: ImportReport) -> str:
    r, f, o = report, report.found, report.official
    lines = [
        f"{f.total} of {o.total} entries of version {r.version} read "
        f"({f.prohibited} of {o.prohibited} prohibited, {f.restricted} of {o.restricted} restricted) "
        f"from {_safe(r.source)} (sha256 {r.sha256}, {r.reader})",
        f"overlay {_safe(r.overlay_name)} written to {_safe(r.into)} (sha256 {r.overlay_sha256})",
    ]
    for e in r.entries:
        how = {
            "code": "replaces the entry with this code",
            "name": "replaces the codeless entry of this name",
            "new": "new to exportcheck",
        }[e.matched]
        done = "" if e.complete else "; control points incomplete"
        lines.append(f"  {e.code} {e.id} {_safe(e.name)}: {e.points} control point(s), {how}{done}")
    if r.skipped:
        lines.append(f"removed as page headers or footers ({sum(r.skipped.values())} lines):")
        lines += [f"  {n} x {_safe(text)}" for text, n in sorted(r.skipped.items())]
    if r.problems:
        lines.append(
            f"{len(r.problems)} problem(s): not placed or not imported (check them against the official text):"
        )
        lines += [f"  {_safe(p.render())}" for p in r.problems]
    else:
        lines.append("no problems")
    return "\n".join(lines) + "\n"


def config_json(path: Path | None, settings: dict[str, Setting]) -> str:
    data = {
        "file": str(path) if path else None,
        "settings": {k: {"value": s.value, "from": s.origin} for k, s in settings.items()},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def config_text(path: Path | None, settings: dict[str, Setting]) -> str:
    lines = [f"configuration file: {_safe(str(path)) if path else 'none found'}"]
    lines += [f"{k}: {_safe(repr(s.value))}  ({_safe(s.origin)})" for k, s in settings.items()]
    return "\n".join(lines) + "\n"
