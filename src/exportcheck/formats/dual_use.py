"""Render the dual-use regime: findings inside an assessment, and the measures' status for a day.

Kept beside formats/assessment.py so the catalogue's tables stay as they are; every piece of catalogue or
deal text goes into rich `Text` (never parsed as markup).
"""

from __future__ import annotations

from typing import Any

from ..escape import clean
from ..escape import markdown as md
from ..models.assessment import DualUseCheck, DualUseFinding
from .console import string_console
from .glossary import MEASURE_STATUS, STRENGTH, VERDICT_SHORT, pick
from .zh import ORIGIN_ZH, fidelity_zh
from .zh import text as say

HEADINGS = {
    "findings": {"en": "Dual-use findings (export-control regime)", "zh": "两用物项核查结果（出口管制）"},
    "checked": {"en": "Dual-use measures checked on {day}", "zh": "已核查{day}当日的两用物项管制措施"},
    "not_encoded": {"en": "not encoded", "zh": "未收录"},
    "no_code": {"en": "(control code not sourced)", "zh": "（管制编码无来源）"},
    "see_status": {"en": "see `exportcheck catalogue status`", "zh": "见 `exportcheck catalogue status`"},
}


def heading(key: str, lang: str, **values: str) -> str:
    """A heading of the dual-use part; "both" gives the Chinese, then the English."""
    if lang == "both":
        return f"{heading(key, 'zh', **values)} / {heading(key, 'en', **values)}"
    return HEADINGS[key]["zh" if lang == "zh" else "en"].format(**values)


def _evidence(f: DualUseFinding, lang: str = "en") -> str:
    zh = lang == "zh"
    pairs = []
    for e in f.evidence:
        if zh:
            where = f"{e.field}{f' 第{e.line}行' if e.line else ''}"
            item = f"'{e.deal_text}' ~ '{e.term}'（{ORIGIN_ZH.get(e.origin.label, e.origin.label)}，{where}）"
        else:
            where = f"{e.field}{f' line {e.line}' if e.line else ''}"
            item = f"'{e.deal_text}' ~ '{e.term}' ({e.origin.label}, {where})"
        if item not in pairs:
            pairs.append(item)
    return ("；" if zh else "; ").join(pairs)


def finding_lines(f: DualUseFinding, lang: str = "en") -> list[str]:
    """One finding as plain lines: head, then why, thresholds, questions and sources."""
    if lang == "both":
        return [f"{zh} / {en}" for zh, en in zip(finding_lines(f, "zh"), finding_lines(f), strict=True)]
    if lang != "zh":
        code = f.control_code or HEADINGS["no_code"]["en"]
        lines = [
            f"{code} {f.item_text.best('zh')} — {f.instrument} — {f.technology_name}: status {f.status.value}, "
            f"{f.strength.value} -> {f.outcome.value}",
            f"status: {f.status_reason}",
            f"evidence: {_evidence(f)}",
        ]
        lines += [*f.reasons, *(f"{p.requirement}: {p.given or '—'}" for p in f.parameters)]
        lines += [f"question: {q}" for q in f.questions]
        lines += [f"end use ({f.instrument}): {t}" for t in f.end_use]
        lines.append(f"provenance: {f.fidelity.label}; sources {', '.join(f.sources)}")
        return lines
    code = f.control_code or HEADINGS["no_code"]["zh"]
    status = MEASURE_STATUS[f.status].zh
    lines = [
        f"{code} {f.item_text.best('zh')} — {f.instrument} — {f.technology_name}：{status}，"
        f"{STRENGTH[f.strength].zh} → {VERDICT_SHORT[f.outcome].zh}",
        f"措施状态：{say(f.status_reason, 'zh')}",
        f"依据：{_evidence(f, 'zh')}",
    ]
    lines += [say(r, "zh") for r in f.reasons]
    lines += [f"{p.requirement_zh or p.requirement}：{p.given or '—'}" for p in f.parameters]
    lines += [f"需补充的信息：{say(q, 'zh')}" for q in f.questions]
    lines += [f"最终用途（{f.instrument}）：{t}" for t in f.end_use]
    lines.append(f"来源：{fidelity_zh(f.fidelity.label)}；出处 {', '.join(f.sources)}")
    return lines


def blocks(findings: list[DualUseFinding], check: DualUseCheck | None, lang: str = "en") -> list[Any]:
    """rich renderables for the text report: each finding, then the measures checked that day."""
    from rich.text import Text

    out: list[Any] = []
    if findings:
        out.append(Text(heading("findings", lang), style="bold"))
        for f in findings:
            head, *rest = finding_lines(f, lang)
            out.append(Text(f"  {clean(head)}"))
            out += [Text(f"    • {clean(line)}") for line in rest]
    if check is not None:
        sep = "；" if lang == "zh" else ", "
        measures = sep.join(f"{m.instrument} {pick(MEASURE_STATUS[m.status], lang)}" for m in check.measures)
        if lang == "zh":
            line = f"{heading('checked', lang, day=str(check.date))}：{measures or '—'}；未收录{len(check.gaps)}项"
        else:
            gaps = f"{len(check.gaps)} {heading('not_encoded', lang)}"
            line = f"{heading('checked', lang, day=str(check.date))}: {measures or '—'}; {gaps}"
        out.append(Text(clean(line)))
    return out


