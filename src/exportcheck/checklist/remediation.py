"""The remediation track: a prohibited or restricted transfer that was signed or performed without the licence
it needed (or that no licence can give). Driven by the deal's stage, `contract:` and `licences:` records; it
tells "signed, nothing transferred" apart from "performed", because what is owed differs."""

from __future__ import annotations

from ..models.assessment import Finding
from ..models.deal import Stage as DealStage
from ..models.procedure import BiText, Condition, Milestone
from .common import Context, signed_on

PERFORMED_STAGES = (DealStage.SIGNED, DealStage.PERFORMED)


def unlawful_findings(ctx: Context, signed_before_letter: bool) -> list[Finding]:
    """Findings whose transfer has gone further than the law allows on the deal's records: decided prohibited
    findings once signed; restricted ones without a licence once performed, or once signed before the letter of
    intent (signing after it is the lawful order, Regs art. 33). Possible matches stay with the classification
    screen, and an expired licence with its own warning: neither is known to be a breach."""
    if ctx.stage not in PERFORMED_STAGES:
        return []
    pos = ctx.position
    unlicensed = [f for f in ctx.restricted if not (f.waived or pos.milestone is Milestone.LICENSED)]
    if pos.expired or (ctx.stage is DealStage.SIGNED and not signed_before_letter):
        unlicensed = []
    return ctx.prohibited + unlicensed


def remediation_applies(ctx: Context, when: Condition) -> bool:
    """PERFORMED and NOT_PERFORMED steps split the track by stage; every other step applies to both."""
    if when is Condition.PERFORMED:
        return ctx.stage is DealStage.PERFORMED
    if when is Condition.NOT_PERFORMED:
        return ctx.stage is DealStage.SIGNED
    return True


def remediation_progress(ctx: Context) -> BiText:
    """What the deal file says about how far the transfer went."""
    signed = signed_on(ctx.deal, ctx.day)
    when_en = f" on {signed.isoformat()}" if signed else ""
    when_zh = f"于{signed.isoformat()}" if signed else ""
    if ctx.stage is DealStage.PERFORMED:
        return BiText(
            en=f"the deal file records the contract as signed{when_en} and performed",
            zh=f"交易文件记载合同已{when_zh}签订并已履行",
        )
    return BiText(
        en=f"the deal file records the contract as signed{when_en} and not yet performed (stage: signed); "
        "if anything was transferred, set `stage: performed`",
        zh=f"交易文件记载合同已{when_zh}签订、尚未履行（stage：signed）；如已转移任何技术，请填写 `stage: performed`",
    )
