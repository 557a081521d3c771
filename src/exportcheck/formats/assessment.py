"""Render an Assessment as JSON, Markdown or rich text. Each returns a string; nothing prints.

Every string from the deal (title, file name, technology names, quoted evidence, reasons that quote it)
or from a catalogue goes through `escape`: rich cells are `Text` (never parsed as markup) of `clean`
text, Markdown gets `markdown`/`code`, JSON keeps the original text (`json_text`)."""

from __future__ import annotations

import json

from ..escape import clean, code, json_text, markdown
from ..models.assessment import Assessment, Finding, Verdict
from .console import string_console
from .dual_use import blocks as dual_use_blocks
from .dual_use import markdown as dual_use_markdown
from .labels import STRENGTH, label, next_duty, verdict_text
from .rulings import gate_line, hand_check_lines, ruling_lines, ruling_note

VERDICT_STYLE = {
    Verdict.PROHIBITED: "bold white on red",
    Verdict.LICENCE_REQUIRED: "bold red",
    Verdict.REVIEW: "bold yellow",
    Verdict.FREE: "bold green",
    Verdict.NOT_EXPORT: "bold cyan",
}


def render_json(assessment: Assessment, explain: bool = True) -> str:
    data = assessment.model_dump(mode="json")
    if not explain:
        data["near_misses"] = []
    return json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _dual_use_only(a: Assessment) -> bool:
    """Whether the licence verdict comes from the dual-use regime alone (no catalogue finding asks for one)."""
    return not any(f.outcome is Verdict.LICENCE_REQUIRED for f in a.findings)


def _cp(f: Finding, lang: str) -> str:
    if not f.control_point:
        return "—"
    text = f.control_point_text.best(lang) if f.control_point_text else ""
    return f"{f.control_point} {text}"


def _coverage_line(a: Assessment, lang: str) -> str:
    c = a.catalogue.coverage
    line = (
        f"{label(lang, 'encoded')} {c.encoded_entries} {label(lang, 'of')} {c.official_entries} "
        f"{label(lang, 'entries')} ({c.encoded_prohibited}/{c.official_prohibited} J, "
        f"{c.encoded_restricted}/{c.official_restricted} X), {c.encoded_control_points} "
        f"{label(lang, 'control_points')}"
    )
    if c.unconfirmed_entries:
        line += (
            f"；其中 {c.unconfirmed_entries} 条在本版本中的状态未确认"
            if lang == "zh"
            else f"; {c.unconfirmed_entries} unconfirmed in this version"
        )
    return line


def _evidence_line(f: Finding, limit: int | None = None) -> str:
    """Distinct 'deal words' ~ 'term' pairs; the full list only when asked (--explain, JSON)."""
    pairs: list[str] = []
    for e in f.evidence:
        origin = e.origin.label
        where = f"{e.field}{f' line {e.line}' if e.line else ''}"
        same = e.deal_text.lower() == e.term.lower()
        # a concept group names what the words stand for, and the combination it is part of
        term = f"concept {e.concept} in {e.term}" if e.concept else f"'{e.term}'"
        item = f"'{e.deal_text}'" + ("" if same else f" ~ {term}") + f" ({origin}, {where})"
        if e.disguise:
            item += f" [disguised: {', '.join(e.disguise)}]"
        if e.negation:
            item += " [under a negation of unclear scope]"
        if item not in pairs:
            pairs.append(item)
    shown = pairs if limit is None else pairs[:limit]
    more = len(pairs) - len(shown)
    return "; ".join(shown) + (f"; +{more} more (--explain)" if more else "")


def render_markdown(
    assessment: Assessment, lang: str = "en", explain: bool = False, duty: str | None = None
) -> str:
    """`duty`: the checklist's next duty (stage and records considered), in place of the verdict's own."""
    a = assessment
    m = markdown
    out = [f"# exportcheck: {m(a.deal_title)}", ""]
    out.append(f"**{verdict_text(lang, a.verdict, _dual_use_only(a))}** (`{a.verdict.value}`)")
    out.append("")
    if gate_line(a):
        out += [f"**{m(gate_line(a))}**", ""]
    out.append(f"- {label(lang, 'deal')}: {code(a.deal_file)}")
    out.append(
        f"- {label(lang, 'catalogue')}: {m(a.catalogue.version)} — {m(a.catalogue.instrument.best(lang))} "
        f"({label(lang, 'selected')}: {m(a.catalogue.reason)})"
    )
    if a.catalogue.overlay:
        out.append(f"- {m(a.catalogue.overlay)}")
    out.append(f"- {label(lang, 'coverage')}: {_coverage_line(a, lang)}")
    out.append(f"- {label(lang, 'next')}: {m(duty or next_duty(lang, a.verdict, a.next_duty))}")
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
                f"| {m(f.technology_name)} | {m(f.code or f.entry_id)} {m(f.name.best(lang))} ({f.part.value}) | "
                f"{m(_cp(f, lang))} | {STRENGTH[lang if lang in STRENGTH else 'en'][f.strength.value]} | "
                f"{f.outcome.value} |"
            )
        out.append("")
        for f in a.findings:
            head = m(f"{f.code or f.entry_id}" + (f" CP{f.control_point}" if f.control_point else ""))
            out.append(
                f"- **{head}** — {label(lang, 'evidence')}: {m(_evidence_line(f, None if explain else 3))}"
            )
            for r in f.reasons:
                out.append(f"  - {m(r)}")
            for p in f.parameters:
                state = {True: "meets", False: "below", None: "missing"}[p.holds]
                out.append(f"  - {m(p.requirement)}: {m(p.given or '—')} ({state})")
            for q in f.questions:
                out.append(f"  - ❓ {m(q)}")
            if ruling_note(f):
                out.append(f"  - **{m(ruling_note(f))}**")
            out.append(
                f"  - {label(lang, 'provenance')}: {m(f.fidelity.label)}; sources {m(', '.join(f.sources))}"
            )
    if explain and a.near_misses:
        out += ["", f"## {label(lang, 'near_misses')}", ""]
        for miss in a.near_misses:
            cp = f" CP{m(miss.control_point)}" if miss.control_point else ""
            out.append(f"- {m(miss.code or miss.entry_id)}{cp} {m(miss.name.best(lang))}: {m(miss.reason)}")
    out += dual_use_markdown(a.dual_use_findings, a.dual_use_checked)
    if a.rulings:
        out += ["", "## Rulings", ""] + [f"- {m(line)}" for line in ruling_lines(a)]
    if hand_check_lines(a, lang):
        out += ["", "## Check by hand against the official text", ""]
        out += [f"- {m(line)}" for line in hand_check_lines(a, lang)]
    if a.dual_use:
        out += ["", f"## {label(lang, 'dual_use')}", ""] + [f"- {m(d)}" for d in a.dual_use]
    if a.caveats:
        out += ["", f"## {label(lang, 'caveats')}", ""] + [f"- {m(c)}" for c in a.caveats]
    out += ["", f"> {label(lang, 'disclaimer')}", ""]
    return "\n".join(out)


