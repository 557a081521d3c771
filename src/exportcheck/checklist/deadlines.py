"""Dated duties from the deal's `contract:` and `licences:` records: the last day to register a free-technology
contract, and the expiry of letters of intent and licences. The gate (`scan`) warns and can fail on them, and
`exportcheck due` lists them across deal files. Pure: the reference date and the warning window are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..models.assessment import Assessment, Verdict
from ..models.deal import Deal
from ..models.procedure import BiText, DeadlineKind, DeadlineState, DealDeadline, Procedure
from .free import registration_position

LineOf = Callable[[tuple[str | int, ...]], int | None]
DEFAULT_WINDOW = 30  # days: "due soon" when the date falls within this many days of the reference date


def has_free_technology(assessment: Assessment) -> bool:
    """The free track applies (as the checklist decides it): some technology is free and it is an export."""
    if assessment.verdict is Verdict.NOT_EXPORT:
        return False
    if not assessment.technologies:
        return assessment.verdict is Verdict.FREE
    return any(t.verdict is Verdict.FREE for t in assessment.technologies)


def _state(date: dt.date, day: dt.date, window: int) -> DeadlineState:
    if date < day:
        return DeadlineState.OVERDUE
    return DeadlineState.DUE_SOON if (date - day).days <= window else DeadlineState.UPCOMING


def _deadline(
    kind: DeadlineKind,
    duty: str,
    date: dt.date,
    day: dt.date,
    window: int,
    title: BiText,
    basis: BiText,
    line: int | None,
) -> DealDeadline:
    return DealDeadline(
        kind=kind,
        duty=duty,
        date=date,
        state=_state(date, day, window),
        days_left=(date - day).days,
        title=title,
        basis=basis,
        line=line,
    )


def deal_deadlines(
    deal: Deal,
    assessment: Assessment,
    procedure: Procedure,
    day: dt.date,
    window: int = DEFAULT_WINDOW,
    line_of: LineOf | None = None,
) -> list[DealDeadline]:
    """Every dated duty the records give, sorted by date. Records dated after `day` are not counted (as in the
    checklist); a deadline already met (registration recorded) is not listed."""
    where: LineOf = line_of or (lambda path: None)
    out: list[DealDeadline] = []
    if deal.contract is not None and has_free_technology(assessment):
        reg = registration_position(deal, list(procedure.steps), day, free=True)
        if reg.last_day and not reg.registered and reg.clock is not None:
            clock = "the first royalty base amount" if reg.royalty else "the contract's effective date"
            clock_zh = "首次提成基准金额形成" if reg.royalty else "合同生效"
            start = reg.start.isoformat() if reg.start else "?"
            days = reg.clock.deadline.days if reg.clock.deadline else "?"
            out.append(
                _deadline(
                    DeadlineKind.REGISTRATION,
                    reg.clock.id,
                    reg.last_day,
                    day,
                    window,
                    BiText(
                        en="Register the technology export contract (技术出口合同登记)",
                        zh="办理技术出口合同登记",
                    ),
                    BiText(
                        en=f"{days} days after {clock} {start}, Contract Registration Measures "
                        f"art. {'7' if reg.royalty else '6'}",
                        zh=f"{clock_zh}（{start}）后{days}天，《技术进出口合同登记管理办法》第{'七' if reg.royalty else '六'}条",
                    ),
                    where(("contract",)),
                )
            )
    for i, r in enumerate(deal.licences):
        number = r.licence_number or f"licences[{i}]"
        line = where(("licences", i))
        issued = r.licence_issued is not None and r.licence_issued <= day
        if issued and r.licence_expiry:
            out.append(
                _deadline(
                    DeadlineKind.LICENCE_EXPIRY,
                    f"licence_expiry:{number}",
                    r.licence_expiry,
                    day,
                    window,
                    BiText(
                        en=f"Licence {number} (技术出口许可证) expires; no export under it after that day",
                        zh=f"技术出口许可证{number}到期；此后不得据此出口",
                    ),
                    BiText(
                        en="validity as stated on the licence (licences[].licence_expiry)",
                        zh="许可证载明的有效期（licences[].licence_expiry）",
                    ),
                    line,
                )
            )
        elif not issued and r.letter_of_intent_expiry:
            letter = r.letter_of_intent_number or f"licences[{i}]"
            out.append(
                _deadline(
                    DeadlineKind.LETTER_OF_INTENT_EXPIRY,
                    f"letter_of_intent_expiry:{letter}",
                    r.letter_of_intent_expiry,
                    day,
                    window,
                    BiText(
                        en=f"Letter of intent {letter} (技术出口许可意向书) expires without a licence",
                        zh=f"技术出口许可意向书{letter}到期，尚未取得许可证",
                    ),
                    BiText(
                        en="validity as stated on the letter of intent (licences[].letter_of_intent_expiry)",
                        zh="意向书载明的有效期（licences[].letter_of_intent_expiry）",
                    ),
                    line,
                )
            )
    return sorted(out, key=lambda d: (d.date, d.duty))
