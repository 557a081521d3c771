"""Findings → the ordered licensing checklist, each item citing its article. Pure and deterministic.

`build_checklist` takes the engine's Assessment, the deal (for its stage, state-secret answer, licence records
and contract record), the procedure data and the reference date; it never reads the clock or prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .engine.licences import covers
from .models.assessment import Assessment, Finding, Verdict
from .models.catalogue import Part
from .models.deal import ContractRecord, Deal, LicenceRecord, Payment
from .models.deal import Stage as DealStage
from .models.procedure import (
    Alert,
    AlertKey,
    Basis,
    BiText,
    Checklist,
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


# --- licence progress ----------------------------------------------------------------------------------


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


def _record_milestone(r: LicenceRecord, day: dt.date) -> tuple[Milestone, bool, bool]:
    """(milestone, licence expired, letter of intent expired) for one record on `day`."""
    if r.licence_issued and r.licence_issued <= day:
        if r.licence_expiry and r.licence_expiry < day:
            return Milestone.LETTER_OF_INTENT, True, False
        return Milestone.LICENSED, False, False
    has_letter = bool(r.letter_of_intent_number) or bool(
        r.letter_of_intent_date and r.letter_of_intent_date <= day
    )
    if has_letter:
        if r.letter_of_intent_expiry and r.letter_of_intent_expiry < day:
            return Milestone.APPLIED, False, True
        return Milestone.LETTER_OF_INTENT, False, False
    if r.application_date and r.application_date <= day:
        return Milestone.APPLIED, False, False
    return Milestone.NONE, False, False


def _date_problems(i: int, r: LicenceRecord, day: dt.date) -> list[ChecklistProblem]:
    out = []
    for name, value in (
        ("application_date", r.application_date),
        ("letter_of_intent_date", r.letter_of_intent_date),
        ("licence_issued", r.licence_issued),
    ):
        if value and value > day:
            out.append(
                ChecklistProblem(
                    code="record_after_reference_date",
                    text=BiText(
                        en=f"licences[{i}].{name} {value.isoformat()} is after the reference date "
                        f"{day.isoformat()}; not counted",
                        zh=f"licences[{i}].{name}（{value.isoformat()}）晚于基准日{day.isoformat()}，未予计入",
                    ),
                    licence_number=r.licence_number,
                )
            )
    return out


def licence_position(deal: Deal, findings: list[Finding], day: dt.date) -> LicencePosition:
    """The least advanced licence position over all restricted findings, with problems found on the way."""
    pos = LicencePosition()
    for i, r in enumerate(deal.licences):
        pos.problems.extend(_date_problems(i, r, day))
        if findings and not any(covers(r, f) for f in findings):
            pos.problems.append(
                ChecklistProblem(
                    code="record_covers_nothing",
                    text=BiText(
                        en=f"licences[{i}] covers none of the restricted findings (check its technologies and "
                        "entries)",
                        zh=f"licences[{i}]未覆盖任何限制出口结果（请核对其technologies和entries）",
                    ),
                    licence_number=r.licence_number,
                )
            )
    if not findings:
        return pos
    ranks: list[Milestone] = []
    expired_numbers: dict[str, LicenceRecord] = {}
    letters_expired: list[LicenceRecord] = []
    for f in findings:
        best, best_expired, best_letter_expired = Milestone.NONE, [], []
        records = [r for r in deal.licences if covers(r, f)]
        if not records:
            pos.uncovered.append(f)
        for r in records:
            m, expired, letter_expired = _record_milestone(r, day)
            if expired:
                best_expired.append(r)
            if letter_expired:
                best_letter_expired.append(r)
            if m.rank > best.rank:
                best = m
            if m.rank >= Milestone.APPLIED.rank and r not in pos.applied:
                pos.applied.append(r)
            if m.rank >= Milestone.LETTER_OF_INTENT.rank and not expired and r not in pos.letters:
                pos.letters.append(r)
            if m is Milestone.LICENSED and r not in pos.licensed:
                pos.licensed.append(r)
        if best is not Milestone.LICENSED:
            for r in best_expired:
                expired_numbers[r.licence_number or str(r.licence_issued)] = r
        if best.rank < Milestone.LETTER_OF_INTENT.rank:
            letters_expired.extend(r for r in best_letter_expired if r not in letters_expired)
        ranks.append(best)
    pos.milestone = min(ranks, key=lambda m: m.rank)
    for key in sorted(expired_numbers):
        r = expired_numbers[key]
        pos.expired = True
        expiry = r.licence_expiry.isoformat() if r.licence_expiry else "?"
        pos.problems.append(
            ChecklistProblem(
                code="licence_expired",
                text=BiText(
                    en=f"licence {r.licence_number or '(no number)'} expired on {expiry}; it no longer covers "
                    "the export",
                    zh=f"技术出口许可证{r.licence_number or '（无编号）'}已于{expiry}到期，不再覆盖本次出口",
                ),
                licence_number=r.licence_number,
            )
        )
    for r in letters_expired:
        pos.letter_expired = True
        expiry = r.letter_of_intent_expiry.isoformat() if r.letter_of_intent_expiry else "?"
        pos.problems.append(
            ChecklistProblem(
                code="letter_of_intent_expired",
                text=BiText(
                    en=f"letter of intent {r.letter_of_intent_number or '(no number)'} expired on {expiry} "
                    "without a licence",
                    zh=f"技术出口许可意向书{r.letter_of_intent_number or '（无编号）'}已于{expiry}到期，尚未取得许可证",
                ),
                licence_number=r.licence_number,
            )
        )
    return pos


def _record_text(records: list[LicenceRecord], what: Milestone) -> BiText | None:
    en: list[str] = []
    zh: list[str] = []
    for r in records:
        who_en = f" with {r.authority}" if r.authority else ""
        who_zh = f"向{r.authority}" if r.authority else ""
        if what is Milestone.APPLIED and r.application_date:
            en.append(f"application filed {r.application_date.isoformat()}{who_en}")
            zh.append(f"已于{r.application_date.isoformat()}{who_zh}提出申请")
        elif what is Milestone.LETTER_OF_INTENT:
            number = r.letter_of_intent_number or "(no number)"
            dated = f" of {r.letter_of_intent_date.isoformat()}" if r.letter_of_intent_date else ""
            until = f", valid to {r.letter_of_intent_expiry.isoformat()}" if r.letter_of_intent_expiry else ""
            en.append(f"letter of intent {number}{dated}{until}")
            zh_dated = f"（{r.letter_of_intent_date.isoformat()}）" if r.letter_of_intent_date else ""
            zh_until = (
                f"，有效期至{r.letter_of_intent_expiry.isoformat()}" if r.letter_of_intent_expiry else ""
            )
            zh.append(f"技术出口许可意向书{r.letter_of_intent_number or '（无编号）'}{zh_dated}{zh_until}")
        elif what is Milestone.LICENSED and r.licence_issued:
            until = f", valid to {r.licence_expiry.isoformat()}" if r.licence_expiry else ""
            en.append(
                f"licence {r.licence_number or '(no number)'} issued {r.licence_issued.isoformat()}{until}"
            )
            zh_until = f"，有效期至{r.licence_expiry.isoformat()}" if r.licence_expiry else ""
            zh.append(
                f"技术出口许可证{r.licence_number or '（无编号）'}于{r.licence_issued.isoformat()}颁发{zh_until}"
            )
    if not en:
        return None
    return BiText(en="; ".join(en), zh="；".join(zh))


# --- the contract record: signing and registration ------------------------------------------------------

# Step ids the contract record moves on (tests/test_procedure.py checks that procedure.yaml has them).
FREE_CONTRACT = "free.contract"
FREE_REGISTER = "free.register"
FREE_ROYALTY = "free.royalty"
FREE_CERTIFICATE = "free.certificate"
RESTRICTED_LICENCE_ISSUED = "restricted.licence_issued"


def signed_on(deal: Deal, day: dt.date) -> dt.date | None:
    """The recorded signing date, if it is not after the reference date."""
    c = deal.contract
    return c.signed if c and c.signed and c.signed <= day else None


def effective_stage(deal: Deal, day: dt.date) -> DealStage | None:
    """The deal's stage, moved on to `signed` where the contract record shows a signature the stage does not."""
    if signed_on(deal, day) and deal.stage in (None, DealStage.PLANNING, DealStage.NEGOTIATING):
        return DealStage.SIGNED
    return deal.stage


