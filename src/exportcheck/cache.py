"""A per-user cache of keyed, authenticated blobs: a generic lower layer that the catalogue, the engine and
the procedure each use for their own data, and that knows none of them.

Why authenticated: a blob is a pickle (the only format that restores a compiled matcher as fast as the
start-up needs), and unpickling runs code. So nothing is unpickled unless an HMAC-SHA256, made with a
random per-user key kept in the cache folder (mode 0600), proves that this user's exportcheck wrote it for
this very name. A planted, swapped, committed or corrupted file fails that check and is rebuilt; it is
never deserialised, so it can neither run code nor crash the unpickler.

Why the file-system checks: the folder (EXPORTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/exportcheck, else
~/.cache/exportcheck) is created 0700 whatever the umask, and refused (cache off for the run) unless it is
a folder owned by the user that neither group nor others can write. Files are opened relative to that
open folder with O_NOFOLLOW and checked with fstat (a regular file owned by the user, not readable or
writable by others), so a symlink or a swap between check and open is never followed. The MAC key is also
bound to the key file's inode and change time, so a key file committed to a repository that
XDG_CACHE_HOME points into cannot sign blobs. Every failure means "build it again"; none is an error.
EXPORTCHECK_NO_CACHE=1 turns the cache off. Platforms without O_NOFOLLOW and dir_fd (Windows) run without
it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")

MAGIC = b"exportcheck-blob-v1\n"
MAC_SIZE = 32
KEY_FILE = "hmac-key"
KEY_SIZE = 32
MAX_BLOB = 256 * 1024 * 1024  # the shipped catalogue is about 1 MB; a bound, not a size
_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
)


def cache_dir() -> Path:
    explicit = os.environ.get("EXPORTCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportcheck"


def supported() -> bool:
    """Only where files can be opened without following symlinks, relative to an open folder."""
    return hasattr(os, "O_NOFOLLOW") and hasattr(os, "getuid") and os.open in os.supports_dir_fd


@cache  # read once per process: every cached kind asks
def code_digest() -> str:
    """sha256 of the package's source files' names, sizes and modification times: a blob holds this code's
    classes, so any code change (even without a version bump) must miss the cache. Judged as Python judges
    its own byte-code cache; reading and hashing every file instead cost each run about 8 ms."""
    h = hashlib.sha256()
    package = os.path.dirname(os.path.realpath(__file__))
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            path = os.path.join(folder, name)
            st = os.stat(path)
            rel = os.path.relpath(path, package).replace(os.sep, "/")
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def blob_name(kind: str, parts: Iterable[str]) -> str:
    """The file name of a blob: its kind, the package version, and a hash of the caller's key parts, this
    code and this Python (a pickle is only good for the interpreter and code that wrote it)."""
    h = hashlib.sha256()
    for part in (*parts, code_digest(), sys.version):
        h.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return f"{kind}-{__version__}-{h.hexdigest()[:40]}.blob"


def _safe(st: os.stat_result, kind: int) -> bool:
    """Owned by this user, of the expected kind, and not writable by group or others."""
    return stat.S_IFMT(st.st_mode) == kind and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _open_dir(create: bool) -> int | None:
    """The cache folder, open, once it passed the owner and mode checks; None means no cache this run."""
    path = cache_dir()
    try:
        if create:
            missing = [p for p in (path, *path.parents) if not os.path.lexists(p)]
            for folder in reversed(missing):  # parents too: XDG asks 0700 for them, and a umask of 000
                with contextlib.suppress(FileExistsError):  # made by another run: checked below
                    os.mkdir(folder, 0o700)  # must not give a world-writable folder
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if _safe(os.fstat(fd), stat.S_IFDIR):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _read(folder: int, name: str, limit: int) -> tuple[bytes, os.stat_result] | None:
    """A private regular file's bytes (at most `limit`), never through a symlink, FIFO or device."""
    try:
        fd = os.open(name, _FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not _safe(st, stat.S_IFREG) or st.st_mode & 0o077 or st.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return (b"".join(chunks), st) if size <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _write(folder: int, name: str, data: bytes) -> None:
    """Write under a fresh private name, then rename over `name` (a rename replaces a symlink, it never
    writes through it)."""
    tmp = f".{name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb", closefd=True) as handle:
            handle.write(data)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise


def _mac_key(folder: int, create: bool) -> bytes | None:
    """The HMAC key: the random key file's bytes bound to that file's identity (device, inode, change
    time), which a copied or committed key file cannot reproduce. Made anew when missing or unfit."""
    for _ in range(2):
        found = _read(folder, KEY_FILE, KEY_SIZE)
        if found and len(found[0]) == KEY_SIZE:
            raw, st = found
            identity = f"{st.st_dev}:{st.st_ino}:{st.st_ctime_ns}".encode()
            return hmac.new(raw, identity, hashlib.sha256).digest()
        if not create:
            return None
        try:
            _write(folder, KEY_FILE, secrets.token_bytes(KEY_SIZE))
        except OSError:
            return None
    return None


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode() + b"\x00" + payload, hashlib.sha256).digest()


