"""A per-user cache of the loaded, validated and compiled catalogue (and of the procedure file), keyed by
their sha256.

Loading the YAML, validating it and compiling the matcher takes most of a run's time; the result depends
only on the catalogue files and the code, so it is kept as a pickle under the user's cache folder
(EXPORTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/exportcheck, else ~/.cache/exportcheck). Any change to the
catalogue files or to the package's code changes the key. EXPORTCHECK_NO_CACHE=1 turns it off; a cache that cannot be read or written is
ignored, never an error. Only files owned by the current user are read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import __version__
from .catalogue import Catalogue, catalogue_digest, default_root, load_catalogue

T = TypeVar("T")

if TYPE_CHECKING:
    from .models.procedure import Procedure


def cache_dir() -> Path:
    explicit = os.environ.get("EXPORTCHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportcheck"


@cache  # read once per process: the catalogue and the procedure caches both ask
def code_digest() -> str:
    """sha256 of the package's own source: a cached catalogue holds its classes and compiled matcher, so
    any code change (even without a version bump) must miss the cache."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _owned(path: Path) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or path.stat().st_uid == getuid()


def _cached(name: str, digest: str, load: Callable[[], T], check: Callable[[object], bool]) -> T:
    """`load()`, or its pickle from an earlier run with the same digest, code and libraries."""
    from pydantic.version import VERSION as PYDANTIC  # the cached objects are pydantic models

    from .normalize import LIBRARIES

    code = hashlib.sha256(f"{code_digest()}-{LIBRARIES}-pydantic-{PYDANTIC}".encode()).hexdigest()
    path = cache_dir() / f"{name}-{__version__}-{digest[:24]}-{code[:16]}.pickle"
    try:
        if path.is_file() and _owned(path):
            with path.open("rb") as handle:
                value = pickle.load(handle)
            if check(value):
                return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = load()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return value


def _off() -> bool:
    return os.environ.get("EXPORTCHECK_NO_CACHE") == "1"


def cached_catalogue(root: Path | None = None, overlay: Path | None = None) -> Catalogue:
    """The catalogue at `root` (default: the shipped one), with `overlay` laid over it when given, from
    the cache when it is current (the key covers the overlay's files too)."""
    root = (root or default_root()).resolve()
    if _off() or not root.is_dir() or (overlay is not None and not overlay.is_dir()):
        return load_catalogue(root, overlay)
    digest = catalogue_digest(root)
    if overlay is not None:
        from .catalogue_overlay import overlay_digest

        digest = hashlib.sha256(f"{digest}+overlay:{overlay_digest(overlay)}".encode()).hexdigest()

    def load() -> Catalogue:
        from .engine.matcher import compile_versions  # compile now so the cache carries the matcher

        cat = load_catalogue(root, overlay)
        compile_versions(cat.ordered())
        return cat

    cat = _cached("catalogue", digest, load, lambda c: isinstance(c, Catalogue) and c.sha256 == digest)
    cat.root = root
    if overlay is not None and cat.overlay is not None:
        from dataclasses import replace

        cat.overlay = replace(cat.overlay, path=str(overlay))
    return cat


def cached_procedure(path: Path) -> Procedure:
    """The validated procedure file, from the cache when it is current."""
    from .models.procedure import Procedure
    from .procedure import load_procedure

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return load_procedure(path)  # which reports the problem
    if _off():
        return load_procedure(path)
    return _cached("procedure", digest, lambda: load_procedure(path), lambda p: isinstance(p, Procedure))
