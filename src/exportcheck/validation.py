"""Turn pydantic validation errors into one-line problems with file, line and key path."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .yamlsafe import Document, Path_, dotted

M = TypeVar("M", bound=BaseModel)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model that `loc` points into, for 'did you mean'."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        current = _innermost_model(annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _innermost_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _innermost_model(arg)
        if found is not None:
            return found
    return None


def _message(err: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        import difflib  # only an unknown key needs it (start-up time)

        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed and not close else ""
        return f"unknown key{hint}{listing}"
    if kind == "missing":
        return "required key is missing"
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return f"unknown value {err.get('input')!r}; allowed: {expected}"
    if kind == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
        return "must not be empty"
    if kind.startswith(("date_", "datetime_")):
        return f"not a date: {err.get('input')!r}; write it as YYYY-MM-DD, e.g. 2021-01-30"
    given = err.get("input")
    if kind == "string_type" and isinstance(given, int | float | bool):
        # YAML read it as a number or a truth value: 1,3,7-trimethylxanthine in a [a, b] list is three items
        in_list = bool(loc) and isinstance(loc[-1], int)
        return f"expected text, got the {type(given).__name__} {given!r}: quote the value" + (
            " (in a [a, b] list a comma splits items, so quote an item that holds a comma)" if in_list else ""
        )
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind.endswith("_type") and not isinstance(given, dict | list):
        msg += f" (got {type(given).__name__} {given!r})"
    return msg


def problems_from(
    exc: ValidationError, doc: Document, model: type[BaseModel], prefix: Path_ = ()
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        path: Path_ = (*prefix, *loc)
        out.append(Problem(doc.file, doc.line_of(path), dotted(path), _message(err, model, loc)))
    return out


def validate(model: type[M], data: Any, doc: Document, prefix: Path_ = ()) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, problems_from(exc, doc, model, prefix)
