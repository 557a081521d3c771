"""A rich console that renders into a string: formatters return text, only the CLI prints."""

from __future__ import annotations

import io
from typing import Any


def string_console(width: int = 120, color: bool = False) -> tuple[Any, io.StringIO]:
    """(console, buffer); no colour codes unless asked, so output can be diffed and snapshotted."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
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
