"""The print-ready HTML report (`--format html`): one self-contained file a general counsel can sign.

Self-contained on purpose: the report is mailed, archived and opened offline, so it carries its CSS inline,
runs no script and loads nothing (a Content-Security-Policy meta tag forbids it even if a string slipped
through). Every string from the deal, a file name or a catalogue passes through `escape.html` exactly once,
and no such string is ever put in an attribute, a style or a URL: hostile text can only ever be text.
`lang` is "en", "zh" or "both" (the two languages side by side). The engine's English sentences (reasons,
caveats) get their Chinese from formats/zh.py; one no template knows is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from .. import __version__
from ..escape import html as esc
from ..models.assessment import Assessment, DualUseFinding, Evidence, FileResult, Finding, Verdict
from ..models.deal import Deal
from ..models.procedure import Checklist, ChecklistItem, ItemStatus
from . import checklist as cl
from . import scan
from .assessment import say
from .due import message as deadline_message
from .glossary import MEASURE_STATUS, PART, STRENGTH, VERDICT_SHORT, pick
from .html_style import CSS
from .html_timeline import render_svg
from .labels import label, next_duty, verdict_text
from .rulings import gate_line, hand_check_lines, ruling_lines, ruling_note
from .zh import LICENCE_ZH, ORIGIN_ZH, disguises_zh, fidelity_zh, sentence, stage_zh

LANGS = ("en", "zh", "both")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

# The report's own words (the glossary's `label()` covers the assessment's).
WORDS: dict[str, tuple[str, str]] = {
    "report": ("Technology export screening report", "技术出口筛查报告"),
    "verdict": ("Verdict", "结论"),
    "decisive": ("Why", "理由"),
    "exporter": ("Exporter", "出口方"),
    "recipient": ("Recipient", "受让方"),
    "date": ("Deal date", "交易日期"),
    "reference": ("Reference date", "基准日"),
    "stage": ("Stage", "交易阶段"),
    "file": ("Deal file", "交易文件"),
    "description": ("Description (matched words marked)", "技术描述（命中词语已标出）"),
    "wording": ("Catalogue wording", "目录原文"),
    "deal_words": ("Deal words", "交易文本"),
    "term": ("Matched term", "匹配词语"),
    "origin": ("Kind of term", "词语性质"),
    "where": ("Where", "位置"),
    "timeline": ("Procedure timeline", "办理流程时间轴"),
    "checklist": ("Licensing checklist", "许可与登记事项清单"),
    "signoff": ("Sign-off", "审批签字"),
    "prepared": ("Prepared by", "编制人"),
    "reviewed": ("Reviewed by counsel", "法律顾问审核"),
    "approved": ("Approved by", "批准人"),
    "name": ("Name", "姓名"),
    "signature": ("Signature", "签字"),
    "record": ("Record of this assessment", "本次评估记录"),
    "tool": ("Tool version", "工具版本"),
    "catalogue_sha": ("Catalogue sha256", "目录数据 sha256"),
    "overlay_sha": ("Overlay sha256", "覆盖层 sha256"),
    "procedure_sha": ("Procedure data sha256", "程序数据 sha256"),
    "input_sha": ("Deal file sha256", "交易文件 sha256"),
    "law_date": ("Law taken at", "适用法律日期"),
    "notice": ("Notice", "声明"),
    "technologies": ("Technologies", "技术"),
    "hand_check": ("Check by hand against the official text", "请对照官方文本人工核对"),
    "rulings": ("Rulings", "法律意见"),
    "disguised": ("Disguised text", "经伪装的文本"),
    "unknown": ("not given", "未注明"),
    "page": ("Page", "第"),
    "measure": ("Measure", "管制措施"),
    "status": ("Status", "状态"),
}


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def w(key: str, lang: str) -> str:
    """One of the report's own words, escaped; both languages joined with a slash for `both`."""
    en, zh = WORDS[key]
    return esc(zh if lang == "zh" else en if lang == "en" else f"{en} / {zh}")


