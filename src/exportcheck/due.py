"""`exportcheck due`: every overdue and upcoming dated duty across deal files, sorted by date.

Application logic between the CLI and the formatters: find the deal files as `scan` does, assess each (the
verdict decides whether the registration clock applies) and keep the deadlines their records give."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .catalogue import Catalogue
from .errors import Problem
from .formats.due import DueItem
from .models.procedure import DeadlineState
from .runner import FileResult, Options, assess_files, default_jobs, discover, display_path, working_dir

Reduced = tuple[str, str | None, tuple[DueItem, ...], tuple[Problem, ...]]


def _reduce(r: FileResult) -> Reduced:
    """What `due` keeps of a file: small and picklable, for worker processes."""
    title = r.assessment.deal_title if r.assessment else None
    items = tuple(DueItem(r.file, title or r.file, d) for d in r.deadlines)
    return r.file, title, items, tuple(r.problems)


def collect_due(
    paths: list[Path],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    catalogue: Callable[[], Catalogue],
    options: Options,
    within: int | None = None,
    jobs: int | None = None,
) -> tuple[list[DueItem], list[Problem], int]:
    """(deadlines, problems, number of deal files). Overdue duties are always kept; others only within
    `within` days of the reference date when it is given."""
    files, problems = discover(paths, include, exclude)
    if not files:
        return [], problems, 0
    here = working_dir()
    work = sorted(((path, display_path(path, here)) for path in files), key=lambda item: item[1])
    found: list[DueItem] = []
    for _, _, items, file_problems in assess_files(
        work, catalogue(), options, _reduce, jobs or default_jobs()
    ):
        problems.extend(file_problems)
        for it in items:
            d = it.deadline
            if d.state is DeadlineState.OVERDUE or within is None or d.days_left <= within:
                found.append(it)
    found.sort(key=lambda it: (it.deadline.date, it.file, it.deadline.duty))
    return found, problems, len(files)
