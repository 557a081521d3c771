"""Reading user files and writing reports when the files themselves may be hostile.

Scans run on repositories many people commit to: a committed `deal.yaml -> /dev/zero`, a FIFO, or a report
path symlinked to an executable must cost a one-line error, never memory, a hang or a write elsewhere.
Every function here raises InputError (one line per problem) and never prints.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, Problem

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


_ESCAPED_BYTE = "[\udc80-\udcff]"  # how os.fsdecode keeps a byte that is not UTF-8 (compiled when met)


def decodable(text: str) -> str:
    """`text` (a file name) with the bytes that were not UTF-8 written as `\\xff`.

    os.fsdecode keeps such bytes as lone surrogates, which no UTF-8 report can hold: a name must be made
    writable once, where it is first shown. Control characters are left as they are: each format makes
    them harmless in its own way (escape.py)."""
    if text.isascii():  # the common case
        return text
    text = re.sub(_ESCAPED_BYTE, lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")  # any other lone surrogate


def _fail(display: str, message: str) -> InputError:
    return InputError([Problem(display, None, "", message)])


def read_bounded(path: Path, display: str, max_bytes: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `max_bytes`.

    Never trusts st_size (procfs and growing files lie): reads at most max_bytes + 1 bytes. The file's kind
    is checked before it is opened (opening a device can have effects; opening a FIFO blocks) and again on
    the open descriptor, so a file swapped in between is refused too. `-` is standard input, read
    within the same bound."""
    if str(path) == "-":
        return _read_stdin(display, max_bytes)
    try:
        before = os.stat(path)
    except OSError as exc:
        raise _fail(display, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(before.st_mode):
        raise _fail(display, "is a directory, not a YAML file")
    if not stat.S_ISREG(before.st_mode):
        raise _fail(display, f"is {kind(before.st_mode)}, not a regular file; refused")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _fail(display, f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _fail(display, f"is {kind(mode)}, not a regular file; refused")
        parts: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _fail(display, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise _fail(display, f"file is over the limit of {max_bytes:,} bytes; split it or raise --max-bytes")
    return b"".join(parts)


def _read_stdin(display: str, max_bytes: int) -> bytes:
    """Standard input (`exportcheck assess -`), at most max_bytes + 1 bytes read: a pipe has no size."""
    stream = sys.stdin.buffer
    parts: list[bytes] = []
    size = 0
    try:
        while size <= max_bytes:
            chunk = stream.read(min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _fail(display, f"cannot read: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise _fail(display, f"input is over the limit of {max_bytes:,} bytes; split it or raise --max-bytes")
    return b"".join(parts)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output(output: Path, inputs: Iterable[Path] = ()) -> os.stat_result | None:
    """Refuse a report path that is a directory, device, FIFO or socket, or the same file as an input.

    Returns the lstat of a regular file already there (None for a new path or a symlink, which the
    rename replaces): its permissions are kept."""
    display = decodable(str(output))
    try:
        here = os.lstat(output)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _fail(display, f"cannot write the output: {exc.strerror or exc}") from None
    if not stat.S_ISREG(here.st_mode) and not stat.S_ISLNK(here.st_mode):
        raise _fail(display, f"cannot write the output: it is {kind(here.st_mode)}, not a regular file")
    ids = {(here.st_dev, here.st_ino)}
    with contextlib.suppress(OSError):  # where a symlink points: writing there would be just as bad
        target = os.stat(output)
        ids.add((target.st_dev, target.st_ino))
    for path in inputs:
        try:
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in ids:
            raise _fail(display, f"cannot write the output: it is the input {decodable(str(path))}")
    return here if stat.S_ISREG(here.st_mode) else None


def write_atomic(output: Path, chunks: Iterable[str], inputs: Iterable[Path] = ()) -> None:
    """Write `chunks` to a temporary file in the output's folder and rename it over `output`.

    A rename replaces a symlink instead of writing through it, and a report that fails half-way (an error
    while it is made, a full disk) leaves the previous file and no temporary one. An existing file keeps
    its permissions; a new one gets the umask's. Only errors of writing are reported as "cannot write";
    an error raised while the chunks are made propagates as itself."""
    display = decodable(str(output))
    previous = check_output(output, inputs)

    def failed(exc: OSError) -> InputError:
        return _fail(display, f"cannot write the output: {exc.strerror or exc}")

    import tempfile  # here, not at the top: only a report written to a file needs it (start-up time)

    try:
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise failed(exc) from None
    handle = os.fdopen(fd, "wb")
    done = False
    try:
        for chunk in chunks:  # an error while the pieces are made propagates as itself
            try:
                handle.write(chunk.encode("utf-8"))
            except OSError as exc:
                raise failed(exc) from None
        try:
            handle.flush()  # a full disk shows here, or at fsync
            os.fsync(handle.fileno())
            mode = previous.st_mode & 0o777 if previous else 0o666 & ~_umask()  # no set-id bits
            if hasattr(os, "fchmod"):  # on the descriptor: the name could be swapped in a shared folder
                os.fchmod(handle.fileno(), mode)
            else:  # pragma: no cover - Windows before Python 3.13
                os.chmod(tmp, mode)
            handle.close()
            os.replace(tmp, output)
        except OSError as exc:
            raise failed(exc) from None
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):  # closing flushes, and the disk may still be full
                handle.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def detach_stdout() -> None:
    """Point standard output at the null device once its reader has gone (`| head`), so that Python's
    final flush cannot fail a second time and print a traceback."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no real descriptor (tests): nothing will flush into it
        pass