def _contract_problems(deal: Deal, day: dt.date) -> list[ChecklistProblem]:
    c = deal.contract
    if c is None:
        return []
    out = []
    for name, value in (("signed", c.signed), ("registration_date", c.registration_date)):
        if value and value > day:
            out.append(
                ChecklistProblem(
                    code="record_after_reference_date",
                    text=BiText(
                        en=f"contract.{name} {value.isoformat()} is after the reference date {day.isoformat()}; "
                        "not counted",
                        zh=f"contract.{name}（{value.isoformat()}）晚于基准日{day.isoformat()}，未予计入",
                    ),
                )
            )
    signed = signed_on(deal, day)
    if signed and deal.stage in (DealStage.PLANNING, DealStage.NEGOTIATING):
        out.append(
            ChecklistProblem(
                code="stage_before_signing",
                text=BiText(
                    en=f"stage is {deal.stage.value}, but contract.signed records signing on {signed.isoformat()}; "
                    "the checklist treats the contract as signed",
                    zh=f"stage为{deal.stage.value}，但contract.signed记载合同已于{signed.isoformat()}签订；"
                    "本清单按已签约处理",
                ),
            )
        )
    return out


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


def last_day(step: Step | None, start: dt.date | None) -> dt.date | None:
    """`start` plus the step's calendar days; None for working days (no holiday calendar here), for a deadline
    not verified, or without a start date."""
    d = step.deadline if step else None
    if step is None or d is None or start is None or d.unit is not DeadlineUnit.CALENDAR_DAYS:
        return None
    if Confidence.UNVERIFIED in (d.confidence, step.confidence):
        return None
    return start + dt.timedelta(days=d.days)


