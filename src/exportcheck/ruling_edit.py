"""`exportcheck rule`: add counsel's ruling to a deal file without disturbing its comments or layout.

The file is first read and validated like any deal (safe loader, limits); ruamel.yaml's round-trip mode
then adds the ruling, and the result is accepted only if every original line is still there, in order,
and it validates as a deal with the new ruling. It is written under a temporary name in the same folder
and renamed over the original, never through a symlink.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .deal_loader import load_deal
from .engine.rulings import fingerprint
from .errors import InputError, Problem
from .models.deal import Deal, Decision, Ruling
from .validation import validate
from .yamlsafe import DEFAULT_LIMITS, Limits, load_yaml

# Control characters (bar tab and newline) have no place in a ruling and could reach a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _problem(file: str, message: str, key: str = "") -> InputError:
    return InputError([Problem(file, None, key, message)])


def new_ruling(
    deal: Deal,
    display: str,
    *,
    technology: str,
    entry: str,
    control_point: str | None,
    decision: str,
    by: str,
    reason: str,
    date: dt.date,
    expires: dt.date | None,
) -> Ruling:
    """The ruling, with the fingerprint of the named technology's text as it stands now."""
    for key, value in (("--technology", technology), ("--by", by), ("--reason", reason), ("--entry", entry)):
        if _CONTROL.search(value):
            raise _problem(display, "contains control characters", key)
    named = [t for t in deal.technologies if t.name.casefold() == technology.strip().casefold()]
    if not named:
        names = ", ".join(repr(t.name) for t in deal.technologies[:10])
        raise _problem(
            display, f"no technology named {technology!r} in the deal (it has {names})", "--technology"
        )
    prints = {fingerprint(t) for t in named}
    if len(prints) > 1:
        raise _problem(
            display,
            f"{len(named)} technologies are named {technology!r}; give them distinct names first",
            "--technology",
        )
    data = {
        "technology": named[0].name,
        "entry": entry.strip().upper(),
        "control_point": control_point,
        "decision": decision,
        "by": by,
        "date": date,
        "reason": reason,
        "expires": expires,
        "fingerprint": prints.pop(),
    }
    from pydantic import ValidationError

    try:
        return Ruling.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = "--" + str(err["loc"][0]).replace("_", "-") if err["loc"] else ""
        raise _problem(display, err["msg"], key) from None


def _yaml() -> object:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    return yaml


def _ruling_map(r: Ruling) -> object:
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap()
    for key in ("technology", "entry", "control_point", "decision", "by", "date", "reason", "expires"):
        value = getattr(r, key)
        if value is None:
            continue
        if isinstance(value, Decision):
            value = value.value
        out[key] = value
    out["fingerprint"] = r.fingerprint
    return out


# Indentation styles tried in turn (mapping, sequence, offset): ruamel.yaml applies one style to the whole
# file, so the edit is kept only under a style that reproduces every original line.
_STYLES = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0), (2, 3, 1))


def candidates(text: str, ruling: Ruling, display: str) -> Iterator[str]:
    """The deal text with the ruling added, in the ways that keep every original line: ruamel.yaml's
    round trip in each indentation style, then (ruamel.yaml rewrites some lines it reads, such as a flow
    mapping split at a comma in `{name: Example Co., Ltd., country: CN}`) the ruling appended as text
    after the last line. The caller keeps the first that reads back as the same deal plus the ruling."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError

    had_rulings = False
    for mapping, sequence, offset in _STYLES:
        yaml = _yaml()
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)  # type: ignore[attr-defined]
        try:
            data = yaml.load(text)  # type: ignore[attr-defined]
        except YAMLError as exc:
            raise _problem(display, f"cannot edit this YAML: {' '.join(str(exc).split())}") from None
        if not isinstance(data, CommentedMap):
            raise _problem(display, "top level is not a mapping")
        rulings = data.get("rulings")
        had_rulings = "rulings" in data
        if rulings is None:
            data["rulings"] = CommentedSeq([_ruling_map(ruling)])
        elif isinstance(rulings, CommentedSeq):
            rulings.append(_ruling_map(ruling))
        else:
            raise _problem(display, "is not a list", "rulings")
        buf = io.StringIO()
        yaml.dump(data, buf)  # type: ignore[attr-defined]
        if _only_additions(text, buf.getvalue()):
            yield buf.getvalue()
    body = text + ("" if text.endswith("\n") or not text else "\n")
    block = _block(ruling)
    if not had_rulings:
        yield body + block
        return
    # `rulings:` is there: its items continue at the end only when it is the last key (checked on reading
    # back); its items may sit two columns in or flush with the key
    item = block.split("\n", 1)[1]
    yield body + item
    yield body + "\n".join(line[2:] for line in item.split("\n"))


def _block(ruling: Ruling) -> str:
    """`rulings:` with the one ruling, as YAML text in the house layout."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)  # type: ignore[attr-defined]
    buf = io.StringIO()
    yaml.dump(CommentedMap(rulings=CommentedSeq([_ruling_map(ruling)])), buf)  # type: ignore[attr-defined]
    return buf.getvalue()


def _only_additions(before: str, after: str) -> bool:
    """Whether `after` keeps every line of `before`, in order, and only adds lines (a subsequence test:
    linear, however large the file)."""
    remaining = iter(after.splitlines())
    return all(any(line == candidate for candidate in remaining) for line in before.splitlines())


def add_ruling(
    path: Path,
    display: str,
    *,
    technology: str,
    entry: str,
    control_point: str | None,
    decision: str,
    by: str,
    reason: str,
    date: dt.date,
    expires: dt.date | None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str | None = None,
) -> Ruling:
    """Add a ruling to the deal file at `path`; InputError (and the file untouched) when that cannot be
    done safely."""
    if path.is_symlink():
        raise _problem(display, "is a symlink; rule on the file it points to (never written through a link)")
    deal, _ = load_deal(path, display, limits, encoding)
    ruling = new_ruling(
        deal,
        display,
        technology=technology,
        entry=entry,
        control_point=control_point,
        decision=decision,
        by=by,
        reason=reason,
        date=date,
        expires=expires,
    )
    raw = path.read_bytes()
    enc = encoding or "utf-8-sig"
    bom = raw.startswith(b"\xef\xbb\xbf") and enc == "utf-8-sig"
    text = raw.decode(enc)
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n")
    new = None
    for option in candidates(plain, ruling, display):
        try:
            doc = load_yaml(option, display, limits)
        except InputError:
            continue
        checked, _ = validate(Deal, doc.data, doc)
        if (
            checked is not None
            and checked.rulings == [*deal.rulings, ruling]
            and checked.model_copy(update={"rulings": deal.rulings}) == deal
        ):
            new = option
            break
    if new is None:
        raise _problem(
            display,
            "cannot add the ruling without changing other lines (a flow-style rulings list, or rulings: "
            "not the last key); add it by hand under rulings:",
        )
    # utf-8-sig would add a BOM of its own: the original's is put back below, only if it had one
    out = (new.replace("\n", "\r\n") if crlf else new).encode("utf-8" if enc == "utf-8-sig" else enc)
    _replace(path, (b"\xef\xbb\xbf" if bom else b"") + out, display)
    return ruling


def _replace(path: Path, data: bytes, display: str) -> None:
    """Write under a temporary name in the same folder, then rename over the original (atomic)."""
    try:
        st = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            raise _problem(display, "is not a regular file")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _problem(display, f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, path)
    except OSError as exc:
        raise _problem(display, f"cannot write: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
