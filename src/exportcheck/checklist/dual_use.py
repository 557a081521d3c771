"""The dual-use track: the exporter decides first whether the technology is a dual-use item (DUR art. 14(4));
the MOFCOM export-control licence follows only from that decision, so until it is made the track reads "may
apply" and none of its steps can be the next duty."""

from __future__ import annotations

from ..models.procedure import BiText, Condition, ItemStatus, Step, Track
from .common import CONDITION_TEXT, Context

SCREEN_DUAL_USE = "screen.dual_use"


def dual_use_track(ctx: Context) -> bool:
    """An indication of a dual-use item, not decided away."""
    return bool(ctx.dual_use) and ctx.dual_use_decision is not False


def dual_use_applies(ctx: Context, step: Step) -> tuple[bool, BiText | None]:
    """Condition.DUAL_USE_ITEM: shown with 'may apply' until decided, plainly once decided, never after a no."""
    if ctx.dual_use_decision is None:
        return True, CONDITION_TEXT[Condition.DUAL_USE_ITEM]
    return ctx.dual_use_decision, None


def dual_use_status(ctx: Context, step: Step) -> ItemStatus | None:
    """The decision screen is the duty while a dual-use indication is open; the track waits for it."""
    if step.id == SCREEN_DUAL_USE:
        if ctx.dual_use_decision is not None:
            return ItemStatus.DONE
        return None if ctx.dual_use else ItemStatus.TODO  # None: pending, so it can be the next duty
    if step.track is Track.DUAL_USE and ctx.dual_use_decision is None:
        return ItemStatus.BLOCKED
    return None


def dual_use_progress(ctx: Context, step: Step) -> BiText | None:
    if step.id != SCREEN_DUAL_USE:
        return None
    if ctx.dual_use_decision is True:
        return BiText(
            en="decided: a dual-use item — the export-control track applies",
            zh="已确定：属于两用物项——适用出口管制程序",
        )
    if ctx.dual_use_decision is False:
        return BiText(
            en="decided: not a dual-use item — the catalogue route applies",
            zh="已确定：不属于两用物项——适用目录程序",
        )
    if ctx.dual_use:
        return BiText(
            en="the assessment indicates a possible dual-use item: decide this before anything on the dual-use track",
            zh="评估结果提示可能属于两用物项：请在办理两用物项程序的任何事项之前先作出判断",
        )
    return None