class BlobStore:
    """The cache folder held open with its MAC key, for many blobs in a row (scan's per-file results,
    scan_cache.py): the folder's and the key's checks are made once, not once per blob."""

    def __init__(self, folder: int, key: bytes):
        self.folder, self.key = folder, key

    @classmethod
    def open(cls, create: bool) -> BlobStore | None:
        """The store, or None when the cache is unsupported here or its folder or key is unfit."""
        if not supported():
            return None
        folder = _open_dir(create)
        if folder is None:
            return None
        try:
            key = _mac_key(folder, create)
        except OSError:
            key = None
        if key is None:
            os.close(folder)
            return None
        return cls(folder, key)

    def close(self) -> None:
        os.close(self.folder)

    def load(self, name: str) -> bytes | None:
        """The payload stored under `name`, if this user's exportcheck wrote it; None otherwise."""
        found = _read(self.folder, name, MAX_BLOB)
        if found is None:
            return None
        data = found[0]
        head = len(MAGIC) + MAC_SIZE
        if len(data) < head or not data.startswith(MAGIC):
            return None
        mac, payload = data[len(MAGIC) : head], data[head:]
        return payload if hmac.compare_digest(mac, _mac(self.key, name, payload)) else None

    def store(self, name: str, payload: bytes) -> None:
        """Store `payload` under `name`, signed; silently nothing when it cannot be written."""
        if len(payload) + len(MAGIC) + MAC_SIZE > MAX_BLOB:
            return
        with contextlib.suppress(OSError):
            _write(self.folder, name, MAGIC + _mac(self.key, name, payload) + payload)

    def load_value(self, name: str) -> object | None:
        """The object stored under `name` by store_value, unpickled only once its MAC is checked; None if
        absent, not ours or not loadable (a blob of an incompatible library version, say)."""
        payload = self.load(name)
        if payload is None:
            return None
        try:
            return pickle.loads(payload)  # authenticated above: written by this user's exportcheck
        except Exception:
            return None

    def store_value(self, name: str, value: object) -> None:
        # not compressed: zlib's fastest level cost 130 us to write and 70 us to read a 18 kB JSON piece,
        # a tenth of assessing it; the pieces are pruned instead (scan_cache.py)
        self.store(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def touch(self, name: str) -> None:
        """Mark `name` as used now (its modification time), never through a symlink: what prune keeps."""
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(name, dir_fd=self.folder, follow_symlinks=False)

    def prune(self, prefix: str, older_than: float) -> None:
        """Remove this store's blobs named `prefix`… last written or touched before the time `older_than`
        (seconds since the epoch): what a kind keyed by the day would otherwise pile up. Symlinks and
        files not ours are only ever unlinked, never followed."""
        with contextlib.suppress(OSError), os.scandir(self.folder) as entries:
            for entry in entries:
                if not (entry.name.startswith(prefix) and entry.name.endswith(".blob")):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < older_than:
                        os.unlink(entry.name, dir_fd=self.folder)


def load_blob(name: str) -> bytes | None:
    """The payload stored under `name`, if this user's exportcheck wrote it; None otherwise."""
    store = BlobStore.open(create=False)
    if store is None:
        return None
    try:
        return store.load(name)
    finally:
        store.close()


def store_blob(name: str, payload: bytes) -> None:
    """Store `payload` under `name`, signed; silently nothing when the cache folder is unfit."""
    if len(payload) + len(MAGIC) + MAC_SIZE > MAX_BLOB:
        return
    store = BlobStore.open(create=True)
    if store is None:
        return
    try:
        store.store(name, payload)
    finally:
        store.close()


def off() -> bool:
    return os.environ.get("EXPORTCHECK_NO_CACHE") == "1"


def remember(kind: str, parts: Iterable[str], build: Callable[[], T], accept: Callable[[object], bool]) -> T:
    """`build()`, or the object an earlier run built with the same key parts, code and Python.

    The blob is unpickled only after its MAC checked; `accept` is a last sanity check of the object's
    type. Any failure builds the object again and replaces the blob."""
    if off():
        return build()
    name = blob_name(kind, parts)
    payload = load_blob(name)
    if payload is not None:
        try:
            value = pickle.loads(payload)  # authenticated above: written by this user's exportcheck
        except Exception:  # a blob from an incompatible library version, say: build it again
            value = None
        if value is not None and accept(value):
            return value
    value = build()
    store_blob(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value
