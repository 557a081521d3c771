"""Application layer shared by `assess` and `scan`: find deal files, read and assess each one.

Reads files but never prints; an unreadable or invalid file becomes a FileResult with its problems,
never a verdict.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .catalogue import Catalogue
from .errors import ExportcheckError, Problem
from .models.assessment import Assessment, FileResult
from .models.deal import Deal
from .safeio import decodable, read_bounded
from .yamlsafe import DEFAULT_LIMITS, Document, Limits

if TYPE_CHECKING:  # the procedure's models are defined only by the runs that use them
    from .models.procedure import DealDeadline
    from .scan_cache import ResultCache

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
    path: Path,
    display: str,
    catalogue: Catalogue | Callable[[], Catalogue],
    options: Options,
    raw: bytes | None = None,
) -> tuple[Deal, Assessment, Document]:
    """`assess_deal_file`, also returning the parsed document (the lines of the deal's keys); `raw`: the
    file's bytes when already read."""
    from .deal_loader import load_deal
    from .engine.assess import assess, select_version

    deal, doc = load_deal(path, display, options.limits, options.encoding, raw)
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
    from .record import build_record

    record = build_record(
        result,
        input_digest=doc.sha256 or None,  # of the bytes parsed: the file is not read a second time
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


def try_assess(
    path: Path, display: str, catalogue: Catalogue, options: Options, raw: bytes | None = None
) -> FileResult:
    try:
        if raw is None:
            raw = read_bounded(path, display, options.limits.max_bytes)
        deal, result, doc = assess_deal_document(path, display, catalogue, options, raw)
        return FileResult(display, result, [], deadlines_of(deal, result, doc, options))
    except ExportcheckError as exc:
        return FileResult(display, None, exc.problems)
    except (OSError, RuntimeError, MemoryError) as exc:
        return FileResult(display, None, [Problem(display, None, "", f"cannot read: {exc}")])


T = TypeVar("T")
# Below this many files a pool's start-up costs more than it saves.
PARALLEL_MIN_FILES = 64
_WORKER: tuple[Catalogue, Options, Callable[[FileResult], Any], ResultCache | None] | None = None


def _assess_one(
    path: Path,
    display: str,
    catalogue: Catalogue,
    options: Options,
    reduce: Callable[[FileResult], T],
    results: ResultCache | None,
) -> T:
    """reduce(try_assess(...)), or the piece a previous scan kept for the same bytes and settings."""
    if results is None:
        return reduce(try_assess(path, display, catalogue, options))
    try:  # read here, once: the bytes hashed for the key are the bytes assessed
        raw = read_bounded(path, display, options.limits.max_bytes)
    except (ExportcheckError, OSError, RuntimeError, MemoryError):
        return reduce(try_assess(path, display, catalogue, options))  # which reports it as ever
    name = results.name(display, raw)
    found = results.load(name)
    if found is not None:
        return found[0]
    result = try_assess(path, display, catalogue, options, raw)
    piece = reduce(result)
    if result.assessment is not None:
        results.keep(name, piece)
    return piece


def default_jobs() -> int:
    """The CPUs this process may run on (affinity and cgroup-pinned CI runners included)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _die_with_parent(parent: int) -> None:
    """Have Linux send this worker SIGTERM when the scan that forked it dies, however it dies (even
    SIGKILL): a worker left behind would keep a CI runner's job alive."""
    if sys.platform != "linux":  # elsewhere the parent's SIGTERM handler ends the pool (see assess_files)
        return
    import ctypes

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _init_worker(
    root: Path,
    overlay: Path | None,
    sha256: str,
    options: Options,
    reduce: Callable[[FileResult], Any],
    results: ResultCache | None,
    parent: int,
) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the parent alone handles it, and ends the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    if _WORKER is None:  # a spawned worker loads the catalogue; a forked one already has it
        from .engine.prepared import cached_catalogue

        catalogue = cached_catalogue(root, overlay)  # with the same overlay as the parent
        if catalogue.sha256 != sha256:  # the report names one catalogue: never mix two
            raise RuntimeError(f"the catalogue at {root} changed during the scan; run it again")
        _WORKER = (catalogue, options, reduce, results)


def _overlay_path(catalogue: Catalogue) -> Path | None:
    return Path(catalogue.overlay.path) if catalogue.overlay is not None else None


def _work_chunk(items: list[tuple[Path, str]]) -> list[Any]:
    assert _WORKER is not None
    catalogue, options, reduce, results = _WORKER
    return [_assess_one(path, display, catalogue, options, reduce, results) for path, display in items]


def assess_files(
    files: list[tuple[Path, str]],
    catalogue: Catalogue,
    options: Options,
    reduce: Callable[[FileResult], T],
    jobs: int = 1,
    start_method: str | None = None,
    results: ResultCache | None = None,
) -> Generator[T, None, None]:
    """reduce(result) for every (path, display) in order, in `jobs` processes when that pays.

    Workers return only what `reduce` keeps (a report's piece), never whole assessments, and results come
    back in file order, so the report is the same whatever the number of jobs. With `results` (scan's
    per-file cache, scan_cache.py), a file whose bytes and settings a previous scan saw is not assessed
    again; once every file is done, old pieces are pruned.
    """
    global _WORKER
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        for path, display in files:
            yield _assess_one(path, display, catalogue, options, reduce, results)
        if results is not None:
            results.prune()
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
    _WORKER = (catalogue, options, reduce, results)  # inherited by forked workers
    # an executor, not a Pool: a worker that dies (killed, out of memory) raises BrokenProcessPool here
    # instead of leaving the scan waiting forever
    pool = ProcessPoolExecutor(
        jobs,
        context,
        _init_worker,
        (catalogue.root, _overlay_path(catalogue), catalogue.sha256, options, reduce, results, os.getpid()),
    )
    handlers: dict[int, Any] = {}
    try:
        with _sigint_ignored():  # forked workers start with Ctrl-C ignored, never between fork and init
            # submitted as chunks here rather than by pool.map, whose clean-up cancels the futures that
            # Python 3.11's manager thread then fails to mark broken (a thread traceback on Ctrl-C)
            futures = deque(
                pool.submit(_work_chunk, files[i : i + chunk]) for i in range(0, len(files), chunk)
            )
        handlers = _stop_on_sigterm()  # after the forks: a worker must die of SIGTERM, not catch it
        while futures:  # each chunk's results let go once read: a list kept every piece (200 MB at 5,000)
            yield from futures.popleft().result()
    except BaseException:
        # also when starting the workers failed half-way (no processes left, too many open files): the
        # ones already started would otherwise wait for work forever, and Python for them at exit
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        # waits only for the manager thread to see the workers gone: left running, it races Python's
        # exit (another thread traceback)
        pool.shutdown(wait=True)
        raise
    else:
        pool.shutdown()
        if results is not None:
            results.prune()
    finally:
        _WORKER = None
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


class Terminated(SystemExit):
    """SIGTERM during a parallel scan: leave through the pool's clean-up, exit 143 like the signal."""


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated(128 + signum)


def _stop_on_sigterm() -> dict[int, Any]:
    """Turn SIGTERM into an exception while workers run, so the pool is ended before the scan exits;
    returns the handlers to restore. Only the main thread may set handlers (not in a library's thread)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signal.SIGTERM: signal.signal(signal.SIGTERM, _terminated)}


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@lru_cache(maxsize=64)
def _glob_regex(pattern: str, fold: bool = False) -> re.Pattern[str]:
    """`**/` = any number of folders, `*` = within one name, `?` = one character; `fold`: any case."""
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
    return re.compile(out + r"\Z", re.IGNORECASE if fold else 0)


def matches(rel: str, patterns: Iterable[str], fold: bool = False) -> bool:
    return any(_glob_regex(p, fold).match(rel) for p in patterns)


def working_dir() -> str | None:
    """The absolute working directory; None when it has been deleted."""
    try:
        return os.path.abspath(os.getcwd())
    except OSError:
        return None


def display_path(path: Path, cwd: str | None = None) -> str:
    """Relative to the working directory (`cwd`, looked up when not given) when inside it, POSIX
    separators: stable across machines. String work, not Path arithmetic: a scan calls this per file.
    Bytes of a name that are not UTF-8 are shown as `\\xNN` (safeio.decodable); control characters are
    left to each format's escaping."""
    here = cwd or working_dir()
    if here is None:  # no working directory: show the path as given
        return decodable(path.as_posix())
    try:  # abspath, not resolve(): a symlink loop must not raise here
        full = os.path.abspath(path)
    except OSError:  # a relative path, and the working directory has gone since
        return decodable(path.as_posix())
    prefix = here.rstrip(os.sep) + os.sep
    if full.startswith(prefix):
        return decodable(Path(full[len(prefix) :]).as_posix())
    return decodable(path.as_posix())


def discover(
    paths: list[Path], include: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[list[Path], list[Problem]]:
    """Deal files under the paths, sorted; folders are walked without following symlinked folders.

    `include` matches names in any case (`Deal.YAML` is a deal file: skipping it silently would let a deal
    go unscreened); `exclude` only as written. A path given as a file is always assessed, whatever it is:
    reading refuses pipes and devices with a message naming the file."""
    found: set[Path] = set()
    problems: list[Problem] = []
    for root in paths:
        if os.path.lexists(root) and not root.is_dir():
            found.add(root)
            continue
        if not root.is_dir():
            problems.append(Problem(decodable(root.as_posix()), None, "", "no such file or directory"))
            continue

        def onerror(exc: OSError, root: Path = root) -> None:
            where = decodable(os.fsdecode(exc.filename or root))
            problems.append(Problem(where, None, "", f"cannot list: {exc.strerror or exc}"))

        top = os.path.join(root, "")  # os.walk's folders start with it
        for folder, dirs, files in os.walk(root, followlinks=False, onerror=onerror):
            dirs.sort()
            rel_dir = folder[len(top) :].replace(os.sep, "/") if folder.startswith(top) else ""
            prefix = rel_dir + "/" if rel_dir else ""
            for name in files:
                rel = prefix + name
                if matches(rel, include, fold=True) and not matches(rel, exclude):
                    found.add(Path(folder, name))
            dirs[:] = [d for d in dirs if not matches(prefix + d + "/", exclude)]
    return sorted(found, key=lambda p: p.as_posix()), problems
