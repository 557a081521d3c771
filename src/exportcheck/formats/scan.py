"""Render a scan (many deal files) as text, JSON, SARIF 2.1.0, JUnit XML or GitHub annotations.

File names, titles and technology names come from the scanned repository, which anyone may commit to:
each format escapes them with `escape` (text: `clean` in rich `Text` cells; GitHub: `command`; step
summary: `markdown`/`code`; JUnit: `xml`; JSON and SARIF keep the original text through `json_text`)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from xml.etree import ElementTree as ET

from .. import __version__
from ..escape import code, command, json_text, markdown, xml
from ..models.assessment import Assessment, Finding, Verdict
from ..models.assessment import reaches as fails
from ..models.procedure import DeadlineState, DealDeadline, deadline_fails
from ..runner import FileResult
from . import dual_use as du
from .console import cell, string_console
from .due import message as deadline_message
from .rulings import ruling_note
from .scan_words import deadline, dual_use_id, total, verdict_word, word
from .zh import text as zh_text

INFORMATION_URI = "https://github.com/exportcheck/exportcheck"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    Verdict.PROHIBITED: "error",
    Verdict.LICENCE_REQUIRED: "error",
    Verdict.REVIEW: "warning",
    Verdict.FREE: "note",
    Verdict.NOT_EXPORT: "note",
}
INPUT_ERROR_RULE = "exportcheck/input-error"
THIN_RULE = "exportcheck/insufficient-description"
DEADLINE_RULE = "exportcheck/deadline"
DISGUISE_RULE = "exportcheck/disguised-text"


def warned(r: FileResult) -> list[DealDeadline]:
    """The deadlines the gate reports: overdue or due soon (upcoming ones are for `exportcheck due`)."""
    return [d for d in r.deadlines if d.state is not DeadlineState.UPCOMING]


def gate(result: FileResult) -> Verdict | None:
    a = result.assessment
    return (a.gate_verdict or a.verdict) if a else None


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


def coverage_caveat(r: FileResult) -> tuple[str, str] | None:
    """Why a 'free' from a partly encoded catalogue version is not a clearance, keyed by the version.

    `assess` says it with every free verdict; a scan report without it read 'free' as 'cleared'."""
    a = r.assessment
    if a is None or a.catalogue.coverage.complete or Verdict.FREE not in (a.verdict, a.gate_verdict):
        return None
    c, version = a.catalogue.coverage, a.catalogue.version
    return version, (
        f"catalogue version {version} is only partly encoded ({c.encoded_entries} of {c.official_entries} "
        "entries, few with all their control points): 'free' means no encoded entry matched, not that the "
        "technology is absent from the official catalogue; `exportcheck assess FILE` lists the entries to "
        "check by hand"
    )


def piece(r: FileResult, fmt: str, fail_on: str, fail_on_deadline: str = "none", lang: str = "en") -> Piece:
    rules: dict[str, dict[str, Any]] = {}
    row = None
    body: Any
    if fmt == "json":
        body = _json_deal(r)
    elif fmt == "sarif":
        body = (
            _sarif_results(r, rules)
            + _sarif_deadlines(r, rules, fail_on_deadline)
            + _sarif_disguise(r, rules)
        )
    elif fmt == "junit":
        body = _junit_case(r, fail_on, fail_on_deadline)
    elif fmt == "github":
        body = _github_lines(r, fail_on) + _github_deadlines(r, fail_on_deadline) + _github_disguise(r)
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
            return _render_sarif(self.ordered(), self.rules, self.sha256, notes)
        if self.fmt == "junit":
            return _render_junit(self.ordered())
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
            _finding_id(f)
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


def _finding_id(f: Finding) -> str:
    return (f.code or f.entry_id) + (f" CP{f.control_point}" if f.control_point else "")


def _line(f: Finding, a: Assessment) -> int:
    """The technology's own line (`- name:`), where a reader looks for it; the deal title is shared by
    every technology, so a finding first seen there was placed on the title line."""
    tech = next((t for t in a.technologies if t.index == f.technology), None)
    if tech is not None and tech.line:
        return tech.line
    lines = [e.line for e in f.evidence if e.line and e.field != "title"]
    return min(lines) if lines else 1


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _rule_id(f: Finding) -> str:
    return f.code or f.entry_id


def _sarif_results(r: FileResult, rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The SARIF results for one file; rules it needs are added to `rules`."""
    sarif_results: list[dict[str, Any]] = []
    if r.assessment is None:
        rules.setdefault(
            INPUT_ERROR_RULE,
            {
                "id": INPUT_ERROR_RULE,
                "name": "InputError",
                "shortDescription": {"text": "The deal file could not be read or validated"},
                "help": {
                    "text": "Fix the file as the message says; exportcheck never judges a file it cannot read."
                },
                "defaultConfiguration": {"level": "error"},
            },
        )
        for p in r.problems:
            sarif_results.append(
                {
                    "ruleId": INPUT_ERROR_RULE,
                    "level": "error",
                    "message": {"text": f"{p.key + ': ' if p.key else ''}{p.message}"},
                    "locations": [_location(r.file, p.line or 1)],
                    "partialFingerprints": {"exportcheck/v1": _fingerprint(r.file, p.key, p.message)},
                }
            )
        return sarif_results
    a = r.assessment
    for f in a.findings:
        rid = _rule_id(f)
        if rid not in rules:
            rules[rid] = _rule(f, a.catalogue.version)
        entry: dict[str, Any] = {
            "ruleId": rid,
            "level": LEVEL[f.outcome],
            "message": {"text": _message(f)},
            "locations": [_location(r.file, _line(f, a))],
            "partialFingerprints": {
                "exportcheck/v1": _fingerprint(r.file, f.technology_name, rid, f.control_point or "")
            },
            "properties": {
                "verdict": f.outcome.value,
                "strength": f.strength.value,
                "controlPoint": f.control_point,
                "catalogueVersion": a.catalogue.version,
            },
        }
        if f.waived and f.licence:
            entry["suppressions"] = [{"kind": "external", "justification": f.licence.detail}]
        if f.cleared and f.ruling:
            suppression = {"kind": "external", "status": "accepted", "justification": ruling_note(f)}
            entry.setdefault("suppressions", []).append(suppression)
        sarif_results.append(entry)
    for d in du.reportable(a.dual_use_findings):
        rules.setdefault(du.rule_id(d), du.sarif_rule(d))
        sarif_results.append(
            {
                "ruleId": du.rule_id(d),
                "level": LEVEL[d.outcome],
                "message": {"text": du.message(d)},
                "locations": [_location(r.file, du.line(d))],
                "partialFingerprints": {
                    "exportcheck/v1": _fingerprint(r.file, d.technology_name, du.rule_id(d), d.measure)
                },
                "properties": {
                    "verdict": d.outcome.value,
                    "strength": d.strength.value,
                    "status": d.status.value,
                },
            }
        )
    explained = {f.technology for f in a.findings} | {d.technology for d in a.dual_use_findings}
    for t in a.technologies:
        if t.verdict is Verdict.REVIEW and t.index not in explained:
            rules.setdefault(
                THIN_RULE,
                {
                    "id": THIN_RULE,
                    "name": "InsufficientDescription",
                    "shortDescription": {"text": "Technology described too thinly to judge"},
                    "help": {"text": "Describe what the recipient receives and what the technology does."},
                    "defaultConfiguration": {"level": "warning"},
                },
            )
            sarif_results.append(
                {
                    "ruleId": THIN_RULE,
                    "level": "warning",
                    "message": {"text": f"{t.name}: {'; '.join(t.reasons)}"},
                    "locations": [_location(r.file, t.line or 1)],
                    "partialFingerprints": {"exportcheck/v1": _fingerprint(r.file, t.name, THIN_RULE)},
                }
            )
    return sarif_results


