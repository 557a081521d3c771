"""The audit record every assessment carries: what it was made from, so it can be reproduced and trusted."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

RECORD_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class RecordItem(_Out):
    """A ruling or licence, and whether it was applied or rejected."""

    subject: str = Field(description="'rulings[0]: technology: code CPn' or 'technology: code CPn'.")
    status: str = Field(
        description="For rulings: applied | stale | expired | not_yet_valid | unused; for "
        "licences: covered | incomplete | expired | letter_of_intent_only | applied | missing."
    )
    detail: str


class AuditRecord(_Out):
    """Inputs and data behind one assessment, each by sha256, and the day the law was taken at."""

    record_version: int = RECORD_VERSION
    tool_version: str
    catalogue_sha256: str
    catalogue_overlay_sha256: str | None = Field(
        default=None, description="sha256 of a catalogue overlay, when one was used."
    )
    procedure_sha256: str | None = Field(
        default=None, description="sha256 of the licensing procedure data the checklist uses."
    )
    input_sha256: str | None = Field(default=None, description="sha256 of the deal file's bytes as read.")
    catalogue_version: str
    law_date: str | None = Field(description="The date the law was taken at; null when a version was pinned.")
    law_selected_by: str = Field(description="deal_date | as_of | pinned | today")
    law_reason: str
    reference_day: str = Field(description="The day licences and rulings were checked against.")
    rulings_ignored: bool = Field(default=False, description="True with --no-rulings.")
    rulings: list[RecordItem] = Field(default_factory=list)
    licences: list[RecordItem] = Field(default_factory=list)
