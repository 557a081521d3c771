"""Render an Assessment as JSON, Markdown or rich text. Each returns a string; nothing prints.

Every string from the deal (title, file name, technology names, quoted evidence, reasons that quote it)
or from a catalogue goes through `escape`: rich cells are `Text` (never parsed as markup) of `clean`
text, Markdown gets `markdown`/`code`, JSON keeps the original text (`json_text`)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..escape import clean, code, json_text, markdown
from ..models.assessment import Assessment, Finding, ParameterCheck, Verdict
from ..models.common import Text as Bilingual
from .console import string_console
from .dual_use import blocks as dual_use_blocks
from .dual_use import markdown as dual_use_markdown
from .glossary import PART, VERDICT_SHORT, pick
from .labels import STRENGTH, label, next_duty, verdict_text
from .rulings import gate_line, hand_check_lines, ruling_lines, ruling_note
from .zh import ORIGIN_ZH, disguises_zh, fidelity_zh
from .zh import sentence as zh_sentence

VERDICT_STYLE = {
    Verdict.PROHIBITED: "bold white on red",
    Verdict.LICENCE_REQUIRED: "bold red",
    Verdict.REVIEW: "bold yellow",
    Verdict.FREE: "bold green",
    Verdict.NOT_EXPORT: "bold cyan",
}


def render_json(assessment: Assessment, explain: bool = True, lang: str = "en") -> str:
    """The assessment as JSON. With --lang zh or both, a `zh` object adds the Chinese of every
    human-readable field; the machine values and the English fields stay as they are."""
    data = assessment.model_dump(mode="json")
    if not explain:
        data["near_misses"] = []
    if lang in ("zh", "both"):
        data["zh"] = chinese_fields(assessment)
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def chinese_fields(a: Assessment) -> dict[str, object]:
    """The Chinese of the report's sentences, keyed like the assessment's own fields."""
    return {
        "verdict": verdict_text("zh", a.verdict, _dual_use_only(a)),
        "gate": gate_line(a, "zh"),
        "catalogue_reason": say(a, a.catalogue.reason, "zh"),
        "coverage": _coverage_line(a, "zh"),
        "next_duty": next_duty("zh", a.verdict, a.next_duty),
        "verdict_reasons": [say(a, r, "zh") for r in a.verdict_reasons],
        "technologies": [
            {
                "name": t.name,
                "verdict": _verdict_word(t.verdict, "zh"),
                "reasons": [say(a, r, "zh") for r in t.reasons],
            }
            for t in a.technologies
        ],
        "findings": [
            {
                "entry": f.code or f.entry_id,
                "control_point": f.control_point,
                "outcome": _verdict_word(f.outcome, "zh"),
                "reasons": [say(a, r, "zh") for r in f.reasons],
                "parameters": [_parameter(p, "zh") for p in f.parameters],
                "provenance": _provenance(f, "zh"),
            }
            for f in a.findings
        ],
        "near_misses": [
            {
                "entry": m.code or m.entry_id,
                "control_point": m.control_point,
                "reason": say(a, m.reason, "zh"),
            }
            for m in a.near_misses
        ],
        "dual_use": [say(a, d, "zh") for d in a.dual_use],
        "caveats": [say(a, c, "zh") for c in a.caveats],
        "disclaimer": label("zh", "disclaimer"),
    }


def _zh_names(a: Assessment, english: str) -> str:
    """The engine names entries by their English name; Chinese output names them as the catalogue does."""
    names = [f.name for f in a.findings] + [n.name for n in a.near_misses]
    # longest first: one entry's English name can be the start of another's ("… (restricted counterpart)")
    for name in sorted(names, key=lambda n: len(n.en or ""), reverse=True):
        if name.en and name.zh and name.en in english:
            english = english.replace(name.en, name.zh)
    return english


def _dual_use_hints_zh(a: Assessment) -> dict[str, str]:
    """The catalogue's dual-use hints are exportcheck's English notes; in Chinese, one accurate sentence."""
    return {
        f"{f.code or f.entry_id} {f.name.best()}: {f.dual_use_hint}": f"{f.code or f.entry_id} "
        f"{f.name.best('zh')}：该技术也可能属于两用物项（属于军民两用技术的，纳入出口管制管理）；请另行核查"
        "两用物项出口管制规定（两用物项的核查结果见上文）。"
        for f in a.findings
        if f.dual_use_hint
    }


def say(a: Assessment, english: str, lang: str) -> str:
    """An engine sentence of this assessment in `lang` ("both": Chinese, then English)."""
    if lang == "en":
        return english
    zh = _dual_use_hints_zh(a).get(english) or zh_sentence(_zh_names(a, english))
    if lang == "zh":
        return zh
    return english if zh == english else f"{zh} / {english}"


def _verdict_word(v: Verdict, lang: str) -> str:
    """A verdict in a cell or a line: the machine value stays in JSON only."""
    return pick(VERDICT_SHORT[v], lang)


def _name(t: Bilingual, lang: str) -> str:
    """A catalogue name or instrument; "both" gives the Chinese, then the English."""
    if lang == "both" and t.zh and t.en:
        return f"{t.zh} / {t.en}"
    return t.best("zh" if lang == "both" else lang)


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _paren(text: str, lang: str) -> str:
    """A parenthesis after a word: full-width and without a space in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def _part(f: Finding, lang: str) -> str:
    return pick(PART[f.part], lang)


