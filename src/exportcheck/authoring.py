"""Templates for people writing deal files by hand."""

from __future__ import annotations

import datetime as dt
import json


def _q(value: str | None, placeholder: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), or the placeholder."""
    return json.dumps(value if value else placeholder, ensure_ascii=False)


def deal_template(values: dict[str, str | None], date: dt.date | None) -> str:
    day = (date or dt.date.today()).isoformat()
    channel = values.get("channel") or "trade"
    stage = values.get("stage") or "planning"
    return f"""# exportcheck deal file. Check it with: exportcheck assess <this file>
# Editor completion: exportcheck schema > deal.schema.json, then keep the next line
# yaml-language-server: $schema=deal.schema.json
title: {_q(values.get("title"), "TODO: what the deal is")}
date: {day}    # when negotiated or contracted: picks the catalogue version in force
exporter:
  name: {_q(values.get("exporter"), "TODO: exporter's legal name")}
  country: {_q((values.get("exporter_country") or "CN").upper(), "CN")}    # ISO 3166 alpha-2
recipient:
  name: {_q(values.get("recipient"), "TODO: recipient's legal name")}
  country: {_q((values.get("recipient_country") or "").upper() or None, "US")}
channel: {channel}    # trade | investment | cooperation
forms: [know_how_transfer]
  # patent_assignment | patent_application_assignment | patent_licence | know_how_transfer | technical_service | other
stage: {stage}    # planning | negotiating | signed | performed
technologies:
  - name: {_q(values.get("technology"), "TODO: technology name")}
    description: {_q(values.get("description"), "TODO")}
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
