"""A rich console that renders into a string: formatters return text, only the CLI prints."""

from __future__ import annotations

import io
from typing import Any

_terminal_width: int | None = None


def follow_terminal(columns: int | None) -> None:
    """Render to this many columns (the CLI's terminal), or None for each format's fixed width.

    Set only when the report goes to a terminal: a file or a pipe keeps the fixed width, so that the
    same input gives the same bytes wherever it is run."""
    global _terminal_width
    _terminal_width = None if columns is None else max(40, min(columns, 400))


def string_console(width: int = 120, color: bool = False) -> tuple[Any, io.StringIO]:
    """(console, buffer); no colour codes unless asked, so output can be diffed and snapshotted."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=_terminal_width or width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )
    return console, buf


def cell(value: str) -> Any:
    """A rich Text of `clean` text, line by line: shown as written, never parsed as rich markup (a
    `[/]` in a name would crash the report, a `[link=…]` would become a link)."""
    from rich.text import Text

    from ..escape import clean

    return Text("\n".join(clean(line) for line in value.split("\n")))
