"""Evaluate a control point's numeric thresholds against the values a deal gives.

A threshold only takes a point out ('does not apply') on an unambiguous reading: a finite number with its
unit, no open bound that could still meet the threshold, and a parameter name that is the threshold's own
(not, say, the density at another pressure). Anything less certain is 'not evaluated' and leads to review.
"""

from __future__ import annotations

import math
import re

from ..models.assessment import ParameterCheck
from ..models.catalogue import Comparator, Parameter
from ..models.deal import ParameterValue
from ..normalize import normalise_term

_VALUE = re.compile(
    r"^\s*(?P<cmp>>=|<=|≥|≤|>|<|approximately|approx\.?|about|around|ca\.|约|大约|~|≈)?\s*"
    r"(?P<num>-?\d+(?:[.,]\d+)*)\s*(?P<unit>.*?)\s*$",
    re.IGNORECASE,
)
_NUMBER_IN_NAME = re.compile(r"\d+(?:\.\d+)?")
APPROX_MARGIN = 0.02  # an approximate value within 2 % of the threshold is not decisive

# Spelling of a unit -> canonical unit used in the catalogue.
_UNITS = {
    "g/cm3": "g/cm3", "g/cm^3": "g/cm3", "g/cc": "g/cm3", "g/ml": "g/cm3", "g·cm-3": "g/cm3", "g/cm³": "g/cm3",
    "mah/g": "mAh/g", "mah·g-1": "mAh/g", "mahg-1": "mAh/g",
    "%": "%", "percent": "%", "pct": "%",
    "v": "V", "volt": "V", "volts": "V",
    "mpa": "MPa", "ppb": "ppb", "ppm": "ppm",
    "wh/kg": "Wh/kg", "wh·kg-1": "Wh/kg", "whkg-1": "Wh/kg",
}  # fmt: skip


def canonical_unit(unit: str) -> str | None:
    key = unit.strip().lower().replace(" ", "").replace("³", "3")
    return _UNITS.get(key)


def _names(param: Parameter) -> set[str]:
    raw = [param.name.zh, param.name.en, param.id.replace("_", " "), *param.aids.aliases]
    return {normalise_term(n) for n in raw if n}


# A temperature in a parameter's name is a test condition of its own, never the threshold's condition.
_TEMPERATURE = re.compile(r"-?\d+(?:\.\d+)?\s*(?:°\s*[CF]|℃|℉|deg\s*C|K\b)", re.IGNORECASE)
# Words that say nothing about which property is meant.
_FILLER = {"at", "of", "the", "in", "under", "and", "for", "with", "a", "c", "mpa", "rate", "valu", "test"}


def _numbers(text: str) -> set[str]:
    return {str(float(n)) for n in _NUMBER_IN_NAME.findall(_TEMPERATURE.sub(" ", text))}


_SAME_WORD = {"1st": "first", "initi": "first", "specif": "gram"}  # stems that name the same property
# Words that only say how a property is measured, never which property it is: the first-cycle, initial or
# first coulombic efficiency are one property; so are the 0.1C, specific or discharge gram capacity. Words
# that tell properties apart (compaction vs tap density, first vs average) are kept.
_HOW_MEASURED = {"coulomb", "cycl", "gram", "discharg", "ice", "fce"}
_HOW_MEASURED_HAN = set("库仑伦放电比克")


def _content_words(norm: str) -> frozenset[str]:
    words = (_SAME_WORD.get(w, w) for w in norm.split() if w.isascii())
    return frozenset(w for w in words if w not in _FILLER and w not in _HOW_MEASURED and not w[:1].isdigit())


def _han(norm: str) -> str:
    return "".join(c for c in norm if not c.isascii() and c.isalpha() and c not in _HOW_MEASURED_HAN)