def lab(key: str, lang: str) -> str:
    """A glossary label (formats/labels.py), escaped."""
    if lang == "both":
        en, zh = label("en", key), label("zh", key)
        return esc(en if en == zh else f"{en} / {zh}")
    return esc(label(lang, key))


def pair(en: str, zh: str, lang: str, block: bool = False) -> str:
    """Escaped text in the language asked for; `both` puts the two side by side (blocks) or stacked."""
    if lang != "both" or en == zh:
        return esc(zh if lang == "zh" else en)
    if block:
        return f'<div class="bi"><div lang="en">{esc(en)}</div><div lang="zh">{esc(zh)}</div></div>'
    return f'{esc(en)}<br><span lang="zh">{esc(zh)}</span>'


# --- highlighting --------------------------------------------------------------------------------------------

MAX_NEEDLES = 60


def mark(text: str, needles: Iterable[str]) -> str:
    """`text` escaped, with every occurrence of a needle (case-insensitive where that keeps lengths) in
    <mark>. Each piece is escaped on its own, so a needle can never open or close a tag."""
    lower = text.lower()
    fold = len(lower) == len(text)
    haystack = lower if fold else text
    spans: list[tuple[int, int]] = []
    for needle in sorted({n for n in needles if n.strip()}, key=len, reverse=True)[:MAX_NEEDLES]:
        key = needle.lower() if fold else needle
        start = haystack.find(key)
        while start != -1:
            spans.append((start, start + len(key)))
            start = haystack.find(key, start + len(key))
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


# --- sections ------------------------------------------------------------------------------------------------

VERDICT_CLASS = {
    Verdict.PROHIBITED: "v-prohibited",
    Verdict.LICENCE_REQUIRED: "v-licence",
    Verdict.REVIEW: "v-review",
    Verdict.FREE: "v-free",
    Verdict.NOT_EXPORT: "v-not-export",
}


def _dual_use_only(a: Assessment) -> bool:
    return not any(f.outcome is Verdict.LICENCE_REQUIRED for f in a.findings)


def _banner(a: Assessment, checklist: Checklist | None, lang: str) -> str:
    only = _dual_use_only(a)
    head = pair(verdict_text("en", a.verdict, only), verdict_text("zh", a.verdict, only), lang)
    duty_en = checklist.next_duty.en if checklist and checklist.next_duty else a.next_duty
    duty_zh = (
        checklist.next_duty.zh
        if checklist and checklist.next_duty
        else next_duty("zh", a.verdict, a.next_duty)
    )
    reasons = "".join(f"<li>{_say(r, lang)}</li>" for r in a.verdict_reasons)
    gate = f'<p class="gate">{esc(gate_line(a))}</p>' if gate_line(a) else ""
    return (
        f'<section class="banner {VERDICT_CLASS[a.verdict]}">'
        f'<div class="verdict-label">{w("verdict", lang)}</div>'
        f'<div class="verdict">{head}</div>'
        f'<div class="decisive"><strong>{w("decisive", lang)}:</strong><ul>{reasons}</ul></div>'
        f'<div class="duty"><strong>{lab("next", lang)}:</strong> {pair(duty_en, duty_zh, lang)}</div>'
        f"{gate}</section>"
    )


def _coverage(a: Assessment, lang: str) -> str:
    c = a.catalogue.coverage
    en = (
        f"{c.encoded_entries} of {c.official_entries} entries encoded ({c.encoded_prohibited}/"
        f"{c.official_prohibited} prohibited, {c.encoded_restricted}/{c.official_restricted} restricted), "
        f"{c.encoded_control_points} control points; "
        + ("complete" if c.complete else "INCOMPLETE: no finding does not by itself clear a technology")
    )
    zh = (
        f"已收录{c.encoded_entries}/{c.official_entries}条（禁止类{c.encoded_prohibited}/{c.official_prohibited}，"
        f"限制类{c.encoded_restricted}/{c.official_restricted}），控制要点{c.encoded_control_points}个；"
        + ("收录完整" if c.complete else "收录不完整：未命中不等于属于自由出口")
    )
    return pair(en, zh, lang)


