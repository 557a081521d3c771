"""The command line: the only module that prints or exits.

Exit codes: 0 nothing at or above --fail-on; 1 something is; 2 usage, input or catalogue error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache, wraps
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


def _error_lines(exc: ExportcheckError) -> list[str]:
    """One line per problem; with --lang zh or both (or a Chinese locale), the Chinese follows the English
    after " / ", so that `file:line: key.path:` still starts every line."""
    lang = click.get_current_context().params.get("lang")
    if lang not in ("zh", "both"):
        return exc.lines()
    from .errors import Problem
    from .formats.zh_errors import problem

    out = []
    for p in exc.problems:
        zh = problem(p.message)
        out.append(Problem(p.file, p.line, p.key, f"{p.message} / {zh}" if zh else p.message).render())
    return out


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
            for line in _error_lines(exc):
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


class _Main(click.Group):
    """The command group, keeping the command line so `main` can tell whether the report goes to the
    terminal (its width is then followed) or to `--output FILE` (fixed width, reproducible)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["exportcheck.args"] = list(args)
        return super().parse_args(ctx, args)


def _to_file(args: list[str]) -> bool:
    """Whether the command line names an --output other than `-` (standard output)."""
    for i, arg in enumerate(args):
        if arg.startswith("--output="):
            return arg != "--output=-"
        if arg == "--output":
            return args[i + 1 : i + 2] != ["-"]
    return False


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exportcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """Check a planned technology transfer out of China against the Catalogue of Technologies
    Prohibited or Restricted from Export (中国禁止出口限制出口技术目录).

    Exit codes: 0 nothing reached --fail-on; 1 something did; 2 usage, input or catalogue error.
    A screening aid, not legal advice."""
    from .formats.console import follow_terminal
    from .startup import finish, quick_start

    ctx = click.get_current_context()
    # the commands that judge deals load the catalogue through the cache, which resumes the collector
    quick_start(pause_gc=ctx.invoked_subcommand in ("assess", "checklist", "scan", "due", "rule"))
    ctx.call_on_close(finish)  # about 40 ms of a run (see startup.py)
    args = ctx.meta.get("exportcheck.args", [])
    terminal = sys.stdout.isatty() and not _to_file(args)
    if terminal:
        import shutil  # only here: a report to a pipe or file never asks for the width (start-up time)

        follow_terminal(shutil.get_terminal_size().columns)
    else:
        follow_terminal(None)


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


def _rulings_option(func: F) -> F:
    return click.option(
        "--no-rulings", is_flag=True, help="Show the assessment as if the deal recorded no rulings."
    )(func)


def _options(
    as_of: dt.datetime | None,
    pinned: str | None,
    encoding: str | None,
    limits: dict[str, Any],
    strict: bool = False,
    deadline_window: int = 30,
    no_rulings: bool = False,
) -> Any:
    """The run options shared by assess, checklist, scan and due."""
    from .runner import Options
    from .yamlsafe import Limits

    return Options(
        as_of=as_of.date() if as_of else None,
        pinned=pinned,
        strict=strict,
        encoding=encoding,
        deadline_window=deadline_window,
        rulings=not no_rulings,
        limits=Limits(
            **{k: limits.pop(k) for k in ("max_bytes", "max_nodes", "max_depth", "max_technologies")}
        ),
    )


def _load_catalogue(path: Path | None, overlay: str | Path | None = None) -> Any:
    """The catalogue, with the overlay laid over it; an overlay in use is named on standard error, so
    that every report made with it says so whatever its format."""
    from .engine.prepared import cached_catalogue

    cat = cached_catalogue(path, Path(overlay) if overlay else None)
    if cat.overlay is not None:
        o = cat.overlay
        click.echo(
            f"note: catalogue overlay {o.name} (sha256 {o.sha256}) over version {o.version}: {o.entries} "
            f"entries of organisation-supplied official text ({o.imported_file}, sha256 {o.imported_sha256}, "
            f"imported {o.imported_date})",
            err=True,
        )
    return cat