def find_value(param: Parameter, given: dict[str, ParameterValue]) -> tuple[str, ParameterValue] | None:
    """The deal parameter that names this threshold: exact name first, then containment, then any name
    whose words all occur in the key in any order ("specific capacity, 0.1 C discharge" is the discharge
    capacity at 0.1C); never one whose own numbers (a pressure, a C-rate) differ from the threshold's
    condition. Temperatures in a key are test conditions and are not compared."""
    names = _names(param)
    allowed = _numbers(" ".join([param.condition or "", param.name.en or "", *param.aids.aliases]))
    candidates = sorted((normalise_term(k), k) for k in given if not allowed or _numbers(k) <= allowed)
    for norm, key in candidates:
        if norm in names:
            return key, given[key]
    for norm, key in candidates:
        if len(norm) >= 4 and any(len(n) >= 4 and (n in norm or norm in n) for n in names):
            return key, given[key]
    word_sets = [w for w in (_content_words(n) for n in names) if w]
    han_sets = [set(h) for h in (_han(n) for n in names) if len(set(h)) >= 3]
    for norm, key in candidates:
        words, han = _content_words(norm), set(_han(norm))
        if any(ws <= words for ws in word_sets) or any(hs <= han for hs in han_sets):
            return key, given[key]
    return None


def _number(text: str) -> float | None:
    """'2.62' or '2,62' (decimal comma); '1,610' is ambiguous (1.61 or 1610) and gives None."""
    if "," in text and "." in text:
        return None
    if "," in text:
        head, _, tail = text.partition(",")
        if len(tail) == 3 or "," in tail:
            return None
        text = f"{head}.{tail}"
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _decide(comparator: Comparator, threshold: float, value: float, bound: str | None) -> bool | None:
    if bound in (">", ">=", "≥"):  # the true value is at least `value`
        if comparator in (Comparator.GE, Comparator.GT):
            return True if comparator.holds(value, threshold) else None
        return False if value > threshold else None
    if bound in ("<", "<=", "≤"):  # the true value is at most `value`
        if comparator in (Comparator.LE, Comparator.LT):
            return True if comparator.holds(value, threshold) else None
        return False if value < threshold else None
    if bound is not None and threshold and abs(value - threshold) / abs(threshold) < APPROX_MARGIN:
        return None  # approximate and too close to call
    return comparator.holds(value, threshold)


def check(param: Parameter, given: dict[str, ParameterValue]) -> ParameterCheck:
    requirement = param.describe()
    found = find_value(param, given)
    if found is None:
        return ParameterCheck(
            parameter=param.id,
            requirement=requirement,
            requirement_zh=param.describe_zh(),
            given=None,
            holds=None,
            note=f"value not given; add it under parameters, e.g. '{param.name.best()}'",
        )
    key, raw = found
    shown = f"{key}: {raw}"

    def unknown(note: str) -> ParameterCheck:
        return ParameterCheck(
            parameter=param.id,
            requirement=requirement,
            requirement_zh=param.describe_zh(),
            given=shown,
            holds=None,
            note=note,
        )

    if isinstance(raw, int | float):
        return unknown(f"no unit given; write it as '{raw} {param.unit}'")
    m = _VALUE.match(raw)
    if not m:
        return unknown(f"could not read a number; write it as e.g. '{param.value:g} {param.unit}'")
    number = _number(m.group("num"))
    if number is None:
        return unknown("ambiguous number (decimal or thousands separator?); write it with a decimal point")
    unit_text = m.group("unit")
    if not unit_text:
        return unknown(f"no unit given; write it as '{m.group('num')} {param.unit}'")
    unit = canonical_unit(unit_text)
    if unit is None or unit != param.unit:
        return unknown(f"unit {unit_text!r} not comparable with {param.unit}; give the value in {param.unit}")
    bound = m.group("cmp")
    holds = _decide(param.comparator, param.value, number, bound.lower() if bound else None)
    note = None if holds is not None else "an open or approximate value that could still meet the threshold"
    return ParameterCheck(
        parameter=param.id,
        requirement=requirement,
        requirement_zh=param.describe_zh(),
        given=shown,
        holds=holds,
        note=note,
    )
