"""`.exportcheck.yaml`'s model: a project's defaults for the command line (read by config.py).

Its own module so that a run without a configuration file never defines it (start-up time)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, StrictInt

from .common import Strict


class Config(Strict):
    """Every key is optional; a key left out keeps the built-in default."""

    fail_on: Literal["prohibited", "licence_required", "review", "none"] | None = Field(
        default=None, description="Default of --fail-on for assess and scan."
    )
    # strict types: `strict: yes` or `jobs: "4"` are mistakes to point out, not values to coerce
    strict: StrictBool | None = Field(default=None, description="Default of --strict for assess and scan.")
    lang: Literal["en", "zh", "both"] | None = Field(
        default=None,
        description="Default of --lang (assess, checklist, scan, catalogue list/show/search/status); "
        "without it, the locale (LC_ALL, LANG) decides.",
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