def _party(deal: Deal | None, which: str, lang: str) -> str:
    party = getattr(deal, which, None) if deal else None
    if party is None:
        return f'<span class="muted">{w("unknown", lang)}</span>'
    return f"{esc(party.name)} ({esc(party.country)})"


def _facts(a: Assessment, deal: Deal | None, lang: str) -> str:
    unknown = f'<span class="muted">{w("unknown", lang)}</span>'
    inst = a.catalogue.instrument
    rows = [
        (w("exporter", lang), _party(deal, "exporter", lang)),
        (w("recipient", lang), _party(deal, "recipient", lang)),
        (w("date", lang), esc(deal.date.isoformat()) if deal and deal.date else unknown),
        (
            w("stage", lang),
            pair(deal.stage.value, stage_zh(deal.stage.value), lang) if deal and deal.stage else unknown,
        ),
        (w("file", lang), f"<code>{esc(a.deal_file)}</code>"),
        (
            lab("catalogue", lang),
            f"{esc(a.catalogue.version)} — {pair(inst.best('en'), inst.best('zh'), lang)}"
            f'<div class="small">{lab("selected", lang)}: {_say(a.catalogue.reason, lang)}</div>'
            + (f'<div class="small">{esc(a.catalogue.overlay)}</div>' if a.catalogue.overlay else ""),
        ),
        (lab("coverage", lang), _coverage(a, lang)),
    ]
    if a.record is not None:
        rows.insert(4, (w("reference", lang), esc(a.record.reference_day)))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="facts">{body}</table>'


def _where(e: Evidence, lang: str = "en") -> str:
    en = f"{e.field}" + (f", line {e.line}" if e.line else "")
    zh = f"{e.field}" + (f"，第{e.line}行" if e.line else "")
    return {"en": en, "zh": zh}.get(lang, f"{en} / {zh}")


def _evidence_rows(evidence: Sequence[Evidence], lang: str) -> str:
    seen: set[tuple[str, str, str]] = set()
    rows = []
    for e in evidence:
        key = (e.deal_text, e.term, _where(e))
        if key in seen:
            continue
        seen.add(key)
        concept = f"概念组 {e.concept}（{e.term}）" if lang == "zh" else f"{e.concept} in {e.term}"
        term = concept if e.concept else e.term
        disguise = ", ".join(e.disguise)
        flags = "".join(
            [
                f' <span class="flag">{pair(f"disguised: {disguise}", f"伪装文字：{disguises_zh(disguise)}", lang)}'
                "</span>"
                if e.disguise
                else "",
                f' <span class="flag">{pair("under a negation of unclear scope", "处于范围不明的否定表述之中", lang)}'
                "</span>"
                if e.negation
                else "",
            ]
        )
        rows.append(
            f"<tr><td><mark>{esc(e.deal_text)}</mark>{flags}</td><td>{esc(term)}</td>"
            f"<td>{pair(e.origin.label, ORIGIN_ZH.get(e.origin.label, e.origin.label), lang)}</td>"
            f"<td>{esc(_where(e, lang))}</td></tr>"
        )
    head = (
        f"<tr><th>{w('deal_words', lang)}</th><th>{w('term', lang)}</th><th>{w('origin', lang)}</th>"
        f"<th>{w('where', lang)}</th></tr>"
    )
    return f'<table class="evidence"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _wording(f: Finding, lang: str) -> str:
    """The catalogue's words for the point (or entry), the terms that fired marked in it."""
    text = f.control_point_text or f.name
    terms = [e.term for e in f.evidence] + [e.deal_text for e in f.evidence]
    parts = []
    for code in ("zh", "en") if lang != "en" else ("en", "zh"):
        value = getattr(text, code)
        if value:
            parts.append(f'<div lang="{code}">{mark(value, terms)}</div>')
    if lang != "both":
        parts = parts[:1]
    cls = "bi" if len(parts) > 1 else ""
    return f'<div class="{cls}">{"".join(parts)}</div>'


