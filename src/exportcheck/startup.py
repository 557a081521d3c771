"""Process-wide settings that make the command line start fast; only the CLI calls `quick_start`.

Why pydantic's plugins are turned off: pydantic looks for plugins the first time it builds a validator, by
importing importlib.metadata (with the email package) and scanning every installed distribution's entry
points, about 13 ms of every run, for plugins exportcheck never uses. PYDANTIC_DISABLE_PLUGINS alone skips
the scan but not the import, so the loader module is replaced by one that returns no plugins, as pydantic's
own loader does when that variable is set. A program embedding exportcheck keeps its plugins; the loader is
left alone once pydantic has loaded it. Its plugin protocol is public, the loader module is not, so
tests/test_startup.py checks that the real loader still has the function replaced here.

Why the cyclic garbage collector waits: start-up allocates hundreds of thousands of long-lived objects
(pydantic's model classes and schemas, the unpickled catalogue) and no garbage cycles worth collecting, yet
the collector would walk them again and again (about 30 ms of a 250 ms run). It is paused until the
catalogue is loaded (`settle`), when everything alive is moved out of its reach (gc.freeze) and collection
resumes, so a scan of 50,000 deals still collects its garbage, and collects it faster. When the command
ends (`finish`, on click's context close) the collector is on again, even if the command stopped before
loading the catalogue (an invalid deal) or runs inside another program (click's test runner).
"""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"
_paused = False


def _no_plugins() -> Iterable[object]:
    return ()


def disable_pydantic_plugins() -> None:
    if LOADER in sys.modules:  # already loaded (a test run, an embedding program): leave it be
        return
    stub = types.ModuleType(LOADER, "exportcheck: pydantic plugins off for the CLI (see exportcheck.startup)")
    stub.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = stub


def quick_start(pause_gc: bool) -> None:
    """Plugins off; with `pause_gc` (a command that loads the catalogue through the cache, which calls
    `settle`), the cyclic collector paused until then."""
    global _paused
    disable_pydantic_plugins()
    if pause_gc and gc.isenabled():
        gc.disable()
        _paused = True


def settle() -> None:
    """The long-lived data is loaded: freeze what is alive and resume collection, if quick_start paused it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def finish() -> None:
    """The command is over: collection on again if it is still paused. What settle froze stays frozen: it
    was alive then (modules, the catalogue), and unfreezing it would make the collection Python runs at
    exit walk all of it (about 25 ms of every run)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
