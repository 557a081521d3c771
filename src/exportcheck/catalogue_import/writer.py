"""Write an overlay folder without ever writing through a symbolic link.

The folder is built under a fresh private name beside `--into` and renamed into place; an existing
`--into` is replaced only when it is a real folder holding an overlay (never a link, never some other
folder). Files are created with O_EXCL | O_NOFOLLOW, so nothing planted in the meantime is followed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..catalogue_overlay import OVERLAY_FILE, OverlayManifest, is_overlay
from ..errors import InputError, Problem
from ..models.catalogue import Entry

HEADER = (
    "# Written by 'exportcheck catalogue import' from an organisation's copy of the official text.\n"
    "# Legal text: as read from that file (see provenance); 'aids' are exportcheck's, not legal text.\n"
)


def _dump(data: Any) -> str:
    return HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _write(folder: int, name: str, text: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = (
        os.open(name, flags, 0o644, dir_fd=folder)
        if os.open in os.supports_dir_fd
        else os.open(name, flags, 0o644)
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def check_target(into: Path) -> None:
    """Refuse a target that is a link, a file, or a folder that is not an overlay and not empty."""

    def refuse(message: str) -> InputError:
        return InputError([Problem(str(into), None, "--into", message)])

    if into.is_symlink():
        raise refuse("is a symbolic link: give the overlay folder itself")
    if into.exists():
        if not into.is_dir():
            raise refuse("exists and is not a folder")
        if any(into.iterdir()) and not is_overlay(into):
            raise refuse(f"is a folder that holds no overlay ({OVERLAY_FILE}) and is not empty: not replaced")
    if not into.parent.is_dir():
        raise refuse("its parent folder does not exist")


def write_overlay(into: Path, manifest: OverlayManifest, entries: list[Entry]) -> None:
    check_target(into)
    try:
        tmp = Path(tempfile.mkdtemp(dir=into.parent, prefix=f".{into.name}.", suffix=".tmp"))
    except OSError as exc:
        raise InputError(
            [Problem(str(into), None, "--into", f"cannot write: {exc.strerror or exc}")]
        ) from None
    try:
        (tmp / "entries").mkdir()
        for folder, files in (
            (tmp, {OVERLAY_FILE: _dump(manifest.model_dump(mode="json"))}),
            (
                tmp / "entries",
                {f"{e.id}.yaml": _dump(e.model_dump(mode="json", exclude_defaults=True)) for e in entries},
            ),
        ):
            fd = os.open(folder, os.O_RDONLY)
            try:
                for name, text in sorted(files.items()):
                    if os.open in os.supports_dir_fd:
                        _write(fd, name, text)
                    else:  # pragma: no cover - platforms without dir_fd
                        _write(-1, str(folder / name), text)
            finally:
                os.close(fd)
        check_target(into)  # again: the target may have changed while the files were written
        if into.exists():
            old = Path(tempfile.mkdtemp(dir=into.parent, prefix=f".{into.name}.", suffix=".old"))
            os.rmdir(old)
            os.rename(into, old)
            os.rename(tmp, into)
            shutil.rmtree(old)
        else:
            os.rename(tmp, into)
    except OSError as exc:
        raise InputError(
            [Problem(str(into), None, "--into", f"cannot write: {exc.strerror or exc}")]
        ) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
