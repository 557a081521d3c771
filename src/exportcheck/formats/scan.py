"""Render a scan (many deal files) as text, JSON, SARIF 2.1.0, JUnit XML or GitHub annotations."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any
from xml.etree import ElementTree as ET

from .. import __version__
from ..models.assessment import Finding, Verdict
from ..models.assessment import reaches as fails
from ..runner import FileResult
from .console import string_console

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


def gate(result: FileResult) -> Verdict | None:
    a = result.assessment
    return (a.gate_verdict or a.verdict) if a else None


def totals(results: list[FileResult]) -> dict[str, int]:
    counts = Counter(v.value for r in results if (v := gate(r)) is not None)
    out = {v.value: counts.get(v.value, 0) for v in sorted(Verdict, key=lambda v: -v.rank)}
    out["errors"] = sum(1 for r in results if r.problems)
    out["files"] = len(results)
    return out


def render_json(results: list[FileResult], sha256: str) -> str:
    deals: list[dict[str, Any]] = []
    for r in results:
        if r.assessment:
            deals.append({"file": r.file, "assessment": r.assessment.model_dump(mode="json")})
        else:
            deals.append({"file": r.file, "errors": [p.render() for p in r.problems]})
    data = {
        "format_version": 1,
        "tool_version": __version__,
        "catalogue_sha256": sha256,
        "deals": deals,
        "totals": totals(results),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_text(results: list[FileResult], color: bool = False, width: int = 120) -> str:
    from rich.table import Table

    console, buf = string_console(width, color)
    table = Table(title="exportcheck scan", expand=True)
    for col in ("file", "verdict", "gate", "catalogue", "findings / problems"):
        table.add_column(col)
    for r in results:
        a = r.assessment
        if a is None:
            table.add_row(r.file, "ERROR", "—", "—", "\n".join(p.render() for p in r.problems))
            continue
        codes = sorted({_finding_id(f) + ("" if not f.waived else " (licensed)") for f in a.findings})
        table.add_row(
            r.file,
            a.verdict.value,
            (a.gate_verdict or a.verdict).value,
            a.catalogue.version,
            ", ".join(codes) or "—",
        )
    console.print(table)
    t = totals(results)
    console.print(", ".join(f"{k}: {v}" for k, v in t.items()))
    return buf.getvalue()


def _finding_id(f: Finding) -> str:
    return (f.code or f.entry_id) + (f" CP{f.control_point}" if f.control_point else "")


def _line(f: Finding) -> int:
    lines = [e.line for e in f.evidence if e.line]
    return min(lines) if lines else 1


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _rule_id(f: Finding) -> str:
    return f.code or f.entry_id


def render_sarif(results: list[FileResult], sha256: str) -> str:
    rules: dict[str, dict[str, Any]] = {}
    sarif_results: list[dict[str, Any]] = []
    for r in results:
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
            continue
        a = r.assessment
        for f in a.findings:
            rid = _rule_id(f)
            if rid not in rules:
                rules[rid] = _rule(f, a.catalogue.version)
            entry: dict[str, Any] = {
                "ruleId": rid,
                "level": LEVEL[f.outcome],
                "message": {"text": _message(f)},
                "locations": [_location(r.file, _line(f))],
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
            sarif_results.append(entry)
        for t in a.technologies:
            if t.verdict is Verdict.REVIEW and not any(f.technology == t.index for f in a.findings):
                rules.setdefault(
                    THIN_RULE,
                    {
                        "id": THIN_RULE,
                        "name": "InsufficientDescription",
                        "shortDescription": {"text": "Technology described too thinly to judge"},
                        "help": {
                            "text": "Describe what the recipient receives and what the technology does."
                        },
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
                "properties": {"catalogueSha256": sha256},
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"


def _location(file: str, line: int) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": file}, "region": {"startLine": max(1, line)}}}


def _message(f: Finding) -> str:
    cp = f"control point {f.control_point} " if f.control_point else ""
    words = ", ".join(sorted({e.deal_text for e in f.evidence}))[:300]
    msg = f"{f.technology_name}: {f.outcome.value} — {f.code or f.entry_id} {f.name.best('zh')} {cp}({f.strength.value}; matched: {words})"
    if f.licence:
        msg += f"; licence: {f.licence.detail}"
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


def render_junit(results: list[FileResult], fail_on: str) -> str:
    suite = ET.Element("testsuite", name="exportcheck", tests=str(len(results)))
    failures = errors = 0
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="exportcheck", name=r.file)
        if r.assessment is None:
            errors += 1
            err = ET.SubElement(case, "error", message="invalid deal file", type="InputError")
            err.text = "\n".join(p.render() for p in r.problems)
            continue
        a = r.assessment
        verdict = a.gate_verdict or a.verdict
        if fails(verdict, fail_on):
            failures += 1
            fail = ET.SubElement(
                case, "failure", message=f"{verdict.value}: {a.deal_title}", type=verdict.value
            )
            fail.text = "\n".join(
                f"{_finding_id(f)} {f.name.best('zh')}: {f.outcome.value}" for f in a.findings
            ) or ("; ".join(a.verdict_reasons))
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"{verdict.value} (catalogue {a.catalogue.version})"
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    root = ET.Element("testsuites", name="exportcheck", tests=str(len(results)))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(results: list[FileResult], fail_on: str) -> str:
    lines = []
    for r in results:
        if r.assessment is None:
            for p in r.problems:
                lines.append(
                    f"::error file={_escape(r.file, True)},line={p.line or 1},title={_escape('exportcheck: invalid deal file', True)}::"
                    + _escape(p.render())
                )
            continue
        for f in r.assessment.findings:
            level = "error" if fails(f.outcome, fail_on) and not f.waived else "warning"
            if f.outcome in (Verdict.FREE, Verdict.NOT_EXPORT) or (f.waived and level == "warning"):
                level = "notice"
            title = _escape(f"exportcheck: {f.outcome.value} {_finding_id(f)}", True)
            lines.append(
                f"::{level} file={_escape(r.file, True)},line={_line(f)},title={title}::{_escape(_message(f))}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def render_summary(results: list[FileResult]) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY."""
    out = [
        "## exportcheck scan",
        "",
        "| file | verdict | gate | catalogue | findings |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        if r.assessment is None:
            out.append(f"| `{r.file}` | **error** | — | — | {'; '.join(p.render() for p in r.problems)} |")
            continue
        a = r.assessment
        codes = ", ".join(sorted({_finding_id(f) for f in a.findings})) or "—"
        out.append(
            f"| `{r.file}` | {a.verdict.value} | {(a.gate_verdict or a.verdict).value} | {a.catalogue.version} | {codes} |"
        )
    t = totals(results)
    out += ["", ", ".join(f"**{k}**: {v}" for k, v in t.items()), ""]
    out.append("> exportcheck is a screening aid, not legal advice.")
    return "\n".join(out) + "\n"
