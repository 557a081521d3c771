"""What the engine returns: verdict, findings with evidence, near misses and coverage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from .catalogue import Part, PresenceStatus
from .common import Fidelity, Text
from .dual_use import MeasureStatus
from .record import AuditRecord

if TYPE_CHECKING:  # procedure.py imports this module
    from ..errors import Problem
    from .procedure import DealDeadline

FORMAT_VERSION = 1


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Verdict(StrEnum):
    PROHIBITED = "prohibited"
    LICENCE_REQUIRED = "licence_required"
    REVIEW = "review"
    FREE = "free"
    NOT_EXPORT = "not_export"

    @property
    def rank(self) -> int:
        return VERDICT_RANK[self]


# Severity order used for the overall verdict and for --fail-on thresholds.
VERDICT_RANK = {
    Verdict.NOT_EXPORT: 0,
    Verdict.FREE: 1,
    Verdict.REVIEW: 2,
    Verdict.LICENCE_REQUIRED: 3,
    Verdict.PROHIBITED: 4,
}


def reaches(verdict: Verdict, fail_on: str) -> bool:
    """Whether a verdict is at or above a --fail-on threshold ('none' never is)."""
    return fail_on != "none" and verdict.rank >= Verdict(fail_on).rank


class Strength(StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"


class TermOrigin(StrEnum):
    LEGAL_TEXT = "legal_text"  # the entry's or point's own Chinese wording, as a source gives it
    LEGAL_TEXT_SHORTENED = "legal_text_shortened"  # that wording without a generic tail (…技术)
    BACK_TRANSLATION = "back_translation"  # Chinese that exportcheck rendered from an English/Japanese source
    EXPORTCHECK_AID = "exportcheck_aid"  # a matching aid authored by exportcheck

    @property
    def label(self) -> str:
        return {
            TermOrigin.LEGAL_TEXT: "legal text",
            TermOrigin.LEGAL_TEXT_SHORTENED: "legal text, shortened",
            TermOrigin.BACK_TRANSLATION: "exportcheck back-translation",
            TermOrigin.EXPORTCHECK_AID: "exportcheck aid",
        }[self]


class Evidence(Out):
    technology: int = Field(description="Index of the technology in the deal (0-based).")
    field: str = Field(description="Which field matched: name, description, keywords, parameters.")
    line: int | None = Field(default=None, description="Line of that field in the deal file.")
    deal_text: str = Field(description="The deal's words that matched, as written.")
    term: str = Field(description="The catalogue term or aid that fired.")
    origin: TermOrigin
    kind: str = Field(description="term | related | name")
    concept: str | None = Field(
        default=None,
        description="The concept group these words belong to, when the term is made of concepts.",
    )
    disguise: tuple[str, ...] = Field(
        default=(),
        description="What had to be undone to read the words (invisible characters, look-alike letters, "
        "bidi overrides, spaced-out Chinese, hyphen-broken words): a sign the text was disguised.",
    )
    negation: str | None = Field(
        default=None, description="'unclear' when the words stand under a negation whose scope is unclear."
    )


class ParameterCheck(Out):
    parameter: str
    requirement: str = Field(description="e.g. 'compaction density at 220 MPa >= 2.58 g/cm3'.")
    requirement_zh: str | None = Field(
        default=None,
        description="The requirement with the parameter's Chinese name, when a source gives one.",
    )
    given: str | None = Field(default=None, description="The deal's value as written; null when missing.")
    holds: bool | None = Field(description="True/False when evaluated; null when the value is missing.")
    note: str | None = None


class LicenceCheck(Out):
    status: str = Field(
        description="covered | incomplete (issued, but no licence_expiry recorded: waives nothing) | expired | "
        "letter_of_intent_only | applied | missing"
    )
    licence_number: str | None = None
    detail: str


class RulingOutcome(Out):
    """What became of one ruling recorded in the deal: applied, or why it clears nothing."""

    index: int = Field(description="Position of the ruling in the deal's `rulings:` list (0-based).")
    line: int | None = Field(default=None, description="Line of the ruling in the deal file.")
    technology: str
    entry: str
    control_point: str | None
    decision: str = Field(description="not_applicable | applies")
    by: str
    date: str
    reason: str
    expires: str | None
    status: str = Field(
        description="applied | stale (the technology's text changed since the ruling) | expired | "
        "not_yet_valid (dated after the reference day) | unused (names no finding the deal has)"
    )
    detail: str = Field(description="What the ruling did, or why it did nothing.")
    findings: list[str] = Field(
        default_factory=list, description="The findings it applied to, as 'technology: code CPn'."
    )


class RulingApplied(Out):
    """The ruling applied to a finding, shown beside it."""

    decision: str = Field(description="not_applicable | applies")
    by: str
    date: str
    reason: str
    expires: str | None = None
    ruling: int = Field(description="Index of the ruling in the deal's `rulings:` list.")


class Finding(Out):
    regime: str = Field(
        default="catalogue", description="catalogue; dual-use findings are in dual_use_findings."
    )
    code: str | None
    entry_id: str
    all_codes: list[str] = Field(
        default_factory=list, description="Every code the entry carries (this version's and other versions')."
    )
    name: Text
    part: Part
    part_confirmed: bool
    control_point: str | None = Field(
        description="The point's number, null when the entry matched as a whole."
    )
    control_point_text: Text | None = None
    strength: Strength
    outcome: Verdict = Field(description="What this finding alone calls for.")
    reasons: list[str] = Field(
        default_factory=list, description="Why the strength and outcome are what they are."
    )
    technology: int
    technology_name: str
    evidence: list[Evidence]
    parameters: list[ParameterCheck] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list, description="What the user must supply to decide.")
    unevaluated: list[str] = Field(
        default_factory=list, description="Conditions exportcheck did not evaluate."
    )
    fidelity: Fidelity = Field(description="Fidelity of the matched legal wording.")
    sources: list[str]
    presence: PresenceStatus
    dual_use_hint: str | None = None
    licence: LicenceCheck | None = Field(
        default=None, description="For restricted findings: whether a licence recorded in the deal covers it."
    )
    waived: bool = Field(default=False, description="True when a valid recorded licence covers the finding.")
    ruling: RulingApplied | None = Field(
        default=None, description="Counsel's valid ruling on this finding, if any; shown beside it."
    )
    cleared: bool = Field(
        default=False,
        description="True when a valid `not_applicable` ruling clears the finding for the gate; the "
        "finding itself is still reported.",
    )
    outcome_before_ruling: Verdict | None = Field(
        default=None,
        description="With an `applies` ruling that decided a possible match: the outcome before it "
        "(`outcome` is then what the entry's part calls for).",
    )


class NearMiss(Out):
    entry_id: str
    code: str | None
    name: Text
    control_point: str | None
    technology: int
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


class HandCheck(Out):
    """An entry exportcheck could not fully check: check the technology by hand against the official text."""

    entry_id: str
    code: str | None
    name: Text
    near_by: list[str] = Field(description="Why it is listed: the industry heading or name words in common.")


class TechnologyResult(Out):
    index: int
    name: str
    line: int | None
    verdict: Verdict
    reasons: list[str] = Field(default_factory=list)
    check_by_hand: list[HandCheck] = Field(
        default_factory=list,
        description="For a technology without findings: entries of the version whose control points are "
        "not all encoded and whose subject is near it; check by hand against the official text.",
    )


class CoverageOut(Out):
    official_entries: int
    official_prohibited: int
    official_restricted: int
    encoded_entries: int
    encoded_prohibited: int
    encoded_restricted: int
    unconfirmed_entries: int
    encoded_control_points: int
    complete: bool


class CatalogueRef(Out):
    version: str
    instrument: Text
    effective: str
    superseded: str | None
    selected_by: str = Field(description="deal_date | as_of | pinned | today")
    selection_date: str | None
    reason: str
    sha256: str
    coverage: CoverageOut
    overlay: str | None = Field(
        default=None,
        description="The organisation's imported official text laid over the shipped data: name, "
        "version and sha256 (catalogue import).",
    )


class MeasureCheck(Out):
    """A dual-use measure the engine checked, and its status on the assessment date."""

    measure: str
    instrument: str
    status: MeasureStatus
    reason: str = Field(description="The dates and instruments that decide the status.")
    items: int = Field(description="Technology items encoded for it.")


class DualUseCheck(Out):
    date: str = Field(description="The assessment date the statuses are computed for.")
    measures: list[MeasureCheck]
    gaps: list[str] = Field(description="Measures and items known but not encoded.")


class DualUseFinding(Out):
    """A technology that matched a dual-use technology item (beside the catalogue's findings)."""

    regime: str = "dual_use"
    measure: str
    instrument: str
    control_code: str | None = Field(description="Control code as printed; null when no source gives it.")
    item_text: Text
    status: MeasureStatus = Field(description="The measure's status on the assessment date.")
    status_reason: str
    strength: Strength
    outcome: Verdict = Field(description="What this finding alone calls for on the assessment date.")
    reasons: list[str] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list, description="What counsel must answer.")
    technology: int
    technology_name: str
    evidence: list[Evidence] = Field(default_factory=list)
    parameters: list[ParameterCheck] = Field(default_factory=list)
    fidelity: Fidelity = Field(description="Fidelity of the item's wording.")
    sources: list[str]
    end_use: list[str] = Field(
        default_factory=list, description="The measure's own end-use wording, if given."
    )


