"""The licensing procedure as data (catalogue/procedure/procedure.yaml) and the checklist built from it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator

from .assessment import CoverageOut
from .common import Strict, Text
from .deal import Stage  # the procedure file names the deal's own stages

CHECKLIST_FORMAT_VERSION = 1

KEY_PATTERN = r"^[a-z][a-z0-9_.-]*$"
ARTICLE_PATTERN = r"^\d{1,3}(-\d)?(\(\d{1,2}\))?$"


class Track(StrEnum):
    """Which route a step belongs to; `screen` holds the checks every deal goes through."""

    SCREEN = "screen"
    # a signed or performed transfer that lacked its licence (or could have none): what to do now
    REMEDIATION = "remediation"
    PROHIBITED = "prohibited"
    DUAL_USE = "dual_use"
    RESTRICTED = "restricted"
    FREE = "free"

    @property
    def rank(self) -> int:
        return list(Track).index(self)


class Confidence(StrEnum):
    """How sure exportcheck is of a statement: `unverified` ones are never printed as facts."""

    VERIFIED = "verified"  # wording seen in the cited source
    PARAPHRASE = "paraphrase"  # a source paraphrases it; the wording itself was not seen
    INFERRED = "inferred"  # exportcheck's reading of the sources
    UNVERIFIED = "unverified"  # print "check current rules" instead


class DeadlineUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Milestone(StrEnum):
    """Progress of a restricted-technology licence, read from the deal's `licences:` records."""

    NONE = "none"
    APPLIED = "applied"  # the 申请书 was filed (application_date)
    LETTER_OF_INTENT = "letter_of_intent"  # 技术出口许可意向书 received
    LICENSED = "licensed"  # 技术出口许可证 issued and not expired

    @property
    def rank(self) -> int:
        return list(Milestone).index(self)


class Gate(StrEnum):
    """Acts of the deal that a step must come before."""

    SUBSTANTIVE_NEGOTIATION = "substantive_negotiation"
    CONTRACT_SIGNING = "contract_signing"
    CONTRACT_EFFECT = "contract_effect"
    EXPORT = "export"


class Condition(StrEnum):
    """When a step applies."""

    ALWAYS = "always"
    STATE_SECRET = "state_secret"  # the deal's state_secret is true (or not yet answered)
    CLASSIFICATION_UNCERTAIN = "classification_uncertain"  # a finding needs review
    ROYALTY_PAYMENT = "royalty_payment"  # royalties (提成) are the payment method (or not yet answered)
    MAIN_TERMS_CHANGE = "main_terms_change"  # the contract's main terms change
    TERMINATION = "termination"  # the contract ends
    PERFORMED = "performed"  # remediation: the contract was performed (technology may have left)
    NOT_PERFORMED = "not_performed"  # remediation: signed, nothing transferred yet
    DUAL_USE_ITEM = (
        "dual_use_item"  # the exporter decided the technology is a dual-use item ("may apply" until)
    )


class AlertKey(StrEnum):
    """Stage-aware warnings the checklist puts on top; procedure.yaml must word every one."""

    MUST_NOT_EXPORT = "must_not_export"
    PROHIBITED_UNRESOLVED = "prohibited_unresolved"
    PROHIBITED_ALREADY_SIGNED = "prohibited_already_signed"
    PAUSE_NEGOTIATION = "pause_negotiation"
    NO_NEGOTIATION_BEFORE_LETTER = "no_negotiation_before_letter"
    CONTRACT_NOT_EFFECTIVE = "contract_not_effective"
    SIGNED_BEFORE_LETTER = "signed_before_letter"
    EXPORTED_WITHOUT_LICENCE = "exported_without_licence"
    LICENCE_EXPIRED = "licence_expired"
    LETTER_OF_INTENT_EXPIRED = "letter_of_intent_expired"
    REGISTRATION_OVERDUE = "registration_overdue"
    DUAL_USE_TRACK = "dual_use_track"
    MIXED_FREE_AND_RESTRICTED = "mixed_free_and_restricted"
    STAGE_UNKNOWN = "stage_unknown"


