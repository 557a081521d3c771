"""Templates and questions for people writing deal files by hand (`exportcheck init`).

Every field that decides the verdict or the next duty is asked for or taken from an option; nothing is
silently defaulted. A fact still unknown is written as a `TODO:` placeholder value, which `assess` refuses
(models/deal.py), so an unedited template can never come out `review` or `free`; channel, forms and stage,
optional in the model as in a hand-written deal, are left empty under a `# TODO:` comment, so the template
still validates against `exportcheck schema`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from .countries import ISO_3166_ALPHA2
from .models.deal import INIT_PLACEHOLDER as PLACEHOLDER
from .models.deal import Channel, Form, Stage


def iso_country(value: str) -> str:
    """The ISO 3166-1 alpha-2 code, upper-cased; ValueError for anything else (a company name, `XX`)."""
    code = value.strip().upper()
    if code not in ISO_3166_ALPHA2:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. CN, US, DE, NO)")
    return code


def choice(values: type[Channel] | type[Stage]) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip().lower()
        if text not in {v.value for v in values}:
            raise ValueError(f"{value!r} is not one of {' | '.join(v.value for v in values)}")
        return text

    return check


def forms(value: str) -> str:
    """A comma-separated list of transfer forms, checked and normalised (`a, b`)."""
    items = [v.strip().lower() for v in value.replace("，", ",").split(",") if v.strip()]
    known = {f.value for f in Form}
    bad = [v for v in items if v not in known]
    if bad or not items:
        raise ValueError(f"{', '.join(bad) or 'nothing'}: give one or more of {' | '.join(sorted(known))}")
    return ", ".join(dict.fromkeys(items))


def iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from None


def text(value: str) -> str:
    if not value.strip():
        raise ValueError("cannot be empty")
    if value.strip().startswith(PLACEHOLDER):
        raise ValueError(f"write the real value, not a {PLACEHOLDER} placeholder")
    return value.strip()


@dataclass(frozen=True)
class Question:
    key: str  # the key in `values` (the init option's name)
    ask: str
    check: Callable[[str], str]  # raises ValueError: the prompt asks again
    default: Callable[[], str | None] = lambda: None


# In the order a person fills a form in; every field that decides the verdict or the next duty.
QUESTIONS = (
    Question("title", "Deal title (what is transferred, to whom)", text),
    Question(
        "date",
        "Deal date, YYYY-MM-DD (when negotiated or contracted: picks the catalogue version in force)",
        iso_date,
        lambda: dt.date.today().isoformat(),
    ),
    Question("exporter", "Exporter (legal name)", text),
    Question("exporter_country", "Exporter country (ISO code)", iso_country, lambda: "CN"),
    Question("recipient", "Recipient (legal name)", text),
    Question("recipient_country", "Recipient country (ISO code, e.g. US, DE, SG)", iso_country),
    Question("channel", "Channel: trade | investment | cooperation", choice(Channel)),
    Question("forms", "Forms, comma-separated: " + " | ".join(f.value for f in Form), forms),
    Question("stage", "Stage: planning | negotiating | signed | performed", choice(Stage)),
    Question("technology", "Technology name", text),
    Question(
        "description",
        "What does the recipient receive, and what does the technology do? (source code, designs, know-how)",
        text,
    ),
)


def check_given(values: dict[str, str | None]) -> list[str]:
    """Normalise the values given as options in place; one message per invalid one (`--key: why`)."""
    problems = []
    for q in QUESTIONS:
        given = values.get(q.key)
        if given is None:
            continue
        try:
            values[q.key] = q.check(given)
        except ValueError as exc:
            problems.append(f"--{q.key.replace('_', '-')}: {exc}")
    return problems


def missing(values: dict[str, str | None]) -> list[str]:
    """The questions still without an answer: written as placeholders, to be filled in by hand."""
    return [q.key for q in QUESTIONS if not values.get(q.key)]


def _q(value: str | None, placeholder: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), or the TODO placeholder."""
    return json.dumps(value if value else f"{PLACEHOLDER} {placeholder}", ensure_ascii=False)


def _enum(value: str | None, options: str) -> str:
    # optional in the model, as in a hand-written deal: left empty (schema-valid) with a TODO comment
    return f"{value}    # {options}" if value else f"null    # {PLACEHOLDER} {options}"


def deal_template(values: dict[str, str | None], date: dt.date | None) -> str:
    day = (date.isoformat() if date else None) or values.get("date")
    forms_given = values.get("forms")
    form_list = f"[{forms_given}]" if forms_given else f"[]    # {PLACEHOLDER} one or more of"
    return f"""# exportcheck deal file. Check it with: exportcheck assess <this file>
# Replace every "TODO: ..." value: `assess` refuses the file until then. Fill in what a
# `# TODO:` comment marks too: channel, forms and stage decide the licensing checklist's next duty.
# Editor completion: exportcheck schema > deal.schema.json, then keep the next line
# yaml-language-server: $schema=deal.schema.json
title: {_q(values.get("title"), "what the deal is")}
date: {day or _q(None, "YYYY-MM-DD")}    # when negotiated or contracted: picks the catalogue version in force
exporter:
  name: {_q(values.get("exporter"), "exporter's legal name")}
  country: {_q(values.get("exporter_country"), "ISO code, e.g. CN")}    # ISO 3166 alpha-2
recipient:
  name: {_q(values.get("recipient"), "recipient's legal name")}
  country: {_q(values.get("recipient_country"), "ISO code, e.g. US")}
channel: {_enum(values.get("channel"), "trade | investment | cooperation")}
forms: {form_list}
  # patent_assignment | patent_application_assignment | patent_licence | know_how_transfer | technical_service | other
stage: {_enum(values.get("stage"), "planning | negotiating | signed | performed")}
technologies:
  - name: {_q(values.get("technology"), "technology name")}
    description: {_q(values.get("description"), "what the recipient receives and what it does")}
      # Say what the recipient receives (source code, designs, know-how, services) and what the technology
      # does. A thin description gives 'review', never 'free'.
    keywords: []
    parameters: {{}}    # e.g. {{"compaction density at 220 MPa": "2.62 g/cm3"}}
# contract:          # once signed: dates drive the registration deadline (60 days after effect)
#   signed: 2026-01-20
#   effective: 2026-01-20
#   payment: lump_sum    # lump_sum | royalty | mixed
#   registration_number: "..."
#   registration_date: 2026-02-10
# licences:          # record licence progress here once you apply
#   - application_date: 2026-01-10
#     letter_of_intent_number: ...
#     licence_number: ...
#     licence_issued: 2026-03-01
"""