def render_text(
    assessment: Assessment,
    lang: str = "en",
    explain: bool = False,
    color: bool = False,
    width: int = 110,
    duty: str | None = None,
) -> str:
    """`duty`: the checklist's next duty (stage and records considered), in place of the verdict's own."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    a = assessment
    console, buf = string_console(width, color)
    head = Text()
    head.append(verdict_text(lang, a.verdict, _dual_use_only(a)), style=VERDICT_STYLE[a.verdict])
    head.append(f"\n{clean(a.deal_title)}\n", style="bold")
    instrument = clean(a.catalogue.instrument.best(lang))
    head.append(f"{label(lang, 'catalogue')}: {clean(a.catalogue.version)} — {instrument}\n")
    head.append(f"  {label(lang, 'selected')}: {clean(a.catalogue.reason)}\n")
    if a.catalogue.overlay:
        head.append(f"  {clean(a.catalogue.overlay)}\n")
    head.append(f"{label(lang, 'coverage')}: {_coverage_line(a, lang)}\n")
    head.append(f"{label(lang, 'next')}: {clean(duty or next_duty(lang, a.verdict, a.next_duty))}")
    if gate_line(a):
        head.append(f"\n{clean(gate_line(a))}", style="bold")
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
            if ratio:
                table.add_column(label(lang, col), ratio=ratio)
            else:
                table.add_column(label(lang, col), no_wrap=True)
        for f in a.findings:
            detail = clean(_evidence_line(f, None if explain else 3))
            extra = [*f.reasons, *(f"{p.requirement}: {p.given or '—'}" for p in f.parameters), *f.questions]
            extra += [ruling_note(f) or ""] if f.ruling else []
            if extra:
                detail += "\n" + "\n".join(f"• {clean(x)}" for x in extra)
            table.add_row(  # Text cells: a `[/]` in a name is shown, never parsed as markup
                Text(clean(f.technology_name)),
                Text(f"{clean(f.code or f.entry_id)}\n{clean(f.name.best(lang))}\n({f.part.value})"),
                Text(clean(_cp(f, lang))),
                Text(STRENGTH[lang if lang in STRENGTH else "en"][f.strength.value]),
                Text(f.outcome.value, style=VERDICT_STYLE[f.outcome]),
                Text(detail),
            )
        console.print(table)
    else:
        console.print(Text(f"{label(lang, 'findings')}: {label(lang, 'none')}"))
    for t in a.technologies:
        console.print(Text(f"• {clean(t.name)}: {t.verdict.value} — {clean('; '.join(t.reasons))}"))
    blocks = []
    if explain and a.near_misses:
        blocks.append(Text(label(lang, "near_misses"), style="bold"))
        for miss in a.near_misses:
            cp = f" CP{miss.control_point}" if miss.control_point else ""
            line = f"{miss.code or miss.entry_id}{cp} {miss.name.best(lang)}: {miss.reason}"
            blocks.append(Text(f"  {clean(line)}"))
    blocks += dual_use_blocks(a.dual_use_findings, a.dual_use_checked)
    if a.rulings:
        blocks.append(Text("Rulings", style="bold"))
        blocks += [Text(f"  {clean(line)}") for line in ruling_lines(a)]
    if hand_check_lines(a, lang):
        blocks.append(Text("Check by hand against the official text", style="bold"))
        blocks += [Text(f"  {clean(line)}") for line in hand_check_lines(a, lang)]
    if a.dual_use:
        blocks.append(Text(label(lang, "dual_use"), style="bold"))
        blocks += [Text(f"  {clean(d)}") for d in a.dual_use]
    if a.caveats:
        blocks.append(Text(label(lang, "caveats"), style="bold"))
        blocks += [Text(f"  {clean(c)}") for c in a.caveats]
    if blocks:
        console.print(Group(*blocks))
    console.print(Text(label(lang, "disclaimer"), style="dim"))
    return buf.getvalue()
