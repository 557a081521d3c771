"""The deal file: a planned technology transfer, as users write it in YAML."""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import StrEnum

from pydantic import ConfigDict, Field, field_validator, model_validator

from ..countries import ISO_3166_ALPHA2
from .common import Strict


class Channel(StrEnum):
    """How the technology moves (技术进出口管理条例 art. 2)."""

    TRADE = "trade"
    INVESTMENT = "investment"
    COOPERATION = "cooperation"


class Form(StrEnum):
    """Forms of technology transfer (技术进出口管理条例 art. 2(2))."""

    PATENT_ASSIGNMENT = "patent_assignment"
    PATENT_APPLICATION_ASSIGNMENT = "patent_application_assignment"
    PATENT_LICENCE = "patent_licence"
    KNOW_HOW_TRANSFER = "know_how_transfer"
    TECHNICAL_SERVICE = "technical_service"
    OTHER = "other"


class Stage(StrEnum):
    PLANNING = "planning"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    PERFORMED = "performed"


_COMPANY_SUFFIXES = [
    "LTD",
    "LLC",
    "INC",
    "GMBH",
    "AG",
    "SA",
    "S.A",
    "BV",
    "NV",
    "PLC",
    "LLP",
    "KK",
    "PTE",
    "SARL",
    "SPA",
    "AB",
    "AS",
    "ASA",
    "OY",
    "KFT",
    "JSC",
    "LP",
    "CO",
]


def _any_case(word: str) -> str:
    """`Ltd` -> `[Ll][Tt][Dd]`: JSON Schema patterns (ECMA-262) take no case-insensitive flag."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


# One pattern for the loader and the published schema, so that an editor validating with
# `exportcheck schema` accepts exactly the unquoted names the loader repairs, and nothing more.
NAME_PART_PATTERN = "^(?:" + "|".join(_any_case(w) for w in _COMPANY_SUFFIXES) + r")$|\.$"


def is_name_part(key: object, value: object) -> bool:
    """A bare key left by YAML splitting a flow-style name at its comma (`Ltd.`, `GmbH`)."""
    # '\n' excluded: Python's `$` also matches before a final newline, ECMA-262's does not.
    return (
        isinstance(key, str) and value is None and "\n" not in key and bool(re.search(NAME_PART_PATTERN, key))
    )


class Party(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "patternProperties": {
                NAME_PART_PATTERN: {
                    "type": "null",
                    "description": "Unquoted `{name: Example Co., Ltd., country: CN}` splits at the comma "
                    "in YAML; exportcheck joins such a bare company-name part back onto `name`. "
                    'Better: quote the name, `name: "Example Co., Ltd."`.',
                }
            }
        }
    )

    name: str = Field(min_length=1, max_length=500, description="Legal name of the party.")
    country: str = Field(
        description="ISO 3166-1 alpha-2 code, e.g. CN, US, NO. Quote it or not: NO stays Norway here."
    )

    @model_validator(mode="before")
    @classmethod
    def _rejoin_flow_name(cls, data: object) -> object:
        """`{name: Example Co., Ltd., country: CN}` splits at the comma in YAML flow style, leaving
        `Ltd.` as a key without a value; join every such bare key that looks like a company-name part
        (ends in '.', or is Ltd/LLC/GmbH...) back onto the name, in file order, so a misspelt key still
        fails. The published schema admits exactly these keys (`NAME_PART_PATTERN`)."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        parts = [str(k) for k, v in data.items() if k != "name" and is_name_part(k, v)]
        rest = {k: v for k, v in data.items() if k != "name" and not is_name_part(k, v)}
        return {"name": ", ".join([data["name"], *parts]), **rest}

    @field_validator("country", mode="before")
    @classmethod
    def _iso(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError(
                f"got the boolean {value}; a YAML 1.1 tool turned a country code (NO? ON? Y?) into a boolean — quote it"
            )
        if not isinstance(value, str):
            raise ValueError(f"must be a two-letter ISO 3166 code, got {type(value).__name__} {value!r}")
        code = value.strip().upper()
        if code not in ISO_3166_ALPHA2:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. CN, US, DE, NO)")
        return code


ParameterValue = str | int | float


