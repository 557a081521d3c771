"""The commands about a project's deal files and settings rather than one judgement: due, init, log verify,
config and schema.

Part of the command line (cli.py, which imports this module only when one of them runs or help lists
them)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .cli import (
    emit,
    format_option,
    handles_errors,
    limit_options,
    open_catalogue,
    overlay_option,
    project_config,
    run_options,
    with_config,
)


@click.command("config")
@format_option
@handles_errors
def config_command(fmt: str) -> None:
    """Print the effective configuration (.exportcheck.yaml) and where each value came from."""
    from .config import effective
    from .formats.imports import config_json, config_text

    loaded = project_config()
    settings = effective(loaded)
    emit(config_json(loaded.path, settings) if fmt == "json" else config_text(loaded.path, settings))


@click.command()
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
@overlay_option
@limit_options
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

    conf = with_config(include=include, exclude=exclude, catalogue_overlay=catalogue_overlay)
    window = within if within is not None else 30
    options = run_options(as_of, None, None, limits, deadline_window=window)
    items, problems, count = collect_due(
        list(paths) or [Path(".")],
        tuple(conf["include"]) or DEFAULT_INCLUDE,
        tuple(conf["exclude"]),
        lambda: open_catalogue(catalogue_path, conf["catalogue_overlay"]),
        options,
        within,
    )
    day = options.reference_day
    if fmt == "ics":
        from .formats.ics import render_ics

        emit(render_ics(items, day), output)
    else:
        emit((out.render_json if fmt == "json" else out.render_text)(items, day.isoformat()), output)
    if problems:
        for p in sorted(problems, key=lambda p: p.render()):
            click.echo(f"error: {p.render()}", err=True)
        sys.exit(2)
    if not count:
        click.echo(
            "error: no deal files found (patterns: " + ", ".join(include or DEFAULT_INCLUDE) + ")", err=True
        )
        sys.exit(2)


@click.group()
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


@click.command()
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


@click.command()
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
    emit(text, path)  # replaced by rename, never written through a symlink
    click.echo(f"wrote {path}; edit it, then run: exportcheck assess {path}")