def _clock_phrase(pos: RegistrationPosition) -> BiText:
    """'60 days after the contract's effective date 2026-10-01'."""
    days = pos.clock.deadline.days if pos.clock and pos.clock.deadline else 0
    start = pos.start.isoformat() if pos.start else "?"
    if pos.royalty:
        return BiText(
            en=f"{days} days after the first royalty base amount arose on {start}",
            zh=f"首次提成基准金额形成日{start}后{days}天",
        )
    return BiText(
        en=f"{days} days after the contract's effective date {start}", zh=f"合同生效日{start}后{days}天"
    )


def registration_position(deal: Deal, steps: list[Step], day: dt.date, free: bool) -> RegistrationPosition:
    """Which 60-day clock runs (RegM art. 6 or 7), its last day, and whether the deal file records registration."""
    c = deal.contract or ContractRecord()
    royalty = None if c.payment is None else c.payment is not Payment.LUMP_SUM
    if royalty is None and c.first_royalty_base_date:
        royalty = True  # a royalty base can only arise under a royalty (or mixed) contract
    by_id = {s.id: s for s in steps}
    clock = by_id.get(FREE_ROYALTY if royalty else FREE_REGISTER)
    start = c.first_royalty_base_date if royalty else c.effective
    pos = RegistrationPosition(royalty=royalty, clock=clock, start=start, last_day=last_day(clock, start))
    pos.registered = bool(c.registration_date and c.registration_date <= day) or bool(
        c.registration_number and not c.registration_date
    )
    pos.overdue = free and not pos.registered and pos.last_day is not None and pos.last_day < day
    if pos.overdue and pos.last_day:
        clock_text = _clock_phrase(pos)
        pos.problems.append(
            ChecklistProblem(
                code="registration_overdue",
                text=BiText(
                    en=f"contract registration is overdue: the last day was {pos.last_day.isoformat()}, "
                    f"{clock_text.en}; the deal file records no registration",
                    zh=f"技术出口合同登记已逾期：最后一日为{pos.last_day.isoformat()}（{clock_text.zh}），"
                    "交易文件未记载登记",
                ),
            )
        )
    return pos


def _join(parts: list[BiText]) -> BiText | None:
    if not parts:
        return None
    return BiText(en="; ".join(p.en for p in parts), zh="；".join(p.zh for p in parts))


def _registration_text(ctx: _Context) -> BiText | None:
    """Progress of free.register: the certificate, or the last day, or what the deal file should add."""
    c, pos = ctx.deal.contract or ContractRecord(), ctx.registration
    parts: list[BiText] = []
    if pos.registered:
        number_en = c.registration_number or "(no number recorded)"
        number_zh = c.registration_number or "（未记载编号）"
        dated_en = f", registered {c.registration_date.isoformat()}" if c.registration_date else ""
        dated_zh = f"，登记日{c.registration_date.isoformat()}" if c.registration_date else ""
        parts.append(
            BiText(
                en=f"registered: 技术出口合同登记证 {number_en}{dated_en}",
                zh=f"已登记：技术出口合同登记证{number_zh}{dated_zh}",
            )
        )
        if pos.last_day and c.registration_date and c.registration_date > pos.last_day:
            parts.append(
                BiText(
                    en=f"registered after the last day {pos.last_day.isoformat()} ({_clock_phrase(pos).en})",
                    zh=f"登记晚于最后一日{pos.last_day.isoformat()}（{_clock_phrase(pos).zh}）",
                )
            )
        return _join(parts)
    if pos.last_day:
        clock = _clock_phrase(pos)
        if pos.overdue:
            parts.append(
                BiText(
                    en=f"OVERDUE: the last day was {pos.last_day.isoformat()} ({clock.en}); the deal file records "
                    "no registration",
                    zh=f"已逾期：最后一日为{pos.last_day.isoformat()}（{clock.zh}），交易文件未记载登记",
                )
            )
        else:
            parts.append(
                BiText(
                    en=f"last day {pos.last_day.isoformat()} ({clock.en}); the deal file records no registration "
                    "yet",
                    zh=f"最后一日为{pos.last_day.isoformat()}（{clock.zh}）；交易文件尚未记载登记",
                )
            )
    elif pos.royalty:
        parts.append(
            BiText(
                en="royalty contract: the period runs from the first royalty base amount, not from the contract's "
                "effect; add contract.first_royalty_base_date once it arises",
                zh="提成支付的合同：期限自首次提成基准金额形成时起算，而非自合同生效时起算；形成后请填写 "
                "contract.first_royalty_base_date",
            )
        )
    elif ctx.stage in (DealStage.SIGNED, DealStage.PERFORMED):
        parts.append(
            BiText(
                en="the deal is signed; the deal file does not record registration — make sure it is done in time "
                "(add contract.effective to get the last day)",
                zh="交易已签约；交易文件未记载登记情况——请确认已按期办理技术出口合同登记（填写 contract.effective "
                "可计算最后一日）",
            )
        )
    if pos.royalty is None and pos.last_day:
        parts.append(
            BiText(
                en="if royalties (提成) are the payment method, the period runs from the first royalty base amount "
                "instead (add contract.payment)",
                zh="如支付方式为提成，期限改自首次提成基准金额形成时起算（请填写 contract.payment）",
            )
        )
    parts += _payment_notes(c)
    return _join(parts)