def markdown(findings: list[DualUseFinding], check: DualUseCheck | None, lang: str = "en") -> list[str]:
    out: list[str] = []
    if findings:
        out += ["", f"## {heading('findings', lang)}", ""]
        for f in findings:
            head, *rest = finding_lines(f, lang)
            out.append(f"- **{md(head)}**")
            out += [f"  - {md(line)}" for line in rest]
    if check is not None:
        out += ["", f"{md(heading('checked', lang, day=str(check.date)))}{'：' if lang == 'zh' else ':'}", ""]
        colon = "：" if lang == "zh" else ": "
        out += [
            f"- {md(m.instrument)}{colon}{pick(MEASURE_STATUS[m.status], lang)} — {md(say(m.reason, lang))}"
            for m in check.measures
        ]
        see = f"（{heading('see_status', lang)}）" if lang == "zh" else f" ({heading('see_status', lang)})"
        out.append(f"- {heading('not_encoded', lang)}{colon}{len(check.gaps)}{see}")
    return out


def status_data(check: DualUseCheck) -> dict[str, Any]:
    return check.model_dump(mode="json")


STATUS_WORDS = {
    "title": (
        "Dual-use measures (export-control regime): status on {day}",
        "两用物项管制措施（出口管制）：{day}当日状态",
    ),
    "measure": ("measure", "措施"),
    "instrument": ("instrument", "公告"),
    "status": ("status", "状态"),
    "items": ("technology items", "技术物项数"),
    "why": ("why", "理由"),
    "gaps": (
        "Not encoded (a 'free' verdict does not cover these):",
        "未收录（“自由出口”结论不涵盖以下措施）：",
    ),
}


def _word(key: str, lang: str, **values: str) -> str:
    en, zh = STATUS_WORDS[key]
    if lang == "both":
        return f"{zh.format(**values)} / {en.format(**values)}"
    return (zh if lang == "zh" else en).format(**values)


def status_text(check: DualUseCheck, lang: str = "en") -> str:
    from rich.table import Table
    from rich.text import Text

    console, buf = string_console(120)
    table = Table(title=_word("title", lang, day=str(check.date)), expand=True)
    for col in ("measure", "instrument", "status", "items", "why"):
        table.add_column(_word(col, lang))
    for m in check.measures:
        status = m.status.value if lang == "en" else pick(MEASURE_STATUS[m.status], lang)
        table.add_row(
            *(Text(clean(c)) for c in (m.measure, m.instrument, status, str(m.items), say(m.reason, lang)))
        )
    console.print(table)
    console.print(Text(_word("gaps", lang), style="bold"))
    for gap in check.gaps:
        console.print(Text(f"  - {clean(gap)}"))
    return buf.getvalue()


# --- scan formats (SARIF, text rows, JUnit, GitHub): dual-use findings that ask for something ----------


def reportable(findings: list[DualUseFinding]) -> list[DualUseFinding]:
    """The findings a CI gate shows: those whose measure asks for a licence or a review on that day."""
    return [f for f in findings if f.outcome.value in ("licence_required", "review")]


def finding_id(f: DualUseFinding) -> str:
    return f"{f.control_code or f.measure} (dual-use)"


def rule_id(f: DualUseFinding) -> str:
    return f"exportcheck/dual-use/{f.control_code or f.measure}"


def line(f: DualUseFinding) -> int:
    lines = [e.line for e in f.evidence if e.line]
    return min(lines) if lines else 1


def message(f: DualUseFinding) -> str:
    words = ", ".join(sorted({e.deal_text for e in f.evidence}))[:300]
    return (
        f"{f.technology_name}: {f.outcome.value} — dual-use {f.control_code or '(no control code)'} "
        f"{f.instrument}, status {f.status.value} on the assessment date ({f.strength.value}; matched: {words})"
    )


def sarif_rule(f: DualUseFinding) -> dict[str, Any]:
    return {
        "id": rule_id(f),
        "name": "DualUse" + (f.control_code or f.measure).replace(".", "_").replace("-", "_"),
        "shortDescription": {"text": f"{f.item_text.zh or f.item_text.en or ''} ({f.instrument})"},
        "help": {
            "text": "Dual-use technology item: an export (including provision to foreign persons in China) needs "
            "a MOFCOM dual-use export licence while the measure is in force (出口管制法 art. 12; 两用物项出口管制条例 "
            "arts. 14–17). Run `exportcheck catalogue status --as-of DATE` for the measure's status."
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "regime": "dual_use",
            "measure": f.measure,
            "tags": ["export-control", "dual-use", "china"],
        },
    }