def _say(english: str, lang: str) -> str:
    """An engine sentence, escaped, in the language asked for (its Chinese from formats/zh.py)."""
    return pair(english, sentence(english), lang)


def _provenance(fidelity: str, sources: Sequence[str], lang: str) -> str:
    """'official wording; sources a, b', in the language asked for (both: the English, then the Chinese)."""
    en = f"{fidelity}; sources {', '.join(sources)}"
    zh = f"{fidelity_zh(fidelity)}；出处 {', '.join(sources)}"
    return esc({"en": en, "zh": zh}.get(lang, f"{en} / {zh}"))


def _finding(f: Finding, lang: str) -> str:
    cp = f" — {esc(lab('cp', lang))} {esc(f.control_point)}" if f.control_point else ""
    name = pair(f.name.best("en"), f.name.best("zh"), lang)
    extra = [(r, sentence(r)) for r in f.reasons]  # (English, Chinese)
    for p in f.parameters:
        state = {True: ("meets", "满足"), False: ("below", "未达到"), None: ("missing", "缺失")}[p.holds]
        extra.append(
            (
                f"{p.requirement}: {p.given or '—'} ({state[0]})",
                f"{p.requirement_zh or p.requirement}：{p.given or '—'}（{state[1]}）",
            )
        )
    extra += [(f"? {q}", f"？{sentence(q)}") for q in f.questions]
    extra += [(ruling_note(f) or "", ruling_note(f, "zh") or "")] if f.ruling else []
    if f.licence:
        status = LICENCE_ZH.get(f.licence.status, f.licence.status)
        extra.append(
            (
                f"licence: {f.licence.status} — {f.licence.detail}",
                f"许可：{status}——{sentence(f.licence.detail)}",
            )
        )
    items = "".join(f"<li>{pair(en, zh, lang)}</li>" for en, zh in extra)
    return (
        f'<article class="finding o-{f.outcome.value}">'
        f"<h3>{esc(f.code or f.entry_id)} {name}{cp}</h3>"
        f'<div class="meta">{lab("technology", lang)}: <strong>{esc(f.technology_name)}</strong> · '
        f"{esc(pick(PART[f.part], lang))} · {lab('strength', lang)}: {esc(pick(STRENGTH[f.strength], lang))} · "
        f"{lab('outcome', lang)}: <strong>{esc(pick(VERDICT_SHORT[f.outcome], lang))}</strong></div>"
        f'<div class="wording"><div class="small">{w("wording", lang)}</div>{_wording(f, lang)}'
        f'<div class="small">{lab("provenance", lang)}: {_provenance(f.fidelity.label, f.sources, lang)}</div></div>'
        f"{_evidence_rows(f.evidence, lang)}"
        + (f"<ul class='reasons'>{items}</ul>" if items else "")
        + "</article>"
    )


def _dual_use(d: DualUseFinding, lang: str) -> str:
    words = [e.deal_text for e in d.evidence] + [e.term for e in d.evidence]
    text = d.item_text.best("zh" if lang == "zh" else "en")
    items = "".join(f"<li>{_say(x, lang)}</li>" for x in [*d.reasons, *d.questions, *d.end_use])
    return (
        f'<article class="finding o-{d.outcome.value}">'
        f"<h3>{lab('dual_use', lang)}: {esc(d.control_code or '—')} ({esc(d.instrument)})</h3>"
        f'<div class="meta">{lab("technology", lang)}: <strong>{esc(d.technology_name)}</strong> · '
        f"{w('status', lang)}: {esc(pick(MEASURE_STATUS[d.status], lang))} · "
        f"{lab('strength', lang)}: {esc(pick(STRENGTH[d.strength], lang))} · "
        f"{lab('outcome', lang)}: <strong>{esc(pick(VERDICT_SHORT[d.outcome], lang))}</strong></div>"
        f'<div class="wording">{mark(text, words)}<div class="small">{_say(d.status_reason, lang)}</div>'
        f'<div class="small">{lab("provenance", lang)}: {_provenance(d.fidelity.label, d.sources, lang)}</div></div>'
        f"{_evidence_rows(d.evidence, lang)}"
        + (f"<ul class='reasons'>{items}</ul>" if items else "")
        + "</article>"
    )