@cache
def _project_config() -> Any:
    """.exportcheck.yaml, read once per run."""
    from .config import find_config, load_config
    from .runner import working_dir

    here = working_dir()
    return load_config(find_config(Path(here)) if here else None)


def _settings(**values: Any) -> dict[str, Any]:
    """The command's values with .exportcheck.yaml filling those not given on the command line."""
    from click.core import ParameterSource

    from .config import settle

    ctx = click.get_current_context()
    param = {"log": "log_file"}  # configuration key -> the command's parameter, where they differ
    given = {
        k: (
            v,
            ctx.get_parameter_source(param.get(k, k))
            not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP, None),
        )
        for k, v in values.items()
    }
    return {k: s.value for k, s in settle(_project_config(), given).items()}


def _locale_lang() -> str:
    from .config import locale_lang

    return locale_lang()


def _lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh", "both"]),
        default=_locale_lang,
        show_default="config lang, else zh when LC_ALL/LANG starts with zh, else en",
        help="Report language; both: Chinese and English (side by side in HTML).",
    )(func)


def _overlay_option(func: F) -> F:
    return click.option(
        "--catalogue-overlay",
        "catalogue_overlay",
        type=click.Path(path_type=Path, file_okay=False),
        help="Lay an overlay written by 'catalogue import' over the catalogue (config: catalogue_overlay).",
    )(func)


@main.command()
@click.argument("deal_file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge under the law in force on this date."
)
@click.option("--catalogue-version", "pinned", metavar="VERSION", help="Pin a catalogue version, e.g. 2023.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
)
@_lang_option
@click.option("--explain", is_flag=True, help="Show near misses and why they were discarded.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="review",
    show_default=True,
    help="Exit 1 when the verdict reaches this level.",
)
@click.option(
    "--strict/--no-strict",
    default=False,
    help="Turn 'free' into 'review' while the catalogue is not fully encoded.",
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
@_rulings_option
@click.option(
    "--log",
    "log_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append the assessment as one hash-chained JSON line to this file.",
)
@_overlay_option
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
    no_rulings: bool,
    log_file: Path | None,
    catalogue_overlay: Path | None,
    **limits: int,
) -> None:
    """Assess DEAL_FILE: prohibited, licence required, review, free or not an export."""
    from .runner import assess_deal_file
    from .safeio import decodable

    conf = _settings(
        fail_on=fail_on, strict=strict, lang=lang, catalogue_overlay=catalogue_overlay, log=log_file
    )
    fail_on, strict, lang = conf["fail_on"], conf["strict"], conf["lang"]
    log_file = Path(conf["log"]) if conf["log"] else None
    options = _options(as_of, pinned, encoding, limits, strict=strict, no_rulings=no_rulings)
    deal, result = assess_deal_file(
        deal_file,
        "<stdin>" if str(deal_file) == "-" else decodable(str(deal_file)),
        lambda: _load_catalogue(catalogue_path, conf["catalogue_overlay"]),
        options,
    )
    built = _checklist(deal, result, options.reference_day)
    checklist = None if no_checklist else built
    # the checklist's next duty follows the stage and the records (also with --no-checklist); the verdict's
    # own sentence is the fallback
    duty = built.next_duty
    if fmt == "json":
        import json

        from .formats.assessment import render_json

        text = render_json(result, explain=True, lang=lang)
        data = json.loads(text)
        if checklist is not None:
            from .formats.checklist import render_json as checklist_json

            data["checklist"] = json.loads(checklist_json(checklist))
        if duty is not None:
            data["next_duty"] = duty.en
            if "zh" in data:
                data["zh"]["next_duty"] = duty.zh
        from .escape import json_text

        text = json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    elif fmt == "html":
        from .formats.html import render_report

        text = render_report(result, checklist, deal, lang=lang, explain=explain)
    elif fmt == "markdown":
        from .formats.assessment import render_markdown

        text = render_markdown(result, lang=lang, explain=explain, duty=_duty_texts(duty))
        if checklist is not None:
            from .formats.checklist import render_markdown as checklist_markdown

            text += "\n" + checklist_markdown(checklist, lang)
    else:
        from .formats.assessment import render_text

        text = render_text(
            result,
            lang=lang,
            explain=explain,
            color=_to_stdout(output) and sys.stdout.isatty(),
            duty=_duty_texts(duty),
        )
        if checklist is not None:
            from .formats.checklist import render_text as checklist_text

            text += "\n" + checklist_text(checklist, lang)
    _emit(text, output, [deal_file])
    if log_file is not None:
        from .record import append_log

        append_log(log_file, result)
    from .models.assessment import reaches

    if reaches(result.gate_verdict or result.verdict, fail_on):
        sys.exit(1)


