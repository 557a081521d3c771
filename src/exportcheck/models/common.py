"""Shared vocabulary: provenance, fidelity and bilingual wording."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base for every model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Fidelity(StrEnum):
    """How faithful a piece of wording is to the official text."""

    OFFICIAL = "official"
    OFFICIAL_TRANSLATION = "official_translation"
    SECONDARY = "secondary"
    INFERRED = "inferred"

    @property
    def label(self) -> str:
        return FIDELITY_LABELS[self]


FIDELITY_LABELS = {
    Fidelity.OFFICIAL: "official wording",
    Fidelity.OFFICIAL_TRANSLATION: "official wording seen only in translation or a Traditional-Chinese repost",
    Fidelity.SECONDARY: "secondary summary (press, law firm); not the official wording",
    Fidelity.INFERRED: "exportcheck inference; no source gives this wording",
}


class SeenAs(StrEnum):
    """In which script or language the cited source shows the wording."""

    ZH = "zh"
    ZH_TRADITIONAL = "zh_traditional"
    EN = "en"
    JA = "ja"


class Provenance(Strict):
    """Where a fact comes from and how faithful it is."""

    sources: list[str] = Field(
        min_length=1, description="Keys of catalogue/sources.yaml that support this fact."
    )
    fidelity: Fidelity = Field(description="How faithful the wording is to the official text.")
    seen_as: SeenAs = Field(
        default=SeenAs.ZH,
        description="Script or language the source shows. When 'en' or 'ja', any Chinese given is a "
        "back-translation by exportcheck, not official wording.",
    )
    note: str | None = Field(default=None, description="Caveats: conflicts, truncation, reasoning.")

    @property
    def zh_is_back_translation(self) -> bool:
        return self.seen_as in (SeenAs.EN, SeenAs.JA)


class Text(Strict):
    """A bilingual rendering. Chinese is the legal language; English is always unofficial."""

    zh: str | None = Field(default=None, description="Chinese wording (Simplified).")
    en: str | None = Field(default=None, description="English rendering; never official.")

    def best(self, lang: str = "en") -> str:
        if lang == "zh":
            return self.zh or self.en or ""
        return self.en or self.zh or ""
