"""Read a deal file into a validated Deal, with the line of every key for error messages and evidence."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem
from .models.deal import Deal
from .validation import validate
from .yamlsafe import DEFAULT_LIMITS, Document, Limits, load_file


def load_deal(
    path: Path,
    display: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str | None = None,
    raw: bytes | None = None,
) -> tuple[Deal, Document]:
    """Raise InputError with one problem per line; never return a partial deal. `raw`: the file's bytes,
    already read (see yamlsafe.load_file)."""
    display = display or str(path)
    doc = load_file(path, display, limits, encoding, raw)
    if doc.data is None:
        raise InputError(
            [Problem(display, None, "", "is empty; a deal needs at least 'title' and 'technologies'")]
        )
    if not isinstance(doc.data, dict):
        kind = {
            "str": "plain text",
            "list": "a list",
            "int": "a number",
            "float": "a number",
            "bool": "a boolean",
        }.get(type(doc.data).__name__, type(doc.data).__name__)
        raise InputError(
            [
                Problem(
                    display,
                    doc.line_of(()),
                    "",
                    f"top level is {kind}, expected a mapping with 'title' and 'technologies'",
                )
            ]
        )
    techs = doc.data.get("technologies")
    if isinstance(techs, list) and len(techs) > limits.max_technologies:
        raise InputError(
            [
                Problem(
                    display,
                    doc.line_of(("technologies",)),
                    "technologies",
                    f"{len(techs):,} technologies, over the limit of {limits.max_technologies:,}; "
                    "split the deal or raise --max-technologies",
                )
            ]
        )
    deal, problems = validate(Deal, doc.data, doc)
    if deal is None:
        raise InputError(problems)
    return deal, doc