def _duty_texts(duty: Any) -> dict[str, str] | None:
    """The checklist's next duty in both languages; the formatter picks by --lang."""
    return {"en": duty.en, "zh": duty.zh} if duty is not None else None


def _checklist(deal: Any, result: Any, day: dt.date) -> Any:
    from .checklist import build_checklist
    from .procedure import shipped_procedure

    return build_checklist(result, deal, shipped_procedure(), day)


@main.command()
@click.argument("deal_file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html"]),
    default="text",
    show_default=True,
)
@_lang_option
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
@_overlay_option
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
    catalogue_overlay: Path | None,
    **limits: int,
) -> None:
    """The licensing checklist for DEAL_FILE: what must happen, in what order, by whom, under which article."""
    from .formats.checklist import render
    from .runner import assess_deal_file, display_path

    conf = _settings(lang=lang, catalogue_overlay=catalogue_overlay)
    lang = conf["lang"]
    options = _options(as_of, pinned, encoding, limits)
    deal, result = assess_deal_file(
        deal_file,
        "<stdin>" if str(deal_file) == "-" else display_path(deal_file),
        lambda: _load_catalogue(catalogue_path, conf["catalogue_overlay"]),
        options,
    )
    built = _checklist(deal, result, options.reference_day)
    if fmt == "html":
        from .formats.html import render_report

        _emit(render_report(result, built, deal, lang=lang, findings=False), output, [deal_file])
        return
    _emit(render(built, fmt, lang), output, [deal_file])


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
    )(_overlay_option(func))


def _catalogue_with_overlay(catalogue_path: Path | None, catalogue_overlay: Path | None) -> Any:
    return _load_catalogue(
        catalogue_path, _settings(catalogue_overlay=catalogue_overlay)["catalogue_overlay"]
    )


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
@_lang_option
@_catalogue_option
@handles_errors
def catalogue_list(
    version: str | None,
    part: str | None,
    industry: str | None,
    fmt: str,
    lang: str,
    catalogue_path: Path | None,
    catalogue_overlay: Path | None,
) -> None:
    """List the entries of a version (default: the version in force today)."""
    from .catalogue_query import list_entries
    from .formats import catalogue as out
    from .models.catalogue import Part

    cat = _catalogue_with_overlay(catalogue_path, catalogue_overlay)
    _check_version(cat, version)
    vid = version or (cat.in_force(dt.date.today()) or cat.latest()).id
    rows = list_entries(cat, vid, Part(part) if part else None, industry)
    _emit(out.list_json(rows) if fmt == "json" else out.list_text(rows, _settings(lang=lang)["lang"]))


@catalogue.command("show")
@click.argument("code")
@_version_option
@_format_option
@_lang_option
@_catalogue_option
@handles_errors
def catalogue_show(
    code: str,
    version: str | None,
    fmt: str,
    lang: str,
    catalogue_path: Path | None,
    catalogue_overlay: Path | None,
) -> None:
    """Show an entry (code such as 086501X, or ID such as M12) in every version that holds it."""
    from .catalogue_query import find
    from .formats import catalogue as out

    cat = _catalogue_with_overlay(catalogue_path, catalogue_overlay)
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
    _emit(out.entry_json(rows) if fmt == "json" else out.entry_text(rows, _settings(lang=lang)["lang"]))