def _dual_use_only(a: Assessment) -> bool:
    """Whether the licence verdict comes from the dual-use regime alone (no catalogue finding asks for one)."""
    return not any(f.outcome is Verdict.LICENCE_REQUIRED for f in a.findings)


def _cp(f: Finding, lang: str) -> str:
    if not f.control_point:
        return "—"
    text = _name(f.control_point_text, lang) if f.control_point_text else ""
    return f"{f.control_point} {text}"


# the checklist's next duty: one string, or {"en": …, "zh": …} to be picked by language
Duty = str | Mapping[str, str] | None


def _duty(duty: Duty, lang: str) -> str | None:
    if duty is None or isinstance(duty, str):
        return duty
    if lang == "both":
        return f"{duty['zh']} / {duty['en']}"
    return duty["zh" if lang == "zh" else "en"]


def _coverage_line(a: Assessment, lang: str) -> str:
    if lang == "both":
        return f"{_coverage_line(a, 'zh')} / {_coverage_line(a, 'en')}"
    c = a.catalogue.coverage
    if lang == "zh":  # as the checklist says it
        line = (
            f"已收录{c.encoded_entries}/{c.official_entries}个条目（禁止类{c.encoded_prohibited}/"
            f"{c.official_prohibited}，限制类{c.encoded_restricted}/{c.official_restricted}），"
            f"控制要点{c.encoded_control_points}个"
        )
        if c.unconfirmed_entries:
            line += f"；其中{c.unconfirmed_entries}个条目在本版本中的状态未确认"
        return line
    line = (
        f"{label(lang, 'encoded')} {c.encoded_entries} {label(lang, 'of')} {c.official_entries} "
        f"{label(lang, 'entries')} ({c.encoded_prohibited}/{c.official_prohibited} J, "
        f"{c.encoded_restricted}/{c.official_restricted} X), {c.encoded_control_points} "
        f"{label(lang, 'control_points')}"
    )
    if c.unconfirmed_entries:
        line += f"; {c.unconfirmed_entries} unconfirmed in this version"
    return line


