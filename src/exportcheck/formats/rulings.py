"""How rulings, the gate and the explained `free` read in every format: plain strings, no markup.

Kept apart from the per-format renderers so each renderer adds only a call: the text is the same in text,
Markdown, SARIF, JUnit and GitHub output.
"""

from __future__ import annotations

from ..models.assessment import Assessment, Finding, Verdict
from .zh import RULING_STATUS, sentence, verdict_zh

DECISION_ZH = {"not_applicable": "不适用", "applies": "适用"}


def ruling_note(f: Finding, lang: str = "en") -> str | None:
    """The ruling beside a finding, or None."""
    r = f.ruling
    if r is None:
        return None
    if lang == "both":
        return f"{ruling_note(f, 'zh')} / {ruling_note(f)}"
    if lang == "zh":
        if f.cleared:
            effect = "门槛已放行"
        elif f.outcome_before_ruling is not None:
            effect = f"已判定：{verdict_zh(f.outcome_before_ruling.value)} → {verdict_zh(f.outcome.value)}"
        else:
            effect = "已确认"
        until = f"，有效期至{r.expires}" if r.expires else ""
        decision = DECISION_ZH.get(str(r.decision), str(r.decision))
        return f"律师判定：{decision}（{r.by}，{r.date}{until}；{effect}）：{r.reason}"
    if f.cleared:
        effect = "cleared for the gate"
    elif f.outcome_before_ruling is not None:
        effect = f"decided: {f.outcome_before_ruling.value} -> {f.outcome.value}"
    else:
        effect = "confirmed"
    until = f", until {r.expires}" if r.expires else ""
    return f"counsel's ruling {r.decision} by {r.by} on {r.date}{until} ({effect}): {r.reason}"


def gate_line(a: Assessment, lang: str = "en") -> str | None:
    """'Gate: …' when licences or rulings make the gate differ from the legal verdict."""
    gate = a.gate_verdict or a.verdict
    if gate is a.verdict:
        return None
    if lang == "both":
        return f"{gate_line(a, 'zh')} / {gate_line(a)}"
    if lang == "zh":
        why_zh = []
        if any(f.waived for f in a.findings):
            why_zh.append("交易文件记载的许可")
        if any(f.cleared for f in a.findings):
            why_zh.append("律师判定")
        line = (
            f"门槛结论（--fail-on 据此比较）：{verdict_zh(gate.value)}，依据{'及'.join(why_zh) or '律师判定'}"
        )
        if any(f.cleared and f.outcome is Verdict.PROHIBITED for f in a.findings):
            line += "——禁止类结果仅凭律师判定放行（见提示）"
        return line
    why = []
    if any(f.waived for f in a.findings):
        why.append("licences recorded in the deal")
    if any(f.cleared for f in a.findings):
        why.append("counsel's rulings")
    line = f"Gate (what --fail-on compares): {gate.value}, after {' and '.join(why) or 'rulings'}"
    if any(f.cleared and f.outcome is Verdict.PROHIBITED for f in a.findings):
        line += " — a PROHIBITED finding is cleared only by counsel's ruling (see caveats)"
    return line


def ruling_lines(a: Assessment, lang: str = "en") -> list[str]:
    """Every ruling recorded in the deal and what became of it."""
    if lang == "both":
        return [f"{zh} / {en}" for zh, en in zip(ruling_lines(a, "zh"), ruling_lines(a), strict=True)]
    out = []
    for o in a.rulings:
        cp = f" CP{o.control_point}" if o.control_point else ""
        if lang == "zh":
            decision = DECISION_ZH.get(str(o.decision), str(o.decision))
            out.append(
                f"rulings[{o.index}] {o.technology}：{o.entry}{cp} {decision}（{o.by}，{o.date}；{o.reason}）："
                f"{RULING_STATUS.get(o.status, o.status)}——{sentence(o.detail)}"
                + (f"（{'、'.join(o.findings)}）" if o.findings else "")
            )
            continue
        out.append(
            f"rulings[{o.index}] {o.technology}: {o.entry}{cp} {o.decision} by {o.by} on {o.date} "
            f"({o.reason}): {o.status.upper()} — {o.detail}"
            + (f" ({', '.join(o.findings)})" if o.findings else "")
        )
    return out


def hand_check_lines(a: Assessment, lang: str = "en") -> list[str]:
    """Per technology without findings: the entries to check by hand against the official text."""
    out = []
    for t in a.technologies:
        for c in t.check_by_hand:
            if lang == "en":
                out.append(
                    f"{t.name}: {c.code or c.entry_id} {c.name.best(lang)} — check by hand against the official "
                    f"text ({'; '.join(c.near_by)})"
                )
            else:  # the reason quotes the words the technology shares with the entry's name
                out.append(
                    f"{t.name}：{c.code or c.entry_id} {c.name.best('zh')}——请对照官方文本人工核对"
                    f"（{'；'.join(_near_by_zh(n) for n in c.near_by)}）"
                )
    return out


def _near_by_zh(reason: str) -> str:
    """ "name 'X' shares 'a', 'b'" (engine/handcheck.py) in Chinese; any other reason as written."""
    for what, zh in (("name", "条目名称"), ("industry heading", "行业类别")):
        head = f"{what} "
        if reason.startswith(head) and " shares " in reason:
            quoted, _, words = reason[len(head) :].rpartition(" shares ")
            name = quoted[1:-1].split(" / ")[0] if len(quoted) > 1 else quoted
            return f"{zh}“{name}”与本技术共有词语{words}"
    return reason
