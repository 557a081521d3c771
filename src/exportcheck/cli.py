"""The command line: the only module that prints or exits.

Exit codes: 0 nothing at or above --fail-on; 1 something is; 2 usage, input or catalogue error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import ExportcheckError

F = TypeVar("F", bound=Callable[..., Any])
FAIL_ON = ("prohibited", "licence_required", "review", "none")


def _emit(text: str | Iterable[str], output: Path | None = None, inputs: Iterable[Path] = ()) -> None:
    """Write the report (a string, or its pieces) to standard output (no --output, or `-`) or to a file.

    A file is replaced atomically (see safeio.write_atomic): never written through a symlink, never over
    a device, a pipe or one of the `inputs`."""
    chunks = [text] if isinstance(text, str) else text
    if output is None or _to_stdout(output):
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    from .safeio import write_atomic

    write_atomic(output, chunks, inputs)


def _to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-"


def handles_errors(func: F) -> F:
    """Turn domain errors into one line per problem and exit 2; a traceback only with --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except ExportcheckError as exc:
            if debug:
                raise
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:  # Ctrl-C: one line, and the shell's code for SIGINT (not 1, "findings")
            if debug:
                raise
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader left (`| head`): nothing more to say, and no one to say it to
            from .safeio import detach_stdout

            detach_stdout()
            sys.exit(141)  # as a shell reports SIGPIPE: a gate in a pipeline fails closed
        except SystemExit as exc:
            from .runner import Terminated

            if isinstance(exc, Terminated):
                click.echo("error: terminated", err=True)
            raise
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # fail closed: never a verdict, never a traceback without --debug
            if debug:
                raise
            click.echo(
                f"error: internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exportcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """Check a planned technology transfer out of China against the Catalogue of Technologies
    Prohibited or Restricted from Export (中国禁止出口限制出口技术目录).

    Exit codes: 0 nothing reached --fail-on; 1 something did; 2 usage, input or catalogue error.
    A screening aid, not legal advice."""


def _limit_options(func: F) -> F:
    """--max-* options shared by assess and scan; defaults are generous for real deals."""
    from .yamlsafe import DEFAULT_LIMITS as D

    for name, default, text in (
        ("--max-technologies", D.max_technologies, "Most technologies one deal may list."),
        ("--max-depth", D.max_depth, "Deepest nesting a deal file may use."),
        ("--max-nodes", D.max_nodes, "Most YAML values after alias expansion."),
        ("--max-bytes", D.max_bytes, "Largest deal file read, in bytes."),
    ):
        func = click.option(name, type=click.IntRange(min=1), default=default, show_default=True, help=text)(
            func
        )
    return func


def _options(
    as_of: dt.datetime | None,
    pinned: str | None,
    encoding: str | None,
    limits: dict[str, Any],
    strict: bool = False,
) -> Any:
    """The run options shared by assess, checklist and scan."""
    from .runner import Options
    from .yamlsafe import Limits

    return Options(
        as_of=as_of.date() if as_of else None,
        pinned=pinned,
        strict=strict,
        encoding=encoding,
        limits=Limits(
            **{k: limits.pop(k) for k in ("max_bytes", "max_nodes", "max_depth", "max_technologies")}
        ),
    )


def _load_catalogue(path: Path | None) -> Any:
    from .catalogue_cache import cached_catalogue

    return cached_catalogue(path)


@main.command()
@click.argument("deal_file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge under the law in force on this date."
)
@click.option("--catalogue-version", "pinned", metavar="VERSION", help="Pin a catalogue version, e.g. 2023.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--explain", is_flag=True, help="Show near misses and why they were discarded.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="review",
    show_default=True,
    help="Exit 1 when the verdict reaches this level.",
)
@click.option(
    "--strict", is_flag=True, help="Turn 'free' into 'review' while the catalogue is not fully encoded."
)
@click.option(
    "--catalogue",
    "catalogue_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Use this catalogue folder instead of the shipped one.",
)
@click.option("--encoding", help="Read the deal file in this encoding (e.g. gb18030) instead of UTF-8.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to this file (`-`: standard output).",
)
@click.option("--no-checklist", is_flag=True, help="Leave out the licensing checklist.")
@_limit_options
@handles_errors
def assess(
    deal_file: Path,
    as_of: dt.datetime | None,
    pinned: str | None,
    fmt: str,
    lang: str,
    explain: bool,
    fail_on: str,
    strict: bool,
    catalogue_path: Path | None,
    encoding: str | None,
    output: Path | None,
    no_checklist: bool,
    **limits: int,
) -> None:
    """Assess DEAL_FILE: prohibited, licence required, review, free or not an export."""
    from .runner import assess_deal_file
    from .safeio import printable

    options = _options(as_of, pinned, encoding, limits, strict=strict)
    deal, result = assess_deal_file(
        deal_file, printable(str(deal_file)), lambda: _load_catalogue(catalogue_path), options
    )
    checklist = None if no_checklist else _checklist(deal, result, options.reference_day)
    if fmt == "json":
        import json

        from .formats.assessment import render_json

        text = render_json(result, explain=True)
        if checklist is not None:
            from .formats.checklist import render_json as checklist_json

            data = json.loads(text)
            data["checklist"] = json.loads(checklist_json(checklist))
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "markdown":
        from .formats.assessment import render_markdown

        text = render_markdown(result, lang=lang, explain=explain)
        if checklist is not None:
            from .formats.checklist import render_markdown as checklist_markdown

            text += "\n" + checklist_markdown(checklist, lang)
    else:
        from .formats.assessment import render_text

        text = render_text(
            result, lang=lang, explain=explain, color=_to_stdout(output) and sys.stdout.isatty()
        )
        if checklist is not None:
            from .formats.checklist import render_text as checklist_text

            text += "\n" + checklist_text(checklist, lang)
    _emit(text, output, [deal_file])
    from .models.assessment import reaches

    if reaches(result.gate_verdict or result.verdict, fail_on):
        sys.exit(1)


def _checklist(deal: Any, result: Any, day: dt.date) -> Any:
    from .checklist import build_checklist
    from .procedure import shipped_procedure

    return build_checklist(result, deal, shipped_procedure(), day)


@main.command()
@click.argument("deal_file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["en", "zh", "both"]), default="en", show_default=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Write to this file (`-`: standard output).",
)
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge and check deadlines on this date."
)
@click.option("--catalogue-version", "pinned", metavar="VERSION", help="Pin a catalogue version, e.g. 2023.")
@click.option("--catalogue", "catalogue_path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--encoding", help="Read the deal file in this encoding (e.g. gb18030) instead of UTF-8.")
@_limit_options
@handles_errors
def checklist(
    deal_file: Path,
    fmt: str,
    lang: str,
    output: Path | None,
    as_of: dt.datetime | None,
    pinned: str | None,
    catalogue_path: Path | None,
    encoding: str | None,
    **limits: int,
) -> None:
    """The licensing checklist for DEAL_FILE: what must happen, in what order, by whom, under which article."""
    from .formats.checklist import render
    from .runner import assess_deal_file, display_path

    options = _options(as_of, pinned, encoding, limits)
    deal, result = assess_deal_file(
        deal_file, display_path(deal_file), lambda: _load_catalogue(catalogue_path), options
    )
    _emit(render(_checklist(deal, result, options.reference_day), fmt, lang), output, [deal_file])


@main.group()
def catalogue() -> None:
    """Inspect and validate catalogue data."""


def _version_option(func: F) -> F:
    return click.option("--version", "version", metavar="VERSION", help="Catalogue version, e.g. 2020.")(func)


def _format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
    )(func)


def _catalogue_option(func: F) -> F:
    return click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(path_type=Path, file_okay=False),
        help="Catalogue folder (default: the shipped one).",
    )(func)


def _check_version(cat: Any, version: str | None) -> None:
    if version is not None and version not in cat.versions:
        raise click.BadParameter(
            f"unknown version {version!r}; choose one of {', '.join(sorted(cat.versions))}",
            param_hint="--version",
        )


@catalogue.command("list")
@_version_option
@click.option("--part", type=click.Choice(["prohibited", "restricted"]))
@click.option("--industry", help="Filter by industry heading (zh or en, substring).")
@_format_option
@_catalogue_option
@handles_errors
def catalogue_list(
    version: str | None, part: str | None, industry: str | None, fmt: str, catalogue_path: Path | None
) -> None:
    """List the entries of a version (default: the version in force today)."""
    from .catalogue_query import list_entries
    from .formats import catalogue as out
    from .models.catalogue import Part

    cat = _load_catalogue(catalogue_path)
    _check_version(cat, version)
    vid = version or (cat.in_force(dt.date.today()) or cat.latest()).id
    rows = list_entries(cat, vid, Part(part) if part else None, industry)
    _emit(out.list_json(rows) if fmt == "json" else out.list_text(rows))


@catalogue.command("show")
@click.argument("code")
@_version_option
@_format_option
@_catalogue_option
@handles_errors
def catalogue_show(code: str, version: str | None, fmt: str, catalogue_path: Path | None) -> None:
    """Show an entry (code such as 086501X, or ID such as M12) in every version that holds it."""
    from .catalogue_query import find
    from .formats import catalogue as out

    cat = _load_catalogue(catalogue_path)
    _check_version(cat, version)
    rows = find(cat, code, version)
    if not rows:
        click.echo(
            f"error: no entry with code or id {code!r}"
            + (f" in version {version}" if version else "")
            + "; try 'exportcheck catalogue search'",
            err=True,
        )
        sys.exit(2)
    _emit(out.entry_json(rows) if fmt == "json" else out.entry_text(rows))


@catalogue.command("search")
@click.argument("text")
@_version_option
@_format_option
@_catalogue_option
@handles_errors
def catalogue_search(text: str, version: str | None, fmt: str, catalogue_path: Path | None) -> None:
    """Search names, control points and aids (Simplified, Traditional Chinese or English)."""
    from .catalogue_query import search
    from .formats import catalogue as out

    cat = _load_catalogue(catalogue_path)
    _check_version(cat, version)
    hits = search(cat, text, version)
    _emit(out.search_json(hits) if fmt == "json" else out.search_text(hits))


@catalogue.command("status")
@_format_option
@_catalogue_option
@handles_errors
def catalogue_status(fmt: str, catalogue_path: Path | None) -> None:
    """Per version: official counts against what is encoded."""
    from .catalogue_query import status
    from .formats import catalogue as out

    cat = _load_catalogue(catalogue_path)
    rows = status(cat)
    _emit(out.status_json(rows, cat.sha256) if fmt == "json" else out.status_text(rows, cat.sha256))


@catalogue.command("diff")
@click.argument("old")
@click.argument("new")
@_format_option
@_catalogue_option
@handles_errors
def catalogue_diff(old: str, new: str, fmt: str, catalogue_path: Path | None) -> None:
    """Entries and control points added, removed and changed between versions OLD and NEW."""
    from .catalogue_query import diff
    from .formats import catalogue as out

    cat = _load_catalogue(catalogue_path)
    for v, hint in ((old, "OLD"), (new, "NEW")):
        if v not in cat.versions:
            raise click.BadParameter(
                f"unknown version {v!r}; choose one of {', '.join(sorted(cat.versions))}", param_hint=hint
            )
    changes = diff(cat, old, new)
    _emit(out.diff_json(old, new, changes) if fmt == "json" else out.diff_text(old, new, changes))


@catalogue.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@handles_errors
def catalogue_validate(path: Path | None) -> None:
    """Validate a catalogue folder (default: the shipped one); one line per problem, exit 2 if any."""
    from .catalogue import load_catalogue

    cat = load_catalogue(path)
    n = sum(len(v.entries) for v in cat.versions.values())
    click.echo(
        f"ok: {cat.root.name}: {len(cat.versions)} versions, {n} entries across versions, "
        f"{len(cat.sources)} sources"
    )


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--include", multiple=True, help="Glob of deal files (repeatable); default **/deal.yaml, **/*.deal.yaml."
)
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
    default="text",
    show_default=True,
)
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="review", show_default=True)
@click.option(
    "--strict", is_flag=True, help="Turn 'free' into 'review' while the catalogue is not fully encoded."
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
    "--sarif-output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the SARIF report of the same scan to this file (CI: annotations and SARIF at once).",
)
@_limit_options
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
    sarif_output: Path | None,
    **limits: int,
) -> None:
    """Assess every deal file under PATHS (default: .). Exit 2 if any file is invalid, else 1 if any
    deal reaches --fail-on, else 0."""
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

    if output and sarif_output and os.path.abspath(output) == os.path.abspath(sarif_output):
        raise click.BadParameter("is the same file as --output", param_hint="--sarif-output")
    cat = _load_catalogue(catalogue_path)
    files, problems = discover(list(paths) or [Path(".")], include or DEFAULT_INCLUDE, exclude)
    options = _options(as_of, pinned, encoding, limits, strict=strict)
    report = out.ScanReport(fmt, fail_on, cat.sha256, color=_to_stdout(output) and sys.stdout.isatty())
    here = working_dir()
    work = sorted(((path, display_path(path, here)) for path in files), key=lambda item: item[1])
    # with --sarif-output the same assessments also make the SARIF report (CI: one scan, two reports)
    sarif = out.ScanReport("sarif", fail_on, cat.sha256) if sarif_output else None
    fmts = (fmt, "sarif") if sarif else (fmt,)
    results = assess_files(
        work, cat, options, partial(_pieces, fmts=fmts, fail_on=fail_on), jobs or default_jobs()
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
        _emit(report.chunks(), output, files)
    if sarif is not None and sarif_output is not None:
        for result in unreadable:
            sarif.add(result)
        _emit(sarif.render(), sarif_output, files)
    bad = report.error_lines
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(report.summary())
    if not report.gates:
        click.echo(
            "error: no deal files found (patterns: " + ", ".join(include or DEFAULT_INCLUDE) + ")", err=True
        )
        sys.exit(2)
    if bad:
        for line in sorted(bad):
            click.echo(f"error: {line}", err=True)
        sys.exit(2)
    if report.fails():
        sys.exit(1)


def _pieces(result: Any, fmts: tuple[str, ...], fail_on: str) -> tuple[Any, ...]:
    """What one file adds to each report of the scan (made in the worker processes)."""
    from .formats.scan import piece

    return tuple(piece(result, fmt, fail_on) for fmt in fmts)


def _first_pieces(items: Iterable[tuple[Any, ...]], sarif: Any) -> Iterator[Any]:
    """The main report's pieces, handing each file's SARIF piece (if asked for) to the SARIF report."""
    for item in items:
        if sarif is not None:
            sarif.add(item[1])
        yield item[0]


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the deal file, for editor completion and validation."""
    import json

    from .models.deal import Deal

    data = Deal.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "exportcheck deal file"
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@main.command()
@click.argument("path", required=False, default="deal.yaml", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--title", help="What the deal is.")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), help="Negotiation/contract date.")
@click.option("--exporter", help="Exporter's legal name.")
@click.option("--exporter-country", default=None, help="ISO code, default CN.")
@click.option("--recipient", help="Recipient's legal name.")
@click.option("--recipient-country", help="ISO code, e.g. US.")
@click.option("--channel", type=click.Choice(["trade", "investment", "cooperation"]))
@click.option("--stage", type=click.Choice(["planning", "negotiating", "signed", "performed"]))
@click.option("--technology", help="Name of the (first) technology.")
@click.option("--description", help="What the recipient receives and what the technology does.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for missing fields (default: when stdin is a terminal).",
)
@handles_errors
def init(
    path: Path, force: bool, date_: dt.datetime | None, interactive: bool | None, **fields: str | None
) -> None:
    """Write a commented deal file; asks for the main fields when run in a terminal."""
    import os

    from .authoring import deal_template

    if os.path.lexists(path) and not force:  # lexists: a dangling symlink is there too
        click.echo(f"error: {path}: already exists; pass --force to overwrite", err=True)
        sys.exit(2)
    if interactive is None:
        interactive = sys.stdin.isatty()
    prompts = {
        "title": "Deal title",
        "exporter": "Exporter (legal name)",
        "exporter_country": "Exporter country (ISO code)",
        "recipient": "Recipient (legal name)",
        "recipient_country": "Recipient country (ISO code)",
        "technology": "Technology name",
        "description": "What does the recipient receive? (source code, designs, know-how, services)",
    }
    defaults = {"exporter_country": "CN"}
    values: dict[str, str | None] = dict(fields)
    for key, question in prompts.items():
        if values.get(key) is None and interactive:
            values[key] = click.prompt(
                question, default=defaults.get(key, ""), show_default=bool(defaults.get(key))
            )
    text = deal_template(values, date_.date() if date_ else None)
    _emit(text, path)  # replaced by rename, never written through a symlink
    click.echo(f"wrote {path}; edit it, then run: exportcheck assess {path}")