def _descriptions(a: Assessment, deal: Deal | None, lang: str) -> str:
    """Each technology as the deal describes it, with the words that matched marked."""
    if deal is None:
        return ""
    out = []
    for i, t in enumerate(deal.technologies):
        words = [e.deal_text for f in a.findings if f.technology == i for e in f.evidence]
        words += [e.deal_text for d in a.dual_use_findings if d.technology == i for e in d.evidence]
        verdict = next((pick(VERDICT_SHORT[r.verdict], lang) for r in a.technologies if r.index == i), "")
        out.append(
            f'<div class="tech"><strong>{mark(t.name, words)}</strong> <span class="muted">({esc(verdict)})</span>'
            + (f"<p>{mark(t.description, words)}</p>" if t.description else "")
            + "</div>"
        )
    return f'<div class="small">{w("description", lang)}</div>{"".join(out)}'


def _findings(a: Assessment, deal: Deal | None, lang: str, explain: bool) -> str:
    out = [f"<section class='findings'><h2>{lab('findings', lang)}</h2>", _descriptions(a, deal, lang)]
    if not a.findings and not a.dual_use_findings:
        out.append(f"<p><em>{lab('none', lang)}</em></p>")
    out += [_finding(f, lang) for f in a.findings]
    out += [_dual_use(d, lang) for d in a.dual_use_findings]
    lists = [
        (
            lab("near_misses", lang),
            [f"{m.code or m.entry_id} {m.name.best('en')}: {m.reason}" for m in a.near_misses]
            if explain
            else [],
        ),
        (w("rulings", lang), ruling_lines(a)),
        (w("hand_check", lang), hand_check_lines(a, "zh" if lang == "zh" else "en")),
        (w("disguised", lang), a.disguised),
        (lab("dual_use", lang), a.dual_use),
        (lab("caveats", lang), a.caveats),
    ]
    for title, lines in lists:
        if lines:
            out.append(
                f"<h3>{title}</h3><ul class='notes'>"
                + "".join(f"<li>{pair(x, say(a, x, 'zh'), lang)}</li>" for x in lines)
                + "</ul>"
            )
    out.append("</section>")
    return "".join(out)


# --- checklist ------------------------------------------------------------------------------------------------

BOX = {ItemStatus.DONE: "☑", ItemStatus.WARNING: "!"}


def _fields(fields: list[tuple[str, list[str]]]) -> str:
    rows = []
    for name, lines in fields:
        body = "<br>".join(esc(x) for x in lines)
        rows.append(f"<dt>{esc(name)}</dt><dd>{body}</dd>" if name else f'<dd class="detail">{body}</dd>')
    return f"<dl>{''.join(rows)}</dl>"


def _item(item: ChecklistItem, number: int, lang: str, seen: dict[str, dict[str, int]]) -> str:
    status = cl.STATUS[item.status]
    title = pair(item.title.en, item.title.zh, lang)
    badge = pair(status.en, status.zh, "both" if lang == "both" else lang).replace("<br>", " / ")
    if lang == "both":
        body = (
            f'<div class="bi"><div lang="en">{_fields(cl.item_fields(item, "en", number, seen["en"]))}</div>'
            f'<div lang="zh">{_fields(cl.item_fields(item, "zh", number, seen["zh"]))}</div></div>'
        )
    else:
        body = _fields(cl.item_fields(item, lang, number, seen[lang]))
    box = BOX.get(item.status, "")
    return (
        f'<li class="item s-{item.status.value}"><div class="head"><span class="box">{box}</span>'
        f'<span class="num">{number}.</span> <span class="title">{title}</span> '
        f'<span class="badge">{badge}</span></div>{body}</li>'
    )


