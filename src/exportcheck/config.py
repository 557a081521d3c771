"""`.exportcheck.yaml`: a project's defaults for the command line.

Found in the current folder or the nearest parent, up to the repository root (the folder holding .git),
like `.yamllint`. Read once by the CLI, which hands the values down as options; a flag given on the
command line always wins. The file is user input: read within small limits, validated (unknown keys are
errors with their key path), never executed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt

from .errors import InputError, Problem
from .models.common import Strict
from .validation import validate
from .yamlsafe import Limits, load_file

CONFIG_FILE = ".exportcheck.yaml"
CONFIG_LIMITS = Limits(max_bytes=64 * 1024, max_nodes=10_000, max_depth=10)
MAX_PARENTS = 64


class Config(Strict):
    """Every key is optional; a key left out keeps the built-in default."""

    fail_on: Literal["prohibited", "licence_required", "review", "none"] | None = Field(
        default=None, description="Default of --fail-on for assess and scan."
    )
    # strict types: `strict: yes` or `jobs: "4"` are mistakes to point out, not values to coerce
    strict: StrictBool | None = Field(default=None, description="Default of --strict for assess and scan.")
    lang: Literal["en", "zh"] | None = Field(
        default=None, description="Default of --lang (assess, checklist)."
    )
    include: list[str] | None = Field(default=None, description="Default --include globs of scan.")
    exclude: list[str] | None = Field(default=None, description="Default --exclude globs of scan.")
    catalogue_overlay: str | None = Field(
        default=None,
        description="Overlay folder written by 'catalogue import'; relative to this file's folder.",
    )
    log: str | None = Field(
        default=None,
        description="Default of assess --log (the hash-chained log file); relative to this file's folder.",
    )
    jobs: StrictInt | None = Field(default=None, ge=1, le=1024, description="Default of scan --jobs.")


KEYS = tuple(Config.model_fields)
PATHS = ("catalogue_overlay", "log")  # relative to the configuration file's folder


@dataclass(frozen=True)
class LoadedConfig:
    path: Path | None
    config: Config
    lines: dict[str, int]

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
        return LoadedConfig(None, Config(), {})
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
        from_file = getattr(loaded.config, key)
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
        "lang": "en",
        "include": list(DEFAULT_INCLUDE),
        "exclude": [],
        "catalogue_overlay": None,
        "log": None,
        "jobs": None,  # scan: the CPUs available
    }
    return settle(loaded, {k: (defaults[k], False) for k in KEYS})
