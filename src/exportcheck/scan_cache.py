"""scan's per-file result cache: a repository scanned again and again (CI on every push) assesses again
only the deal files whose bytes changed.

What is kept is a file's piece of the report (what `reduce` makes of its assessment in a worker), under a
name that hashes everything the piece depends on: the file's bytes (the very bytes then parsed) and its
name as shown; the catalogue with its overlay and dual-use data (their sha256) and the procedure data;
the code (its source files) and Python; the normalisation libraries and pydantic; every run option (the
dates --as-of and today, --catalogue-version, --strict, --no-rulings, --encoding, the limits, the
deadline window: the runner's Options, whole); and what the report asks of each file (format, --fail-on,
--fail-on-deadline, language: the keywords of `reduce`, whole). A change to any of them is a miss, so a
stale verdict is never reused; a file whose assessment failed is never kept (it is assessed again).

Stored like the catalogue (cache.py): signed with the per-user key, 0600 in a 0700 folder, never read
through a symlink, never unpickled unless its MAC checks; anything else is a miss. Since today's date is
part of the key, pieces neither written nor reused for KEEP_DAYS days are removed at the end of a scan
(a piece is a file of about the size of the deal's part of the report: some 18 kB in JSON, less in the
other formats).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from .cache import BlobStore, blob_name, off

KIND = "result"
KEEP_DAYS = 2  # today's date is in the key: older pieces serve only scans with a fixed --as-of
# the open store, with the process and the variables naming the folder it was opened for: forked workers
# open their own, and a program that points EXPORTCHECK_CACHE_DIR elsewhere (a test) gets that folder
_open: tuple[int, tuple[str | None, ...], BlobStore | None] | None = None
_FOLDER_VARIABLES = ("EXPORTCHECK_CACHE_DIR", "XDG_CACHE_HOME", "HOME")  # what cache.cache_dir() reads


def _store() -> BlobStore | None:
    global _open
    where = (os.getpid(), tuple(os.environ.get(v) for v in _FOLDER_VARIABLES))
    if _open is None or _open[:2] != where:
        if _open is not None and _open[0] == where[0] and _open[2] is not None:
            _open[2].close()
        _open = (*where, BlobStore.open(create=True))
    return _open[2]


@dataclass(frozen=True)
class ResultCache:
    """The key of one scan's settings; small and picklable, so workers (forked or spawned) get it."""

    base: str  # a hash of everything a file's piece depends on besides the file's name and bytes

    @classmethod
    def for_scan(cls, catalogue: Any, options: Any, reduce: Any) -> ResultCache | None:
        """The cache for a scan with these settings; None when the cache is off (EXPORTCHECK_NO_CACHE=1)
        or `reduce` is not a partial of keywords only (its settings could not be part of the key)."""
        if off() or not isinstance(reduce, partial) or reduce.args:
            return None
        from pydantic.version import VERSION as PYDANTIC

        from .normalize import LIBRARIES
        from .record import procedure_sha256

        func = reduce.func
        parts = (
            catalogue.sha256,
            f"procedure-{procedure_sha256()}",
            LIBRARIES,
            f"pydantic-{PYDANTIC}",
            repr(options),
            f"{func.__module__}.{func.__qualname__}",
            repr(sorted(reduce.keywords.items())),
        )
        return cls(blob_name(KIND, parts))  # which adds the code's digest and Python's version

    def name(self, display: str, raw: bytes) -> str:
        return blob_name(KIND, (self.base, display, hashlib.sha256(raw).hexdigest()))

    def load(self, name: str) -> tuple[Any] | None:
        """(piece,) when kept under `name` by this user's exportcheck; None otherwise."""
        store = _store()
        found = store.load_value(name) if store is not None else None
        if not (isinstance(found, tuple) and len(found) == 1):
            return None
        assert store is not None
        store.touch(name)  # used: kept by prune
        return found

    def keep(self, name: str, piece: Any) -> None:
        store = _store()
        if store is not None:
            store.store_value(name, (piece,))

    def prune(self) -> None:
        """Remove the pieces neither written nor reused for KEEP_DAYS days (any scan's)."""
        store = _store()
        if store is not None:
            store.prune(f"{KIND}-", time.time() - KEEP_DAYS * 86400)
