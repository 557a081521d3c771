"""Turn off pydantic's plugin discovery for the command line's own process.

Why: pydantic looks for plugins the first time it builds a validator, by importing importlib.metadata
(with the email package) and scanning every installed distribution's entry points: about 13 ms of every
run, a tenth of the start-up, for plugins exportcheck never uses. PYDANTIC_DISABLE_PLUGINS alone skips the
scan but not the import, so the loader module is replaced by one that returns no plugins, as pydantic's own
loader does when that variable is set. Only the CLI calls this (a program embedding exportcheck keeps its
plugins), and only before pydantic has loaded its own loader; pydantic's plugin protocol is public, its
loader module is not, so tests/test_plugins_off.py checks that the real loader still has the function
replaced here.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"


def _no_plugins() -> Iterable[object]:
    return ()


def disable_pydantic_plugins() -> None:
    if LOADER in sys.modules:  # already loaded (a test run, an embedding program): leave it be
        return
    stub = types.ModuleType(LOADER, "exportcheck: pydantic plugins off for the CLI (see exportcheck.plugins_off)")
    stub.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = stub
