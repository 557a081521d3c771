"""`exportcheck scan`: assess every deal file under some paths, in worker processes, into one report.

Part of the command line (cli.py, which imports this module only when `scan` runs or help lists it)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from .cli import (
    FAIL_ON,
    emit,
    handles_errors,
    lang_option,
    limit_options,
    open_catalogue,
    overlay_option,
    rulings_option,
    run_options,
    to_stdout,
    with_config,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--include", multiple=True, help="Glob of deal files (repeatable); default **/deal.yaml, **/*.deal.yaml."
)
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit", "github", "html"]),
    default="text",
    show_default=True,
)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="review", show_default=True)
@click.option(
    "--strict/--no-strict",
    default=False,
    help="Turn 'free' into 'review' while the catalogue is not fully encoded.",
)
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge every deal under this date's law."
)
@click.option("--catalogue-version", "pinned", metavar="VERSION", help="Pin a catalogue version.")
@click.option("--catalogue", "catalogue_path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--encoding", help="Read deal files in this encoding instead of UTF-8.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write the report to this file (`-`: standard output).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes to assess in [default: the CPUs available; 1 = this process]. The report is the same.",
)
@click.option(
    "--fail-on-deadline",
    type=click.Choice(["overdue", "due-soon", "none"]),
    default="none",
    show_default=True,
    help="Also exit 1 when a registration, letter of intent or licence date has passed (overdue) or is "
    "within --deadline-window days (due-soon). Either way such dates are reported as warnings.",
)
@click.option(
    "--deadline-window",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    metavar="DAYS",
    help="Days before a date that it counts as due soon.",
)
@lang_option
@rulings_option
@overlay_option
@click.option(
    "--sarif-output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the SARIF report of the same scan to this file (CI: annotations and SARIF at once).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Assess every file again, not reusing what a previous scan with the same file bytes, catalogue, "
    "code, dates and options found (also EXPORTCHECK_NO_CACHE=1).",
)
@limit_options
@handles_errors
def scan(
    paths: tuple[Path, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    fmt: str,
    fail_on: str,
    strict: bool,
    as_of: dt.datetime | None,
    pinned: str | None,
    catalogue_path: Path | None,
    encoding: str | None,
    output: Path | None,
    jobs: int | None,
    fail_on_deadline: str,
    deadline_window: int,
    lang: str,
    no_rulings: bool,
    catalogue_overlay: Path | None,
    sarif_output: Path | None,
    no_cache: bool,
    **limits: int,
) -> None:
    """Assess every deal file under PATHS (default: .). Exit 2 if any file is invalid, else 1 if any
    deal reaches --fail-on (or a deadline --fail-on-deadline), else 0."""
    import heapq
    import os
    from contextlib import closing
    from functools import partial

    from .formats import scan as out
    from .runner import (
        DEFAULT_INCLUDE,
        FileResult,
        assess_files,
        default_jobs,
        discover,
        display_path,
        working_dir,
    )
    from .scan_cache import ResultCache

    if output and sarif_output and os.path.abspath(output) == os.path.abspath(sarif_output):
        raise click.BadParameter("is the same file as --output", param_hint="--sarif-output")
    conf = with_config(
        fail_on=fail_on,
        strict=strict,
        include=include,
        exclude=exclude,
        jobs=jobs,
        catalogue_overlay=catalogue_overlay,
        lang=lang,
    )
    fail_on, strict, jobs, lang = conf["fail_on"], conf["strict"], conf["jobs"], conf["lang"]
    include, exclude = tuple(conf["include"]), tuple(conf["exclude"])
    cat = open_catalogue(catalogue_path, conf["catalogue_overlay"])
    files, problems = discover(list(paths) or [Path(".")], include or DEFAULT_INCLUDE, exclude)
    options = run_options(
        as_of,
        pinned,
        encoding,
        limits,
        strict=strict,
        deadline_window=deadline_window,
        no_rulings=no_rulings,
    )
    report = out.ScanReport(
        fmt,
        fail_on,
        cat.sha256,
        color=to_stdout(output) and sys.stdout.isatty(),
        fail_on_deadline=fail_on_deadline,
        lang=lang,
    )
    here = working_dir()
    work = sorted(((path, display_path(path, here)) for path in files), key=lambda item: item[1])
    # with --sarif-output the same assessments also make the SARIF report (CI: one scan, two reports)
    sarif = (
        out.ScanReport("sarif", fail_on, cat.sha256, fail_on_deadline=fail_on_deadline)
        if sarif_output
        else None
    )
    fmts = (fmt, "sarif") if sarif else (fmt,)
    reduce = partial(_pieces, fmts=fmts, fail_on=fail_on, fail_on_deadline=fail_on_deadline, lang=lang)
    results = assess_files(
        work,
        cat,
        options,
        reduce,
        jobs or default_jobs(),
        results=None if no_cache else ResultCache.for_scan(cat, options, reduce),
    )
    pieces: Iterable[Any] = _first_pieces(results, sarif)
    if len(files) > 50 and sys.stderr.isatty():
        from rich.progress import track

        pieces = track(  # no refresh thread: worker processes are forked from this one
            pieces,
            total=len(files),
            description="assessing",
            console=_stderr_console(),
            transient=True,
            auto_refresh=False,
        )
    unreadable = sorted((FileResult(p.file, None, [p]) for p in problems), key=lambda r: r.file)
    # in file order, so the report can be written while the deals are assessed
    report.feed(heapq.merge(unreadable, pieces, key=lambda item: item.file))
    with closing(results):  # a report that fails or is interrupted half-way ends the workers at once
        if fmt == "html":
            from .formats.html import scan_page

            emit(scan_page(report), output, files)
        else:
            emit(report.chunks(), output, files)
    if sarif is not None and sarif_output is not None:
        for result in unreadable:
            sarif.add(result)
        emit(sarif.render(), sarif_output, files)
    bad = report.error_lines
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(report.summary())
    if not report.gates:  # as linters do: an empty repository passes, but says that nothing was checked
        click.echo(
            "notice: no deal files found, nothing was checked (patterns: "
            + ", ".join(include or DEFAULT_INCLUDE)
            + ")",
            err=True,
        )
        return
    if bad:
        for line in sorted(bad):
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    if report.fails():
        sys.exit(1)


def _pieces(
    result: Any, fmts: tuple[str, ...], fail_on: str, fail_on_deadline: str, lang: str = "en"
) -> tuple[Any, ...]:
    """What one file adds to each report of the scan (made in the worker processes)."""
    from .formats.scan import piece

    def one(fmt: str) -> Any:
        if fmt == "html":
            from .formats.html import scan_piece

            return scan_piece(result, fail_on, fail_on_deadline)
        return piece(result, fmt, fail_on, fail_on_deadline, lang if fmt != "sarif" else "en")

    return tuple(one(fmt) for fmt in fmts)


def _first_pieces(items: Iterable[tuple[Any, ...]], sarif: Any) -> Iterator[Any]:
    """The main report's pieces, handing each file's SARIF piece (if asked for) to the SARIF report."""
    for item in items:
        if sarif is not None:
            sarif.add(item[1])
        yield item[0]


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
