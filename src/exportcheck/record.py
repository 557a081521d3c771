"""The audit record of an assessment and the hash-chained log (`--log FILE`, `exportcheck log verify`).

Each log line is one JSON object holding the sha256 of the line before it, so a line edited, removed or
moved breaks the chain at the next line. A removed *last* line leaves no trace in the file itself: keep the
head hash `log verify` prints somewhere else when that matters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path

from . import __version__
from .errors import InputError, Problem
from .models.assessment import Assessment
from .models.record import AuditRecord, RecordItem

LOG_VERSION = 1
MAX_LINE = 64 * 1024 * 1024  # one assessment; a longer line is not ours


@cache
def procedure_sha256() -> str | None:
    """sha256 of the shipped procedure data (the checklist's source), read once per process."""
    from .procedure import default_procedure_path

    try:
        return hashlib.sha256(default_procedure_path().read_bytes()).hexdigest()
    except OSError:
        return None


def build_record(
    result: Assessment,
    *,
    input_digest: str | None,
    reference_day: dt.date,
    rulings_ignored: bool,
    overlay_sha256: str | None = None,
) -> AuditRecord:
    """What the assessment was made from, and which rulings and licences it applied or rejected."""
    rulings = [
        RecordItem(
            subject=f"rulings[{o.index}]: {o.technology}: {o.entry}"
            + (f" CP{o.control_point}" if o.control_point else ""),
            status=o.status,
            detail=f"{o.decision} by {o.by} on {o.date}: {o.detail}",
        )
        for o in result.rulings
    ]
    licences = [
        RecordItem(
            subject=f"{f.technology_name}: {f.code or f.entry_id}"
            + (f" CP{f.control_point}" if f.control_point else ""),
            status=f.licence.status,
            detail=f.licence.detail,
        )
        for f in result.findings
        if f.licence
    ]
    c = result.catalogue
    return AuditRecord(
        tool_version=__version__,
        catalogue_sha256=c.sha256,
        catalogue_overlay_sha256=overlay_sha256,
        procedure_sha256=procedure_sha256(),
        input_sha256=input_digest,
        catalogue_version=c.version,
        law_date=c.selection_date,
        law_selected_by=c.selected_by,
        law_reason=c.reason,
        reference_day=reference_day.isoformat(),
        rulings_ignored=rulings_ignored,
        rulings=rulings,
        licences=licences,
    )


def line_sha256(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def log_line(result: Assessment, previous: str | None, seq: int) -> bytes:
    """One log line (without its newline): canonical JSON, no raw newline inside (json escapes them)."""
    entry = {
        "log_version": LOG_VERSION,
        "seq": seq,
        "prev_sha256": previous,
        "assessment": result.model_dump(mode="json"),
    }
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _open_log(path: Path) -> int:
    """Open for appending, never through a symlink, never a device or pipe (a FIFO would block)."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if path.is_symlink():
        raise InputError([Problem(str(path), None, "", "is a symlink; the log is never written through one")])
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), None, "", f"cannot open the log: {exc.strerror or exc}")]
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError([Problem(str(path), None, "", "is not a regular file; the log must be one")])
    return fd


def _last_line(fd: int, display: str) -> tuple[bytes | None, int]:
    """The last line of the log and the next `seq`, read from the end: appending costs the same however
    long the log is."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return None, 0
    os.lseek(fd, size - 1, os.SEEK_SET)
    if os.read(fd, 1) != b"\n":
        raise InputError(
            [Problem(display, None, "", "the log ends in a partial line; run 'exportcheck log verify' on it")]
        )
    pos, tail = size - 1, b""  # everything before the final newline
    while pos > 0 and b"\n" not in tail:
        step = min(65536, pos)
        pos -= step
        os.lseek(fd, pos, os.SEEK_SET)
        tail = os.read(fd, step) + tail
        if len(tail) > MAX_LINE:
            raise InputError([Problem(display, None, "", "the log's last line is too long to be a log line")])
    last = tail[tail.rfind(b"\n") + 1 :] if b"\n" in tail else tail
    try:
        seq = int(json.loads(last).get("seq", 0))
    except (ValueError, AttributeError, TypeError):
        raise InputError(
            [Problem(display, None, "", "the log's last line is not an exportcheck log line")]
        ) from None
    return last, seq + 1


def append_log(path: Path, result: Assessment) -> None:
    """Append one line chained to the last; concurrent writers on POSIX take turns (flock)."""
    fd = _open_log(path)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except (ImportError, OSError):  # Windows, or a file system without locks
            pass
        last, seq = _last_line(fd, str(path))
        line = log_line(result, line_sha256(last) if last is not None else None, seq)
        os.write(fd, line + b"\n")
    except OSError as exc:
        raise InputError(
            [Problem(str(path), None, "", f"cannot write the log: {exc.strerror or exc}")]
        ) from None
    finally:
        os.close(fd)


def verify_log(path: Path) -> tuple[list[Problem], int, str | None]:
    """(problems, lines checked, sha256 of the last line). Reads line by line: memory stays bounded."""
    display = str(path)
    problems: list[Problem] = []
    previous: str | None = None
    count = 0
    try:  # never wait on a FIFO, never read a device
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError([Problem(display, None, "", f"cannot read: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError([Problem(display, None, "", "is not a regular file")])
    with os.fdopen(fd, "rb") as handle:
        while True:
            raw = handle.readline(MAX_LINE + 1)
            if not raw:
                break
            count += 1
            if not raw.endswith(b"\n"):
                why = "line too long" if len(raw) > MAX_LINE else "partial last line (no newline)"
                problems.append(Problem(display, count, "", why))
                previous = line_sha256(raw)
                continue
            line = raw[:-1]
            problems += _check_line(display, count, line, previous)
            previous = line_sha256(line)
    if count == 0:
        problems.append(Problem(display, None, "", "the log is empty"))
    return problems, count, previous


def _check_line(display: str, number: int, line: bytes, previous: str | None) -> list[Problem]:
    try:
        data = json.loads(line)
    except ValueError as exc:
        return [Problem(display, number, "", f"not JSON: {exc}")]
    if not isinstance(data, dict) or data.get("log_version") != LOG_VERSION:
        return [Problem(display, number, "", "not an exportcheck log line (log_version)")]
    out = []
    if data.get("prev_sha256") != previous:
        what = "the first line must have none" if previous is None else f"expected {previous}"
        out.append(
            Problem(
                display,
                number,
                "prev_sha256",
                f"chain broken: {data.get('prev_sha256')!r} does not match the line before ({what}); a line "
                "before this one was changed, removed or moved",
            )
        )
    if data.get("seq") != number - 1:
        out.append(Problem(display, number, "seq", f"is {data.get('seq')!r}, expected {number - 1}"))
    return out
