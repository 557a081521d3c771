"""The catalogue ready for the engine (loaded, validated and with its matcher compiled), kept in the
per-user cache.

Loading the YAML, validating it and compiling the matcher takes most of a run's time, and the result
depends only on the catalogue files, the code and the normalisation libraries, which are its cache key.
This lives in the engine because the compiled matcher is the engine's; the cache below it stores signed
blobs and knows nothing of catalogues (see cache.py for why a planted cache file cannot run code).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from ..cache import remember
from ..catalogue import Catalogue, catalogue_digest, default_root, load_catalogue
from ..startup import settle
from .matcher import compile_versions


def cached_catalogue(root: Path | None = None, overlay: Path | None = None) -> Catalogue:
    """The catalogue at `root` (default: the shipped one), with `overlay` (an imported official text) laid
    over it when given, compiled, from the cache when it is current (the key covers the overlay too)."""
    root = (root or default_root()).resolve()
    if not root.is_dir() or (overlay is not None and not overlay.is_dir()):
        return load_catalogue(root, overlay)  # which reports the problem
    from pydantic.version import VERSION as PYDANTIC  # the cached objects are pydantic models

    from ..normalize import LIBRARIES

    digest = catalogue_digest(root)
    if overlay is not None:
        from ..catalogue_overlay import overlay_digest

        # the layered catalogue's own sha256 (load_catalogue combines the two the same way)
        digest = hashlib.sha256(f"{digest}+overlay:{overlay_digest(overlay)}".encode()).hexdigest()

    def build() -> Catalogue:
        cat = load_catalogue(root, overlay)
        compile_versions(cat.ordered())  # now, so the cached catalogue carries the matcher
        return cat

    def current(value: object) -> bool:
        return isinstance(value, Catalogue) and value.sha256 == digest

    cat = remember("catalogue", (digest, str(LIBRARIES), f"pydantic-{PYDANTIC}"), build, current)
    settle()  # the catalogue lives as long as the process: out of the collector's way from now on
    cat.root = root
    if overlay is not None and cat.overlay is not None:
        cat.overlay = replace(cat.overlay, path=str(overlay))
    return cat