class Assessment(Out):
    format_version: int = FORMAT_VERSION
    tool_version: str
    deal_file: str
    deal_title: str
    verdict: Verdict = Field(description="The legal classification of the transfer.")
    gate_verdict: Verdict | None = Field(
        default=None,
        description="The verdict after licences recorded in the deal are applied; what --fail-on compares. "
        "Equal to `verdict` unless a valid licence covers every restricted finding.",
    )
    verdict_reasons: list[str]
    catalogue: CatalogueRef
    technologies: list[TechnologyResult]
    findings: list[Finding]
    near_misses: list[NearMiss] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    disguised: list[str] = Field(
        default_factory=list,
        description="Warnings: findings whose words matched only after undoing a disguise (invisible "
        "characters, look-alike letters, bidi overrides, spaced-out Chinese, hyphen-broken words).",
    )
    dual_use: list[str] = Field(default_factory=list)
    dual_use_findings: list[DualUseFinding] = Field(
        default_factory=list, description="Findings of the dual-use export-control regime (regime: dual_use)."
    )
    dual_use_checked: DualUseCheck | None = Field(
        default=None, description="Which dual-use measures were checked, their status that day, and gaps."
    )
    next_duty: str = Field(description="The duty that follows from the verdict, in one sentence.")
    rulings: list[RulingOutcome] = Field(
        default_factory=list, description="Every ruling recorded in the deal and what became of it."
    )
    not_fully_encoded: list[str] = Field(
        default_factory=list,
        description="When a technology has no findings: every entry of the version whose control points "
        "are not all encoded ('code-or-ID name'), none of which exportcheck could fully check.",
    )
    record: AuditRecord | None = Field(
        default=None, description="What this assessment was made from, for the audit trail."
    )


@dataclass(frozen=True)
class FileResult:
    """One deal file of a scan: its assessment, or the problems that kept it from being assessed.

    Made by the runner, read by the scan formats: here among the models so that a formatter needs only
    models, never the runner."""

    file: str
    assessment: Assessment | None
    problems: list[Problem]
    deadlines: tuple[DealDeadline, ...] = ()  # dated duties from the deal's records, for the gate
