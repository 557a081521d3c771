"""The free track: contract signing and the 60-day registration clock (RegM arts. 6–7) read from `contract:`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..models.deal import ContractRecord, Deal, Payment
from ..models.deal import Stage as DealStage
from ..models.procedure import (
    BiText,
    ChecklistProblem,
    DeadlineUnit,
    ItemStatus,
    Step,
)
from .common import (
    FREE_CERTIFICATE,
    FREE_CONTRACT,
    FREE_REGISTER,
    FREE_ROYALTY,
    Context,
    RegistrationPosition,
    Resolver,
    join,
    last_day,
    signed_on,
)


def contract_problems(deal: Deal, day: dt.date) -> list[ChecklistProblem]:
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


def clock_phrase(pos: RegistrationPosition) -> BiText:
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
        clock_text = clock_phrase(pos)
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


def registration_text(ctx: Context) -> BiText | None:
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
                    en=f"registered after the last day {pos.last_day.isoformat()} ({clock_phrase(pos).en})",
                    zh=f"登记晚于最后一日{pos.last_day.isoformat()}（{clock_phrase(pos).zh}）",
                )
            )
        return join(parts)
    if pos.last_day:
        clock = clock_phrase(pos)
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
    return join(parts)


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


def _royalty_text(ctx: Context) -> BiText | None:
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


def _contract_text(ctx: Context) -> BiText | None:
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


def _certificate_text(ctx: Context) -> BiText | None:
    number = ctx.deal.contract.registration_number if ctx.deal.contract else None
    if not (ctx.registration.registered and number):
        return None
    return BiText(en=f"技术出口合同登记证 {number}", zh=f"技术出口合同登记证{number}")


FREE_PROGRESS: dict[str, Callable[[Context], BiText | None]] = {
    FREE_CONTRACT: _contract_text,
    FREE_REGISTER: registration_text,
    FREE_ROYALTY: _royalty_text,
    FREE_CERTIFICATE: _certificate_text,
}


def free_status(ctx: Context, step: Step) -> ItemStatus | None:
    """Status from the contract record; None leaves it to the step's stage progress (or next / todo)."""
    reg = ctx.registration
    if step.id in (FREE_CONTRACT, FREE_REGISTER, FREE_CERTIFICATE) and reg.registered:
        return ItemStatus.DONE
    if step.id == FREE_REGISTER and reg.overdue:
        return ItemStatus.WARNING
    return None


DeadlineParts = tuple[BiText | None, int | None, DeadlineUnit | None]


def registration_deadline(
    ctx: Context, r: Resolver, step: Step, own: DeadlineParts
) -> tuple[BiText | None, int | None, DeadlineUnit | None, dt.date | None]:
    """free.register runs on the royalty clock for royalty contracts (RegM art. 7); both carry the last day."""
    reg = ctx.registration
    if reg.clock is None or (step.id == FREE_ROYALTY and not reg.royalty):
        return (*own, None)
    deadline, days, unit = r.deadline(reg.clock) if step.id == FREE_REGISTER else own
    return deadline, days, unit, (None if reg.registered else reg.last_day)