def _checklist(c: Checklist, lang: str) -> str:
    out = [f"<section class='checklist'><h2>{w('checklist', lang)}</h2>"]
    for p in c.problems:
        out.append(f'<p class="problem">{pair(p.text.en, p.text.zh, lang)}</p>')
    number = 0
    seen: dict[str, dict[str, int]] = {"en": {}, "zh": {}}
    for kind, track, items in cl.sections(c):
        title = cl.section_title(kind, track, "both" if lang == "both" else lang)
        out.append(f"<h3>{esc(title)}</h3><ol class='items'>")
        for item in items:
            number += 1
            out.append(_item(item, number, lang, seen))
        out.append("</ol>")
    out.append(
        f'<p class="small">{pair(cl.LABELS["legend"].en, cl.LABELS["legend"].zh, lang, block=True)}</p>'
    )
    out.append("</section>")
    return "".join(out)


def _timeline(c: Checklist, deal: Deal | None, lang: str) -> str:
    svg = render_svg(c, deal, lang)
    if not svg:
        return ""
    return f"<section class='timeline-section'><h2>{w('timeline', lang)}</h2>{svg}</section>"


def _signoff(lang: str) -> str:
    head = f"<tr><th></th><th>{w('name', lang)}</th><th>{w('signature', lang)}</th><th>{pair('Date', '日期', lang)}</th></tr>"
    rows = "".join(
        f"<tr><th>{w(k, lang)}</th><td></td><td></td><td></td></tr>"
        for k in ("prepared", "reviewed", "approved")
    )
    return (
        f"<section class='signoff'><h2>{w('signoff', lang)}</h2>"
        f'<table class="sign"><thead>{head}</thead><tbody>{rows}</tbody></table></section>'
    )


def _record(a: Assessment, lang: str) -> str:
    r = a.record
    if r is None:
        rows = [(w("tool", lang), esc(a.tool_version)), (w("catalogue_sha", lang), esc(a.catalogue.sha256))]
    else:
        rows = [
            (w("tool", lang), esc(r.tool_version)),
            (w("catalogue_sha", lang), esc(r.catalogue_sha256)),
            *(
                [(w("overlay_sha", lang), esc(r.catalogue_overlay_sha256))]
                if r.catalogue_overlay_sha256
                else []
            ),
            (w("procedure_sha", lang), esc(r.procedure_sha256 or "—")),
            (w("input_sha", lang), esc(r.input_sha256 or "—")),
            (w("law_date", lang), esc(f"{r.law_date or '—'} ({r.law_selected_by})")),
            (w("reference", lang), esc(r.reference_day)),
        ]
    body = "".join(f"<tr><th>{k}</th><td><code>{v}</code></td></tr>" for k, v in rows)
    return (
        f"<section class='record'><h2>{w('record', lang)}</h2><table class='facts'>{body}</table></section>"
    )


def _notice(c: Checklist | None, lang: str) -> str:
    parts = [pair(label("en", "disclaimer"), label("zh", "disclaimer"), lang, block=True)]
    if c is not None:
        parts.append(pair(c.notice.en, c.notice.zh, lang, block=True))
    return (
        f"<section class='notice'><h2>{w('notice', lang)}</h2>"
        + "".join(f"<div>{p}</div>" for p in parts)
        + "</section>"
    )


def page(title: str, running: str, body: str, lang: str) -> str:
    """The document shell: CSP, inline CSS, and a header that repeats on every printed page."""
    code = {"en": "en", "zh": "zh-CN", "both": "zh-CN"}[lang]
    return (
        f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="exportcheck">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<table class="page"><thead><tr><td><div class="running">{running}</div></td></tr></thead>'
        f"<tbody><tr><td>{body}</td></tr></tbody></table></body></html>\n"
    )


