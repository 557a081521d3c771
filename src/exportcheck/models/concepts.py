"""Concept groups: exportcheck's own multilingual lexicons of what a technology does or is made of.

A control point is recognised by the concepts it combines ("learns each user's preferences" AND "ranks,
pushes or recommends content to that user"), not by an enumeration of phrases: matching aids refer to a
group as `@name`, and `@a & @b` needs a member of each group near each other. Authored by exportcheck;
never legal text.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from .common import Strict, Text

ConceptName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
CONCEPT_REF = re.compile(r"^@([a-z][a-z0-9_]*)$")


class Concept(Strict):
    """One concept: what it means, and the words (zh or en) a deal may use for it."""

    label: Text = Field(description="What the group stands for, in a few words.")
    members: list[str] = Field(
        min_length=1,
        description="Words and phrases for the concept: zh (Simplified; Traditional is converted) or en "
        "(matched by stem). Members are alternatives; no '&' inside a member.",
    )
    note: str | None = Field(default=None, description="Why these members; the author's reasoning.")
    not_within: list[str] = Field(
        default_factory=list,
        description="Longer names of different things that contain a member (北冬虫夏草, Cordyceps militaris, "
        "contain 冬虫夏草, cordyceps): a word found only inside one of them is not read, by any aid.",
    )
    screens: list[Annotated[str, StringConstraints(pattern=r"^M\d+$")]] = Field(
        default_factory=list,
        description="Entry IDs whose whole subject area this group describes: a member found in a "
        "technology gives a 'possible' match on the entry (review), in every version holding it, whether "
        "or not its control points are encoded.",
    )

    @field_validator("members")
    @classmethod
    def _no_combinations(cls, members: list[str]) -> list[str]:
        bad = [m for m in members if " & " in m or m.startswith("@")]
        if bad:
            raise ValueError(f"a member is one word or phrase, not a combination: {bad[0]!r}")
        return members


class ConceptLexicon(Strict):
    """One file of catalogue/concepts/ (names are unique across the files)."""

    notice: str = Field(description="Says that these are exportcheck's matching aids, not legal text.")
    concepts: dict[ConceptName, Concept]