class Severity(StrEnum):
    WARNING = "warning"
    INFO = "info"


class BiText(Strict):
    """Wording in both languages; Chinese uses the statutory terms, English is unofficial."""

    en: str = Field(min_length=1, description="English rendering (unofficial).")
    zh: str = Field(min_length=1, description="Chinese wording, with the statutory terms.")

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Instrument(Strict):
    """A law, regulation or rule the procedure cites."""

    title: BiText = Field(description="Full title, e.g. 《中华人民共和国技术进出口管理条例》.")
    short: BiText = Field(description="Short name used in citations, e.g. 《技术进出口管理条例》.")
    in_force_from: dt.date | None = Field(default=None, description="First day in force, if it matters.")
    in_force_until: dt.date | None = Field(default=None, description="Last day in force, if it matters.")
    sources: list[str] = Field(min_length=1, description="Keys of `sources:` holding the text.")
    note: str | None = Field(default=None, description="Caveats about the text used.")

    def in_force(self, day: dt.date) -> bool:
        if self.in_force_from and day < self.in_force_from:
            return False
        return not (self.in_force_until and day > self.in_force_until)


class ProcedureSource(Strict):
    """Where the text of an instrument or a statement was seen."""

    title: str = Field(min_length=1, description="What the source is.")
    kind: str = Field(
        pattern=r"^(law|official|repost|translation|commentary|press)$",
        description="law | official | repost | translation | commentary | press.",
    )
    repo: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="GitHub owner/name."
    )
    path: str | None = Field(default=None, description="Path of the file inside `repo`.")
    commit: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{40}$", description="Commit of `repo` at which `path` was read."
    )
    urls: list[str] = Field(default_factory=list, description="Web addresses.")
    note: str | None = None

    @model_validator(mode="after")
    def _located(self) -> ProcedureSource:
        if not self.urls and not (self.repo and self.path):
            raise ValueError("give `urls`, or `repo` and `path`")
        if (self.repo or self.commit) and not self.path:
            raise ValueError("`repo`/`commit` need `path`")
        return self


class Basis(Strict):
    """One legal basis: instrument + article, with the article's words where they were seen."""

    instrument: str = Field(pattern=KEY_PATTERN, description="Key of `instruments:`.")
    article: str = Field(
        pattern=ARTICLE_PATTERN, description="Article, optionally with paragraph: '33', '32(1)', '219-1'."
    )
    quote: str | None = Field(
        default=None, description="The article's Chinese text, only when seen verbatim in the source."
    )


class Deadline(Strict):
    """A time limit. Numbers only from verified text; otherwise use `deadline_note`."""

    days: int = Field(gt=0, le=3650, description="Number of days.")
    unit: DeadlineUnit = Field(description="working_days | calendar_days.")
    from_: BiText = Field(
        alias="from", description="What starts the clock, as a noun phrase: 'receipt of the application'."
    )
    confidence: Confidence = Field(
        default=Confidence.VERIFIED, description="`unverified` prints 'check current rules' for the number."
    )


class StageGate(Strict):
    """The act of the deal this step must come before."""

    must_precede: Gate = Field(
        description="substantive_negotiation | contract_signing | contract_effect | export."
    )


class Progress(Strict):
    """How the deal's licence records move this step forward (restricted track only)."""

    requires: Milestone | None = Field(
        default=None, description="The step is blocked until this milestone is reached."
    )
    done_when: Milestone | None = Field(default=None, description="The step is done at this milestone.")
    done_at_stages: list[Stage] = Field(
        default_factory=list,
        description="Also done at these deal stages once `requires` is met (e.g. signing).",
    )


