"""Render a scan (many deal files) as text, JSON, SARIF 2.1.0, JUnit XML or GitHub annotations.

This module collects the report (ScanReport), makes each file's piece in the chosen format (`piece`) and
writes the text table, the JSON report and the GitHub step summary (Markdown); the CI formats' own pieces
are made in scan_ci.py, and what all formats share is in scan_common.py. Their public names are imported
here too, so `exportcheck.formats.scan` stays the one place callers import from.

File names, titles and technology names come from the scanned repository, which anyone may commit to:
each format escapes them with `escape` (text: `clean` in rich `Text` cells; GitHub: `command`; step
summary: `markdown`/`code`; JUnit: `xml`; JSON and SARIF keep the original text through `json_text`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .. import __version__
from ..escape import code, command, json_text, markdown
from ..models.assessment import FileResult, Verdict
from ..models.assessment import reaches as fails
from ..models.procedure import deadline_fails
from . import dual_use as du
from .console import cell, string_console
from .scan_ci import (
    DEADLINE_RULE,
    DISGUISE_RULE,
    INFORMATION_URI,
    INPUT_ERROR_RULE,
    LEVEL,
    SARIF_SCHEMA,
    THIN_RULE,
    github_deadlines,
    github_disguise,
    github_lines,
    help_uri,
    junit_case,
    render_junit,
    render_sarif,
    sarif_deadlines,
    sarif_disguise,
    sarif_results,
)
from .scan_common import coverage_caveat, finding_id, gate, warned
from .scan_words import deadline, dual_use_id, total, verdict_word, word
from .zh import text as zh_text

__all__ = [
    "DEADLINE_RULE",
    "DISGUISE_RULE",
    "INFORMATION_URI",
    "INPUT_ERROR_RULE",
    "LEVEL",
    "SARIF_SCHEMA",
    "THIN_RULE",
    "Piece",
    "ScanReport",
    "coverage_caveat",
    "escape",
    "gate",
    "help_uri",
    "piece",
    "warned",
]


@dataclass(frozen=True)
class Piece:
    """What one file contributes to a scan report, in the chosen format: small and picklable, so worker
    processes can make it and the report need not keep whole assessments."""

    file: str
    gate: Verdict | None
    errors: tuple[str, ...]  # the file's problems, rendered
    body: Any
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # SARIF rules the body refers to
    summary_row: str | None = None
    deadline_fail: bool = False  # a deadline reached --fail-on-deadline
    # (catalogue version, caveat) when the file's 'free' rests on a partly encoded version
    coverage: tuple[str, str] | None = None


def piece(r: FileResult, fmt: str, fail_on: str, fail_on_deadline: str = "none", lang: str = "en") -> Piece:
    rules: dict[str, dict[str, Any]] = {}
    row = None
    body: Any
    if fmt == "json":
        body = _json_deal(r)
    elif fmt == "sarif":
        body = (
            sarif_results(r, rules) + sarif_deadlines(r, rules, fail_on_deadline) + sarif_disguise(r, rules)
        )
    elif fmt == "junit":
        body = junit_case(r, fail_on, fail_on_deadline)
    elif fmt == "github":
        body = github_lines(r, fail_on) + github_deadlines(r, fail_on_deadline) + github_disguise(r)
        row = _summary_row(r, lang)
    else:
        body = _text_row(r, lang)
    late = any(deadline_fails(d.state, fail_on_deadline) for d in warned(r))
    problems = tuple(p.render() for p in r.problems)
    return Piece(r.file, gate(r), problems, body, rules, row, late, coverage=coverage_caveat(r))


class ScanReport:
    """Collects a scan one file at a time, keeping only what the chosen format prints, so memory stays
    bounded however many deals a repository holds. `render()` returns the whole report as a string."""

    def __init__(
        self,
        fmt: str,
        fail_on: str,
        sha256: str,
        color: bool = False,
        fail_on_deadline: str = "none",
        lang: str = "en",
    ):
        self.fmt, self.fail_on, self.sha256, self.color, self.lang = fmt, fail_on, sha256, color, lang
        self.fail_on_deadline = fail_on_deadline
        self.deadline_failures = 0
        self.pieces: list[tuple[str, Any]] = []  # (file, what the format needs of it)
        self.gates: list[Verdict | None] = []
        self.errors = 0
        self.summary_rows: list[tuple[str, str]] = []
        self.rules: dict[str, dict[str, Any]] = {}
        self.error_lines: list[str] = []
        self.coverage: dict[str, tuple[str, int]] = {}  # version -> (caveat, deals it concerns)
        self.pending: Iterator[FileResult | Piece] = iter(())

    def add(self, item: FileResult | Piece) -> None:
        """Add a file's result, or the piece a worker already made of it (in file order: the first file
        that needs a SARIF rule describes it)."""
        p = self._take(item)
        self.pieces.append((p.file, p.body))

    def feed(self, items: Iterable[FileResult | Piece]) -> None:
        """Results still to come, sorted by file: JSON is written from them as they arrive and keeps none,
        so its memory does not grow with the number of deals; other formats collect them first."""
        self.pending = chain(self.pending, items)

    def _take(self, item: FileResult | Piece) -> Piece:
        p = (
            item
            if isinstance(item, Piece)
            else piece(item, self.fmt, self.fail_on, self.fail_on_deadline, self.lang)
        )
        self.gates.append(p.gate)
        self.deadline_failures += p.deadline_fail
        self.errors += bool(p.errors)
        self.error_lines.extend(p.errors)
        for rid, rule in p.rules.items():
            self.rules.setdefault(rid, rule)
        if p.summary_row is not None:
            self.summary_rows.append((p.file, p.summary_row))
        if p.coverage is not None:
            version, caveat = p.coverage
            self.coverage[version] = (caveat, self.coverage.get(version, ("", 0))[1] + 1)
        return p

    def coverage_notes(self) -> list[str]:
        """One caveat per partly encoded version that a 'free' in this scan rests on, sorted."""
        return [f"{n} free deal(s): {caveat}" for _, (caveat, n) in sorted(self.coverage.items())]

    def ordered(self) -> list[Any]:
        return [piece for _, piece in sorted(self.pieces, key=lambda fp: fp[0])]

    def totals(self) -> dict[str, int]:
        counts = Counter(v.value for v in self.gates if v is not None)
        out = {v.value: counts.get(v.value, 0) for v in sorted(Verdict, key=lambda v: -v.rank)}
        out["errors"] = self.errors
        out["files"] = len(self.gates)
        return out

    def fails(self) -> bool:
        """A verdict reached --fail-on, or a deadline reached --fail-on-deadline."""
        return self.deadline_failures > 0 or any(v is not None and fails(v, self.fail_on) for v in self.gates)

    def render(self) -> str:
        return "".join(self.chunks())

    def chunks(self) -> Iterator[str]:
        """The report in pieces; JSON is written deal by deal as results arrive (see `feed`)."""
        if self.fmt != "json":
            for item in self.pending:
                self.add(item)
            yield self._render_whole()
            return
        head = json.dumps(
            {"format_version": 1, "tool_version": __version__, "catalogue_sha256": self.sha256}, indent=2
        )
        yield head[:-2] + ",\n"
        bodies = chain(self.ordered(), (self._take(item).body for item in self.pending))
        count = 0
        for body in bodies:
            yield ('  "deals": [\n' if count == 0 else ",\n") + body
            count += 1
        yield '  "deals": [],\n' if count == 0 else "\n  ],\n"
        yield '  "totals": ' + _indent(json.dumps(self.totals(), indent=2), 2).lstrip() + "\n}\n"

    def _render_whole(self) -> str:
        notes = self.coverage_notes()
        if self.fmt == "sarif":
            return render_sarif(self.ordered(), self.rules, self.sha256, notes)
        if self.fmt == "junit":
            return render_junit(self.ordered())
        if self.fmt == "github":
            title = command("exportcheck: catalogue coverage", True)
            return "".join(self.ordered()) + "".join(f"::notice title={title}::{command(n)}\n" for n in notes)
        return _render_text(self.ordered(), self.totals(), self.color, notes, lang=self.lang)

    def summary(self) -> str:
        """Markdown for $GITHUB_STEP_SUMMARY."""
        lang = self.lang
        cols = " | ".join(word(c, lang) for c in ("file", "verdict", "gate", "catalogue", "findings"))
        out = [f"## {word('title', lang)}", "", f"| {cols} |", "|---|---|---|---|---|"]
        out += [row for _, row in sorted(self.summary_rows)]
        totals = self.totals().items()
        out += ["", ", ".join(f"**{total(k, lang)}**: {v}" for k, v in totals), ""]
        out += [
            f"> **{word('coverage', lang)}**: {markdown(zh_text(n, lang))}\n" for n in self.coverage_notes()
        ]
        out.append(f"> {word('disclaimer', lang)}")
        return "\n".join(out) + "\n"


def _json_deal(r: FileResult) -> str:
    """json.dumps(indent=2) of {"file", "assessment"}, already indented for its place in the report's
    "deals" list (so workers, not the process writing the report, do it). The assessment is written by
    pydantic's compiled serializer: the same text, several times faster than dumping its dict."""
    if r.assessment:
        body = r.assessment.model_dump_json(indent=2).replace("\n", "\n      ")
        file = json.dumps(r.file, ensure_ascii=False)
        late = ""
        if warned(r):  # overdue or due-soon duties, beside the assessment they do not change
            items = [d.model_dump(mode="json") for d in warned(r)]
            late = (
                ',\n      "deadlines": '
                + _indent(json.dumps(items, ensure_ascii=False, indent=2), 6).lstrip()
            )
        return json_text(f'    {{\n      "file": {file},\n      "assessment": {body}{late}\n    }}')
    item = {"file": r.file, "errors": [p.render() for p in r.problems]}
    return json_text(_indent(json.dumps(item, ensure_ascii=False, indent=2), 4))


