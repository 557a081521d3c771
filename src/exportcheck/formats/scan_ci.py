"""A scan in the formats CI systems read: SARIF 2.1.0 (code scanning), JUnit XML (test reports) and GitHub
workflow commands (annotations). scan.py makes each file's piece with these and joins the pieces.

File names, titles and technology names come from the scanned repository, which anyone may commit to:
GitHub commands escape them with `command`, JUnit with `xml`; SARIF keeps the original text through
`json_text`."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from xml.etree import ElementTree as ET

from .. import __version__
from ..escape import command, json_text, xml
from ..models.assessment import Assessment, FileResult, Finding, Verdict
from ..models.assessment import reaches as fails
from ..models.procedure import deadline_fails
from . import dual_use as du
from .due import message as deadline_message
from .rulings import ruling_note
from .scan_common import coverage_caveat, finding_id, warned

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


def sarif_results(r: FileResult, rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
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


def sarif_disguise(r: FileResult, rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
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


def github_disguise(r: FileResult) -> str:
    title = command("exportcheck: disguised text", True)
    lines = [
        f"::warning file={command(r.file, True)},line={line},title={title}::{command(w)}"
        for line, w in _disguised(r)
    ]
    return "\n".join(lines) + ("\n" if lines else "")


def sarif_deadlines(
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


def render_sarif(
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


def junit_case(r: FileResult, fail_on: str, fail_on_deadline: str = "none") -> ET.Element:
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
            f"{finding_id(f)} {f.name.best('zh')}: {f.outcome.value}"
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
        ruled = [f"{finding_id(f)}: {ruling_note(f)}" for f in a.findings if f.ruling]
        if ruled:
            out.text += "\n" + "\n".join(ruled)
    return case


def render_junit(cases: list[ET.Element]) -> str:
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


def github_lines(r: FileResult, fail_on: str) -> str:
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
        title = command(f"exportcheck: {f.outcome.value} {finding_id(f)}", True)
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


def github_deadlines(r: FileResult, fail_on_deadline: str) -> str:
    lines = []
    for d in warned(r):
        level = "error" if deadline_fails(d.state, fail_on_deadline) else "warning"
        title = command(f"exportcheck: deadline {d.state.value} ({d.kind.value})", True)
        lines.append(
            f"::{level} file={command(r.file, True)},line={d.line or 1},title={title}::{command(deadline_message(d))}"
        )
    return "\n".join(lines) + ("\n" if lines else "")