def _evidence_line(f: Finding, limit: int | None = None, lang: str = "en") -> str:
    """Distinct 'deal words' ~ 'term' pairs; the full list only when asked (--explain, JSON)."""
    zh = lang == "zh"
    pairs: list[str] = []
    for e in f.evidence:
        origin = ORIGIN_ZH.get(e.origin.label, e.origin.label) if zh else e.origin.label
        if zh:
            where = f"{e.field}{f' 第{e.line}行' if e.line else ''}"
        else:
            where = f"{e.field}{f' line {e.line}' if e.line else ''}"
        same = e.deal_text.lower() == e.term.lower()
        # a concept group names what the words stand for, and the combination it is part of
        if e.concept:
            term = f"概念组 {e.concept}（{e.term}）" if zh else f"concept {e.concept} in {e.term}"
        else:
            term = f"'{e.term}'"
        item = f"'{e.deal_text}'" + ("" if same else f" ~ {term}")
        item += f"（{origin}，{where}）" if zh else f" ({origin}, {where})"
        if e.disguise:
            item += (
                f"［伪装文字：{disguises_zh(', '.join(e.disguise))}］"
                if zh
                else f" [disguised: {', '.join(e.disguise)}]"
            )
        if e.negation:
            item += "［处于范围不明的否定表述之中］" if zh else " [under a negation of unclear scope]"
        if item not in pairs:
            pairs.append(item)
    shown = pairs if limit is None else pairs[:limit]
    more = len(pairs) - len(shown)
    if zh:
        return "；".join(shown) + (f"；另有{more}项（--explain）" if more else "")
    return "; ".join(shown) + (f"; +{more} more (--explain)" if more else "")


def _evidence(f: Finding, limit: int | None, lang: str, sep: str = "\n") -> str:
    if lang == "both":
        return f"{_evidence_line(f, limit, 'zh')}{sep}{_evidence_line(f, limit)}"
    return _evidence_line(f, limit, lang)


def _provenance(f: Finding, lang: str) -> str:
    en = f"{f.fidelity.label}; sources {', '.join(f.sources)}"
    zh = f"{fidelity_zh(f.fidelity.label)}；出处 {', '.join(f.sources)}"
    return {"en": en, "zh": zh}.get(lang, f"{zh} / {en}")


def _parameter(p: ParameterCheck, lang: str) -> str:
    """A threshold and the deal's value; the Chinese name of the parameter where a source gives it."""
    state = label(lang, {True: "meets", False: "below", None: "missing"}[p.holds])
    if lang == "en" or not p.requirement_zh:
        return f"{p.requirement}: {p.given or '—'} ({state})"
    if lang == "zh":
        return f"{p.requirement_zh}：{p.given or '—'}（{state}）"
    return f"{p.requirement_zh} / {p.requirement}: {p.given or '—'} ({state})"


