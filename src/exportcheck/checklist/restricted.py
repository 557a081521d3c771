"""The restricted track: where the licence stands (申请 → 意向书 → 许可证) and what the records add to its steps."""

from __future__ import annotations

import datetime as dt

from ..engine.licences import covers
from ..models.assessment import Finding
from ..models.deal import Deal, LicenceRecord
from ..models.procedure import (
    AlertKey,
    BiText,
    ChecklistProblem,
    Condition,
    Milestone,
    Step,
    Track,
)
from .common import Context, LicencePosition, join, signed_on, triggers


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


def licence_effect_text(ctx: Context) -> BiText | None:
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


def signed_before_letter_date(ctx: Context) -> bool:
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


def signed_alert_text(ctx: Context, key: AlertKey) -> BiText | None:
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
    effect = licence_effect_text(ctx)
    return join([text, effect] if effect else [text])


def restricted_progress(ctx: Context, step: Step) -> BiText | None:
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
            names = ", ".join(t.label() for t in triggers(pos.uncovered))
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
    return join(parts)
