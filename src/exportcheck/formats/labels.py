"""Words the formatters print, in English and Chinese. Chinese uses the statutory terms."""

from __future__ import annotations

from ..models.assessment import Verdict

VERDICT = {
    "en": {
        Verdict.PROHIBITED: "PROHIBITED — must not be exported",
        Verdict.LICENCE_REQUIRED: "LICENCE REQUIRED — restricted technology",
        Verdict.REVIEW: "REVIEW — cannot be cleared as free",
        Verdict.FREE: "FREE — contract registration only",
        Verdict.NOT_EXPORT: "NOT AN EXPORT — both parties in mainland China",
    },
    "zh": {
        Verdict.PROHIBITED: "禁止出口",
        Verdict.LICENCE_REQUIRED: "限制出口——需申请技术出口许可",
        Verdict.REVIEW: "需人工复核——不能认定为自由出口",
        Verdict.FREE: "自由出口——办理技术出口合同登记",
        Verdict.NOT_EXPORT: "不构成技术出口（双方均在中国境内）",
    },
}

LABELS = {
    "en": {
        "deal": "Deal",
        "catalogue": "Catalogue",
        "coverage": "Coverage",
        "findings": "Findings",
        "technology": "Technology",
        "entry": "Entry",
        "cp": "Control point",
        "strength": "Strength",
        "outcome": "Outcome",
        "evidence": "Evidence",
        "near_misses": "Near misses (discarded)",
        "caveats": "Caveats",
        "dual_use": "Dual-use",
        "next": "Next duty",
        "questions": "Questions",
        "reasons": "Reasons",
        "parameters": "Parameters",
        "none": "none",
        "selected": "selected",
        "provenance": "Provenance",
        "disclaimer": "exportcheck is a screening aid, not legal advice. English renderings are unofficial; the "
        "official Chinese text of the catalogue governs.",
        "encoded": "encoded",
        "of": "of",
        "entries": "entries",
        "control_points": "control points",
    },
    "zh": {
        "deal": "交易",
        "catalogue": "目录版本",
        "coverage": "收录情况",
        "findings": "命中条目",
        "technology": "技术",
        "entry": "条目",
        "cp": "控制要点",
        "strength": "匹配程度",
        "outcome": "结论",
        "evidence": "依据",
        "near_misses": "排除的近似匹配",
        "caveats": "提示",
        "dual_use": "两用物项",
        "next": "下一步义务",
        "questions": "需补充的信息",
        "reasons": "理由",
        "parameters": "技术参数",
        "none": "无",
        "selected": "选择依据",
        "provenance": "来源",
        "disclaimer": "本工具仅供初步筛查，不构成法律意见。英文译文均为非官方译文，以目录官方中文文本为准。",
        "encoded": "已收录",
        "of": "/",
        "entries": "条目",
        "control_points": "控制要点",
    },
}

NEXT_DUTY_ZH = {
    Verdict.PROHIBITED: "不得出口：属于禁止出口的技术，不得出口（《技术进出口管理条例》第二十九条）。",
    Verdict.LICENCE_REQUIRED: "暂停实质性谈判，向所在地省级商务主管部门申请技术出口许可；取得技术出口许可意向书后方可"
    "对外进行实质性谈判、签订合同（《技术进出口管理条例》第三十条至第三十三条）。",
    Verdict.REVIEW: "请法务或外部律师复核各项结果并补充缺失信息，在此之前不得开展实质性谈判，也不得视为自由出口。",
    Verdict.FREE: "自由出口技术仍须在合同生效后办理技术出口合同登记（《技术进出口管理条例》第三十六条、第三十七条）。",
    Verdict.NOT_EXPORT: "不构成技术出口，本目录不适用；如向境内外国人员提供管制物项，请另行核查两用物项出口管制规定。",
}


# The engine's English duty names the dual-use licence when that regime decides (engine/dual_use.py).
DUAL_USE_MARK = "MOFCOM for a dual-use export licence"
DUAL_USE_DUTY_ZH = (
    "出口前（含向境内外国组织或个人提供前）向商务部申请两用物项出口许可（《出口管制法》第十二条；"
    "《两用物项出口管制条例》第十四条至第十七条，受理后45个工作日内作出决定）。"
)


def next_duty(lang: str, verdict: Verdict, english: str) -> str:
    if lang != "zh":
        return english
    if DUAL_USE_MARK not in english:
        return NEXT_DUTY_ZH[verdict]
    if english.startswith("Apply to MOFCOM"):  # the dual-use regime alone decides the verdict
        return DUAL_USE_DUTY_ZH
    return f"{NEXT_DUTY_ZH[verdict]}另：{DUAL_USE_DUTY_ZH}"


STRENGTH = {"en": {"match": "match", "possible": "possible"}, "zh": {"match": "命中", "possible": "可能命中"}}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"])[key]


def verdict_text(lang: str, verdict: Verdict, dual_use_only: bool = False) -> str:
    """The headline; `dual_use_only` when the licence comes from the dual-use regime, not the catalogue."""
    if dual_use_only and verdict is Verdict.LICENCE_REQUIRED:
        return (
            "两用物项——需申请两用物项出口许可"
            if lang == "zh"
            else "LICENCE REQUIRED — dual-use export licence"
        )
    return VERDICT.get(lang, VERDICT["en"])[verdict]