def _payment_notes(c: ContractRecord) -> list[BiText]:
    if c.payment is Payment.MIXED:
        return [
            BiText(
                en="mixed payment: exportcheck applies the royalty rule (RegM art. 7) — which rule the commerce "
                "department applies to a lump sum plus royalties: check current rules",
                zh="混合支付：exportcheck按提成合同规则（登记管理办法第七条）处理——入门费加提成的合同适用何种规则："
                "请核对现行规定",
            )
        ]
    if c.payment is None and c.first_royalty_base_date:
        return [
            BiText(
                en="contract.first_royalty_base_date is given, so the royalty rule (RegM art. 7) is applied; add "
                "contract.payment",
                zh="已填写 contract.first_royalty_base_date，故按提成合同规则（登记管理办法第七条）处理；请填写 "
                "contract.payment",
            )
        ]
    return []


def _royalty_text(ctx: _Context) -> BiText | None:
    """Progress of free.royalty: the change filing owed after each later royalty base amount."""
    if not ctx.registration.royalty:
        return None
    if ctx.registration.registered:
        return BiText(
            en="registered; after each later royalty base amount, file a contract change with evidence of it",
            zh="已登记；以后每次提成基准金额形成后，应办理合同变更手续并提供提成基准金额的相关证明文件",
        )
    return BiText(
        en="after registering, file a contract change after each later royalty base amount, with evidence of it",
        zh="登记后，以后每次提成基准金额形成后，应办理合同变更手续并提供提成基准金额的相关证明文件",
    )


def _contract_text(ctx: _Context) -> BiText | None:
    """Progress of free.contract: the recorded signing and effective dates."""
    c = ctx.deal.contract
    if c is None:
        return None
    en, zh = [], []
    if c.signed:
        en.append(f"signed {c.signed.isoformat()}")
        zh.append(f"签订日{c.signed.isoformat()}")
    if c.effective:
        en.append(f"effective {c.effective.isoformat()}")
        zh.append(f"生效日{c.effective.isoformat()}")
    if not en:
        return None
    return BiText(en=", ".join(en), zh="，".join(zh))


def _licence_effect_text(ctx: _Context) -> BiText | None:
    """Regs art. 35: a restricted-technology contract takes effect on the licence date, whatever it says."""
    c = ctx.deal.contract
    if c is None or c.effective is None:
        return None
    issued = sorted({r.licence_issued for r in ctx.position.licensed if r.licence_issued})
    if ctx.position.milestone is Milestone.LICENSED and issued:
        if issued == [c.effective]:
            return None
        dates = ", ".join(d.isoformat() for d in issued)
        return BiText(
            en=f"contract.effective is {c.effective.isoformat()}, but the contract takes effect on the date the "
            f"licence was issued ({dates}), Regs art. 35",
            zh=f"contract.effective为{c.effective.isoformat()}，但技术出口合同自技术出口许可证颁发之日（{dates}）"
            "起生效（《技术进出口管理条例》第三十五条）",
        )
    return BiText(
        en=f"contract.effective is {c.effective.isoformat()}, but without a licence the contract has not taken "
        "effect: it takes effect on the date the licence is issued (Regs art. 35)",
        zh=f"contract.effective为{c.effective.isoformat()}，但未取得许可证的合同尚未生效：技术出口合同自技术出口许可证"
        "颁发之日起生效（《技术进出口管理条例》第三十五条）",
    )


def _signed_before_letter_date(ctx: _Context) -> bool:
    """The recorded signing date precedes every recorded letter of intent for some restricted finding."""
    signed = signed_on(ctx.deal, ctx.day)
    if signed is None:
        return False
    for f in ctx.restricted:
        dates = [
            r.letter_of_intent_date
            for r in ctx.deal.licences
            if covers(r, f) and r.letter_of_intent_date and r.letter_of_intent_date <= ctx.day
        ]
        if dates and signed < min(dates):
            return True
    return False


