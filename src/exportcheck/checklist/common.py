"""Shared pieces of the checklist builder: article labels, wording resolution, the positions the deal's
records give, and the context every track reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models.assessment import Assessment, Finding
from ..models.deal import Deal, LicenceRecord
from ..models.deal import Stage as DealStage
from ..models.procedure import (
    Alert,
    AlertKey,
    Basis,
    BiText,
    ChecklistExposure,
    ChecklistItem,
    ChecklistProblem,
    Citation,
    Condition,
    Confidence,
    DeadlineUnit,
    ItemStatus,
    Milestone,
    Procedure,
    Severity,
    Step,
    Track,
    Trigger,
)

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 34 → 三十四, 225 → 二百二十五 (article numbers up to 999)."""
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_DIGITS[n // 10] + "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _ZH_DIGITS[hundreds] + "百"
    if rest < 10:
        return _ZH_DIGITS[hundreds] + "百零" + _ZH_DIGITS[rest]
    tens = zh_number(rest) if rest >= 20 else "一" + zh_number(rest)
    return _ZH_DIGITS[hundreds] + "百" + tens


def article_label(article: str) -> BiText:
    """'32(1)' → 'art. 32(1)' / '第三十二条第一款'; '219-1' → 'art. 219-1' / '第二百一十九条之一'."""
    main, _, para = article.partition("(")
    number, _, sub = main.partition("-")
    zh = f"第{zh_number(int(number))}条"
    if sub:
        zh += f"之{zh_number(int(sub))}"
    if para:
        zh += f"第{zh_number(int(para.rstrip(')')))}款"
    return BiText(en=f"art. {article}", zh=zh)


# Step ids the contract record moves on (tests/test_procedure.py checks that procedure.yaml has them).
FREE_CONTRACT = "free.contract"


FREE_REGISTER = "free.register"


FREE_ROYALTY = "free.royalty"


FREE_CERTIFICATE = "free.certificate"


RESTRICTED_LICENCE_ISSUED = "restricted.licence_issued"


@dataclass
class LicencePosition:
    """Where the licence for the restricted findings stands on the reference date."""

    milestone: Milestone = Milestone.NONE
    applied: list[LicenceRecord] = field(default_factory=list)
    letters: list[LicenceRecord] = field(default_factory=list)
    licensed: list[LicenceRecord] = field(default_factory=list)
    uncovered: list[Finding] = field(default_factory=list)
    problems: list[ChecklistProblem] = field(default_factory=list)
    expired: bool = False
    letter_expired: bool = False


@dataclass
class RegistrationPosition:
    """Where the free-technology contract registration stands on the reference date."""

    royalty: bool | None = None  # the royalty clock applies (RegM art. 7); None: payment not recorded
    registered: bool = False
    clock: Step | None = None  # the step whose deadline governs: free.register, or free.royalty
    start: dt.date | None = None  # what starts that clock: the effective date or the first royalty base
    last_day: dt.date | None = None
    overdue: bool = False
    problems: list[ChecklistProblem] = field(default_factory=list)


def signed_on(deal: Deal, day: dt.date) -> dt.date | None:
    """The recorded signing date, if it is not after the reference date."""
    c = deal.contract
    return c.signed if c and c.signed and c.signed <= day else None


def effective_stage(deal: Deal, day: dt.date) -> DealStage | None:
    """The deal's stage, moved on to `signed` where the contract record shows a signature the stage does not."""
    if signed_on(deal, day) and deal.stage in (None, DealStage.PLANNING, DealStage.NEGOTIATING):
        return DealStage.SIGNED
    return deal.stage


def last_day(step: Step | None, start: dt.date | None) -> dt.date | None:
    """`start` plus the step's calendar days; None for working days (no holiday calendar here), for a deadline
    not verified, or without a start date."""
    d = step.deadline if step else None
    if step is None or d is None or start is None or d.unit is not DeadlineUnit.CALENDAR_DAYS:
        return None
    if Confidence.UNVERIFIED in (d.confidence, step.confidence):
        return None
    return start + dt.timedelta(days=d.days)


def join(parts: list[BiText]) -> BiText | None:
    if not parts:
        return None
    return BiText(en="; ".join(p.en for p in parts), zh="；".join(p.zh for p in parts))


def trigger(f: Finding) -> Trigger:
    return Trigger(
        code=f.code,
        entry_id=f.entry_id,
        control_point=f.control_point,
        technology=f.technology_name,
        outcome=f.outcome.value,
        strength=f.strength.value,
    )


def triggers(findings: Iterable[Finding]) -> list[Trigger]:
    seen: dict[tuple[str, ...], Trigger] = {}
    for f in findings:
        t = trigger(f)
        seen.setdefault(
            (t.code or "", t.entry_id or "", t.control_point or "", t.technology or "", t.outcome), t
        )
    return [seen[k] for k in sorted(seen)]


class Resolver:
    """Turns procedure data into printable wording for one reference date."""

    def __init__(self, proc: Procedure, day: dt.date):
        self.proc = proc
        self.day = day

    def citations(self, basis: list[Basis]) -> list[Citation]:
        out = []
        for b in basis:
            inst = self.proc.instruments[b.instrument]
            if not inst.in_force(self.day):
                continue
            art = article_label(b.article)
            out.append(
                Citation(
                    instrument=b.instrument,
                    article=b.article,
                    label=BiText(en=f"{inst.short.en} {art.en}", zh=f"{inst.short.zh}{art.zh}"),
                    quote=b.quote,
                )
            )
        return out

    def fact(self, text: BiText | None, confidence: Confidence) -> BiText | None:
        """Unverified statements are never printed as facts."""
        if text is None:
            return None
        return self.proc.check_current_rules if confidence is Confidence.UNVERIFIED else text

    def deadline(self, step: Step) -> tuple[BiText | None, int | None, DeadlineUnit | None]:
        d = step.deadline
        if d is None:
            return step.deadline_note, None, None
        if Confidence.UNVERIFIED in (d.confidence, step.confidence):
            return self.proc.check_current_rules, None, None
        if d.unit is DeadlineUnit.WORKING_DAYS:
            text = BiText(
                en=f"within {d.days} working days of {d.from_.en}", zh=f"自{d.from_.zh}起{d.days}个工作日内"
            )
        else:
            text = BiText(en=f"within {d.days} days of {d.from_.en}", zh=f"自{d.from_.zh}起{d.days}日内")
        return text, d.days, d.unit

    def exposures(self, keys: list[str]) -> list[ChecklistExposure]:
        out = []
        for key in keys:
            e = self.proc.exposures[key]
            if not e.in_force(self.day):
                continue
            text = self.fact(e.text, e.confidence)
            assert text is not None
            out.append(
                ChecklistExposure(
                    id=key,
                    title=e.title,
                    text=text,
                    citations=self.citations(e.basis),
                    confidence=e.confidence,
                )
            )
        return out

    def alert(self, key: AlertKey, track: Track, triggers: list[Trigger]) -> ChecklistItem:
        a: Alert = self.proc.alerts[key]
        return ChecklistItem(
            id=key.value,
            kind="alert",
            track=track,
            status=ItemStatus.WARNING if a.severity is Severity.WARNING else ItemStatus.TODO,
            title=a.title,
            detail=self.fact(a.text, a.confidence),
            citations=self.citations(a.basis),
            sources=sorted(a.sources),
            confidence=a.confidence,
            triggered_by=triggers,
            exposures=self.exposures(a.exposures),
        )


CONDITION_TEXT = {
    Condition.ROYALTY_PAYMENT: BiText(
        en="only if royalties (提成) are the payment method", zh="仅适用于支付方式为提成的合同"
    ),
    Condition.MAIN_TERMS_CHANGE: BiText(
        en="only if the contract's main terms change", zh="仅适用于合同主要内容发生变更的情形"
    ),
    Condition.TERMINATION: BiText(en="only when the contract ends", zh="仅适用于合同终止的情形"),
    Condition.CLASSIFICATION_UNCERTAIN: BiText(
        en="some findings are possible matches only", zh="部分结果仅为可能命中"
    ),
    Condition.PERFORMED: BiText(en="the contract was performed", zh="合同已履行"),
    Condition.NOT_PERFORMED: BiText(
        en="the contract is signed and nothing has been transferred yet", zh="合同已签订，尚未转移任何技术"
    ),
    Condition.DUAL_USE_ITEM: BiText(
        en="may apply: only once the technology is decided to be a dual-use item (decide that first)",
        zh="可能适用：仅在确定拟出口技术属于两用物项之后适用（请先作出判断）",
    ),
}


ROYALTY_UNANSWERED = BiText(
    en="only if royalties (提成) are the payment method (the deal file does not say; add `contract.payment:`)",
    zh="仅适用于支付方式为提成的合同（交易文件未注明；请填写 `contract.payment:`）",
)


STATE_SECRET_UNANSWERED = BiText(
    en="if the technology is a state secret (the deal file does not say; add `state_secret:`)",
    zh="如属于国家秘密技术（交易文件未注明；请填写 `state_secret:`）",
)


@dataclass
class Context:
    assessment: Assessment
    deal: Deal
    stage: DealStage | None
    prohibited: list[Finding]
    prohibited_possible: list[Finding]
    restricted: list[Finding]
    restricted_possible: list[Finding]
    review: list[Finding]
    dual_use: list[Trigger]
    free: list[Trigger]
    position: LicencePosition
    registration: RegistrationPosition
    steps: list[Step]
    day: dt.date
    # the exporter's decision under DUR art. 14(4): True dual-use, False not, None not yet decided
    dual_use_decision: bool | None = None
    # decided prohibited or unlicensed restricted findings of a signed or performed deal: the remediation track
    unlawful: list[Finding] = field(default_factory=list)
