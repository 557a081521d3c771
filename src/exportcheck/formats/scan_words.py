"""The words of `scan`'s text table and GitHub step summary in English and Chinese.

Apart from formats/scan.py so that the report's machinery and its language change independently; SARIF,
JUnit and annotations are read by machines and keep their English.
"""

from __future__ import annotations

from typing import Any

from ..models.assessment import Verdict
from ..models.procedure import DeadlineState, DealDeadline
from . import dual_use as du
from .due import inert
from .due import message as deadline_message
from .glossary import VERDICT_SHORT, pick

# the scan's own words in text and the step summary; "both" gives the Chinese, then the English
WORDS: dict[str, tuple[str, str]] = {
    "title": ("exportcheck scan", "exportcheck 扫描"),
    "file": ("file", "文件"),
    "verdict": ("verdict", "结论"),
    "gate": ("gate", "门槛结论"),
    "catalogue": ("catalogue", "目录版本"),
    "findings": ("findings", "命中条目"),
    "findings_problems": ("findings / problems", "命中条目／问题"),
    "error": ("ERROR", "错误"),
    "licensed": (" (licensed)", "（已许可）"),
    "ruled": (" (ruled not applicable)", "（经律师判定不适用）"),
    "disguised": ("DISGUISED TEXT", "伪装文字"),
    "errors": ("errors", "出错文件"),
    "files": ("files", "文件数"),
    "coverage": ("Coverage", "收录情况"),
    "disclaimer": (
        "exportcheck is a screening aid, not legal advice.",
        "本工具仅供初步筛查，不构成法律意见。",
    ),
}
DEADLINE_STATE_ZH = {
    DeadlineState.OVERDUE: "已逾期",
    DeadlineState.DUE_SOON: "即将到期",
    DeadlineState.UPCOMING: "未到期",
}


def word(key: str, lang: str) -> str:
    en, zh = WORDS[key]
    return {"en": en, "zh": zh}.get(lang, f"{zh} / {en}")


def total(key: str, lang: str) -> str:
    """A totals key: a verdict value, or errors / files."""
    if key in WORDS:
        return word(key, lang)
    return key if lang == "en" else verdict_word(key, lang)


def verdict_word(value: str, lang: str) -> str:
    """A verdict value in words for a Chinese report (the machine value stays in JSON, SARIF, JUnit)."""
    if lang == "en":
        return value
    try:
        return pick(VERDICT_SHORT[Verdict(value)], lang)
    except ValueError:
        return value


def deadline(d: DealDeadline, lang: str) -> str:
    if lang == "en":
        return deadline_message(d)
    verb = "届满" if d.kind.value != "registration" else "最后期限"
    zh = inert(f"{d.title.zh}：{DEADLINE_STATE_ZH[d.state]}——{verb} {d.date.isoformat()}（{d.basis.zh}）")
    return zh if lang == "zh" else f"{zh} / {deadline_message(d)}"


def dual_use_id(f: Any, lang: str) -> str:
    """'1E902.a (dual-use)'; the control code stays, the word follows the language."""
    label = du.finding_id(f)
    if lang == "en":
        return label
    zh = label.replace(" (dual-use)", "（两用物项）")
    return zh if lang == "zh" else label.replace(" (dual-use)", " (两用物项 / dual-use)")
