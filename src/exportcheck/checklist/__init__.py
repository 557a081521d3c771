"""Findings → the ordered licensing checklist, each item citing its article. Pure and deterministic.

One module per track, so a reader finds a duty where its track lives: `restricted` (licence), `free`
(registration), `dual_use`, `remediation` (a signed or performed transfer that lacked its licence); `build`
assembles them and picks the one next duty; `deadlines` turns the deal's records into dated duties for the
gate and `exportcheck due`. The builder takes the engine's Assessment, the deal, the procedure data and the
reference date; it never reads the clock or prints.
"""

from __future__ import annotations

from .build import build_checklist
from .common import article_label, effective_stage, last_day, signed_on, zh_number
from .restricted import licence_position

__all__ = [
    "article_label",
    "build_checklist",
    "effective_stage",
    "last_day",
    "licence_position",
    "signed_on",
    "zh_number",
]