def _signed_alert_text(ctx: _Context, key: AlertKey) -> BiText | None:
    """What the contract record adds to the 'signed without licence / letter' warnings."""
    signed = signed_on(ctx.deal, ctx.day)
    if signed is None:
        return None
    if key is AlertKey.SIGNED_BEFORE_LETTER:
        letters = sorted(
            r.letter_of_intent_date
            for r in ctx.deal.licences
            if r.letter_of_intent_date and r.letter_of_intent_date <= ctx.day
        )
        if letters:
            first = letters[0].isoformat()
            return BiText(
                en=f"the deal file records signing on {signed.isoformat()}, before the letter of intent of {first}",
                zh=f"交易文件记载合同于{signed.isoformat()}签订，早于{first}的技术出口许可意向书",
            )
        return BiText(
            en=f"the deal file records signing on {signed.isoformat()} and no letter of intent",
            zh=f"交易文件记载合同于{signed.isoformat()}签订，且未记载技术出口许可意向书",
        )
    text = BiText(
        en=f"the deal file records signing on {signed.isoformat()}; no licence is recorded as issued by "
        f"{ctx.day.isoformat()}",
        zh=f"交易文件记载合同于{signed.isoformat()}签订；截至{ctx.day.isoformat()}未记载已颁发的技术出口许可证",
    )
    effect = _licence_effect_text(ctx)
    return _join([text, effect] if effect else [text])


# --- assembling items ----------------------------------------------------------------------------------


def _trigger(f: Finding) -> Trigger:
    return Trigger(
        code=f.code,
        entry_id=f.entry_id,
        control_point=f.control_point,
        technology=f.technology_name,
        outcome=f.outcome.value,
        strength=f.strength.value,
    )


def _triggers(findings: Iterable[Finding]) -> list[Trigger]:
    seen: dict[tuple[str, ...], Trigger] = {}
    for f in findings:
        t = _trigger(f)
        seen.setdefault(
            (t.code or "", t.entry_id or "", t.control_point or "", t.technology or "", t.outcome), t
        )
    return [seen[k] for k in sorted(seen)]


class _Resolver:
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
}
ROYALTY_UNANSWERED = BiText(
    en="only if royalties (提成) are the payment method (the deal file does not say; add `contract.payment:`)",
    zh="仅适用于支付方式为提成的合同（交易文件未注明；请填写 `contract.payment:`）",
)
STATE_SECRET_UNANSWERED = BiText(
    en="if the technology is a state secret (the deal file does not say; add `state_secret:`)",
    zh="如属于国家秘密技术（交易文件未注明；请填写 `state_secret:`）",
)

# Screens the deal file can answer: step id → (answered?, what the deal says).
_SCREEN_ANSWERS: dict[str, Callable[[Deal], BiText | None]] = {
    "screen.state_secret": lambda d: (
        None
        if d.state_secret is None
        else (
            BiText(en="deal file: state secret", zh="交易文件：属于国家秘密技术")
            if d.state_secret
            else BiText(en="deal file: not a state secret", zh="交易文件：不属于国家秘密技术")
        )
    ),
}

ALERT_ORDER = list(AlertKey)


@dataclass
class _Context:
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


def _context(assessment: Assessment, deal: Deal, proc: Procedure, day: dt.date) -> _Context:
    fs = assessment.findings
    prohibited = [f for f in fs if f.outcome is Verdict.PROHIBITED]
    prohibited_possible = [f for f in fs if f.outcome is Verdict.REVIEW and f.part is Part.PROHIBITED]
    restricted = [f for f in fs if f.outcome is Verdict.LICENCE_REQUIRED]
    restricted_possible = [f for f in fs if f.outcome is Verdict.REVIEW and f.part is Part.RESTRICTED]
    dual = _triggers(f for f in fs if f.dual_use_hint)
    dual += [Trigger(outcome="dual_use", note=text) for text in sorted(set(assessment.dual_use))]
    free: list[Trigger] = []
    if assessment.verdict is not Verdict.NOT_EXPORT:
        free = [
            Trigger(technology=t.name, outcome=t.verdict.value)
            for t in sorted(assessment.technologies, key=lambda t: t.index)
            if t.verdict is Verdict.FREE
        ]
        if not free and not assessment.technologies and assessment.verdict is Verdict.FREE:
            free = [Trigger(outcome=Verdict.FREE.value, note=assessment.deal_title)]
    return _Context(
        assessment=assessment,
        deal=deal,
        stage=effective_stage(deal, day),
        prohibited=prohibited,
        prohibited_possible=prohibited_possible,
        restricted=restricted,
        restricted_possible=restricted_possible,
        review=[f for f in fs if f.outcome is Verdict.REVIEW],
        dual_use=dual,
        free=free,
        position=licence_position(deal, restricted + restricted_possible, day),
        registration=registration_position(deal, list(proc.steps), day, free=bool(free)),
        steps=list(proc.steps),
        day=day,
    )


