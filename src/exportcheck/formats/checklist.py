"""Render a Checklist as plain text, Markdown or JSON. Each returns a string; nothing prints.

`lang` is "en", "zh" or "both". Chinese output uses the statutory terms carried by the procedure data.
JSON is always bilingual (both languages are in the model) and sorted, so `lang` only labels it.
Text from the deal (title, file name, licence and registration numbers quoted in items) is escaped by
`escape`: `clean` in plain text, `markdown` in Markdown, `json_text` in JSON.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

from ..checklist import article_label
from ..escape import clean, json_text, markdown
from ..models.assessment import Verdict
from ..models.procedure import (
    BiText,
    Checklist,
    ChecklistItem,
    Citation,
    Confidence,
    Gate,
    ItemStatus,
    Track,
    Trigger,
)
from .glossary import STAGE, VERDICT_SHORT, pick
from .zh import sentence as zh_sentence

LANGS = ("en", "zh", "both")

LABELS: dict[str, BiText] = {
    "deal": BiText(en="Deal", zh="交易"),
    "file": BiText(en="Deal file", zh="交易文件"),
    "date": BiText(en="Reference date", zh="基准日"),
    "stage": BiText(en="Stage", zh="交易阶段"),
    "next": BiText(en="Next duty", zh="下一步义务"),
    "verdict": BiText(en="Verdict", zh="结论"),
    "catalogue": BiText(en="Catalogue", zh="目录版本"),
    "coverage": BiText(en="Coverage", zh="收录情况"),
    "procedure": BiText(en="Procedure data", zh="程序数据"),
    "problems": BiText(
        en="Problems in the deal's licence and contract records", zh="交易许可记录及合同记录中的问题"
    ),
    "alerts": BiText(en="Warnings and notes", zh="警示与提示"),
    "actor": BiText(en="Who", zh="办理主体"),
    "documents": BiText(en="Documents", zh="所需文件"),
    "deadline": BiText(en="Deadline", zh="时限"),
    "last_day": BiText(en="last day", zh="最后一日"),
    "basis": BiText(en="Legal basis", zh="法律依据"),
    "triggered": BiText(en="Triggered by", zh="触发条目"),
    "progress": BiText(en="Progress", zh="进展"),
    "condition": BiText(en="Applies", zh="适用情形"),
    "gate": BiText(en="Timing", zh="时点"),
    "exposure": BiText(en="Exposure", zh="法律责任"),
    "confidence": BiText(en="Confidence", zh="可信度"),
    "notes": BiText(en="Notes", zh="备注"),
    "unset": BiText(en="not given", zh="未注明"),
    "legend": BiText(
        en="Statements are checked against the cited law text unless marked otherwise; "
        "'check current rules' stands where exportcheck could not verify a fact.",
        zh="除另有标注外，各项内容均已与所引法规原文核对；无法核实的事项标注为“请核对现行规定”。",
    ),
}

TRACKS: dict[Track, BiText] = {
    Track.SCREEN: BiText(en="Screening (every deal)", zh="基本筛查（所有交易）"),
    Track.REMEDIATION: BiText(
        en="Remediation: signed or performed without the required licence",
        zh="补救事项：未取得所需许可即已签约或履行",
    ),
    Track.PROHIBITED: BiText(en="Prohibited technology", zh="禁止出口的技术"),
    Track.DUAL_USE: BiText(en="Dual-use items: export-control licence", zh="两用物项：出口管制许可"),
    Track.RESTRICTED: BiText(
        en="Restricted technology: technology export licence", zh="限制出口的技术：技术出口许可"
    ),
    Track.FREE: BiText(en="Free technology: contract registration", zh="自由出口的技术：技术出口合同登记"),
}

STATUS: dict[ItemStatus, BiText] = {
    ItemStatus.DONE: BiText(en="done", zh="已完成"),
    ItemStatus.NEXT: BiText(en="NEXT", zh="下一步"),
    ItemStatus.TODO: BiText(en="to do", zh="待办"),
    ItemStatus.BLOCKED: BiText(en="blocked", zh="尚不能办理"),
    ItemStatus.WARNING: BiText(en="WARNING", zh="警示"),
}
TEXT_MARK = {
    ItemStatus.DONE: "[x]",
    ItemStatus.NEXT: "[>]",
    ItemStatus.TODO: "[ ]",
    ItemStatus.BLOCKED: "[-]",
    ItemStatus.WARNING: "[!]",
}

GATES: dict[Gate, BiText] = {
    Gate.SUBSTANTIVE_NEGOTIATION: BiText(en="before substantive negotiation", zh="在对外实质性谈判之前"),
    Gate.CONTRACT_SIGNING: BiText(en="before the contract is signed", zh="在签订合同之前"),
    Gate.CONTRACT_EFFECT: BiText(en="before the contract takes effect", zh="在合同生效之前"),
    Gate.EXPORT: BiText(en="before any export", zh="在出口之前"),
}

CONFIDENCE: dict[Confidence, BiText] = {
    Confidence.VERIFIED: BiText(en="verified against the cited law text", zh="已与所引法规原文核对"),
    Confidence.PARAPHRASE: BiText(en="paraphrase from a secondary source", zh="转述自二手资料"),
    Confidence.INFERRED: BiText(
        en="exportcheck inference, not the wording of a rule", zh="exportcheck推断，非法规原文"
    ),
    Confidence.UNVERIFIED: BiText(en="unverified — check current rules", zh="未经核实——请核对现行规定"),
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def _t(bi: BiText, lang: str, sep: str = " / ") -> str:
    """One line: the language asked for, or both joined."""
    if lang == "both":
        return bi.en if bi.en == bi.zh else f"{bi.en}{sep}{bi.zh}"
    return bi.get(lang)


def _lines(bi: BiText, lang: str) -> list[str]:
    """Longer text: one line per language."""
    if lang == "both":
        return [bi.en, bi.zh]
    return [bi.get(lang)]


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _label(key: str, lang: str) -> str:
    return _t(LABELS[key], lang)


def _coverage(c: Checklist, lang: str) -> str:
    cov = c.coverage
    en = (
        f"{cov.encoded_entries}/{cov.official_entries} entries encoded ({cov.encoded_prohibited}/"
        f"{cov.official_prohibited} prohibited, {cov.encoded_restricted}/{cov.official_restricted} restricted), "
        f"{cov.encoded_control_points} control points; "
        + ("complete" if cov.complete else "INCOMPLETE: a technology without findings is not thereby cleared")
    )
    zh = (
        f"已收录{cov.encoded_entries}/{cov.official_entries}条（禁止类{cov.encoded_prohibited}/"
        f"{cov.official_prohibited}，限制类{cov.encoded_restricted}/{cov.official_restricted}），"
        f"控制要点{cov.encoded_control_points}个；"
        + ("收录完整" if cov.complete else "收录不完整：未命中不等于属于自由出口")
    )
    return _t(BiText(en=en, zh=zh), lang)


def _header_rows(c: Checklist, lang: str) -> list[tuple[str, str]]:
    instrument = c.catalogue_instrument.best("zh" if lang == "zh" else "en")
    if lang == "both" and c.catalogue_instrument.zh and c.catalogue_instrument.en:
        instrument = f"{c.catalogue_instrument.en} / {c.catalogue_instrument.zh}"
    return [
        (_label("deal", lang), c.deal_title),
        (_label("file", lang), c.deal_file),
        (_label("date", lang), c.reference_date.isoformat()),
        (
            _label("stage", lang),
            pick(STAGE[c.stage], lang) if c.stage in STAGE else c.stage or _label("unset", lang),
        ),
        (_label("verdict", lang), _verdict(c.verdict, lang)),
        *([(_label("next", lang), _t(c.next_duty, lang))] if c.next_duty else []),
        (_label("catalogue", lang), f"{c.catalogue_version} — {instrument}"),
        (_label("coverage", lang), _coverage(c, lang)),
        (_label("procedure", lang), f"v{c.procedure_version}, {c.procedure_as_of.isoformat()}"),
    ]


def _verdict(value: str, lang: str) -> str:
    """A verdict in words; the machine value is for JSON only."""
    try:
        return pick(VERDICT_SHORT[Verdict(value)], lang)
    except ValueError:
        return value


def _trigger(t: Trigger, lang: str) -> str:
    """What triggered an item. A dual-use note is the assessment's English line: the engine's sentences
    have a Chinese form (formats/zh.py); a catalogue entry's dual-use hint is exportcheck's English note,
    said in Chinese as what it means for the checklist."""
    if lang == "en" or not t.note or t.outcome != "dual_use":
        return t.label("zh" if lang == "zh" else "en")
    zh = zh_sentence(t.note)
    if zh == t.note:
        zh = f"{t.note.split(' ')[0]}：该技术也可能属于两用物项，请另行核查两用物项出口管制规定"
    if lang == "zh":
        return zh
    return f"{zh} / {t.label('en')}"


def _citations(citations: list[Citation], lang: str) -> list[str]:
    """One line per language, articles grouped under their instrument in order of first mention:
    'Technology Import and Export Regulations arts. 35, 30' / '《技术进出口管理条例》第三十五条、第三十条'."""
    groups: dict[str, list[Citation]] = {}
    for ci in citations:
        groups.setdefault(ci.instrument, []).append(ci)
    en: list[str] = []
    zh: list[str] = []
    for group in groups.values():
        name_en = group[0].label.en.rsplit(" art. ", 1)[0]
        articles = [ci.article for ci in group]
        en.append(f"{name_en} {'arts.' if len(articles) > 1 else 'art.'} {', '.join(articles)}")
        article_zh = [article_label(ci.article).zh for ci in group]
        name_zh = group[0].label.zh[: -len(article_zh[0])]
        zh.append(name_zh + "、".join(article_zh))
    return _lines(BiText(en="; ".join(en), zh="；".join(zh)), lang)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def item_fields(
    item: ChecklistItem, lang: str, number: int, seen: dict[str, int]
) -> list[tuple[str, list[str]]]:
    """(label, lines) pairs shown under item `number`, in print order; `seen` maps exposure ids already
    printed in full to the item that printed them."""
    out: list[tuple[str, list[str]]] = []
    if item.detail:
        out.append(("", _lines(item.detail, lang)))
    if item.condition:
        out.append((_label("condition", lang), [_t(item.condition, lang)]))
    if item.progress:
        out.append((_label("progress", lang), _lines(item.progress, lang)))
    if item.actor:
        out.append((_label("actor", lang), [_t(item.actor, lang)]))
    if item.documents:
        out.append((_label("documents", lang), [_t(d, lang) for d in item.documents]))
    if item.deadline:
        deadline = _t(item.deadline, lang)
        if item.deadline_date:  # the deal file gave the date that starts the clock
            day = item.deadline_date.isoformat()
            deadline += (
                f"（{_label('last_day', lang)}：{day}）"
                if lang == "zh"
                else f" — {_label('last_day', lang)} {day}"
            )
        out.append((_label("deadline", lang), [deadline]))
    if item.stage_gate and item.deadline_days is not None:  # a deadline note already states the timing
        out.append((_label("gate", lang), [_t(GATES[item.stage_gate], lang)]))
    if item.citations:
        out.append((_label("basis", lang), _citations(item.citations, lang)))
    if item.triggered_by:
        out.append(
            (
                _label("triggered", lang),
                [("、" if lang == "zh" else ", ").join(_trigger(t, lang) for t in item.triggered_by)],
            )
        )
    if item.confidence is not Confidence.VERIFIED:
        out.append((_label("confidence", lang), [_t(CONFIDENCE[item.confidence], lang)]))
    if item.notes:
        out.append((_label("notes", lang), _lines(item.notes, lang)))
    for e in item.exposures:
        refs = " / ".join(_citations(e.citations, lang))
        cited = f"（{refs}）" if lang == "zh" else f" ({refs})"
        line = f"{_t(e.title, lang)}{cited}"
        if e.id in seen:  # full text once per document; later mentions point back
            line += f"，见第{seen[e.id]}项" if lang == "zh" else f" — see item {seen[e.id]}"
        elif e.confidence is Confidence.UNVERIFIED:
            mark = _t(CONFIDENCE[e.confidence], lang)
            line += f"［{mark}］" if lang == "zh" else f" [{mark}]"
        else:
            line = f"{_t(e.title, lang)}{_colon(lang)}{' '.join(_lines(e.text, lang))}{cited}"
            if e.confidence is not Confidence.VERIFIED:
                mark = _t(CONFIDENCE[e.confidence], lang)
                line += f"［{mark}］" if lang == "zh" else f" [{mark}]"
        seen.setdefault(e.id, number)
        out.append((_label("exposure", lang), [line]))
    return out


def sections(c: Checklist) -> list[tuple[str, Track | None, list[ChecklistItem]]]:
    alerts = [i for i in c.items if i.kind == "alert"]
    out: list[tuple[str, Track | None, list[ChecklistItem]]] = []
    if alerts:
        out.append(("alerts", None, alerts))
    for track in c.tracks:
        steps = [i for i in c.items if i.kind == "step" and i.track is track]
        if steps:
            out.append(("track", track, steps))
    return out


def section_title(kind: str, track: Track | None, lang: str) -> str:
    return _label("alerts", lang) if track is None else _t(TRACKS[track], lang)


# --- text ------------------------------------------------------------------------------------------------


def render_text(checklist: Checklist, lang: str = "en") -> str:
    """Plain text, no colour codes; wide enough for a terminal or an e-mail."""
    _check_lang(lang)
    c = checklist
    out = [f"{_t(c.title, lang)}{_colon(lang)}{clean(c.deal_title)}", "=" * 72]
    rows = _header_rows(c, lang)
    width = max(_width(k) for k, _ in rows)
    out += [f"{_pad(k, width)}  {clean(v)}" for k, v in rows[1:]]
    out.append("")
    out += _lines(c.notice, lang)
    out += _lines(LABELS["legend"], lang)
    if c.problems:
        out += ["", _label("problems", lang), "-" * 72]
        for p in c.problems:
            out.append(f"[!] {clean(_t(p.text, lang))}")
    number = 0
    seen: dict[str, int] = {}
    for kind, track, items in sections(c):
        out += ["", section_title(kind, track, lang), "-" * 72]
        for item in items:
            number += 1
            status = _t(STATUS[item.status], lang)
            status = f"（{status}）" if lang == "zh" else f"  ({status})"
            out.append(f"{TEXT_MARK[item.status]} {number}. {clean(_t(item.title, lang))}{status}")
            for label, lines in item_fields(item, lang, number, seen):
                prefix = f"      {label}{_colon(lang)}" if label else "      "
                for i, line in enumerate(lines):
                    out.append((prefix if i == 0 else " " * len(prefix)) + clean(line))
    return "\n".join(out).rstrip() + "\n"


# --- markdown --------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """One line of text as it reads, inside a Markdown line or table cell."""
    return markdown(text)


def render_markdown(checklist: Checklist, lang: str = "en") -> str:
    """Markdown for printing: a header table, the notice, then check boxes per section."""
    _check_lang(lang)
    c = checklist
    out = [f"# {_md(_t(c.title, lang))}{_colon(lang)}{_md(c.deal_title)}", ""]
    out += ["| | |", "|---|---|"]
    out += [f"| {_md(k)} | {_md(v)} |" for k, v in _header_rows(c, lang)]
    out.append("")
    for line in _lines(c.notice, lang) + _lines(LABELS["legend"], lang):
        out += [f"> {_md(line)}", ">"]
    out.pop()
    out.append("")
    if c.problems:
        out += [f"## {_md(_label('problems', lang))}", ""]
        out += [f"- **{_md(_t(p.text, lang))}**" for p in c.problems]
        out.append("")
    number = 0
    seen: dict[str, int] = {}
    for kind, track, items in sections(c):
        out += [f"## {_md(section_title(kind, track, lang))}", ""]
        for item in items:
            number += 1
            box = "[x]" if item.status is ItemStatus.DONE else "[ ]"
            status = _t(STATUS[item.status], lang)
            tag = f"**{status}** " if item.status in (ItemStatus.NEXT, ItemStatus.WARNING) else f"_{status}_ "
            if item.status is ItemStatus.DONE:
                tag = ""
            out += [f"- {box} {number}. {tag}**{_md(_t(item.title, lang))}**", ""]
            fields = item_fields(item, lang, number, seen)
            for label, lines in fields:
                if not label:  # the detail: its own paragraph(s) inside the item
                    for line in lines:
                        out += [f"  {_md(line)}", ""]
            for label, lines in fields:
                if not label:
                    continue
                if len(lines) == 1:
                    out.append(f"  - {_md(label)}{_colon(lang)}{_md(lines[0])}")
                else:
                    out.append(f"  - {_md(label)}{_colon(lang).rstrip()}")
                    out += [f"    - {_md(line)}" for line in lines]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- json ------------------------------------------------------------------------------------------------


def render_json(checklist: Checklist, lang: str = "both") -> str:
    """Deterministic JSON: sorted keys, both languages, no timestamps beyond the reference date."""
    _check_lang(lang)
    data = checklist.model_dump(mode="json")
    data["lang"] = lang
    return json_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)) + "\n"


RENDERERS: dict[str, Callable[[Checklist, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render(checklist: Checklist, fmt: str, lang: str = "en") -> str:
    """Dispatch on a --format choice (text | markdown | json)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown checklist format {fmt!r}; use one of {', '.join(sorted(RENDERERS))}")
    return RENDERERS[fmt](checklist, lang)
