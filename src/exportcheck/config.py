"""`.exportcheck.yaml`: a project's defaults for the command line.

Found in the current folder or the nearest parent, up to the repository root (the folder holding .git),
like `.yamllint`. Read once by the CLI, which hands the values down as options; a flag given on the
command line always wins. The file is user input: read within small limits, validated (unknown keys are
errors with their key path), never executed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem
from .yamlsafe import Limits, load_file

if TYPE_CHECKING:
    from .models.config import Config

CONFIG_FILE = ".exportcheck.yaml"
CONFIG_LIMITS = Limits(max_bytes=64 * 1024, max_nodes=10_000, max_depth=10)
MAX_PARENTS = 64


# The keys of models/config.py's Config, in its order (tests/test_startup.py checks they agree): a run
# without a configuration file never defines the model, nor builds its validator.
KEYS = ("fail_on", "strict", "lang", "include", "exclude", "catalogue_overlay", "log", "jobs")
PATHS = ("catalogue_overlay", "log")  # relative to the configuration file's folder


@dataclass(frozen=True)
class LoadedConfig:
    path: Path | None
    config: Config | None  # None: no configuration file
    lines: dict[str, int]

    def value(self, key: str) -> Any:
        return None if self.config is None else getattr(self.config, key)

    def origin(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)


@dataclass(frozen=True)
class Setting:
    value: Any
    origin: str  # "command line" | "<file>:<line>" | "default"


def find_config(start: Path) -> Path | None:
    """The nearest .exportcheck.yaml from `start` upwards, stopping at the repository root."""
    try:
        folder = start.resolve()
    except OSError:
        return None
    for _ in range(MAX_PARENTS):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
    return None


def load_config(path: Path | None) -> LoadedConfig:
    if path is None:
        return LoadedConfig(None, None, {})
    from .models.config import Config
    from .validation import validate

    doc = load_file(path, str(path), CONFIG_LIMITS)
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, "", "expected a mapping of settings")])
    config, problems = validate(Config, data, doc)
    if config is None:
        raise InputError(problems)
    lines = {k: line for k in KEYS if (line := doc.line_of((k,))) is not None and k in data}
    return LoadedConfig(path, config, lines)


def settle(loaded: LoadedConfig, given: dict[str, tuple[Any, bool]]) -> dict[str, Setting]:
    """The effective value of each key: the flag when given on the command line, else the file's, else
    the command's default. `given` maps a key to (the command's value, whether the user typed it)."""
    out = {}
    for key, (value, typed) in given.items():
        from_file = loaded.value(key)
        if typed:
            out[key] = Setting(value, "command line")
        elif from_file is not None:
            if key in PATHS and loaded.path is not None:
                from_file = (loaded.path.parent / from_file).as_posix()
            out[key] = Setting(from_file, loaded.origin(key))
        else:
            out[key] = Setting(value, "default")
    return out


def effective(loaded: LoadedConfig) -> dict[str, Setting]:
    """Every key with the value a command gets when no flag is given, and where it comes from."""
    from .runner import DEFAULT_INCLUDE

    defaults: dict[str, Any] = {
        "fail_on": "review",
        "strict": False,
        "lang": locale_lang(),
        "include": list(DEFAULT_INCLUDE),
        "exclude": [],
        "catalogue_overlay": None,
        "log": None,
        "jobs": None,  # scan: the CPUs available
    }
    return settle(loaded, {k: (defaults[k], False) for k in KEYS})


def locale_lang(environ: Mapping[str, str] | None = None) -> str:
    """The report language a user's locale asks for: "zh" when the locale in effect starts with zh.

    POSIX order: LC_ALL, then LC_MESSAGES, then LANG; the first one set decides (LC_ALL=C with LANG=zh_CN
    is an English session). Most users are in Chinese companies, where the terminal says so."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
