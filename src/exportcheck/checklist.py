"""Findings → the ordered licensing checklist, each item citing its article. Pure and deterministic.

`build_checklist` takes the engine's Assessment, the deal (for its stage, state-secret answer and licence
records), the procedure data and the reference date; it never reads the clock or prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .engine.licences import covers
from .models.assessment import Assessment, Finding, Verdict
from .models.catalogue import Part
from .models.deal import Deal, LicenceRecord
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
    steps: list[Step]


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
        stage=deal.stage,
        prohibited=prohibited,
        prohibited_possible=prohibited_possible,
        restricted=restricted,
        restricted_possible=restricted_possible,
        review=[f for f in fs if f.outcome is Verdict.REVIEW],
        dual_use=dual,
        free=free,
        position=licence_position(deal, restricted + restricted_possible, day),
        steps=list(proc.steps),
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
            items.append(r.alert(AlertKey.CONTRACT_NOT_EFFECTIVE, Track.RESTRICTED, _triggers(unlicensed)))
        if signed and ctx.restricted and before_letter:
            items.append(r.alert(AlertKey.SIGNED_BEFORE_LETTER, Track.RESTRICTED, _triggers(ctx.restricted)))
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
    if stage is None and (ctx.prohibited or restricted_all or ctx.free or ctx.dual_use):
        items.append(r.alert(AlertKey.STAGE_UNKNOWN, Track.SCREEN, []))
    rank = {key.value: i for i, key in enumerate(ALERT_ORDER)}
    return sorted(items, key=lambda it: (it.status is not ItemStatus.WARNING, rank[it.id]))


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
    pos = ctx.position
    if step.track is Track.SCREEN and step.id in _SCREEN_ANSWERS:
        return _SCREEN_ANSWERS[step.id](ctx.deal)
    if (
        step.track is Track.FREE
        and step.id == "free.register"
        and ctx.stage
        in (
            DealStage.SIGNED,
            DealStage.PERFORMED,
        )
    ):
        return BiText(
            en="the deal is signed; the deal file does not record registration — make sure it is done in time",
            zh="交易已签约；交易文件未记载登记情况——请确认已按期办理技术出口合同登记",
        )
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
    if not parts:
        return None
    return BiText(en="; ".join(p.en for p in parts), zh="；".join(p.zh for p in parts))


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
    if requires_met and ctx.stage is not None and ctx.stage.value in {s.value for s in prog.done_at_stages}:
        return ItemStatus.DONE
    if not requires_met:
        return ItemStatus.BLOCKED
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
    if step.when is Condition.ALWAYS:
        return True, None
    return True, CONDITION_TEXT[step.when]


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
        problems=sorted(ctx.position.problems, key=lambda p: (p.code, p.text.en)),
        items=items,
        notice=procedure.notice,
    )
