"""Read a transcription of the official text: CSV or YAML, one row per control point.

For anything the text route cannot read (a scanned page, a table whose columns wrap into each other),
an organisation types the rows itself. Columns / keys: part (prohibited | restricted, or 禁止 | 限制),
industry, serial, code, name, point (the control point's number) and text (its wording). Rows of one entry
repeat its code; part, industry, serial and name may be left empty after its first row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..yamlsafe import Limits, load_yaml
from .parsed import ParsedEntry, ParsedPoint, ParseResult, check_entry

COLUMNS = ("part", "industry", "serial", "code", "name", "point", "text")
PARTS = {"prohibited": "prohibited", "restricted": "restricted", "禁止": "prohibited", "限制": "restricted"}
MAX_ROWS = 20_000


def parse_csv(text: str, display: str) -> ParseResult:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    problems = [
        Problem(display, 1, "", f"unknown column {h!r}; columns are: {', '.join(COLUMNS)}")
        for h in header
        if h not in COLUMNS
    ]
    missing = [c for c in ("code", "point", "text") if c not in header]
    if missing:
        problems.append(Problem(display, 1, "", f"missing column(s): {', '.join(missing)}"))
    if problems:
        raise InputError(problems)
    rows: list[tuple[int, dict[str, str]]] = []
    for i, row in enumerate(reader):
        if i >= MAX_ROWS:
            raise InputError([Problem(display, None, "", f"more than {MAX_ROWS:,} rows")])
        if None in row:
            problems.append(Problem(display, reader.line_num, "", "more cells than columns"))
            continue
        rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()}))
    return _entries(rows, display, problems)


def parse_yaml(text: str, display: str, limits: Limits) -> ParseResult:
    doc = load_yaml(text, display, limits)
    data = doc.data.get("rows") if isinstance(doc.data, dict) else doc.data
    if not isinstance(data, list):
        raise InputError([Problem(display, 1, "rows", "expected a list of rows (one per control point)")])
    if len(data) > MAX_ROWS:
        raise InputError([Problem(display, None, "rows", f"more than {MAX_ROWS:,} rows")])
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    prefix = ("rows",) if isinstance(doc.data, dict) else ()
    for i, item in enumerate(data):
        line = doc.line_of((*prefix, i)) or 0
        if not isinstance(item, dict):
            problems.append(Problem(display, line, f"rows[{i}]", "expected a mapping"))
            continue
        unknown = sorted(str(k) for k in item if k not in COLUMNS)
        for key in unknown:
            problems.append(
                Problem(display, line, f"rows[{i}].{key}", f"unknown key; keys are: {', '.join(COLUMNS)}")
            )
        if unknown:
            continue
        rows.append((line, {k: _cell(v) for k, v in item.items()}))
    if problems:  # a transcription's shape is the user's own: wrong keys are errors, as in CSV
        raise InputError(problems)
    return _entries(rows, display, problems)


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _entries(rows: list[tuple[int, dict[str, str]]], display: str, problems: list[Problem]) -> ParseResult:
    entries: dict[str, ParsedEntry] = {}
    for line, row in rows:
        code = unicodedata.normalize("NFKC", row.get("code", "")).upper()
        if not code:
            problems.append(Problem(display, line, "code", "row without a code: not placed"))
            continue
        entry = entries.get(code)
        part = PARTS.get(row.get("part", ""))
        if row.get("part") and part is None:
            problems.append(Problem(display, line, "part", f"unknown part {row['part']!r}"))
        if entry is None:
            serial = row.get("serial", "")
            entry = ParsedEntry(
                line=line,
                part=part,
                industry=row.get("industry") or None,
                serial=int(serial) if serial.isdigit() else None,
                code=code,
                name=row.get("name", ""),
            )
            if serial and not serial.isdigit():
                entry.problems.append(f"serial {serial!r} is not a number")
            entries[code] = entry
        else:
            for key, have in (("part", entry.part), ("name", entry.name), ("industry", entry.industry)):
                given = part if key == "part" else row.get(key)
                if given and have and given != have:
                    entry.fail(f"line {line}: {key} {given!r} differs from {have!r} on line {entry.line}")
        number, wording = row.get("point", ""), row.get("text", "")
        if not number.isdigit():
            entry.fail(f"line {line}: control point number {number!r} is not a number")
            continue
        if not wording:
            entry.fail(f"line {line}: control point {number} has no text")
            continue
        entry.points.append(ParsedPoint(int(number), wording, line))
    for entry in entries.values():
        entry.points.sort(key=lambda p: p.number)
        check_entry(entry)
    return ParseResult(list(entries.values()), problems)


def read_transcription(path: Path, text: str, display: str, limits: Limits) -> ParseResult:
    if path.suffix.lower() == ".csv":
        return parse_csv(text, display)
    return parse_yaml(text, display, limits)
