"""The command line: the only layer that prints or exits.

This module holds the command group, what every command shares (errors, output, options, configuration) and
the commands that judge one deal (assess, checklist, rule). The scan, catalogue and project commands live in
cli_scan.py, cli_catalogue.py and cli_project.py, named in COMMANDS_ELSEWHERE and imported only when one of
them runs or `--help` lists them: an assessment loads no more of the CLI than it did when all was one module,
and the siblings import this module, never the reverse (no import cycle).

Exit codes: 0 nothing at or above --fail-on; 1 something is; 2 usage, input or catalogue error.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from functools import cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import ExportcheckError

F = TypeVar("F", bound=Callable[..., Any])
FAIL_ON = ("prohibited", "licence_required", "review", "none")

# main's commands defined in the sibling modules, as "module:attribute" (an explicit registry, as yamllint
# keeps its rules): imported on first use by _Commands
COMMANDS_ELSEWHERE = {
    "catalogue": "exportcheck.cli_catalogue:catalogue",
    "config": "exportcheck.cli_project:config_command",
    "due": "exportcheck.cli_project:due",
    "init": "exportcheck.cli_project:init",
    "log": "exportcheck.cli_project:log",
    "schema": "exportcheck.cli_project:schema",
    "scan": "exportcheck.cli_scan:scan",
}


class _Commands(MutableMapping[str, click.Command]):
    """main's commands: those defined here, and those of COMMANDS_ELSEWHERE, imported when first looked up.

    Listing the names imports nothing; looking one up (running it, `--help`, click's "did you mean", the
    items of the mapping) imports its module and hangs its examples on it."""

    def __init__(self) -> None:
        self.loaded: dict[str, click.Command] = {}
        self.elsewhere = dict(COMMANDS_ELSEWHERE)

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded and name in self.elsewhere:
            module, attribute = self.elsewhere[name].split(":")
            __import__(module)  # not importlib.import_module: `python -X importtime` does not list those
            command = getattr(sys.modules[module], attribute)
            attach_examples(command, (name,))
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.elsewhere.pop(name, None)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if self.elsewhere.pop(name, None) is None:
            del self.loaded[name]
        else:
            self.loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.loaded or name in self.elsewhere

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.loaded.keys() | self.elsewhere.keys()))

    def __len__(self) -> int:
        return len(self.loaded.keys() | self.elsewhere.keys())


def emit(text: str | Iterable[str], output: Path | None = None, inputs: Iterable[Path] = ()) -> None:
    """Write the report (a string, or its pieces) to standard output (no --output, or `-`) or to a file.

    A file is replaced atomically (see safeio.write_atomic): never written through a symlink, never over
    a device, a pipe or one of the `inputs`."""
    chunks = [text] if isinstance(text, str) else text
    if output is None or to_stdout(output):
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    from .safeio import write_atomic

    write_atomic(output, chunks, inputs)


def to_stdout(output: Path | None) -> bool:
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
    terminal (its width is then followed) or to `--output FILE` (fixed width, reproducible); its commands
    are a _Commands, so those of the sibling modules are imported only when looked up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands()

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


def limit_options(func: F) -> F:
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


def rulings_option(func: F) -> F:
    return click.option(
        "--no-rulings", is_flag=True, help="Show the assessment as if the deal recorded no rulings."
    )(func)


def run_options(
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


def open_catalogue(path: Path | None, overlay: str | Path | None = None) -> Any:
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
def project_config() -> Any:
    """.exportcheck.yaml, read once per run."""
    from .config import find_config, load_config
    from .runner import working_dir

    here = working_dir()
    return load_config(find_config(Path(here)) if here else None)


_project_config = project_config  # its name before cli.py was split; tests clear the cache through it


def with_config(**values: Any) -> dict[str, Any]:
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
    return {k: s.value for k, s in settle(project_config(), given).items()}


def _locale_lang() -> str:
    from .config import locale_lang

    return locale_lang()


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh", "both"]),
        default=_locale_lang,
        show_default="config lang, else zh when LC_ALL/LANG starts with zh, else en",
        help="Report language; both: Chinese and English (side by side in HTML).",
    )(func)


def overlay_option(func: F) -> F:
    return click.option(
        "--catalogue-overlay",
        "catalogue_overlay",
        type=click.Path(path_type=Path, file_okay=False),
        help="Lay an overlay written by 'catalogue import' over the catalogue (config: catalogue_overlay).",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
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
@lang_option
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
@rulings_option
@click.option(
    "--log",
    "log_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append the assessment as one hash-chained JSON line to this file.",
)
@overlay_option
@limit_options
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

    conf = with_config(
        fail_on=fail_on, strict=strict, lang=lang, catalogue_overlay=catalogue_overlay, log=log_file
    )
    fail_on, strict, lang = conf["fail_on"], conf["strict"], conf["lang"]
    log_file = Path(conf["log"]) if conf["log"] else None
    options = run_options(as_of, pinned, encoding, limits, strict=strict, no_rulings=no_rulings)
    deal, result = assess_deal_file(
        deal_file,
        "<stdin>" if str(deal_file) == "-" else decodable(str(deal_file)),
        lambda: open_catalogue(catalogue_path, conf["catalogue_overlay"]),
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
            color=to_stdout(output) and sys.stdout.isatty(),
            duty=_duty_texts(duty),
        )
        if checklist is not None:
            from .formats.checklist import render_text as checklist_text

            text += "\n" + checklist_text(checklist, lang)
    emit(text, output, [deal_file])
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
@lang_option
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
@overlay_option
@limit_options
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

    conf = with_config(lang=lang, catalogue_overlay=catalogue_overlay)
    lang = conf["lang"]
    options = run_options(as_of, pinned, encoding, limits)
    deal, result = assess_deal_file(
        deal_file,
        "<stdin>" if str(deal_file) == "-" else display_path(deal_file),
        lambda: open_catalogue(catalogue_path, conf["catalogue_overlay"]),
        options,
    )
    built = _checklist(deal, result, options.reference_day)
    if fmt == "html":
        from .formats.html import render_report

        emit(render_report(result, built, deal, lang=lang, findings=False), output, [deal_file])
        return
    emit(render(built, fmt, lang), output, [deal_file])


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
@overlay_option
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

    overlay = with_config(catalogue_overlay=catalogue_overlay)["catalogue_overlay"]
    _, result = assess_deal_file(
        deal_file, str(deal_file), lambda: open_catalogue(None, overlay), Options(encoding=encoding)
    )
    outcome = result.rulings[-1]
    if outcome.status != "applied":  # e.g. a code the deal has no finding for today
        click.echo(
            f"warning: as the deal stands today the ruling is {outcome.status}: {outcome.detail}", err=True
        )


def attach_examples(command: click.Command, path: tuple[str, ...] = ()) -> None:
    """Hang each command's examples (cli_help.py) on its `--help`, and show dates as YYYY-MM-DD rather
    than click's `[%Y-%m-%d]`. For main, only the commands already imported: _Commands does the others as
    it imports them."""
    from .cli_help import EXAMPLES

    command.epilog = EXAMPLES.get(path, command.epilog)
    for param in command.params:
        if isinstance(param, click.Option) and isinstance(param.type, click.DateTime):
            param.metavar = "YYYY-MM-DD"
    if isinstance(command, click.Group):
        subs = command.commands.loaded if isinstance(command.commands, _Commands) else command.commands
        for name, sub in list(subs.items()):
            attach_examples(sub, (*path, name))


attach_examples(main)