def _indent(text: str, spaces: int) -> str:
    """Indent JSON text. Split at "\n" only: str.splitlines() also splits at U+2028 and U+0085, which
    JSON leaves raw inside strings, and padding them turned a title into invalid JSON."""
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def _text_row(r: FileResult, lang: str = "en") -> tuple[str, ...]:
    a = r.assessment
    if a is None:
        return (r.file, word("error", lang), "—", "—", "\n".join(p.render() for p in r.problems))
    codes = sorted(
        {
            finding_id(f)
            + (word("licensed", lang) if f.waived else "")
            + (word("ruled", lang) if f.cleared else "")
            for f in a.findings
        }
    )
    codes += sorted({dual_use_id(f, lang) for f in du.reportable(a.dual_use_findings)})
    late = [f"\n! {escape(deadline(d, lang))}" for d in warned(r)]  # deal text: no markup, no escapes
    late += [f"\n! {escape(zh_text(w, lang))}" for w in a.disguised]
    return (
        r.file,
        verdict_word(a.verdict.value, lang),
        verdict_word((a.gate_verdict or a.verdict).value, lang),
        a.catalogue.version,
        (", ".join(codes) or "—") + "".join(late),
    )


def escape(text: str) -> str:
    """Text that rich prints as written, never as markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _render_text(
    rows: list[tuple[str, ...]],
    totals: dict[str, int],
    color: bool,
    notes: list[str],
    width: int = 120,
    lang: str = "en",
) -> str:
    from rich.table import Table

    console, buf = string_console(width, color)
    table = Table(title=word("title", lang), expand=True)
    for col in ("file", "verdict", "gate", "catalogue", "findings_problems"):
        # fold, not cut, the findings: a Chinese deadline line has no space to wrap at
        table.add_column(word(col, lang), overflow="fold" if col == "findings_problems" else "ellipsis")
    for row in rows:  # Text cells: a `[/]` in a file name is shown, never parsed as rich markup
        table.add_row(*map(cell, row))
    console.print(table)
    sep = "，" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    console.print(sep.join(f"{total(k, lang)}{colon}{v}" for k, v in totals.items()))
    for note in notes:  # our own wording, but the version id comes from a catalogue folder: no markup
        console.print(cell(f"! {zh_text(note, lang)}"))
    return buf.getvalue()


def _summary_row(r: FileResult, lang: str = "en") -> str:
    if r.assessment is None:
        problems = markdown("; ".join(p.render() for p in r.problems))
        return f"| {code(r.file)} | **{'error' if lang == 'en' else word('error', lang)}** | — | — | {problems} |"
    a = r.assessment
    ids = {finding_id(f) for f in a.findings} | {
        dual_use_id(d, lang) for d in du.reportable(a.dual_use_findings)
    }
    codes = markdown(", ".join(sorted(ids)) or "—")
    if lang == "en":
        codes += "".join(f"; deadline {d.state.value}: {d.date.isoformat()}" for d in warned(r))
    else:
        codes += "".join(markdown(f"；{deadline(d, lang)}") for d in warned(r))
    codes += f"; {word('disguised', lang)}" if a.disguised else ""
    verdict = verdict_word(a.verdict.value, lang)
    gate_v = verdict_word((a.gate_verdict or a.verdict).value, lang)
    return f"| {code(r.file)} | {verdict} | {gate_v} | {markdown(a.catalogue.version)} | {codes} |"
