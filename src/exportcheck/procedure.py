"""Load and cross-check the licensing procedure file (catalogue/procedure/procedure.yaml).

Every problem in the file is reported at once as `file:line: key.path: message`; a procedure that does not
validate raises CatalogueError, like a broken catalogue.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from .cache import remember
from .catalogue import default_root
from .errors import CatalogueError, Problem
from .models.procedure import AlertKey, Basis, Procedure
from .validation import validate
from .yamlsafe import Document, InputError, Limits, Path_, dotted, load_file

PROCEDURE_LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_nodes=200_000, max_depth=40)


def default_procedure_path() -> Path:
    """The shipped procedure file, next to the shipped catalogue."""
    return default_root() / "procedure" / "procedure.yaml"


def load_procedure(path: Path | None = None, display: str | None = None) -> Procedure:
    """Load and validate a procedure file; raise CatalogueError listing every problem."""
    path = path or default_procedure_path()
    display = display or str(path)
    if not path.is_file():
        raise CatalogueError([Problem(display, None, "", "procedure file not found")])
    try:
        doc = load_file(path, display, PROCEDURE_LIMITS)
    except InputError as exc:
        raise CatalogueError(exc.problems) from None
    return procedure_from_document(doc)


@cache
def shipped_procedure() -> Procedure:
    """The shipped procedure, loaded once per process (from the per-user cache when current)."""
    return cached_procedure(default_procedure_path())


def cached_procedure(path: Path) -> Procedure:
    """The validated procedure file, from the per-user cache when current (keyed by the file's sha256)."""
    from pydantic.version import VERSION as PYDANTIC  # the cached object is a pydantic model

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return load_procedure(path)  # which reports the problem
    parts = (digest, f"pydantic-{PYDANTIC}")
    return remember("procedure", parts, lambda: load_procedure(path), lambda p: isinstance(p, Procedure))


def procedure_from_document(doc: Document) -> Procedure:
    """Validate parsed YAML as a Procedure, then cross-check its keys."""
    if not isinstance(doc.data, dict):
        raise CatalogueError(
            [Problem(doc.file, 1, "", "expected a mapping at the top of the procedure file")]
        )
    model, problems = validate(Procedure, doc.data, doc)
    if model is None:
        raise CatalogueError(problems)
    problems = cross_check(model, doc)
    if problems:
        raise CatalogueError(problems)
    return model


def cross_check(proc: Procedure, doc: Document) -> list[Problem]:
    """Checks pydantic cannot do alone: references between sections, unique ids, every alert worded."""
    problems: list[Problem] = []

    def add(path: Path_, message: str) -> None:
        problems.append(Problem(doc.file, doc.line_of(path), dotted(path), message))

    def check_sources(keys: list[str], path: Path_) -> None:
        for i, key in enumerate(keys):
            if key not in proc.sources:
                add((*path, i), f"unknown source key {key!r}; add it under `sources:` or fix the spelling")

    def check_basis(basis: list[Basis], path: Path_) -> None:
        for i, b in enumerate(basis):
            if b.instrument not in proc.instruments:
                known = ", ".join(sorted(proc.instruments))
                add((*path, i, "instrument"), f"unknown instrument {b.instrument!r} (known: {known})")

    for key, instrument in proc.instruments.items():
        check_sources(instrument.sources, ("instruments", key, "sources"))

    seen_ids: dict[str, int] = {}
    seen_orders: dict[tuple[str, int], str] = {}
    for i, step in enumerate(proc.steps):
        base: Path_ = ("steps", i)
        if step.id in seen_ids:
            add((*base, "id"), f"duplicate step id {step.id!r} (first at steps[{seen_ids[step.id]}])")
        seen_ids.setdefault(step.id, i)
        if not step.id.startswith(f"{step.track.value}."):
            add((*base, "id"), f"step id must start with its track, e.g. '{step.track.value}.…'")
        slot = (step.track.value, step.order)
        if slot in seen_orders:
            add(
                (*base, "order"),
                f"order {step.order} already used in track {step.track} by {seen_orders[slot]!r}",
            )
        seen_orders.setdefault(slot, step.id)
        check_sources(step.sources, (*base, "sources"))
        check_basis(step.basis, (*base, "basis"))
        for j, ref in enumerate(step.exposures):
            if ref not in proc.exposures:
                add((*base, "exposures", j), f"unknown exposure {ref!r}; add it under `exposures:`")

    for key, exposure in proc.exposures.items():
        check_sources(exposure.sources, ("exposures", key, "sources"))
        check_basis(exposure.basis, ("exposures", key, "basis"))

    for alert_key, alert in proc.alerts.items():
        base = ("alerts", alert_key.value)
        check_sources(alert.sources, (*base, "sources"))
        check_basis(alert.basis, (*base, "basis"))
        for j, ref in enumerate(alert.exposures):
            if ref not in proc.exposures:
                add((*base, "exposures", j), f"unknown exposure {ref!r}; add it under `exposures:`")
    for missing in sorted(set(AlertKey) - set(proc.alerts)):
        add(
            ("alerts",),
            f"missing alert {missing.value!r}: every alert the checklist can raise must be worded",
        )
    return problems


def as_data(proc: Procedure) -> dict[str, Any]:
    """The procedure as plain data, with YAML key names (for `--format json` dumps of the procedure)."""
    return proc.model_dump(mode="json", by_alias=True)
