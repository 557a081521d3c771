"""The dual-use export-control track: measures (MOFCOM announcements), their technology items and their
status over time, plus what the engine returns when a technology matches one.

A second regime beside the catalogue: the Export Control Law (出口管制法) and the Dual-Use Items Export
Control Regulations put items under licence by announcement, each item with a control code (1E902.a),
and announcements are later suspended for fixed periods. Every legal fact carries a Provenance exactly as
in the catalogue; every time-bounded fact (a suspension) carries its own dates and source, so that its
status is computed for the assessment date and never stated as current in prose.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from .catalogue import MatchingAids, Parameter
from .common import Provenance, Strict, Text

# Control codes of the dual-use list: digit category, letter group, three digits, optional dotted suffixes.
ControlCode = Annotated[str, StringConstraints(pattern=r"^\d[A-E]\d{3}(\.[a-z0-9]+)*$")]
MeasureId = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{1,3}$")]


class MeasureStatus(StrEnum):
    """A measure's status on one day, computed from its dates and status changes."""

    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    NOT_YET_IN_FORCE = "not_yet_in_force"
    UNCONFIRMED = (
        "unconfirmed"  # a dated status has lapsed (or a date is unknown) and no later source says more
    )


class ChangeKind(StrEnum):
    SUSPENDED = "suspended"  # the measure is not applied from `start` to `end` (inclusive)
    IN_FORCE = "in_force"  # a later source confirms the measure applies again from `start`


class LegalText(Strict):
    """A sentence of a measure, with where it is seen and how faithfully."""

    text: Text
    provenance: Provenance


class StatusChange(Strict):
    """A dated change of a measure's status made by another instrument (e.g. a suspension)."""

    kind: ChangeKind
    by: Text = Field(description="The instrument making the change, e.g. 商务部 海关总署公告2025年第70号.")
    issued: dt.date = Field(description="When that instrument was issued.")
    start: dt.date = Field(description="First day the change applies.")
    end: dt.date | None = Field(
        default=None,
        description="Last day it applies (inclusive), when the instrument gives one. After it, with no later "
        "change recorded, the status is 'unconfirmed'.",
    )
    wording: Text | None = Field(default=None, description="The instrument's own words for the period.")
    provenance: Provenance
    note: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> StatusChange:
        if self.start < self.issued:
            raise ValueError(f"start {self.start} is before the instrument was issued ({self.issued})")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class DualUseItem(Strict):
    """A technology item (E group) of a measure, e.g. 1E902.a."""

    control_code: ControlCode | None = Field(
        default=None, description="Control code as printed; null when no source held prints one."
    )
    code_provenance: Provenance | None = None
    text: Text = Field(description="The item's wording (zh legal, en unofficial).")
    provenance: Provenance
    parameters: list[Parameter] = Field(
        default_factory=list, description="Numeric thresholds the controlled item must meet; all must hold."
    )
    aids: MatchingAids = Field(default_factory=MatchingAids)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _code_has_source(self) -> DualUseItem:
        if self.control_code is not None and self.code_provenance is None:
            raise ValueError("control_code given without code_provenance")
        return self

    @property
    def label(self) -> str:
        return self.control_code or "(control code not sourced)"


class Measure(Strict):
    """One announcement that puts items under dual-use export control. File name = id (e.g. 2025-62)."""

    id: MeasureId = Field(description="Year and announcement number, e.g. 2025-62.")
    instrument: Text = Field(description="Issuers and number, e.g. 商务部公告2025年第62号.")
    title: Text
    provenance: Provenance = Field(description="Provenance of the instrument's number and title.")
    issued: dt.date
    effective: dt.date | None = Field(
        default=None, description="First day in force; null when no source held gives it."
    )
    effective_provenance: Provenance | None = None
    effective_wording: Text | None = None
    status_changes: list[StatusChange] = Field(default_factory=list)
    items: list[DualUseItem] = Field(default_factory=list, description="Technology items encoded.")
    items_complete: bool = Field(
        default=False, description="True only when every technology item of the measure is encoded."
    )
    end_use: list[LegalText] = Field(
        default_factory=list, description="The measure's own wording on end users and end uses (catch-all)."
    )
    scope: list[LegalText] = Field(
        default_factory=list, description="The measure's definitions: what 'export' and 'technology' cover."
    )
    gaps: list[str] = Field(default_factory=list, description="What of this measure is not encoded, and why.")
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.effective is not None:
            if self.effective < self.issued:
                raise ValueError(f"effective {self.effective} is before issued {self.issued}")
            if self.effective_provenance is None:
                raise ValueError("effective given without effective_provenance")
        changes = sorted(self.status_changes, key=lambda c: c.start)
        for change in changes:
            if change.issued < self.issued:
                raise ValueError(
                    f"a status change issued {change.issued} predates the measure ({self.issued})"
                )
        for before, after in pairwise(changes):
            if before.end is None or before.end >= after.start:
                raise ValueError(f"status changes overlap: {before.start}..{before.end} and {after.start}")
        codes = [i.control_code for i in self.items if i.control_code]
        if len(codes) != len(set(codes)):
            raise ValueError(f"duplicate control codes: {codes}")
        return self


class GapStatus(StrEnum):
    NOT_RESEARCHED = "not_researched"  # no source for its technology items has been found or read
    NO_TECHNOLOGY_ITEM_SEEN = "no_technology_item_seen"  # sources show goods only; technology items unknown


class Gap(Strict):
    """A dual-use measure known to exist whose technology items are not encoded."""

    instrument: str = Field(description="e.g. 商务部 海关总署公告2023年第23号 (gallium, germanium).")
    subject: str
    issued: dt.date | None = None
    status: GapStatus
    provenance: Provenance | None = None
    note: str | None = None


class Gaps(Strict):
    gaps: list[Gap]
