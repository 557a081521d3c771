"""The official Chinese terms of the regulations, with their English, in one place.

Every formatter that names a legal step, document or class of technology takes the words from here, so
that a report never says 许可意向书 in one place and 意向许可书 in another, and so that the HTML report
(and any later format) uses the same wording. Each term records the article whose official Chinese text
uses it, as `/work/shared/reference/licensing-procedure.md` quotes it (fidelity [V], seen in Chinese) or, for
the dual-use licence, as the announcement held in catalogue/dual_use/ writes it;
terms that are exportcheck's own (the `review` verdict) say so and cite nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models.assessment import Strength, Verdict
from ..models.catalogue import Part
from ..models.dual_use import MeasureStatus

REGS = "《技术进出口管理条例》"
MEASURES_2009 = "《禁止出口限制出口技术管理办法》"
REG_MEASURES = "《技术进出口合同登记管理办法》"
ECL = "《出口管制法》"
DUR = "《两用物项出口管制条例》"


@dataclass(frozen=True)
class Term:
    """One term: its Chinese as the regulation writes it, an English rendering, and where it is written."""

    zh: str
    en: str
    source: str  # the article whose official text uses the Chinese term; "" for exportcheck's own words
    fidelity: str = "official"  # official (seen in the Chinese text) | exportcheck (our own wording)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


TERMS: dict[str, Term] = {
    "technology_export": Term("技术出口", "technology export", f"{REGS}第二条"),
    "catalogue": Term(
        "中国禁止出口限制出口技术目录",
        "Catalogue of Technologies Prohibited or Restricted from Export",
        f"{MEASURES_2009}第二条",
    ),
    "prohibited": Term("禁止出口的技术", "technology prohibited from export", f"{REGS}第二十九条"),
    "restricted": Term("限制出口的技术", "technology restricted from export", f"{REGS}第三十条"),
    "free": Term("自由出口的技术", "freely exportable technology", f"{REGS}第三十六条"),
    "licence_administration": Term("许可证管理", "licence administration", f"{REGS}第三十条"),
    "application_form": Term(
        "《中国限制出口技术申请书》",
        "Application for the export of restricted technology",
        f"{MEASURES_2009}第五条",
    ),
    "letter_of_intent": Term(
        "技术出口许可意向书", "technology export licence letter of intent", f"{REGS}第三十三条"
    ),
    "substantive_negotiation": Term("实质性谈判", "substantive negotiation", f"{REGS}第三十三条"),
    "licence": Term("技术出口许可证", "technology export licence", f"{REGS}第三十五条"),
    "contract_registration": Term(
        "合同登记管理", "contract-registration administration", f"{REGS}第三十六条"
    ),
    "registration_certificate": Term(
        "技术出口合同登记证", "technology export contract registration certificate", f"{REGS}第三十八条"
    ),
    "registration_application": Term(
        "技术出口合同登记申请书", "technology export contract registration application", f"{REGS}第三十七条"
    ),
    "dual_use_item": Term("两用物项", "dual-use item", f"{DUR}第十四条"),
    "export_control": Term("出口管制管理", "export-control administration", "商务部 科技部公告2020年第38号"),
    # the reference quotes no article with these words; MOFCOM's own announcement does (sources du-caiwen-62,
    # crntt, held in catalogue/dual_use/measures/2025-62.yaml)
    "dual_use_licence": Term("两用物项出口许可", "dual-use export licence", "商务部公告2025年第62号"),
    "review": Term("需人工复核", "review", "", "exportcheck"),
    "not_export": Term("不构成技术出口", "not a technology export", "", "exportcheck"),
}

# Verdicts in a word or two, for table cells and lines; the headline (labels.VERDICT) says what follows.
VERDICT_SHORT: dict[Verdict, Term] = {
    Verdict.PROHIBITED: Term("禁止出口", "prohibited", f"{REGS}第二十九条"),
    Verdict.LICENCE_REQUIRED: Term("需申请许可", "licence required", f"{REGS}第三十条"),
    Verdict.REVIEW: TERMS["review"],
    Verdict.FREE: Term("自由出口", "free", f"{REGS}第三十六条"),
    Verdict.NOT_EXPORT: TERMS["not_export"],
}

# The catalogue's two parts, as the checklist already calls them (禁止类 / 限制类).
PART: dict[Part, Term] = {
    Part.PROHIBITED: Term("禁止类", "prohibited", f"{REGS}第二十九条"),
    Part.RESTRICTED: Term("限制类", "restricted", f"{REGS}第三十条"),
}

STRENGTH: dict[Strength, Term] = {
    Strength.MATCH: Term("命中", "match", "", "exportcheck"),
    Strength.POSSIBLE: Term("可能命中", "possible", "", "exportcheck"),
}

MEASURE_STATUS: dict[MeasureStatus, Term] = {
    MeasureStatus.IN_FORCE: Term("施行中", "in force", "", "exportcheck"),
    MeasureStatus.SUSPENDED: Term("暂停实施", "suspended", "", "exportcheck"),
    MeasureStatus.NOT_YET_IN_FORCE: Term("尚未施行", "not yet in force", "", "exportcheck"),
    MeasureStatus.UNCONFIRMED: Term("状态未确认", "status unconfirmed", "", "exportcheck"),
}

STAGE: dict[str, Term] = {
    "planning": Term("筹划阶段", "planning", "", "exportcheck"),
    "negotiating": Term("谈判阶段", "negotiating", "", "exportcheck"),
    "signed": Term("已签订合同", "signed", "", "exportcheck"),
    "performed": Term("已履行", "performed", "", "exportcheck"),
}


def pick(term: Term, lang: str, sep: str = " / ") -> str:
    """The term in `lang`; "both" gives Chinese first, then English."""
    if lang == "both":
        return f"{term.zh}{sep}{term.en}"
    return term.get(lang)