def _tracks(ctx: _Context) -> list[Track]:
    tracks = [Track.SCREEN]
    if ctx.prohibited or ctx.prohibited_possible:
        tracks.append(Track.PROHIBITED)
    if ctx.dual_use:
        tracks.append(Track.DUAL_USE)
    if ctx.restricted or ctx.restricted_possible:
        tracks.append(Track.RESTRICTED)
    if ctx.free:
        tracks.append(Track.FREE)
    return sorted(tracks, key=lambda t: t.rank)


def _alerts(ctx: _Context, r: _Resolver) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    stage, pos = ctx.stage, ctx.position
    signed = stage in (DealStage.SIGNED, DealStage.PERFORMED)
    if ctx.prohibited:
        items.append(r.alert(AlertKey.MUST_NOT_EXPORT, Track.PROHIBITED, _triggers(ctx.prohibited)))
        if signed:
            items.append(
                r.alert(AlertKey.PROHIBITED_ALREADY_SIGNED, Track.PROHIBITED, _triggers(ctx.prohibited))
            )
    if ctx.prohibited_possible:
        items.append(
            r.alert(AlertKey.PROHIBITED_UNRESOLVED, Track.PROHIBITED, _triggers(ctx.prohibited_possible))
        )
    restricted_all = ctx.restricted + ctx.restricted_possible
    if restricted_all:
        before_letter = pos.milestone.rank < Milestone.LETTER_OF_INTENT.rank
        unlicensed = [f for f in ctx.restricted if not (f.waived or pos.milestone is Milestone.LICENSED)]
        if stage is DealStage.NEGOTIATING and before_letter:
            items.append(r.alert(AlertKey.PAUSE_NEGOTIATION, Track.RESTRICTED, _triggers(restricted_all)))
        if stage in (None, DealStage.PLANNING) and before_letter:
            items.append(
                r.alert(AlertKey.NO_NEGOTIATION_BEFORE_LETTER, Track.RESTRICTED, _triggers(restricted_all))
            )
        if signed and unlicensed:
            alert = r.alert(AlertKey.CONTRACT_NOT_EFFECTIVE, Track.RESTRICTED, _triggers(unlicensed))
            items.append(_with_progress(alert, _signed_alert_text(ctx, AlertKey.CONTRACT_NOT_EFFECTIVE)))
        if signed and ctx.restricted and (before_letter or _signed_before_letter_date(ctx)):
            alert = r.alert(AlertKey.SIGNED_BEFORE_LETTER, Track.RESTRICTED, _triggers(ctx.restricted))
            items.append(_with_progress(alert, _signed_alert_text(ctx, AlertKey.SIGNED_BEFORE_LETTER)))
        if stage is DealStage.PERFORMED and unlicensed:
            items.append(r.alert(AlertKey.EXPORTED_WITHOUT_LICENCE, Track.RESTRICTED, _triggers(unlicensed)))
        if pos.expired:
            items.append(r.alert(AlertKey.LICENCE_EXPIRED, Track.RESTRICTED, _triggers(restricted_all)))
        if pos.letter_expired:
            items.append(
                r.alert(AlertKey.LETTER_OF_INTENT_EXPIRED, Track.RESTRICTED, _triggers(restricted_all))
            )
    if ctx.dual_use:
        items.append(r.alert(AlertKey.DUAL_USE_TRACK, Track.DUAL_USE, ctx.dual_use))
    if ctx.free and restricted_all:
        items.append(r.alert(AlertKey.MIXED_FREE_AND_RESTRICTED, Track.FREE, ctx.free))
    if ctx.free and ctx.registration.overdue:
        alert = r.alert(AlertKey.REGISTRATION_OVERDUE, Track.FREE, ctx.free)
        items.append(_with_progress(alert, _registration_text(ctx)))
    if stage is None and (ctx.prohibited or restricted_all or ctx.free or ctx.dual_use):
        items.append(r.alert(AlertKey.STAGE_UNKNOWN, Track.SCREEN, []))
    rank = {key.value: i for i, key in enumerate(ALERT_ORDER)}
    return sorted(items, key=lambda it: (it.status is not ItemStatus.WARNING, rank[it.id]))


def _with_progress(item: ChecklistItem, progress: BiText | None) -> ChecklistItem:
    return item if progress is None else item.model_copy(update={"progress": progress})


