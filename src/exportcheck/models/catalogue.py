"""The catalogue: versions, entries, control points, typed parameters and matching aids.

Legal text (names, control points, parameters) always carries a Provenance. Matching aids are
authored by exportcheck and live under their own `aids` key, never mixed with legal text.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from .common import Provenance, Strict, Text

CatalogueCode = Annotated[str, StringConstraints(pattern=r"^\d{6}[JX]$")]
EntryId = Annotated[str, StringConstraints(pattern=r"^M\d{1,3}$")]
VersionId = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]


class Part(StrEnum):
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"

    @property
    def suffix(self) -> str:
        return "J" if self is Part.PROHIBITED else "X"


class Comparator(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"

    def holds(self, value: float, threshold: float) -> bool:
        return {
            Comparator.GE: value >= threshold,
            Comparator.GT: value > threshold,
            Comparator.LE: value <= threshold,
            Comparator.LT: value < threshold,
        }[self]


class PresenceStatus(StrEnum):
    """Whether the entry is known to be part of this version."""

    EVIDENCED = "evidenced"  # a source for this version shows it
    INFERRED = (
        "inferred"  # follows from sources by stated reasoning (e.g. not among a complete deletion list)
    )
    UNCONFIRMED = "unconfirmed"  # fate in this version unknown: a match gives `review`


class MatchingAids(Strict):
    """Terms authored by exportcheck to recognise a control point or entry. Not legal text."""

    terms: list[str] = Field(
        default_factory=list,
        description="Distinctive phrases (zh or en); one occurring in a technology's text is a `match`. "
        "'A & B' requires all parts to occur. English words match by stem (recommend ~ recommender).",
    )
    related: list[str] = Field(
        default_factory=list,
        description="Weaker phrases; on their own they give only a `possible` match.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Phrases that take a technology outside the point (near miss with a reason).",
    )
    needs: list[str] = Field(
        default_factory=list,
        description="Entry level: what every decisive match on the entry also needs somewhere in the "
        "technology's own text, affirmatively (e.g. '@software_system' for points that are software); "
        "without it a match is only `possible` ('personalised recommendations' in a consultant's report).",
    )
    exclude_unless: list[str] = Field(
        default_factory=list,
        description="Phrases showing the technology goes beyond the exclusion (e.g. parent breeds beside "
        "F1 hybrids); when one occurs too, the exclusion does not apply.",
    )
    note: str | None = Field(default=None, description="Why these terms; author's reasoning.")


class ParameterAids(Strict):
    """Names a deal may use for a parameter. Authored by exportcheck; not legal text."""

    aliases: list[str] = Field(default_factory=list, description="Parameter names users may write.")


class Parameter(Strict):
    """A numeric technical parameter of a control point, e.g. '>= 2.58 g/cm3 at 220 MPa'."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Stable slug, e.g. compaction_density_220mpa.")
    name: Text = Field(description="What is measured.")
    comparator: Comparator = Field(description="How the technology's value is compared with the threshold.")
    value: float = Field(description="Threshold.")
    unit: str = Field(description="Canonical unit: g/cm3, mAh/g, %, V, MPa, ppb ...")
    condition: str | None = Field(default=None, description="Measuring condition, e.g. 'at 220 MPa'.")
    provenance: Provenance
    aids: ParameterAids = Field(default_factory=ParameterAids)

    def describe(self) -> str:
        cond = f" {self.condition}" if self.condition else ""
        unit = "" if self.unit in ("%",) else " "
        return f"{self.name.best()}{cond} {self.comparator.value} {self.value:g}{unit}{self.unit}"

    def describe_zh(self) -> str | None:
        """The same in Chinese, from the parameter's Chinese name; None when no source gives one. A test
        condition keeps its numbers and units ("at 220 MPa" -> （220 MPa下）); any other stays as written."""
        if not self.name.zh:
            return None
        cond = self.condition or ""
        if cond.startswith("at "):
            cond = f"（{cond[3:]}下）"
        elif cond:  # no source gives the condition in Chinese: quoted as the English source has it
            cond = f"（条件：英文来源原文“{cond}”）"
        unit = "" if self.unit in ("%",) else " "
        return f"{self.name.zh}{cond} {self.comparator.value} {self.value:g}{unit}{self.unit}"