def render_report(
    assessment: Assessment,
    checklist: Checklist | None,
    deal: Deal | None,
    lang: str = "en",
    explain: bool = False,
    findings: bool = True,
) -> str:
    """The whole report; `findings=False` for `checklist --format html` (verdict, timeline, checklist)."""
    _check(lang)
    a = assessment
    only = _dual_use_only(a)
    short = verdict_text("zh" if lang == "zh" else "en", a.verdict, only)
    running = f"exportcheck · {esc(a.deal_title)} · {esc(short)}"
    body = [
        f'<header><div class="small">{w("report", lang)}</div><h1>{esc(a.deal_title)}</h1></header>',
        _banner(a, checklist, lang),
        _facts(a, deal, lang),
    ]
    if findings:
        body.append(_findings(a, deal, lang, explain))
    if checklist is not None:
        body.append(_timeline(checklist, deal, lang))
        body.append(_checklist(checklist, lang))
    body += [_signoff(lang), _record(a, lang), _notice(checklist, lang)]
    return page(f"exportcheck — {a.deal_title}", running, "".join(body), lang)


# --- scan summary -----------------------------------------------------------------------------------------------


def scan_row(r: FileResult, errors: Sequence[str]) -> str:
    """One escaped table row of the scan summary."""
    if r.assessment is None:
        return (
            f'<tr class="error"><td><code>{esc(r.file)}</code></td><td>error</td><td>—</td><td>—</td>'
            f"<td>{esc('; '.join(errors))}</td></tr>"
        )
    a = r.assessment
    ids = sorted(
        {f"{f.code or f.entry_id}" + (f" CP{f.control_point}" if f.control_point else "") for f in a.findings}
    )
    ids += sorted({f"{d.control_code or d.measure}" for d in a.dual_use_findings})
    notes = [deadline_message(d) for d in scan.warned(r)] + list(a.disguised)
    warn = "".join(f'<div class="flag">{esc(n)}</div>' for n in notes)
    gate = (a.gate_verdict or a.verdict).value
    return (
        f'<tr><td><code>{esc(r.file)}</code><div class="small">{esc(a.deal_title)}</div></td>'
        f'<td><span class="pill {VERDICT_CLASS[a.verdict]}">{esc(a.verdict.value)}</span></td>'
        f"<td>{esc(gate)}</td><td>{esc(a.catalogue.version)}</td>"
        f"<td>{esc(', '.join(ids) or '—')}{warn}</td></tr>"
    )


def scan_piece(r: FileResult, fail_on: str, fail_on_deadline: str = "none") -> scan.Piece:
    """The scan's piece of one file, its body an HTML row (made in the worker, like the other formats)."""
    made = scan.piece(r, "text", fail_on, fail_on_deadline)
    return replace(made, body=scan_row(r, made.errors))


def scan_page(report: scan.ScanReport) -> str:
    """The scan summary page: one row per deal file, in file order, the totals and the record."""
    for item in report.pending:
        report.add(
            item
            if isinstance(item, scan.Piece)
            else scan_piece(item, report.fail_on, report.fail_on_deadline)
        )
    report.pending = iter(())
    rows = report.ordered()
    head = "<tr><th>file</th><th>verdict</th><th>gate</th><th>catalogue</th><th>findings / problems</th></tr>"
    counts = " · ".join(f"{esc(k)}: {v}" for k, v in report.totals().items())
    body = (
        '<header><div class="small">exportcheck scan</div><h1>exportcheck scan</h1></header>'
        f'<p class="totals">{counts}</p>'
        + "".join(f'<div class="flag">{esc(n)}</div>' for n in report.coverage_notes())  # what 'free' means
        + f'<table class="scan"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        "<section class='record'><table class='facts'>"
        f"<tr><th>Tool version</th><td><code>{esc(__version__)}</code></td></tr>"
        f"<tr><th>Catalogue sha256</th><td><code>{esc(report.sha256)}</code></td></tr></table></section>"
        f"<section class='notice'><p>{esc(label('en', 'disclaimer'))}</p>"
        f"<p>{esc(label('zh', 'disclaimer'))}</p></section>"
    )
    return page("exportcheck scan", "exportcheck scan", body, "en")