def _step_triggers(ctx: _Context, step: Step) -> list[Trigger]:
    if step.track is Track.PROHIBITED:
        return _triggers(ctx.prohibited + ctx.prohibited_possible)
    if step.track is Track.RESTRICTED:
        return _triggers(ctx.restricted + ctx.restricted_possible)
    if step.track is Track.DUAL_USE:
        return ctx.dual_use
    if step.track is Track.FREE:
        return ctx.free
    if step.when is Condition.CLASSIFICATION_UNCERTAIN:
        return _triggers(ctx.review)
    return []


def _progress_text(ctx: _Context, step: Step) -> BiText | None:
    if step.track is Track.SCREEN and step.id in _SCREEN_ANSWERS:
        return _SCREEN_ANSWERS[step.id](ctx.deal)
    if step.track is Track.FREE:
        return _FREE_PROGRESS[step.id](ctx) if step.id in _FREE_PROGRESS else None
    if step.id == RESTRICTED_LICENCE_ISSUED:
        effect = _licence_effect_text(ctx)
        if effect is not None:
            return _join([p for p in (_restricted_progress(ctx, step), effect) if p is not None])
    return _restricted_progress(ctx, step)


def _certificate_text(ctx: _Context) -> BiText | None:
    number = ctx.deal.contract.registration_number if ctx.deal.contract else None
    if not (ctx.registration.registered and number):
        return None
    return BiText(en=f"技术出口合同登记证 {number}", zh=f"技术出口合同登记证{number}")


_FREE_PROGRESS: dict[str, Callable[[_Context], BiText | None]] = {
    FREE_CONTRACT: _contract_text,
    FREE_REGISTER: _registration_text,
    FREE_ROYALTY: _royalty_text,
    FREE_CERTIFICATE: _certificate_text,
}


def _restricted_progress(ctx: _Context, step: Step) -> BiText | None:
    pos = ctx.position
    if step.track is not Track.RESTRICTED or step.progress is None or step.when is not Condition.ALWAYS:
        return None
    done_when = step.progress.done_when
    parts: list[BiText] = []
    if done_when is Milestone.APPLIED:
        text = _record_text(pos.applied, Milestone.APPLIED)
        if text:
            parts.append(text)
        if pos.uncovered and pos.applied:
            names = ", ".join(t.label() for t in _triggers(pos.uncovered))
            parts.append(BiText(en=f"no licence record covers {names}", zh=f"以下结果无许可记录：{names}"))
    elif done_when is Milestone.LETTER_OF_INTENT:
        text = _record_text(pos.letters, Milestone.LETTER_OF_INTENT)
        if text and pos.milestone.rank >= Milestone.LETTER_OF_INTENT.rank:
            parts.append(text)
        elif pos.milestone is Milestone.APPLIED:
            parts.append(BiText(en="waiting for the letter of intent", zh="等待技术出口许可意向书"))
    elif done_when is Milestone.LICENSED:
        if pos.milestone is Milestone.LICENSED:
            text = _record_text(pos.licensed, Milestone.LICENSED)
            if text:
                parts.append(text)
        elif pos.expired:
            parts.append(
                BiText(
                    en="the recorded licence has expired: apply again — check current rules",
                    zh="已记载的许可证已过期：请重新申请——请核对现行规定",
                )
            )
    return _join(parts)


def _step_status(ctx: _Context, step: Step) -> ItemStatus | None:
    """Status from progress alone; None means pending (the caller picks next / todo)."""
    if (
        step.track is Track.PROHIBITED
        and ctx.prohibited
        and step.when is Condition.ALWAYS
        and step.order == min(s.order for s in _track_steps(ctx, step.track))
    ):
        return ItemStatus.WARNING
    if step.track is Track.SCREEN and step.id in _SCREEN_ANSWERS:
        return ItemStatus.DONE if _SCREEN_ANSWERS[step.id](ctx.deal) is not None else ItemStatus.TODO
    if step.track is Track.SCREEN and step.when is not Condition.CLASSIFICATION_UNCERTAIN:
        return ItemStatus.TODO
    if step.track is Track.FREE:
        free = _free_status(ctx, step)
        if free is not None:
            return free
    if step.when in (Condition.ROYALTY_PAYMENT, Condition.MAIN_TERMS_CHANGE, Condition.TERMINATION):
        return ItemStatus.TODO
    if step.when is Condition.STATE_SECRET and ctx.deal.state_secret is None:
        return ItemStatus.TODO  # conditional until the deal file answers the question
    prog = step.progress
    if prog is None:
        return None
    milestone = ctx.position.milestone if step.track is Track.RESTRICTED else Milestone.NONE
    requires_met = prog.requires is None or milestone.rank >= prog.requires.rank
    if (
        prog.done_when is not None
        and step.track is Track.RESTRICTED
        and milestone.rank >= prog.done_when.rank
    ):
        return ItemStatus.DONE
    if requires_met and ctx.stage is not None and ctx.stage in prog.done_at_stages:
        return ItemStatus.DONE
    if not requires_met:
        return ItemStatus.BLOCKED
    return None