class PointHistory(Strict):
    """Which catalogue version first holds a control point, and which one removed it."""

    added_in: str | None = Field(default=None, description="Version id whose instrument added the point.")
    removed_in: str | None = Field(default=None, description="Version id whose instrument removed it.")
    provenance: Provenance


class ControlPoint(Strict):
    """A numbered control point (控制要点) of an entry."""

    number: str = Field(pattern=r"^\d+$", description="The point's number as printed in this version.")
    text: Text = Field(description="Wording of the point (zh legal, en unofficial).")
    sub_points: list[Text] = Field(default_factory=list, description="Listed sub-items, if any.")
    parameters: list[Parameter] = Field(
        default_factory=list, description="Numeric thresholds; all must hold (同时满足)."
    )
    conditions: list[Text] = Field(
        default_factory=list,
        description="Non-numeric conditions that exportcheck does not evaluate (e.g. a chemical formula).",
    )
    provenance: Provenance
    history: PointHistory | None = Field(
        default=None,
        description="When the point entered (and left) the text, where a source says so: a point added by a "
        "later adjustment never makes a deal under an earlier version 'review'.",
    )
    notes: list[str] = Field(default_factory=list)
    aids: MatchingAids = Field(default_factory=MatchingAids)


class CodeAlias(Strict):
    """Another code the same entry carries in another version or source."""

    code: CatalogueCode
    context: str = Field(description="Where this code is printed, e.g. '2023 catalogue (No. 57)'.")
    provenance: Provenance


class Presence(Strict):
    status: PresenceStatus
    provenance: Provenance | None = None
    note: str | None = None


class Entry(Strict):
    """One catalogue entry (技术条目) as it stands in one version."""

    id: EntryId = Field(description="exportcheck's stable ID (row of the reference master table).")
    part: Part = Field(description="prohibited (code ends J) or restricted (code ends X).")
    part_confirmed: bool = Field(
        default=True, description="False when sources do not settle prohibited vs restricted."
    )
    code: CatalogueCode | None = Field(default=None, description="Code in this version, when known.")
    code_provenance: Provenance | None = None
    other_codes: list[CodeAlias] = Field(default_factory=list)
    serial: int | None = Field(default=None, description="Serial number (序号) within its part.")
    industry: Text | None = None
    name: Text
    provenance: Provenance = Field(description="Provenance of the entry's name.")
    presence: Presence
    control_points: list[ControlPoint] = Field(default_factory=list)
    control_points_complete: bool = Field(
        default=False, description="True only when every control point of this version is encoded."
    )
    notes: list[str] = Field(default_factory=list)
    aids: MatchingAids = Field(
        default_factory=MatchingAids, description="Entry-level aids (match without a control point)."
    )
    dual_use_hint: str | None = Field(
        default=None, description="Why this entry may also fall under dual-use export control."
    )

    @field_validator("code")
    @classmethod
    def _code_matches_part(cls, code: str | None, info: ValidationInfo) -> str | None:
        part = info.data.get("part")
        if code is not None and isinstance(part, Part) and not code.endswith(part.suffix):
            raise ValueError(
                f"code {code} ends in {code[-1]} but part is {part.value} (expected suffix {part.suffix})"
            )
        return code

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if self.code is not None and self.code_provenance is None:
            raise ValueError("code given without code_provenance")
        numbers = [cp.number for cp in self.control_points]
        if len(numbers) != len(set(numbers)):
            raise ValueError(f"duplicate control point numbers: {numbers}")
        return self

    @property
    def all_codes(self) -> list[str]:
        codes = [self.code] if self.code else []
        return codes + [a.code for a in self.other_codes if a.code not in codes]