class Technology(Strict):
    """One technology the deal transfers; describe what the recipient actually receives."""

    name: str = Field(min_length=1, max_length=500, description="Short name of the technology.")
    description: str | None = Field(
        default=None,
        max_length=50_000,
        description="What is transferred: source code, know-how, designs, services... English or Chinese.",
    )
    keywords: list[str] = Field(default_factory=list, max_length=200, description="Optional extra terms.")
    parameters: dict[str, ParameterValue] = Field(
        default_factory=dict,
        description="Technical parameters by free-form name, values with units, e.g. "
        "{'compaction density at 220 MPa': '2.62 g/cm3'}.",
    )

    @field_validator("keywords")
    @classmethod
    def _keywords_are_text(cls, value: list[str]) -> list[str]:
        return [k for k in value if k.strip()]

    @field_validator("parameters", mode="before")
    @classmethod
    def _plain_params(cls, value: object) -> object:
        if isinstance(value, dict):
            for key, item in value.items():
                bad = isinstance(item, bool) or item is None or isinstance(item, list | dict)
                if bad or (isinstance(item, float) and not math.isfinite(item)):
                    raise ValueError(f"parameter {key!r} needs a number with its unit, e.g. '2.62 g/cm3'")
        return value


def _no_number_dates(value: object) -> object:
    """YAML gives dates as dates or strings; a number (1752537600) is not a date, whatever pydantic allows."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"not a date: {value!r}; write it as YYYY-MM-DD, e.g. 2021-01-30")
    return value


class LicenceRecord(Strict):
    """Progress of a restricted-technology licence, as recorded by the exporter."""

    technologies: list[str] = Field(
        default_factory=list,
        description="Names of the deal's technologies this record covers; empty = all of them.",
    )
    entries: list[str] = Field(
        default_factory=list, description="Catalogue codes the licence covers, e.g. 086501X; empty = any."
    )
    application_date: dt.date | None = Field(default=None, description="When the 申请书 was filed.")
    authority: str | None = Field(
        default=None, description="e.g. 北京市商务局 (Beijing Municipal Commerce Bureau)."
    )
    letter_of_intent_number: str | None = Field(default=None, description="技术出口许可意向书 number.")
    letter_of_intent_date: dt.date | None = None
    letter_of_intent_expiry: dt.date | None = None
    licence_number: str | None = Field(default=None, description="技术出口许可证 number.")
    licence_issued: dt.date | None = None
    licence_expiry: dt.date | None = None

    _dates = field_validator(
        "application_date",
        "letter_of_intent_date",
        "letter_of_intent_expiry",
        "licence_issued",
        "licence_expiry",
        mode="before",
    )(_no_number_dates)

    @model_validator(mode="after")
    def _ordered(self) -> LicenceRecord:
        if self.licence_number and not self.licence_issued:
            raise ValueError("licence_number given without licence_issued (the date the licence was issued)")
        if self.licence_issued and self.licence_expiry and self.licence_expiry < self.licence_issued:
            raise ValueError("licence_expiry is before licence_issued")
        return self


class Payment(StrEnum):
    """How the contract pays for the technology; royalty contracts register on their own clock (登记管理办法
    arts. 6–7)."""

    LUMP_SUM = "lump_sum"
    ROYALTY = "royalty"
    MIXED = "mixed"


def _quoted_number(value: object) -> object:
    """An unquoted certificate number is read by YAML as a number (leading zeros lost); ask for quotes."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"got the number {value!r}; write the certificate number in quotes, e.g. '{value}'")
    return value


class ContractRecord(Strict):
    """The technology export contract and its registration, as recorded by the exporter."""

    signed: dt.date | None = Field(default=None, description="The date both parties signed the contract.")
    effective: dt.date | None = Field(
        default=None,
        description="The date the contract took (or takes) effect. Free technology: when lawfully formed, "
        "usually on signing (Regs art. 36); restricted technology: the licence date (Regs art. 35).",
    )
    payment: Payment | None = Field(
        default=None,
        description="lump_sum | royalty (提成) | mixed. Royalty contracts register within 60 days of the "
        "first royalty base amount, not of the contract's effect (登记管理办法 art. 7).",
    )
    registration_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Number of the 技术出口合同登记证 (contract registration certificate); quote it.",
    )
    registration_date: dt.date | None = Field(
        default=None, description="The date the contract was registered (the date on the certificate)."
    )
    first_royalty_base_date: dt.date | None = Field(
        default=None,
        description="When the first royalty base amount (首次提成基准金额) arose; starts the 60 days for "
        "royalty and mixed contracts.",
    )

    _dates = field_validator(
        "signed", "effective", "registration_date", "first_royalty_base_date", mode="before"
    )(_no_number_dates)
    _number = field_validator("registration_number", mode="before")(_quoted_number)


# compiled (and kept by `re`) when a ruling is first read, not at every start
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


class Decision(StrEnum):
    """Counsel's decision on one finding."""

    NOT_APPLICABLE = "not_applicable"  # the finding does not apply: it no longer fails the gate
    APPLIES = "applies"  # counsel confirms it: a possible match becomes a decided one