def _free_status(ctx: _Context, step: Step) -> ItemStatus | None:
    """Status from the contract record; None leaves it to the step's stage progress (or next / todo)."""
    reg = ctx.registration
    if step.id in (FREE_CONTRACT, FREE_REGISTER, FREE_CERTIFICATE) and reg.registered:
        return ItemStatus.DONE
    if step.id == FREE_REGISTER and reg.overdue:
        return ItemStatus.WARNING
    return None


def _track_steps(ctx: _Context, track: Track) -> list[Step]:
    return [s for s in ctx.steps if s.track is track]


def _applies(ctx: _Context, step: Step) -> tuple[bool, BiText | None]:
    if step.when is Condition.STATE_SECRET:
        if ctx.deal.state_secret is False:
            return False, None
        return True, (None if ctx.deal.state_secret else STATE_SECRET_UNANSWERED)
    if step.when is Condition.CLASSIFICATION_UNCERTAIN:
        return bool(ctx.review), CONDITION_TEXT[step.when]
    if step.when is Condition.ROYALTY_PAYMENT and ctx.registration.royalty is not None:
        return ctx.registration.royalty, None  # the deal file answers it: no condition, or no item
    if step.when is Condition.ROYALTY_PAYMENT:
        return True, ROYALTY_UNANSWERED
    if step.when is Condition.ALWAYS:
        return True, None
    return True, CONDITION_TEXT[step.when]


_Deadline = tuple[BiText | None, int | None, DeadlineUnit | None]


def _registration_deadline(
    ctx: _Context, r: _Resolver, step: Step, own: _Deadline
) -> tuple[BiText | None, int | None, DeadlineUnit | None, dt.date | None]:
    """free.register runs on the royalty clock for royalty contracts (RegM art. 7); both carry the last day."""
    reg = ctx.registration
    if reg.clock is None or (step.id == FREE_ROYALTY and not reg.royalty):
        return (*own, None)
    deadline, days, unit = r.deadline(reg.clock) if step.id == FREE_REGISTER else own
    return deadline, days, unit, (None if reg.registered else reg.last_day)


def _steps(ctx: _Context, r: _Resolver, tracks: list[Track]) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for track in tracks:
        has_next = False
        for step in sorted(_track_steps(ctx, track), key=lambda s: s.order):
            applies, condition = _applies(ctx, step)
            if not applies:
                continue
            status = _step_status(ctx, step)
            if status is None:
                status = ItemStatus.TODO if has_next else ItemStatus.NEXT
                has_next = True
            deadline, days, unit = r.deadline(step)
            deadline_date = None
            if step.track is Track.FREE and step.id in (FREE_REGISTER, FREE_ROYALTY):
                deadline, days, unit, deadline_date = _registration_deadline(
                    ctx, r, step, (deadline, days, unit)
                )
            items.append(
                ChecklistItem(
                    id=step.id,
                    kind="step",
                    track=track,
                    status=status,
                    title=step.title,
                    detail=r.fact(step.detail, step.confidence),
                    actor=step.actor,
                    documents=list(step.documents),
                    deadline=deadline,
                    deadline_days=days,
                    deadline_unit=unit,
                    deadline_date=deadline_date,
                    condition=condition,
                    stage_gate=step.stage_gate.must_precede if step.stage_gate else None,
                    progress=_progress_text(ctx, step),
                    citations=r.citations(step.basis),
                    sources=sorted(step.sources),
                    confidence=step.confidence,
                    triggered_by=_step_triggers(ctx, step),
                    notes=r.fact(step.notes, step.confidence),
                )
            )
    return items


def build_checklist(assessment: Assessment, deal: Deal, procedure: Procedure, today: dt.date) -> Checklist:
    """The licensing checklist for `deal` as assessed, with statuses as of `today` (the reference date)."""
    ctx = _context(assessment, deal, procedure, today)
    resolver = _Resolver(procedure, today)
    tracks = _tracks(ctx)
    items = _alerts(ctx, resolver) + _steps(ctx, resolver, tracks)
    cat = assessment.catalogue
    return Checklist(
        title=procedure.title,
        deal_title=assessment.deal_title or deal.title,
        deal_file=assessment.deal_file,
        reference_date=today,
        stage=deal.stage.value if deal.stage else None,
        verdict=assessment.verdict.value,
        catalogue_version=cat.version,
        catalogue_instrument=cat.instrument,
        coverage=cat.coverage,
        procedure_version=procedure.procedure_version,
        procedure_as_of=procedure.as_of,
        tracks=tracks,
        problems=sorted(
            ctx.position.problems + ctx.registration.problems + _contract_problems(deal, today),
            key=lambda p: (p.code, p.text.en),
        ),
        items=items,
        notice=procedure.notice,
    )