def render_markdown(
    assessment: Assessment, lang: str = "en", explain: bool = False, duty: Duty = None
) -> str:
    """`duty`: the checklist's next duty (stage and records considered), in place of the verdict's own."""
    duty = _duty(duty, lang)
    a = assessment
    m = markdown
    out = [f"# exportcheck: {m(a.deal_title)}", ""]
    headline = f"**{verdict_text(lang, a.verdict, _dual_use_only(a))}**"
    # the machine value is for English readers' scripts; a Chinese report says the verdict in words only
    out.append(headline if lang in ("zh", "both") else f"{headline} (`{a.verdict.value}`)")
    out.append("")
    if gate_line(a, lang):
        out += [f"**{m(gate_line(a, lang))}**", ""]
    out.append(f"- {label(lang, 'deal')}{_colon(lang)}{code(a.deal_file)}")
    out.append(
        f"- {label(lang, 'catalogue')}{_colon(lang)}{m(a.catalogue.version)} — {m(_name(a.catalogue.instrument, lang))}"
        + _paren(f"{label(lang, 'selected')}{_colon(lang)}{m(say(a, a.catalogue.reason, lang))}", lang)
    )
    if a.catalogue.overlay:
        out.append(f"- {m(a.catalogue.overlay)}")
    out.append(f"- {label(lang, 'coverage')}{_colon(lang)}{_coverage_line(a, lang)}")
    out.append(f"- {label(lang, 'next')}{_colon(lang)}{m(duty or next_duty(lang, a.verdict, a.next_duty))}")
    out.append("")
    out.append(f"## {label(lang, 'findings')}")
    out.append("")
    if not a.findings:
        out.append(f"_{label(lang, 'none')}_")
    else:
        out.append(
            f"| {label(lang, 'technology')} | {label(lang, 'entry')} | {label(lang, 'cp')} | "
            f"{label(lang, 'strength')} | {label(lang, 'outcome')} |"
        )
        out.append("|---|---|---|---|---|")
        for f in a.findings:
            out.append(
                f"| {m(f.technology_name)} | {m(f.code or f.entry_id)} {m(_name(f.name, lang))}"
                f"{_paren(_part(f, lang), lang)} | {m(_cp(f, lang))} | {STRENGTH[lang][f.strength.value]} | "
                f"{_verdict_word(f.outcome, lang)} |"
            )
        out.append("")
        for f in a.findings:
            head = m(f"{f.code or f.entry_id}" + (f" CP{f.control_point}" if f.control_point else ""))
            out.append(
                f"- **{head}** — {label(lang, 'evidence')}{_colon(lang)}{m(_evidence(f, None if explain else 3, lang, ' / '))}"
            )
            for r in f.reasons:
                out.append(f"  - {m(say(a, r, lang))}")
            for p in f.parameters:
                out.append(f"  - {m(_parameter(p, lang))}")
            for q in f.questions:
                out.append(f"  - ❓ {m(say(a, q, lang))}")
            if ruling_note(f):
                out.append(f"  - **{m(ruling_note(f, lang))}**")
            out.append(f"  - {label(lang, 'provenance')}{_colon(lang)}{m(_provenance(f, lang))}")
    if explain and a.near_misses:
        out += ["", f"## {label(lang, 'near_misses')}", ""]
        for miss in a.near_misses:
            cp = f" CP{m(miss.control_point)}" if miss.control_point else ""
            reason = say(a, miss.reason, lang)
            out.append(f"- {m(miss.code or miss.entry_id)}{cp} {m(_name(miss.name, lang))}: {m(reason)}")
    out += dual_use_markdown(a.dual_use_findings, a.dual_use_checked, lang)
    if a.rulings:
        out += ["", f"## {label(lang, 'rulings')}", ""] + [f"- {m(line)}" for line in ruling_lines(a, lang)]
    if hand_check_lines(a, lang):
        out += ["", f"## {label(lang, 'hand_check')}", ""]
        out += [f"- {m(line)}" for line in hand_check_lines(a, lang)]
    if a.dual_use:
        out += ["", f"## {label(lang, 'dual_use')}", ""] + [f"- {m(say(a, d, lang))}" for d in a.dual_use]
    if a.caveats:
        out += ["", f"## {label(lang, 'caveats')}", ""] + [f"- {m(say(a, c, lang))}" for c in a.caveats]
    out += ["", f"> {label(lang, 'disclaimer')}", ""]
    return "\n".join(out)