class Ruling(Strict):
    """Counsel's decision on one finding, pinned to the technology's text as it stood when ruled: when the
    text changes the fingerprint no longer matches and the ruling clears nothing (`exportcheck rule` writes
    one with the fingerprint computed)."""

    technology: str = Field(
        min_length=1, max_length=500, description="Name of the deal's technology ruled on."
    )
    entry: str = Field(
        min_length=1,
        max_length=20,
        pattern=r"^\s*(?:[0-9]{6}[JXjx]|[Mm][0-9]{1,3})\s*$",
        description="Catalogue code (e.g. 086501X) or entry ID (e.g. M12) of the finding.",
    )
    control_point: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,4}$",
        description="The finding's control point number; omit to rule on every finding of the entry.",
    )
    decision: Decision = Field(description="not_applicable (the finding does not apply) | applies.")
    by: str = Field(min_length=1, max_length=500, description="Who decided (counsel's name).")
    date: dt.date = Field(description="When the decision was made.")
    reason: str = Field(min_length=1, max_length=10_000, description="Why; required, shown with the finding.")
    expires: dt.date | None = Field(default=None, description="After this day the ruling clears nothing.")
    fingerprint: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="sha256 of the technology's normalised name, description, keywords and parameters "
        "when ruled; `exportcheck rule` computes it.",
    )

    _dates = field_validator("date", "expires", mode="before")(_no_number_dates)

    @field_validator("technology", "by", "reason")
    @classmethod
    def _no_controls(cls, value: str) -> str:
        """A ruling is printed beside its finding in every format: terminal escapes have no place in it."""
        if re.search(_CONTROLS, value):
            raise ValueError("contains control characters (terminal escapes); write plain text")
        return value

    @field_validator("control_point", mode="before")
    @classmethod
    def _point_as_text(cls, value: object) -> object:
        """`control_point: 21` reads as a number in YAML; the number is what is meant."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Ruling:
        if self.expires and self.expires < self.date:
            raise ValueError("expires is before date")
        return self


# What `exportcheck init` writes where it was not told a value. A file still holding one in a field init
# writes is refused: an unedited template assessed as `review` or `free` would be a verdict on a deal
# nobody described. (`notes:` and rulings may say TODO freely.)
INIT_PLACEHOLDER = "TODO:"


def _placeholders(data: object, path: str = "") -> list[str]:
    """Key paths of string values that still begin with the init placeholder, in file order."""
    if isinstance(data, str):
        return [path or "(top)"] if data.lstrip().startswith(INIT_PLACEHOLDER) else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    return [hit for k, v in items for hit in _placeholders(v, f"{path}.{k}" if path else str(k))]


class Deal(Strict):
    """A planned technology transfer out of mainland China."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_init_template(cls, data: object) -> object:
        written = ("title", "date", "exporter", "recipient", "channel", "forms", "stage", "technologies")
        left = _placeholders({k: data[k] for k in written if k in data}) if isinstance(data, dict) else []
        if left:
            shown = ", ".join(left[:6]) + (f" and {len(left) - 6} more" if len(left) > 6 else "")
            raise ValueError(
                f"an unedited `exportcheck init` template: replace the {INIT_PLACEHOLDER} placeholders "
                f"({shown}) with the deal's facts"
            )
        return data

    title: str = Field(min_length=1, max_length=500, description="What the deal is.")
    date: dt.date | None = Field(
        default=None,
        description="When the transfer is negotiated or contracted; picks the catalogue version.",
    )
    exporter: Party | None = Field(default=None, description="The party transferring the technology.")
    recipient: Party | None = Field(default=None, description="The party receiving it.")
    channel: Channel | None = Field(default=None, description="trade | investment | cooperation.")
    forms: list[Form] = Field(default_factory=list, description="Forms of transfer (art. 2(2)).")
    stage: Stage | None = Field(default=None, description="planning | negotiating | signed | performed.")
    state_secret: bool | None = Field(
        default=None, description="Whether the technology is a state secret (needs a confidentiality review)."
    )
    technologies: list[Technology] = Field(min_length=1, description="What is transferred; at least one.")

    _date = field_validator("date", mode="before")(_no_number_dates)
    licences: list[LicenceRecord] = Field(default_factory=list, description="Licence progress, if any.")
    rulings: list[Ruling] = Field(
        default_factory=list, max_length=10_000, description="Counsel's rulings on findings, if any."
    )
    contract: ContractRecord | None = Field(
        default=None, description="The contract's dates, payment method and registration, if known."
    )
    notes: str | None = Field(default=None, max_length=50_000)
