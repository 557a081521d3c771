"""What every reader of the official text produces: entries as printed, and what could not be placed.

The readers (layout text, transcription CSV/YAML) only find structure; they never invent wording. Anything
they cannot place becomes a Problem with its line, so an import never guesses silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from ..errors import Problem

CODE = re.compile(r"^\d{6}[JX]$")
# Thresholds in the official wording (≥2.58g/cm3, 大于等于160mAh/g, >1.2g/cc): kept verbatim as
# conditions the engine lists as not evaluated, never typed by guesswork (a wrong typed threshold could
# turn a controlled technology into a near miss).
THRESHOLD = re.compile(
    r"[^，,。；;（）()、\s]{0,24}?(?:≥|≤|＞|＜|>=|<=|>|<|不低于|不高于|不小于|不大于|大于等于|小于等于|大于|小于|高于|低于|以上|以下)"
    r"\s*\d+(?:\.\d+)?\s*[A-Za-z%/·μ°℃³0-9]{0,10}"
)


@dataclass
class ParsedPoint:
    number: int
    text: str
    line: int


@dataclass
class ParsedEntry:
    """One entry as the reader found it; `broken` ones are reported and never written."""

    line: int
    part: str | None  # "prohibited" | "restricted"
    industry: str | None
    serial: int | None
    code: str | None
    name: str
    points: list[ParsedPoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    broken: bool = False

    def fail(self, message: str) -> None:
        self.problems.append(message)
        self.broken = True


@dataclass
class ParseResult:
    entries: list[ParsedEntry]
    problems: list[Problem]  # lines that could not be placed
    skipped: dict[str, int] = field(default_factory=dict)  # header/footer text -> times removed
    preamble: int = 0  # lines before the first part heading (title, announcement)


def check_entry(entry: ParsedEntry) -> None:
    """The checks every reader applies: a valid code whose J/X suffix fits the part, a name, points
    numbered without gaps."""
    if entry.code is None or not CODE.match(entry.code):
        entry.fail(f"no valid code (six digits + J or X) found: {entry.code or 'none'!r}")
    elif entry.part and entry.code[-1] != ("J" if entry.part == "prohibited" else "X"):
        entry.fail(f"code {entry.code} does not fit the {entry.part} part it is printed in")
    if entry.part is None:
        entry.fail("not under a part heading (一、禁止出口部分 / 二、限制出口部分)")
    if not entry.name:
        entry.fail("no technology name (技术名称) found")
    texts = [entry.name, entry.industry or "", *(p.text for p in entry.points)]
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for t in texts for ch in t):
        entry.fail("control or format characters in its text: not official wording as printed")
    if not entry.points:
        entry.problems.append("no numbered control points (控制要点) found")
        return
    numbers = [p.number for p in entry.points]
    if numbers[0] != 1:
        entry.problems.append(f"control points start at {numbers[0]}: points 1–{numbers[0] - 1} not found")
    for a, b in pairwise(numbers):
        if b != a + 1:
            entry.problems.append(f"control point {a} is followed by {b}")


def conditions_of(text: str) -> list[str]:
    return sorted({m.group(0).strip() for m in THRESHOLD.finditer(text)})