def _disguised(r: FileResult) -> list[tuple[int, str]]:
    """(line, warning) for each technology whose matched words had to be unmasked to be read."""
    a = r.assessment
    if a is None or not a.disguised:
        return []
    lines = {t.name: t.line or 1 for t in a.technologies}
    out = []
    for warning in a.disguised:
        line = next((n for name, n in lines.items() if f"technology '{name}'" in warning), 1)
        out.append((line, warning))
    return out


def _sarif_disguise(r: FileResult, rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A warning per technology whose matched words needed folding (invisible characters, look-alike
    letters, bidi overrides, spaced-out Chinese): whoever wrote them may have meant to hide them."""
    out: list[dict[str, Any]] = []
    for line, warning in _disguised(r):
        rules.setdefault(
            DISGUISE_RULE,
            {
                "id": DISGUISE_RULE,
                "name": "DisguisedText",
                "shortDescription": {"text": "Matched words were disguised"},
                "help": {
                    "text": "The words that matched the catalogue were written with invisible characters, "
                    "look-alike letters from another script, a bidi override or spaced-out Chinese. "
                    "A person reads them as the catalogue's words; find out who wrote the text and why."
                },
                "defaultConfiguration": {"level": "warning"},
            },
        )
        out.append(
            {
                "ruleId": DISGUISE_RULE,
                "level": "warning",
                "message": {"text": warning},
                "locations": [_location(r.file, line)],
                "partialFingerprints": {"exportcheck/v1": _fingerprint(r.file, str(line), DISGUISE_RULE)},
            }
        )
    return out


def _github_disguise(r: FileResult) -> str:
    title = command("exportcheck: disguised text", True)
    lines = [
        f"::warning file={command(r.file, True)},line={line},title={title}::{command(w)}"
        for line, w in _disguised(r)
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def _sarif_deadlines(
    r: FileResult, rules: dict[str, dict[str, Any]], fail_on_deadline: str
) -> list[dict[str, Any]]:
    """A result per overdue or due-soon duty, at the record that gives its date (the `contract:` line for
    registration); an error when it reaches --fail-on-deadline, else a warning."""
    out: list[dict[str, Any]] = []
    for d in warned(r):
        rules.setdefault(
            DEADLINE_RULE,
            {
                "id": DEADLINE_RULE,
                "name": "Deadline",
                "shortDescription": {
                    "text": "A registration, letter of intent or licence date has passed or is near"
                },
                "help": {
                    "text": "Register the contract (Contract Registration Measures arts. 6–7) and record the "
                    "certificate under contract:. For a letter of intent or licence, ask the provincial commerce "
                    "department whether it can be extended or a new application is needed (check current rules). "
                    "`exportcheck due` lists every dated duty."
                },
                "defaultConfiguration": {"level": "warning"},
            },
        )
        out.append(
            {
                "ruleId": DEADLINE_RULE,
                "level": "error" if deadline_fails(d.state, fail_on_deadline) else "warning",
                "message": {"text": deadline_message(d)},
                "locations": [_location(r.file, d.line or 1)],
                "partialFingerprints": {"exportcheck/v1": _fingerprint(r.file, DEADLINE_RULE, d.duty)},
                "properties": {"deadline": d.date.isoformat(), "state": d.state.value, "kind": d.kind.value},
            }
        )
    return out


def _render_sarif(
    results: list[list[dict[str, Any]]], rules: dict[str, dict[str, Any]], sha256: str, notes: list[str]
) -> str:
    sarif_results = [item for per_file in results for item in per_file]
    for rule in rules.values():  # every rule links to where the README explains it
        rule.setdefault("helpUri", help_uri(rule["id"]))
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "exportcheck",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rules[k] for k in sorted(rules)],
                    }
                },
                "results": sarif_results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "warning", "message": {"text": n}, "descriptor": {"id": "coverage"}}
                            for n in notes
                        ],
                    }
                ],
                "properties": {"catalogueSha256": sha256, "coverageCaveats": notes},
            }
        ],
    }
    return json_text(json.dumps(sarif, ensure_ascii=False, indent=2)) + "\n"


def help_uri(rule_id: str) -> str:
    """The README section that explains a rule: the deal file's format for input errors, else how to read
    a result (verdicts, strength, markers, what to do next)."""
    section = "the-deal-file" if rule_id == INPUT_ERROR_RULE else "reading-the-output"
    return f"{INFORMATION_URI}#{section}"


def _location(file: str, line: int) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": file}, "region": {"startLine": max(1, line)}}}


def _message(f: Finding) -> str:
    cp = f"control point {f.control_point} " if f.control_point else ""
    words = ", ".join(sorted({e.deal_text for e in f.evidence}))[:300]
    msg = f"{f.technology_name}: {f.outcome.value} — {f.code or f.entry_id} {f.name.best('zh')} {cp}({f.strength.value}; matched: {words})"
    if f.licence:
        msg += f"; licence: {f.licence.detail}"
    if f.ruling:
        msg += f"; {ruling_note(f)}"
    return msg


def _rule(f: Finding, version: str) -> dict[str, Any]:
    name = f"{f.name.zh or ''} {f.name.en or ''}".strip()
    return {
        "id": _rule_id(f),
        "name": "Catalogue" + (f.code or f.entry_id),
        "shortDescription": {"text": f"{name} ({f.part.value})"},
        "fullDescription": {
            "text": f"《中国禁止出口限制出口技术目录》 entry {f.code or f.entry_id} {name}: {f.part.value} technology."
        },
        "help": {
            "text": "Prohibited technology may not be exported (技术进出口管理条例 art. 29); restricted technology "
            "needs a licence from the provincial commerce department before substantive negotiation "
            "(arts. 30–33). Run `exportcheck catalogue show " + (f.code or f.entry_id) + "` for the text.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "part": f.part.value,
            "catalogueVersion": version,
            "tags": ["export-control", "china"],
        },
    }


def _junit_case(r: FileResult, fail_on: str, fail_on_deadline: str = "none") -> ET.Element:
    case = ET.Element("testcase", classname="exportcheck", name=r.file)
    if r.assessment is None:
        err = ET.SubElement(case, "error", message="invalid deal file", type="InputError")
        err.text = "\n".join(p.render() for p in r.problems)
        return case
    a = r.assessment
    verdict = a.gate_verdict or a.verdict
    late = [f"deadline: {deadline_message(d)}" for d in warned(r)] + list(a.disguised)
    late_fail = [d for d in warned(r) if deadline_fails(d.state, fail_on_deadline)]
    if fails(verdict, fail_on):
        fail = ET.SubElement(case, "failure", message=f"{verdict.value}: {a.deal_title}", type=verdict.value)
        lines = [
            f"{_finding_id(f)} {f.name.best('zh')}: {f.outcome.value}"
            + (f" — {ruling_note(f)}" if f.ruling else "")
            for f in a.findings
        ]
        lines += [
            f"{du.finding_id(d)} {d.instrument}: {d.outcome.value}"
            for d in du.reportable(a.dual_use_findings)
        ]
        fail.text = "\n".join(lines + late) or "; ".join(a.verdict_reasons)
    elif late_fail:
        kinds = ", ".join(sorted({d.state.value for d in late_fail}))
        fail = ET.SubElement(case, "failure", message=f"deadline {kinds}: {a.deal_title}", type="deadline")
        fail.text = "\n".join(late)
    else:
        out = ET.SubElement(case, "system-out")
        caveat = coverage_caveat(r)
        head = [f"{verdict.value} (catalogue {a.catalogue.version})", *([caveat[1]] if caveat else [])]
        out.text = "\n".join([*head, *late])
        ruled = [f"{_finding_id(f)}: {ruling_note(f)}" for f in a.findings if f.ruling]
        if ruled:
            out.text += "\n" + "\n".join(ruled)
    return case


def _render_junit(cases: list[ET.Element]) -> str:
    failures = sum(c.find("failure") is not None for c in cases)
    errors = sum(c.find("error") is not None for c in cases)
    counts = {
        "name": "exportcheck",
        "tests": str(len(cases)),
        "failures": str(failures),
        "errors": str(errors),
    }
    suite = ET.Element("testsuite", counts)
    suite.extend(cases)
    for element in suite.iter():  # deal titles and file names may hold control characters
        element.text = xml(element.text) if element.text else element.text
        for key, value in element.attrib.items():
            element.attrib[key] = xml(value)
    root = ET.Element("testsuites", counts)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _github_lines(r: FileResult, fail_on: str) -> str:
    lines = []
    if r.assessment is None:
        for p in r.problems:
            lines.append(
                f"::error file={command(r.file, True)},line={p.line or 1},title={command('exportcheck: invalid deal file', True)}::"
                + command(p.render())
            )
        return "\n".join(lines) + ("\n" if lines else "")
    for f in r.assessment.findings:
        level = "error" if fails(f.outcome, fail_on) and not (f.waived or f.cleared) else "warning"
        if f.outcome in (Verdict.FREE, Verdict.NOT_EXPORT) or (
            (f.waived or f.cleared) and level == "warning"
        ):
            level = "notice"
        title = command(f"exportcheck: {f.outcome.value} {_finding_id(f)}", True)
        lines.append(
            f"::{level} file={command(r.file, True)},line={_line(f, r.assessment)},title={title}::{command(_message(f))}"
        )
    for d in du.reportable(r.assessment.dual_use_findings):
        level = "error" if fails(d.outcome, fail_on) else "warning"
        title = command(f"exportcheck: {d.outcome.value} {du.finding_id(d)}", True)
        lines.append(
            f"::{level} file={command(r.file, True)},line={du.line(d)},title={title}::{command(du.message(d))}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _github_deadlines(r: FileResult, fail_on_deadline: str) -> str:
    lines = []
    for d in warned(r):
        level = "error" if deadline_fails(d.state, fail_on_deadline) else "warning"
        title = command(f"exportcheck: deadline {d.state.value} ({d.kind.value})", True)
        lines.append(
            f"::{level} file={command(r.file, True)},line={d.line or 1},title={title}::{command(deadline_message(d))}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _summary_row(r: FileResult, lang: str = "en") -> str:
    if r.assessment is None:
        problems = markdown("; ".join(p.render() for p in r.problems))
        return f"| {code(r.file)} | **{'error' if lang == 'en' else word('error', lang)}** | — | — | {problems} |"
    a = r.assessment
    ids = {_finding_id(f) for f in a.findings} | {
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
