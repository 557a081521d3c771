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

STRENGTH = {"en": {"match": "match", "possible": "possible"}, "zh": {"match": "命中", "possible": "可能命中"}}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"])[key]


def verdict_text(lang: str, verdict: Verdict) -> str:
    return VERDICT.get(lang, VERDICT["en"])[verdict]
