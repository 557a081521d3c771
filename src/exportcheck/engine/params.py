"""Evaluate a control point's numeric thresholds against the values a deal gives."""

from __future__ import annotations

import re

from ..models.assessment import ParameterCheck
from ..models.catalogue import Parameter
from ..models.deal import ParameterValue
from ..normalize import normalise_term

_VALUE = re.compile(
    r"^\s*(?:[<>≥≤]=?|about|approx\.?|约|~)?\s*(-?\d+(?:[.,]\d+)?)\s*(.*?)\s*$", re.IGNORECASE
)

# Spelling of a unit -> canonical unit used in the catalogue.
_UNITS = {
    "g/cm3": "g/cm3",
    "g/cm^3": "g/cm3",
    "g/cc": "g/cm3",
    "g/ml": "g/cm3",
    "g·cm-3": "g/cm3",
    "g/cm³": "g/cm3",
    "mah/g": "mAh/g",
    "mah·g-1": "mAh/g",
    "mahg-1": "mAh/g",
    "%": "%",
    "percent": "%",
    "pct": "%",
    "v": "V",
    "volt": "V",
    "volts": "V",
    "mpa": "MPa",
    "ppb": "ppb",
    "ppm": "ppm",
}


def canonical_unit(unit: str) -> str | None:
    key = unit.strip().lower().replace(" ", "").replace("³", "3")
    return _UNITS.get(key)


def _names(param: Parameter) -> set[str]:
    raw = [param.name.zh, param.name.en, param.id.replace("_", " "), *param.aids.aliases]
    return {normalise_term(n) for n in raw if n}


def find_value(param: Parameter, given: dict[str, ParameterValue]) -> tuple[str, ParameterValue] | None:
    """The deal parameter that names this threshold: exact name first, then containment."""
    names = _names(param)
    normalised = sorted((normalise_term(k), k) for k in given)
    for norm, key in normalised:
        if norm in names:
            return key, given[key]
    for norm, key in normalised:
        if len(norm) >= 4 and any(len(n) >= 4 and (n in norm or norm in n) for n in names):
            return key, given[key]
    return None


def check(param: Parameter, given: dict[str, ParameterValue]) -> ParameterCheck:
    requirement = param.describe()
    found = find_value(param, given)
    if found is None:
        return ParameterCheck(
            parameter=param.id,
            requirement=requirement,
            given=None,
            holds=None,
            note=f"value not given; add it under parameters, e.g. '{param.name.best()}'",
        )
    key, raw = found
    text = f"{raw}"
    if isinstance(raw, int | float):
        number, unit_text = float(raw), ""
    else:
        m = _VALUE.match(raw)
        if not m:
            return ParameterCheck(
                parameter=param.id,
                requirement=requirement,
                given=f"{key}: {text}",
                holds=None,
                note="could not read a number; write it as '2.62 g/cm3'",
            )
        number, unit_text = float(m.group(1).replace(",", ".")), m.group(2)
    note = None
    if unit_text:
        unit = canonical_unit(unit_text)
        if unit is None or unit != param.unit:
            return ParameterCheck(
                parameter=param.id,
                requirement=requirement,
                given=f"{key}: {text}",
                holds=None,
                note=f"unit {unit_text!r} not comparable with {param.unit}; give the value in {param.unit}",
            )
    else:
        note = f"no unit given; read as {param.unit}"
    holds = param.comparator.holds(number, param.value)
    return ParameterCheck(
        parameter=param.id, requirement=requirement, given=f"{key}: {text}", holds=holds, note=note
    )