@catalogue.command("search")
@click.argument("text")
@_version_option
@_format_option
@_lang_option
@_catalogue_option
@handles_errors
def catalogue_search(
    text: str,
    version: str | None,
    fmt: str,
    lang: str,
    catalogue_path: Path | None,
    catalogue_overlay: Path | None,
) -> None:
    """Search names, control points and aids (Simplified, Traditional Chinese or English)."""
    from .catalogue_query import search
    from .formats import catalogue as out

    cat = _catalogue_with_overlay(catalogue_path, catalogue_overlay)
    _check_version(cat, version)
    hits = search(cat, text, version)
    _emit(out.search_json(hits) if fmt == "json" else out.search_text(hits, _settings(lang=lang)["lang"]))


@catalogue.command("status")
@_format_option
@_lang_option
@_catalogue_option
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Dual-use measures' status on this date (default today).",
)
@handles_errors
def catalogue_status(
    fmt: str,
    lang: str,
    catalogue_path: Path | None,
    catalogue_overlay: Path | None,
    as_of: dt.datetime | None,
) -> None:
    """Per version: official counts against what is encoded; dual-use measures, their status, and gaps."""
    from .catalogue_dual_use import check_on
    from .catalogue_query import status
    from .formats import catalogue as out
    from .formats import dual_use as du

    cat = _catalogue_with_overlay(catalogue_path, catalogue_overlay)
    rows = status(cat)
    check = check_on(cat.dual_use, as_of.date() if as_of else dt.date.today())
    if fmt == "json":
        _emit(out.status_json(rows, cat.sha256, dual_use=du.status_data(check)))
    else:
        lang = _settings(lang=lang)["lang"]
        _emit(out.status_text(rows, cat.sha256, lang) + du.status_text(check, lang))


@catalogue.command("diff")
@click.argument("old")
@click.argument("new")
@_format_option
@_catalogue_option
@handles_errors
def catalogue_diff(
    old: str, new: str, fmt: str, catalogue_path: Path | None, catalogue_overlay: Path | None
) -> None:
    """Entries and control points added, removed and changed between versions OLD and NEW."""
    from .catalogue_query import diff
    from .formats import catalogue as out

    cat = _catalogue_with_overlay(catalogue_path, catalogue_overlay)
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
    from .catalogue_overlay import is_overlay

    if path is not None and is_overlay(path):
        layered = load_catalogue(None, path)
        assert layered.overlay is not None
        o = layered.overlay
        click.echo(f"ok: overlay {o.name} (sha256 {o.sha256}): {o.entries} entries of version {o.version}")
        return
    cat = load_catalogue(path)
    n = sum(len(v.entries) for v in cat.versions.values())
    click.echo(
        f"ok: {cat.root.name}: {len(cat.versions)} versions, {n} entries across versions, "
        f"{len(cat.dual_use.measures)} dual-use measures, {len(cat.sources)} sources"
    )


@catalogue.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--version", "version", required=True, metavar="VERSION", help="Version of that text, e.g. 2023."
)
@click.option(
    "--into", required=True, type=click.Path(path_type=Path, file_okay=False), help="Overlay folder to write."
)
@click.option("--name", help="The overlay's name (default: the folder's name).")
@click.option("--encoding", help="Read SOURCE in this encoding (e.g. gb18030) instead of UTF-8.")
@_format_option
@click.option(
    "--catalogue",
    "catalogue_path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Catalogue folder to import over (default: the shipped one).",
)
@handles_errors
def catalogue_import(
    source: Path,
    version: str,
    into: Path,
    name: str | None,
    encoding: str | None,
    fmt: str,
    catalogue_path: Path | None,
) -> None:
    """Read an organisation's copy of the official text of VERSION (text extracted from the PDF, the PDF
    with the 'pdf' extra, or a CSV/YAML transcription) into an overlay folder. Exit 1 when anything could
    not be placed."""
    from .catalogue_import import run_import
    from .formats.imports import import_json, import_text

    report = run_import(
        source, version, into, _load_catalogue(catalogue_path), dt.date.today(), name, encoding
    )
    _emit(import_json(report) if fmt == "json" else import_text(report))
    if report.problems:
        sys.exit(1)


