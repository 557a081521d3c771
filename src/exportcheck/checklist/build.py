"""Assembling the checklist: which tracks apply, the alerts on top, each step's status and the one next duty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..models.assessment import Assessment, Verdict
from ..models.catalogue import Part
from ..models.deal import Deal
from ..models.deal import Stage as DealStage
from ..models.procedure import (
    AlertKey,
    BiText,
    Checklist,
    ChecklistItem,
    Condition,
    ItemStatus,
    Milestone,
    Procedure,
    Step,
    Track,
    Trigger,
)
from .common import (
    CONDITION_TEXT,
    FREE_REGISTER,
    FREE_ROYALTY,
    RESTRICTED_LICENCE_ISSUED,
    ROYALTY_UNANSWERED,
    STATE_SECRET_UNANSWERED,
    Context,
    Resolver,
    effective_stage,
    join,
    triggers,
)
from .dual_use import SCREEN_DUAL_USE, dual_use_applies, dual_use_progress, dual_use_status, dual_use_track
from .free import (
    FREE_PROGRESS,
    contract_problems,
    free_status,
    registration_deadline,
    registration_position,
    registration_text,
)
from .remediation import remediation_applies, remediation_progress, unlawful_findings
from .restricted import (
    licence_effect_text,
    licence_position,
    restricted_progress,
    signed_alert_text,
    signed_before_letter_date,
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


def _context(
    assessment: Assessment, deal: Deal, proc: Procedure, day: dt.date, dual_use_decision: bool | None
) -> Context:
    fs = assessment.findings
    prohibited = [f for f in fs if f.outcome is Verdict.PROHIBITED]
    prohibited_possible = [f for f in fs if f.outcome is Verdict.REVIEW and f.part is Part.PROHIBITED]
    restricted = [f for f in fs if f.outcome is Verdict.LICENCE_REQUIRED]
    restricted_possible = [f for f in fs if f.outcome is Verdict.REVIEW and f.part is Part.RESTRICTED]
    dual = triggers(f for f in fs if f.dual_use_hint)
    # the measure's note, once, on the dual-use alert; its steps name the findings only (see _step_triggers).
    # No final full stop: labels are joined with ", ", which made "…findings., M9 …"
    dual += [Trigger(outcome="dual_use", note=text.rstrip(".")) for text in sorted(set(assessment.dual_use))]
    free: list[Trigger] = []
    if assessment.verdict is not Verdict.NOT_EXPORT:
        free = [
            Trigger(technology=t.name, outcome=t.verdict.value)
            for t in sorted(assessment.technologies, key=lambda t: t.index)
            if t.verdict is Verdict.FREE
        ]
        if not free and not assessment.technologies and assessment.verdict is Verdict.FREE:
            free = [Trigger(outcome=Verdict.FREE.value, note=assessment.deal_title)]
    stage = effective_stage(deal, day)
    position = licence_position(deal, restricted + restricted_possible, day)
    ctx = Context(
        assessment=assessment,
        deal=deal,
        stage=stage,
        prohibited=prohibited,
        prohibited_possible=prohibited_possible,
        restricted=restricted,
        restricted_possible=restricted_possible,
        review=[f for f in fs if f.outcome is Verdict.REVIEW],
        dual_use=dual,
        free=free,
        position=position,
        registration=registration_position(deal, list(proc.steps), day, free=bool(free)),
        steps=list(proc.steps),
        day=day,
        dual_use_decision=dual_use_decision,
    )
    ctx.unlawful = unlawful_findings(ctx, _signed_without_letter(ctx) or signed_before_letter_date(ctx))
    return ctx


def _tracks(ctx: Context) -> list[Track]:
    tracks = [Track.SCREEN]
    if ctx.unlawful:
        tracks.append(Track.REMEDIATION)
    if ctx.prohibited or ctx.prohibited_possible:
        tracks.append(Track.PROHIBITED)
    if dual_use_track(ctx):
        tracks.append(Track.DUAL_USE)
    if ctx.restricted or ctx.restricted_possible:
        tracks.append(Track.RESTRICTED)
    if ctx.free:
        tracks.append(Track.FREE)
    return sorted(tracks, key=lambda t: t.rank)


def _alerts(ctx: Context, r: Resolver) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    stage, pos = ctx.stage, ctx.position
    signed = stage in (DealStage.SIGNED, DealStage.PERFORMED)
    if ctx.prohibited:
        items.append(r.alert(AlertKey.MUST_NOT_EXPORT, Track.PROHIBITED, triggers(ctx.prohibited)))
        if signed:
            items.append(
                r.alert(AlertKey.PROHIBITED_ALREADY_SIGNED, Track.PROHIBITED, triggers(ctx.prohibited))
            )
    if ctx.prohibited_possible:
        items.append(
            r.alert(AlertKey.PROHIBITED_UNRESOLVED, Track.PROHIBITED, triggers(ctx.prohibited_possible))
        )
    restricted_all = ctx.restricted + ctx.restricted_possible
    if restricted_all:
        before_letter = pos.milestone.rank < Milestone.LETTER_OF_INTENT.rank
        unlicensed = [f for f in ctx.restricted if not (f.waived or pos.milestone is Milestone.LICENSED)]
        if stage is DealStage.NEGOTIATING and before_letter:
            items.append(r.alert(AlertKey.PAUSE_NEGOTIATION, Track.RESTRICTED, triggers(restricted_all)))
        if stage in (None, DealStage.PLANNING) and before_letter:
            items.append(
                r.alert(AlertKey.NO_NEGOTIATION_BEFORE_LETTER, Track.RESTRICTED, triggers(restricted_all))
            )
        if signed and unlicensed:
            alert = r.alert(AlertKey.CONTRACT_NOT_EFFECTIVE, Track.RESTRICTED, triggers(unlicensed))
            items.append(_with_progress(alert, signed_alert_text(ctx, AlertKey.CONTRACT_NOT_EFFECTIVE)))
        if signed and ctx.restricted and (before_letter or signed_before_letter_date(ctx)):
            alert = r.alert(AlertKey.SIGNED_BEFORE_LETTER, Track.RESTRICTED, triggers(ctx.restricted))
            items.append(_with_progress(alert, signed_alert_text(ctx, AlertKey.SIGNED_BEFORE_LETTER)))
        if stage is DealStage.PERFORMED and unlicensed:
            items.append(r.alert(AlertKey.EXPORTED_WITHOUT_LICENCE, Track.RESTRICTED, triggers(unlicensed)))
        if pos.expired:
            items.append(r.alert(AlertKey.LICENCE_EXPIRED, Track.RESTRICTED, triggers(restricted_all)))
        if pos.letter_expired:
            items.append(
                r.alert(AlertKey.LETTER_OF_INTENT_EXPIRED, Track.RESTRICTED, triggers(restricted_all))
            )
    if ctx.dual_use and ctx.dual_use_decision is None:  # "may apply" until the exporter decides
        items.append(r.alert(AlertKey.DUAL_USE_TRACK, Track.DUAL_USE, ctx.dual_use))
    if ctx.free and restricted_all:
        items.append(r.alert(AlertKey.MIXED_FREE_AND_RESTRICTED, Track.FREE, ctx.free))
    if ctx.free and ctx.registration.overdue:
        alert = r.alert(AlertKey.REGISTRATION_OVERDUE, Track.FREE, ctx.free)
        items.append(_with_progress(alert, registration_text(ctx)))
    if stage is None and (ctx.prohibited or restricted_all or ctx.free or ctx.dual_use):
        items.append(r.alert(AlertKey.STAGE_UNKNOWN, Track.SCREEN, []))
    rank = {key.value: i for i, key in enumerate(ALERT_ORDER)}
    return sorted(items, key=lambda it: (it.status is not ItemStatus.WARNING, rank[it.id]))


def _with_progress(item: ChecklistItem, progress: BiText | None) -> ChecklistItem:
    return item if progress is None else item.model_copy(update={"progress": progress})


def _step_triggers(ctx: Context, step: Step) -> list[Trigger]:
    if step.track is Track.REMEDIATION:
        return triggers(ctx.unlawful)
    if step.track is Track.PROHIBITED:
        return triggers(ctx.prohibited + ctx.prohibited_possible)
    if step.track is Track.RESTRICTED:
        return triggers(ctx.restricted + ctx.restricted_possible)
    if step.track is Track.DUAL_USE:  # the whole note is on the alert; repeated per step it buried the list
        return [t for t in ctx.dual_use if t.note is None] or ctx.dual_use
    if step.track is Track.FREE:
        return ctx.free
    if step.when is Condition.CLASSIFICATION_UNCERTAIN:
        return triggers(ctx.review)
    return []


def _progress_text(ctx: Context, step: Step) -> BiText | None:
    if step.id == SCREEN_DUAL_USE:
        return dual_use_progress(ctx, step)
    if step.track is Track.REMEDIATION:
        first = min(s.order for s in _track_steps(ctx, Track.REMEDIATION))
        return remediation_progress(ctx) if step.order == first else None
    if step.id == RESTRICTED_NEGOTIATE_SIGN and _signed_without_letter(ctx):
        return join([p for p in (restricted_progress(ctx, step), SIGNED_BEFORE_LETTER_NOTE) if p is not None])
    if step.track is Track.SCREEN and step.id in _SCREEN_ANSWERS:
        return _SCREEN_ANSWERS[step.id](ctx.deal)
    if step.track is Track.FREE:
        return FREE_PROGRESS[step.id](ctx) if step.id in FREE_PROGRESS else None
    if step.id == RESTRICTED_LICENCE_ISSUED:
        effect = licence_effect_text(ctx)
        if effect is not None:
            return join([p for p in (restricted_progress(ctx, step), effect) if p is not None])
    return restricted_progress(ctx, step)


RESTRICTED_NEGOTIATE_SIGN = "restricted.negotiate_sign"
SIGNED_BEFORE_LETTER_NOTE = BiText(
    en="the contract was signed before any letter of intent (see the remediation track); whether it must be "
    "negotiated and signed again once the letter of intent is issued: check current rules",
    zh="合同在取得技术出口许可意向书之前即已签订（见补救事项）；取得意向书后是否须重新谈判、签订：请核对现行规定",
)


def _signed_without_letter(ctx: Context) -> bool:
    return (
        ctx.stage in (DealStage.SIGNED, DealStage.PERFORMED)
        and bool(ctx.restricted)
        and ctx.position.milestone.rank < Milestone.LETTER_OF_INTENT.rank
    )


def _step_status(ctx: Context, step: Step) -> ItemStatus | None:
    """Status from progress alone; None means pending (the caller picks next / todo)."""
    if step.id == SCREEN_DUAL_USE or step.track is Track.DUAL_USE:
        dual = dual_use_status(ctx, step)
        if dual is not None or step.id == SCREEN_DUAL_USE:
            return dual
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
        free = free_status(ctx, step)
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


def _track_steps(ctx: Context, track: Track) -> list[Step]:
    return [s for s in ctx.steps if s.track is track]


def _applies(ctx: Context, step: Step) -> tuple[bool, BiText | None]:
    if step.when is Condition.DUAL_USE_ITEM:
        return dual_use_applies(ctx, step)
    if step.when in (Condition.PERFORMED, Condition.NOT_PERFORMED):
        return remediation_applies(ctx, step.when), None
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


def _pick_next(pending: list[tuple[int, Track]], prohibited: bool) -> int | None:
    """Exactly one next duty: stopping an unlawful transfer comes before anything else, then, for a decided
    prohibited finding, taking the technology out of the deal (no screen changes that); otherwise the
    first pending step in track order (screens, prohibited, dual-use, restricted, free)."""
    for first in (Track.REMEDIATION, Track.PROHIBITED) if prohibited else (Track.REMEDIATION,):
        for index, track in pending:
            if track is first:
                return index
    return pending[0][0] if pending else None


def _steps(ctx: Context, r: Resolver, tracks: list[Track]) -> list[ChecklistItem]:
    rows: list[tuple[Step, ItemStatus | None, BiText | None]] = []
    for track in tracks:
        for step in sorted(_track_steps(ctx, track), key=lambda s: s.order):
            applies, condition = _applies(ctx, step)
            if applies:
                rows.append((step, _step_status(ctx, step), condition))
    pending = [(i, step.track) for i, (step, status, _) in enumerate(rows) if status is None]
    next_index = _pick_next(pending, bool(ctx.prohibited))
    items: list[ChecklistItem] = []
    for i, (step, status, condition) in enumerate(rows):
        if status is None:
            status = ItemStatus.NEXT if i == next_index else ItemStatus.TODO
        deadline, days, unit = r.deadline(step)
        deadline_date = None
        if step.track is Track.FREE and step.id in (FREE_REGISTER, FREE_ROYALTY):
            deadline, days, unit, deadline_date = registration_deadline(ctx, r, step, (deadline, days, unit))
        items.append(
            ChecklistItem(
                id=step.id,
                kind="step",
                track=step.track,
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
                exposures=r.exposures(step.exposures),
                notes=r.fact(step.notes, step.confidence),
            )
        )
    return items


def _next_duty(items: list[ChecklistItem]) -> ChecklistItem | None:
    """The NEXT step; with none (everything done, or only conditional steps left), the first warning."""
    for status in (ItemStatus.NEXT, ItemStatus.WARNING):
        for it in items:
            if it.status is status and (it.kind == "step" or status is ItemStatus.WARNING):
                return it
    return None


def build_checklist(
    assessment: Assessment,
    deal: Deal,
    procedure: Procedure,
    today: dt.date,
    dual_use_decision: bool | None = None,
) -> Checklist:
    """The licensing checklist for `deal` as assessed, with statuses as of `today` (the reference date).

    `dual_use_decision` is the exporter's answer to DUR art. 14(4) (is the technology a dual-use item?);
    None until it is made, which keeps the dual-use track at "may apply"."""
    ctx = _context(assessment, deal, procedure, today, dual_use_decision)
    resolver = Resolver(procedure, today)
    tracks = _tracks(ctx)
    items = _alerts(ctx, resolver) + _steps(ctx, resolver, tracks)
    next_item = _next_duty(items)
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
            ctx.position.problems + ctx.registration.problems + contract_problems(deal, today),
            key=lambda p: (p.code, p.text.en),
        ),
        next_duty=next_item.title if next_item else None,
        next_id=next_item.id if next_item else None,
        items=items,
        notice=procedure.notice,
    )
