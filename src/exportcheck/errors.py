"""Typed errors that carry the file, line and key path of every problem."""

from __future__ import annotations

from dataclasses import dataclass

from .escape import clean


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file: rendered as `file:line: key.path: message`."""

    file: str
    line: int | None
    key: str
    message: str

    def render(self) -> str:
        """Always one line, safe on a terminal: library messages can carry newlines, and file names, keys
        and quoted values escape sequences (removed) and control characters (shown as `\\xNN`)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        return " ".join(clean(f"{where}:{key} {self.message}").split())


class ExportcheckError(Exception):
    """Base of every error the CLI turns into exit code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.key, p.message))
        super().__init__("\n".join(p.render() for p in self.problems))

    def lines(self) -> list[str]:
        return [p.render() for p in self.problems]


class InputError(ExportcheckError):
    """A deal file (or option) the tool cannot judge."""


class CatalogueError(ExportcheckError):
    """A catalogue folder that does not validate."""


def single(file: str, message: str, key: str = "", line: int | None = None) -> list[Problem]:
    return [Problem(file=file, line=line, key=key, message=message)]