@main.command("config")
@_format_option
@handles_errors
def config_command(fmt: str) -> None:
    """Print the effective configuration (.exportcheck.yaml) and where each value came from."""
    from .config import effective
    from .formats.imports import config_json, config_text

    loaded = _project_config()
    settings = effective(loaded)
    _emit(config_json(loaded.path, settings) if fmt == "json" else config_text(loaded.path, settings))


@main.command()
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
@_lang_option
@_rulings_option
@_overlay_option
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
    conf = _settings(
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
    cat = _load_catalogue(catalogue_path, conf["catalogue_overlay"])
    files, problems = discover(list(paths) or [Path(".")], include or DEFAULT_INCLUDE, exclude)
    options = _options(
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
        color=_to_stdout(output) and sys.stdout.isatty(),
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

            _emit(scan_page(report), output, files)
        else:
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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only dates within DAYS of the reference date (overdue ones always); also the 'due soon' window.",
)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Reference date (default: today).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "ics"]), default="text", show_default=True
)
@click.option(
    "--include", multiple=True, help="Glob of deal files (repeatable); default **/deal.yaml, **/*.deal.yaml."
)
@click.option("--exclude", multiple=True, help="Glob of paths to skip (repeatable).")
@click.option("--catalogue", "catalogue_path", type=click.Path(path_type=Path, file_okay=False))
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@_overlay_option
@_limit_options
@handles_errors
def due(
    paths: tuple[Path, ...],
    within: int | None,
    as_of: dt.datetime | None,
    fmt: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    catalogue_path: Path | None,
    output: Path | None,
    catalogue_overlay: Path | None,
    **limits: int,
) -> None:
    """Every overdue and upcoming deadline (registration, letter of intent, licence) across the deal files
    under PATHS (default: .), sorted by date. Exit 2 if any file is invalid."""
    from .due import collect_due
    from .formats import due as out
    from .runner import DEFAULT_INCLUDE

    conf = _settings(include=include, exclude=exclude, catalogue_overlay=catalogue_overlay)
    window = within if within is not None else 30
    options = _options(as_of, None, None, limits, deadline_window=window)
    items, problems, count = collect_due(
        list(paths) or [Path(".")],
        tuple(conf["include"]) or DEFAULT_INCLUDE,
        tuple(conf["exclude"]),
        lambda: _load_catalogue(catalogue_path, conf["catalogue_overlay"]),
        options,
        within,
    )
    day = options.reference_day
    if fmt == "ics":
        from .formats.ics import render_ics

        _emit(render_ics(items, day), output)
    else:
        _emit((out.render_json if fmt == "json" else out.render_text)(items, day.isoformat()), output)
    if problems:
        for p in sorted(problems, key=lambda p: p.render()):
            click.echo(f"error: {p.render()}", err=True)
        sys.exit(2)
    if not count:
        click.echo(
            "error: no deal files found (patterns: " + ", ".join(include or DEFAULT_INCLUDE) + ")", err=True
        )
        sys.exit(2)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@main.command()
@click.argument("deal_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--technology", required=True, help="Name of the deal's technology the finding is about.")
@click.option(
    "--entry", required=True, help="Catalogue code or entry ID of the finding, e.g. 086501X or M12."
)
@click.option(
    "--control-point", help="The finding's control point number; omit for every point of the entry."
)
@click.option("--decision", required=True, type=click.Choice(["not_applicable", "applies"]))
@click.option("--by", "by", required=True, help="Who decided (counsel's name).")
@click.option("--reason", required=True, help="Why; shown beside the finding.")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day the ruling holds.")
@click.option(
    "--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the ruling [today]."
)
@click.option("--encoding", help="The deal file's encoding (e.g. gb18030) instead of UTF-8.")
@_overlay_option
@handles_errors
def rule(
    deal_file: Path,
    technology: str,
    entry: str,
    control_point: str | None,
    decision: str,
    by: str,
    reason: str,
    expires: dt.datetime | None,
    date_: dt.datetime | None,
    encoding: str | None,
    catalogue_overlay: Path | None,
) -> None:
    """Add counsel's ruling on a finding to DEAL_FILE, with the fingerprint of the technology's text;
    comments and layout are kept, and the file is replaced atomically."""
    from .ruling_edit import add_ruling

    ruling = add_ruling(
        deal_file,
        str(deal_file),
        technology=technology,
        entry=entry,
        control_point=control_point,
        decision=decision,
        by=by,
        reason=reason,
        date=date_.date() if date_ else dt.date.today(),
        expires=expires.date() if expires else None,
        encoding=encoding,
    )
    click.echo(
        f"added a ruling ({ruling.decision.value}, {ruling.entry}) to {click.format_filename(deal_file)}"
    )
    from .runner import Options, assess_deal_file

    overlay = _settings(catalogue_overlay=catalogue_overlay)["catalogue_overlay"]
    _, result = assess_deal_file(
        deal_file, str(deal_file), lambda: _load_catalogue(None, overlay), Options(encoding=encoding)
    )
    outcome = result.rulings[-1]
    if outcome.status != "applied":  # e.g. a code the deal has no finding for today
        click.echo(
            f"warning: as the deal stands today the ruling is {outcome.status}: {outcome.detail}", err=True
        )