class Step(Strict):
    """One thing to do, with who acts, what documents, the deadline, the legal basis and the source."""

    id: str = Field(pattern=KEY_PATTERN, description="Stable key, e.g. restricted.letter_of_intent.")
    order: int = Field(ge=0, description="Position within its track.")
    track: Track
    when: Condition = Field(default=Condition.ALWAYS, description="When the step applies.")
    title: BiText = Field(description="The action, imperative. No unverified numbers here.")
    detail: BiText | None = Field(
        default=None,
        description="What the law says about it; replaced by 'check current rules' if unverified.",
    )
    actor: BiText = Field(description="Who acts.")
    documents: list[BiText] = Field(default_factory=list, description="Documents to file or obtain.")
    deadline: Deadline | None = Field(description="Time limit, or null with `deadline_note`.")
    deadline_note: BiText | None = Field(
        default=None, description="Why there is no number, or timing advice."
    )
    basis: list[Basis] = Field(min_length=1, description="Legal basis: instrument + article.")
    sources: list[str] = Field(min_length=1, description="Keys of `sources:`.")
    confidence: Confidence
    stage_gate: StageGate | None = Field(default=None, description="The deal act this step must precede.")
    progress: Progress | None = Field(default=None, description="How licence records mark it done.")
    exposures: list[str] = Field(
        default_factory=list, description="Keys of `exposures:` this step weighs (remediation)."
    )
    notes: BiText | None = None

    @model_validator(mode="after")
    def _deadline_or_note(self) -> Step:
        if self.deadline is None and self.deadline_note is None:
            raise ValueError("give `deadline`, or `deadline: null` with `deadline_note`")
        return self


class Exposure(Strict):
    """What a breach costs: penalties with their articles."""

    title: BiText
    text: BiText = Field(description="The penalty, as the article states it.")
    basis: list[Basis] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        if self.in_force_from and day < self.in_force_from:
            return False
        return not (self.in_force_until and day > self.in_force_until)


class Alert(Strict):
    """A stage-aware warning, worded once here and placed by the checklist builder."""

    severity: Severity
    title: BiText
    text: BiText
    basis: list[Basis] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    exposures: list[str] = Field(default_factory=list, description="Keys of `exposures:` to attach.")


class Procedure(Strict):
    """The whole procedure file."""

    procedure_version: int = Field(ge=1, description="Bumped when the meaning of the file changes.")
    title: BiText
    as_of: dt.date = Field(description="Date the procedure was last checked against its sources.")
    notice: BiText = Field(description="Not-legal-advice notice printed with every checklist.")
    check_current_rules: BiText = Field(description="What is printed instead of an unverified fact.")
    instruments: dict[str, Instrument] = Field(min_length=1)
    sources: dict[str, ProcedureSource] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    exposures: dict[str, Exposure] = Field(default_factory=dict)
    alerts: dict[AlertKey, Alert] = Field(description="Every AlertKey must be worded.")


# --- the checklist (output) -------------------------------------------------------------------------


class ItemStatus(StrEnum):
    DONE = "done"
    NEXT = "next"
    TODO = "todo"
    BLOCKED = "blocked"
    WARNING = "warning"


class Citation(Strict):
    """A resolved legal basis, ready to print."""

    instrument: str
    article: str
    label: BiText = Field(description="e.g. 'Technology Import and Export Regulations art. 33'.")
    quote: str | None = None


class Trigger(Strict):
    """What in the assessment called for an item."""

    code: str | None = None
    entry_id: str | None = None
    control_point: str | None = None
    technology: str | None = None
    outcome: str = Field(description="The finding's or technology's verdict.")
    strength: str | None = None
    note: str | None = None

    def label(self, lang: str = "en") -> str:
        zh = lang == "zh"
        parts = [self.code or self.entry_id or ""]
        if self.control_point:
            parts.append(f"控制要点{self.control_point}" if zh else f"CP {self.control_point}")
        text = " ".join(p for p in parts if p)
        if self.technology:
            tech = f"（{self.technology}）" if zh else f" ({self.technology})"
            text = f"{text}{tech}" if text else self.technology
        if self.strength and self.strength != "match":
            text += f"［{'可能命中' if zh else self.strength}］" if zh else f" [{self.strength}]"
        if self.note:
            text = f"{text}: {self.note}" if text else self.note
        return text


class ChecklistExposure(Strict):
    id: str
    title: BiText
    text: BiText
    citations: list[Citation]
    confidence: Confidence