def render_text(
    assessment: Assessment,
    lang: str = "en",
    explain: bool = False,
    color: bool = False,
    width: int = 110,
    duty: Duty = None,
) -> str:
    """`duty`: the checklist's next duty (stage and records considered), in place of the verdict's own.
    With "both", the Chinese report and then the English one: a table of "中文 / English" cells is too
    narrow to read in a terminal."""
    if lang == "both":
        return "\n".join(
            render_text(assessment, one, explain, color, width, _duty(duty, one)) for one in ("zh", "en")
        )
    duty = _duty(duty, lang)
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    a = assessment
    console, buf = string_console(width, color)
    head = Text()
    head.append(verdict_text(lang, a.verdict, _dual_use_only(a)), style=VERDICT_STYLE[a.verdict])
    head.append(f"\n{clean(a.deal_title)}\n", style="bold")
    instrument = clean(_name(a.catalogue.instrument, lang))
    head.append(f"{label(lang, 'catalogue')}{_colon(lang)}{clean(a.catalogue.version)} — {instrument}\n")
    head.append(f"  {label(lang, 'selected')}{_colon(lang)}{clean(say(a, a.catalogue.reason, lang))}\n")
    if a.catalogue.overlay:
        head.append(f"  {clean(a.catalogue.overlay)}\n")
    head.append(f"{label(lang, 'coverage')}{_colon(lang)}{_coverage_line(a, lang)}\n")
    head.append(
        f"{label(lang, 'next')}{_colon(lang)}{clean(duty or next_duty(lang, a.verdict, a.next_duty))}"
    )
    if gate_line(a, lang):
        head.append(f"\n{clean(gate_line(a, lang))}", style="bold")
    console.print(Panel(head, title=Text(f"exportcheck — {clean(a.deal_file)}"), expand=True))
    if a.findings:
        table = Table(title=label(lang, "findings"), show_lines=True, expand=True)
        for col, ratio in (
            ("technology", 2),
            ("entry", 2),
            ("cp", 3),
            ("strength", 0),
            ("outcome", 0),
            ("evidence", 6),
        ):
            if ratio:  # fold, not cut: a Chinese line has no space to wrap at and would lose its end
                table.add_column(label(lang, col), ratio=ratio, overflow="fold")
            else:
                table.add_column(label(lang, col), no_wrap=True)
        for f in a.findings:
            detail = clean(_evidence(f, None if explain else 3, lang))
            extra = [
                *(say(a, r, lang) for r in f.reasons),
                *(_parameter(p, lang) for p in f.parameters),
                *(say(a, q, lang) for q in f.questions),
            ]
            extra += [ruling_note(f, lang) or ""] if f.ruling else []
            if extra:
                detail += "\n" + "\n".join(f"• {clean(x)}" for x in extra)
            table.add_row(  # Text cells: a `[/]` in a name is shown, never parsed as markup
                Text(clean(f.technology_name)),
                Text(
                    f"{clean(f.code or f.entry_id)}\n{clean(_name(f.name, lang))}\n{_paren(_part(f, lang), lang).strip()}"
                ),
                Text(clean(_cp(f, lang))),
                Text(STRENGTH[lang][f.strength.value]),
                Text(_verdict_word(f.outcome, lang), style=VERDICT_STYLE[f.outcome]),
                Text(detail),
            )
        console.print(table)
    else:
        console.print(Text(f"{label(lang, 'findings')}{_colon(lang)}{label(lang, 'none')}"))
    sep = "；" if lang == "zh" else "; "
    for t in a.technologies:
        why = sep.join(say(a, r, lang) for r in t.reasons)
        console.print(Text(f"• {clean(t.name)}{_colon(lang)}{_verdict_word(t.verdict, lang)} — {clean(why)}"))
    blocks = []
    if explain and a.near_misses:
        blocks.append(Text(label(lang, "near_misses"), style="bold"))
        for miss in a.near_misses:
            cp = f" CP{miss.control_point}" if miss.control_point else ""
            line = f"{miss.code or miss.entry_id}{cp} {_name(miss.name, lang)}: {say(a, miss.reason, lang)}"
            blocks.append(Text(f"  {clean(line)}"))
    blocks += dual_use_blocks(a.dual_use_findings, a.dual_use_checked, lang)
    if a.rulings:
        blocks.append(Text(label(lang, "rulings"), style="bold"))
        blocks += [Text(f"  {clean(line)}") for line in ruling_lines(a, lang)]
    if hand_check_lines(a, lang):
        blocks.append(Text(label(lang, "hand_check"), style="bold"))
        blocks += [Text(f"  {clean(line)}") for line in hand_check_lines(a, lang)]
    if a.dual_use:
        blocks.append(Text(label(lang, "dual_use"), style="bold"))
        blocks += [Text(f"  {clean(say(a, d, lang))}") for d in a.dual_use]
    if a.caveats:
        blocks.append(Text(label(lang, "caveats"), style="bold"))
        blocks += [Text(f"  {clean(say(a, c, lang))}") for c in a.caveats]
    if blocks:
        console.print(Group(*blocks))
    console.print(Text(label(lang, "disclaimer"), style="dim"))
    return buf.getvalue()