class Counts(Strict):
    total: int = Field(ge=0)
    prohibited: int = Field(ge=0)
    restricted: int = Field(ge=0)
    provenance: Provenance

    @model_validator(mode="after")
    def _adds_up(self) -> Counts:
        if self.prohibited + self.restricted != self.total:
            raise ValueError(f"{self.prohibited} + {self.restricted} != {self.total}")
        return self


class VersionStatus(StrEnum):
    LAW = "law"
    DRAFT = "draft"


class CarryPolicy(StrEnum):
    CONFIRMED = "confirmed"  # the amending instrument's change list is complete
    UNCONFIRMED = "unconfirmed"  # unnamed changes exist: carried entries are flagged


class Deletion(Strict):
    id: EntryId
    code: CatalogueCode | None = None
    name: Text
    provenance: Provenance


class UndoneChange(Strict):
    """One change of the later instrument that a version derived backwards from it takes back."""

    id: EntryId = Field(description="The entry the change concerns (an ID the later version holds).")
    note: str | None = Field(default=None, description="Why, in the author's words.")
    provenance: Provenance = Field(description="The source that names the change.")
    aids: MatchingAids | None = Field(
        default=None,
        description="exportcheck's entry-level matching aids (not legal text) for this version, in place of "
        "the later version's: the subject of points the older text held but no source gives (M12 in 2008).",
    )


class Undo(Strict):
    """What a version derived backwards (`derived_from`) takes back from the later text it is read from.

    Only changes a source names belong here; the later text's unnamed changes are why carried entries are
    never more than `inferred` in the derived version."""

    added: list[UndoneChange] = Field(
        default_factory=list, description="Entries the later instrument added: absent from this version."
    )
    modified: list[UndoneChange] = Field(
        default_factory=list,
        description="Entries the later instrument modified: carried with the later content and flagged "
        "unconfirmed, since this version's wording is not known (a match gives `review`).",
    )
    uncertain: list[UndoneChange] = Field(
        default_factory=list,
        description="Entries no source places in this version (they may be unidentified later additions): "
        "carried and flagged unconfirmed.",
    )


class CatalogueVersion(Strict):
    """One version of the catalogue and the instrument that made it."""

    id: VersionId
    title: Text
    instrument: Text = Field(description="Instrument and number, e.g. 商务部 科技部公告2020年第38号.")
    issuers: list[Text]
    status: VersionStatus = VersionStatus.LAW
    published: dt.date
    effective: dt.date
    supersedes: str | None = Field(default=None, description="What this version replaced.")
    official_counts: Counts
    amends: VersionId | None = Field(
        default=None, description="Version whose entries carry over unless deleted or re-listed here."
    )
    carry: CarryPolicy = Field(
        default=CarryPolicy.UNCONFIRMED,
        description="How carried entries are flagged: 'confirmed' only when the change list is complete.",
    )
    deleted: list[Deletion] = Field(default_factory=list, description="Entries this version removes.")
    derived_from: VersionId | None = Field(
        default=None,
        description="Later version this one is read backwards from (no source reproduces this version's "
        "own text): its entries carry back, less what `undo` takes back and less control points whose "
        "history says that version added them. Entries the later version deleted are listed here.",
    )
    undo: Undo = Field(default_factory=Undo, description="The later instrument's named changes, taken back.")
    notice: Text | None = Field(default=None, description="Sentence of the instrument worth printing.")
    sources: list[str] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_base(self) -> CatalogueVersion:
        if self.amends and self.derived_from:
            raise ValueError(
                "a version either amends an earlier one or is derived from a later one, not both"
            )
        if (self.undo.added or self.undo.modified or self.undo.uncertain) and not self.derived_from:
            raise ValueError("undo needs derived_from: the version whose changes it takes back")
        return self


class Source(Strict):
    title: str
    urls: list[str] = Field(default_factory=list)
    kind: str = Field(pattern=r"^(official|repost|translation|commentary|press|draft|law)$")
    note: str | None = None