@main.group()
def log() -> None:
    """The hash-chained assessment log written by `assess --log FILE`."""


@log.command("verify")
@click.argument("log_file", type=click.Path(path_type=Path, dir_okay=False))
@handles_errors
def log_verify(log_file: Path) -> None:
    """Check that no line of LOG_FILE was changed, removed or moved (exit 1 if one was)."""
    from .record import verify_log

    problems, count, head = verify_log(log_file)
    for p in problems:
        click.echo(f"error: {p.render()}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {count} line(s), chain intact; last line sha256 {head}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the deal file, for editor completion and validation."""
    import json

    from .models.deal import Deal

    data = Deal.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "exportcheck deal file"
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def _valid(check: Callable[[str], str]) -> Callable[[str], str]:
    """A prompt's value check: click asks again, showing the reason, on BadParameter."""

    def proc(value: str) -> str:
        try:
            return check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return proc


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
@click.option("--forms", help="Forms of transfer, comma-separated, e.g. know_how_transfer,technical_service.")
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
    from .authoring import QUESTIONS, check_given, missing
    from .runner import DEFAULT_INCLUDE, matches

    values: dict[str, str | None] = {**fields, "date": date_.date().isoformat() if date_ else None}
    if not interactive:
        values["exporter_country"] = values.get("exporter_country") or "CN"  # as --help says
    for problem in check_given(values):  # a wrong option is refused, never written out
        click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    for q in QUESTIONS if interactive else ():
        if not values.get(q.key):  # asked again until the answer is valid
            try:
                values[q.key] = click.prompt(q.ask, default=q.default(), value_proc=_valid(q.check))
            except click.Abort:  # end of input or Ctrl-C at a prompt
                click.echo(
                    f"\nerror: {path}: stopped before every question was answered; nothing written", err=True
                )
                sys.exit(2)
    day = values.get("date")
    date_ = dt.datetime.fromisoformat(day) if day else None
    if missing(values):
        left = ", ".join(missing(values))
        click.echo(f"note: fill in what is marked TODO: ({left}) before relying on {path}", err=True)
    if not matches(path.name, DEFAULT_INCLUDE):
        click.echo(
            f"note: `exportcheck scan` will not find {path.name} (default patterns: "
            f"{', '.join(DEFAULT_INCLUDE)}); name it NAME.deal.yaml, or pass --include",
            err=True,
        )
    text = deal_template(values, date_.date() if date_ else None)
    _emit(text, path)  # replaced by rename, never written through a symlink
    click.echo(f"wrote {path}; edit it, then run: exportcheck assess {path}")


def attach_examples(group: click.Group) -> None:
    """Hang each command's examples (cli_help.py) on its `--help`, and show dates as YYYY-MM-DD rather
    than click's `[%Y-%m-%d]`."""
    from .cli_help import EXAMPLES

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        command.epilog = EXAMPLES.get(path, command.epilog)
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.type, click.DateTime):
                param.metavar = "YYYY-MM-DD"
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))

    walk(group, ())


attach_examples(main)