class ChecklistItem(Strict):
    """One line of the checklist, with its wording resolved."""

    id: str = Field(description="Step or alert key.")
    kind: str = Field(description="alert | step")
    track: Track
    status: ItemStatus
    title: BiText
    detail: BiText | None = None
    actor: BiText | None = None
    documents: list[BiText] = Field(default_factory=list)
    deadline: BiText | None = Field(
        default=None, description="Rendered deadline; 'check current rules' if unverified."
    )
    deadline_days: int | None = None
    deadline_unit: DeadlineUnit | None = None
    deadline_date: dt.date | None = Field(
        default=None, description="The last day, where the deal file gives the date that starts the clock."
    )
    condition: BiText | None = Field(default=None, description="When the item applies, if not always.")
    stage_gate: Gate | None = None
    progress: BiText | None = Field(default=None, description="What the deal's records show.")
    citations: list[Citation]
    sources: list[str]
    confidence: Confidence
    triggered_by: list[Trigger] = Field(default_factory=list)
    exposures: list[ChecklistExposure] = Field(default_factory=list)
    notes: BiText | None = None


class ChecklistProblem(Strict):
    """Something wrong in the deal's records, e.g. an expired licence or an overdue registration."""

    code: str
    text: BiText
    licence_number: str | None = None


class Checklist(Strict):
    """The licensing checklist for one deal, ordered: alerts, screens, then each track's steps."""

    format_version: int = CHECKLIST_FORMAT_VERSION
    title: BiText
    deal_title: str
    deal_file: str
    reference_date: dt.date = Field(description="The date statuses were computed for.")
    stage: str | None
    verdict: str
    catalogue_version: str
    catalogue_instrument: Text
    coverage: CoverageOut = Field(description="How much of the official catalogue exportcheck encodes.")
    procedure_version: int
    procedure_as_of: dt.date
    tracks: list[Track]
    problems: list[ChecklistProblem] = Field(default_factory=list)
    next_duty: BiText | None = Field(
        default=None,
        description="The one thing to do next, from the stage and records: the NEXT step's title, else the "
        "first warning's.",
    )
    next_id: str | None = Field(default=None, description="The item `next_duty` comes from.")
    items: list[ChecklistItem]
    notice: BiText


# --- dated duties (the gate's deadline warnings and `exportcheck due`) --------------------------------------


class DeadlineKind(StrEnum):
    """A dated duty the deal's records give."""

    REGISTRATION = "registration"  # last day to register a free-technology contract (RegM arts. 6–7)
    LETTER_OF_INTENT_EXPIRY = "letter_of_intent_expiry"  # validity stated on the 技术出口许可意向书
    LICENCE_EXPIRY = "licence_expiry"  # validity stated on the 技术出口许可证


class DeadlineState(StrEnum):
    """Where a dated duty stands on the reference date."""

    OVERDUE = "overdue"  # the last day has passed (registration not recorded; letter or licence expired)
    DUE_SOON = "due_soon"  # within the warning window
    UPCOMING = "upcoming"  # later than the window

    @property
    def rank(self) -> int:
        return {"upcoming": 0, "due_soon": 1, "overdue": 2}[self.value]


FAIL_ON_DEADLINE = ("overdue", "due-soon", "none")


def deadline_fails(state: DeadlineState, threshold: str) -> bool:
    """Whether a deadline's state reaches a --fail-on-deadline threshold ('none' never does)."""
    if threshold == "none":
        return False
    return state.rank >= (DeadlineState.OVERDUE if threshold == "overdue" else DeadlineState.DUE_SOON).rank


class DealDeadline(Strict):
    """One dated duty of one deal, stated as of the reference date."""

    kind: DeadlineKind
    duty: str = Field(
        description="Stable key of the duty within the deal, e.g. free.register or licence_expiry:TEL-7."
    )
    date: dt.date = Field(description="The last day (registration) or the expiry date (letter, licence).")
    state: DeadlineState
    days_left: int = Field(description="Days from the reference date to `date`; negative once passed.")
    title: BiText = Field(description="What falls due, in both languages.")
    basis: BiText = Field(description="Where the date comes from: the article, or the record.")
    line: int | None = Field(default=None, description="Line of the record in the deal file.")
