"""`exportcheck catalogue …`: list, show, search, status, diff, validate and import catalogue data.

Part of the command line (cli.py, which imports this module only when `catalogue` runs or help lists it)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .cli import emit, format_option, handles_errors, lang_option, open_catalogue, overlay_option, with_config

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def catalogue() -> None:
    """Inspect and validate catalogue data."""


def _version_option(func: F) -> F:
    return click.option("--version", "version", metavar="VERSION", help="Catalogue version, e.g. 2020.")(func)


def _catalogue_option(func: F) -> F:
    return click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(path_type=Path, file_okay=False),
        help="Catalogue folder (default: the shipped one).",
    )(overlay_option(func))


def _catalogue_with_overlay(catalogue_path: Path | None, catalogue_overlay: Path | None) -> Any:
    return open_catalogue(
        catalogue_path, with_config(catalogue_overlay=catalogue_overlay)["catalogue_overlay"]
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
@format_option
@lang_option
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
    emit(out.list_json(rows) if fmt == "json" else out.list_text(rows, with_config(lang=lang)["lang"]))


@catalogue.command("show")
@click.argument("code")
@_version_option
@format_option
@lang_option
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
    emit(out.entry_json(rows) if fmt == "json" else out.entry_text(rows, with_config(lang=lang)["lang"]))


@catalogue.command("search")
@click.argument("text")
@_version_option
@format_option
@lang_option
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
    emit(out.search_json(hits) if fmt == "json" else out.search_text(hits, with_config(lang=lang)["lang"]))


@catalogue.command("status")
@format_option
@lang_option
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
        emit(out.status_json(rows, cat.sha256, dual_use=du.status_data(check)))
    else:
        lang = with_config(lang=lang)["lang"]
        emit(out.status_text(rows, cat.sha256, lang) + du.status_text(check, lang))


@catalogue.command("diff")
@click.argument("old")
@click.argument("new")
@format_option
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
    emit(out.diff_json(old, new, changes) if fmt == "json" else out.diff_text(old, new, changes))


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
@format_option
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
        source, version, into, open_catalogue(catalogue_path), dt.date.today(), name, encoding
    )
    emit(import_json(report) if fmt == "json" else import_text(report))
    if report.problems:
        sys.exit(1)
