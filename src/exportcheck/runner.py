"""Application layer shared by `assess` and `scan`: find deal files, read and assess each one.

Reads files but never prints; an unreadable or invalid file becomes a FileResult with its problems,
never a verdict.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .catalogue import Catalogue
from .errors import ExportcheckError, Problem
from .models.assessment import Assessment
from .models.deal import Deal
from .models.procedure import DealDeadline
from .yamlsafe import DEFAULT_LIMITS, Document, Limits

DEFAULT_INCLUDE = ("**/deal.yaml", "**/deal.yml", "**/*.deal.yaml", "**/*.deal.yml")


@dataclass(frozen=True)
class Options:
    as_of: dt.date | None = None
    pinned: str | None = None
    strict: bool = False
    encoding: str | None = None
    limits: Limits = DEFAULT_LIMITS
    today: dt.date = field(default_factory=dt.date.today)
    deadline_window: int = 30  # days before a registration, letter or licence date that it is "due soon"
    rulings: bool = True  # False with --no-rulings: as if the deal recorded none

    @property
    def reference_day(self) -> dt.date:
        """The day licences and deadlines are checked against: --as-of when given, else today."""
        return self.as_of or self.today


@dataclass(frozen=True)
class FileResult:
    file: str
    assessment: Assessment | None
    problems: list[Problem]
    deadlines: tuple[DealDeadline, ...] = ()  # dated duties from the deal's records, for the gate


def assess_deal_file(
    path: Path, display: str, catalogue: Catalogue | Callable[[], Catalogue], options: Options
) -> tuple[Deal, Assessment]:
    """The validated deal and its assessment; InputError for anything that is not a valid deal.

    `catalogue` may be a loader, called only once the deal file is known to be valid: the user's own
    file's problems come first.
    """
    deal, result, _ = assess_deal_document(path, display, catalogue, options)
    return deal, result


def assess_deal_document(
    path: Path, display: str, catalogue: Catalogue | Callable[[], Catalogue], options: Options
) -> tuple[Deal, Assessment, Document]:
    """`assess_deal_file`, also returning the parsed document (the lines of the deal's keys)."""
    from .deal_loader import load_deal
    from .engine.assess import assess, select_version

    deal, doc = load_deal(path, display, options.limits, options.encoding)
    if callable(catalogue):
        catalogue = catalogue()
    selection = select_version(
        catalogue,
        deal_date=deal.date,
        as_of=options.as_of,
        pinned=options.pinned,
        today=options.today,
        file=display,
    )
    result = assess(
        deal,
        catalogue,
        selection,
        deal_file=display,
        line_of=doc.line_of,
        strict=options.strict,
        today=options.reference_day,
        rulings=options.rulings,
    )
    from .record import build_record, input_sha256

    record = build_record(
        result,
        input_digest=input_sha256(path, options.limits.max_bytes),
        reference_day=options.reference_day,
        rulings_ignored=not options.rulings,
    )
    return deal, result.model_copy(update={"record": record}), doc


def deadlines_of(deal: Deal, result: Assessment, doc: Document, options: Options) -> tuple[DealDeadline, ...]:
    """The deal's dated duties; the procedure data is loaded only for deals whose records can give one."""
    if deal.contract is None and not deal.licences:
        return ()
    from .checklist.deadlines import deal_deadlines
    from .procedure import shipped_procedure

    found = deal_deadlines(
        deal, result, shipped_procedure(), options.reference_day, options.deadline_window, doc.line_of
    )
    return tuple(found)


def try_assess(path: Path, display: str, catalogue: Catalogue, options: Options) -> FileResult:
    try:
        deal, result, doc = assess_deal_document(path, display, catalogue, options)
        return FileResult(display, result, [], deadlines_of(deal, result, doc, options))
    except ExportcheckError as exc:
        return FileResult(display, None, exc.problems)
    except (OSError, RuntimeError, MemoryError) as exc:
        return FileResult(display, None, [Problem(display, None, "", f"cannot read: {exc}")])


T = TypeVar("T")
# Below this many files a pool's start-up costs more than it saves.
PARALLEL_MIN_FILES = 64
_WORKER: tuple[Catalogue, Options, Callable[[FileResult], Any]] | None = None


def default_jobs() -> int:
    """The CPUs this process may run on (affinity and cgroup-pinned CI runners included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(root: Path, sha256: str, options: Options, reduce: Callable[[FileResult], Any]) -> None:
    global _WORKER
    if _WORKER is None:  # a spawned worker loads the catalogue; a forked one already has it
        from .engine.prepared import cached_catalogue

        catalogue = cached_catalogue(root)
        if catalogue.sha256 != sha256:  # the report names one catalogue: never mix two
            raise RuntimeError(f"the catalogue at {root} changed during the scan; run it again")
        _WORKER = (catalogue, options, reduce)


def _work(item: tuple[Path, str]) -> Any:
    assert _WORKER is not None
    catalogue, options, reduce = _WORKER
    return reduce(try_assess(item[0], item[1], catalogue, options))


def assess_files(
    files: list[tuple[Path, str]],
    catalogue: Catalogue,
    options: Options,
    reduce: Callable[[FileResult], T],
    jobs: int = 1,
    start_method: str | None = None,
) -> Iterator[T]:
    """reduce(result) for every (path, display) in order, in `jobs` processes when that pays.

    Workers return only what `reduce` keeps (a report's piece), never whole assessments, and results come
    back in file order, so the report is the same whatever the number of jobs.
    """
    global _WORKER
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        for path, display in files:
            yield reduce(try_assess(path, display, catalogue, options))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork on Linux: workers start at once with the catalogue already loaded. Elsewhere the platform's
    # default (spawn), whose workers load the catalogue from the cache.
    method = start_method or ("fork" if sys.platform == "linux" else None)
    context = multiprocessing.get_context(method)
    if sys.platform == "win32":
        jobs = min(jobs, 61)  # the most ProcessPoolExecutor accepts on Windows
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    _WORKER = (catalogue, options, reduce)  # inherited by forked workers
    # an executor, not a Pool: a worker that dies (killed, out of memory) raises BrokenProcessPool here
    # instead of leaving the scan waiting forever
    pool = ProcessPoolExecutor(
        jobs, context, _init_worker, (catalogue.root, catalogue.sha256, options, reduce)
    )
    try:
        yield from pool.map(_work, files, chunksize=chunk)
    except BaseException:
        # also when starting the workers failed half-way (no processes left, too many open files): the
        # ones already started would otherwise wait for work forever, and Python for them at exit
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown()
    finally:
        _WORKER = None


@lru_cache(maxsize=64)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """`**/` = any number of folders, `*` = within one name, `?` = one character."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def matches(rel: str, patterns: Iterable[str]) -> bool:
    return any(_glob_regex(p).match(rel) for p in patterns)


def working_dir() -> str | None:
    """The absolute working directory; None when it has been deleted."""
    try:
        return os.path.abspath(os.getcwd())
    except OSError:
        return None


def display_path(path: Path, cwd: str | None = None) -> str:
    """Relative to the working directory (`cwd`, looked up when not given) when inside it, POSIX
    separators: stable across machines. String work, not Path arithmetic: a scan calls this per file."""
    here = cwd or working_dir()
    if here is None:  # no working directory: show the path as given
        return path.as_posix()
    try:  # abspath, not resolve(): a symlink loop must not raise here
        full = os.path.abspath(path)
    except OSError:  # a relative path, and the working directory has gone since
        return path.as_posix()
    prefix = here.rstrip(os.sep) + os.sep
    if full.startswith(prefix):
        return Path(full[len(prefix) :]).as_posix()
    return path.as_posix()


def discover(
    paths: list[Path], include: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[list[Path], list[Problem]]:
    """Deal files under the paths, sorted; folders are walked without following symlinked folders."""
    found: set[Path] = set()
    problems: list[Problem] = []
    for root in paths:
        if root.is_file() or (root.is_symlink() and not root.is_dir()):
            found.add(root)
            continue
        if not root.is_dir():
            problems.append(Problem(root.as_posix(), None, "", "no such file or directory"))
            continue

        def onerror(exc: OSError, root: Path = root) -> None:
            problems.append(
                Problem(str(exc.filename or root), None, "", f"cannot list: {exc.strerror or exc}")
            )

        top = os.path.join(root, "")  # os.walk's folders start with it
        for folder, dirs, files in os.walk(root, followlinks=False, onerror=onerror):
            dirs.sort()
            rel_dir = folder[len(top) :].replace(os.sep, "/") if folder.startswith(top) else ""
            prefix = rel_dir + "/" if rel_dir else ""
            for name in files:
                rel = prefix + name
                if matches(rel, include) and not matches(rel, exclude):
                    found.add(Path(folder, name))
            dirs[:] = [d for d in dirs if not matches(prefix + d + "/", exclude)]
    return sorted(found, key=lambda p: p.as_posix()), problems
