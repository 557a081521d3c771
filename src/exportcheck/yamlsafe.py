"""Strict, bounded YAML loading with line numbers for every key.

Why not `yaml.safe_load`: it keeps the last of duplicate keys, reads `NO` (Norway) as False,
expands alias bombs without limit and forgets where each value stood in the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .safeio import read_bounded

try:  # the C parser is several times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class StrictLoader(_BaseLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans; yes/no/on/off stay strings,
    and `=` is a string (YAML 1.1's "value" type is gone)."""


StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:value")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one YAML file may cost to read. Generous for real deals."""

    max_bytes: int = 2 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 40
    max_technologies: int = 1000


DEFAULT_LIMITS = Limits()
_STR = "tag:yaml.org,2002:str"
# What a deal or catalogue can hold: plain scalars, mappings and lists. Any other tag (`!!python/...`,
# `!!binary`, `!!set`, an application's `!foo`) is refused rather than read as something it is not.
_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """Plain data plus the line of every key path (1-based)."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    file: str = ""
    sha256: str = ""  # of the bytes that were parsed (the audit record's input_sha256), when read from a file

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known prefix of `path`."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def dotted(path: Path_) -> str:
    if len(path) > 10:  # deep paths (bombs, nesting) stay readable
        return dotted(path[:6]) + "[...]"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_text(path: Path, display: str, limits: Limits = DEFAULT_LIMITS, encoding: str | None = None) -> str:
    """Read a regular file as text within the size limit; explain encoding problems."""
    return decode_text(read_bounded(path, display, limits.max_bytes), display, encoding)


def decode_text(raw: bytes, display: str, encoding: str | None = None) -> str:
    """The file's bytes as text; explain encoding problems."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(display, None, "", "is a binary file, not YAML text")])
    if encoding:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError([Problem(display, None, "", f"cannot decode as {encoding}: {exc}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    display,
                    line,
                    "",
                    "is not valid UTF-8 (byte offset "
                    f"{exc.start}); save it as UTF-8, or pass --encoding gb18030 if it is GBK/GB18030",
                )
            ]
        ) from None


def load_yaml(text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse one YAML document strictly; raise InputError naming file, line and key."""
    try:
        loader = StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        ctx = exc.context_mark
        if exc.context and exc.problem and ctx is not None:
            what = f"{what} ({exc.context} started at line {ctx.line + 1}, column {ctx.column + 1})"
        raise InputError([Problem(display, line, "", f"YAML syntax error{col}: {what}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(
            [
                Problem(
                    display,
                    line,
                    "",
                    f"control character #x{exc.character:04x} is not allowed in YAML; remove it",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(display, None, "", f"YAML error: {exc}")]) from None
    doc = Document(data=None, file=display)
    if node is None:
        return doc
    builder = _Builder(loader, doc, display, limits)
    doc.data = builder.build(node, (), 0)
    if builder.problems:
        raise InputError(builder.problems)
    return doc


def _short_tag(tag: str) -> str:
    """A tag as it was written (`!!python/object/apply:os.system`); the error line is escaped as a whole."""
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag[len("tag:yaml.org,2002:") :]
    elif not tag.startswith("!"):
        tag = f"!<{tag}>"
    return tag[:80] + ("..." if len(tag) > 80 else "")


class _Builder:
    """Walks the node graph, constructing plain data and recording lines."""

    def __init__(self, loader: Any, doc: Document, display: str, limits: Limits):
        self.loader = loader
        self.doc = doc
        self.display = display
        self.limits = limits
        self.count = 0
        self.problems: list[Problem] = []

    def _fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        raise InputError([Problem(self.display, node.start_mark.line + 1, dotted(path), message)])

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > self.limits.max_nodes:
            self._fail(
                node,
                path,
                f"more than {self.limits.max_nodes:,} YAML values (alias expansion or an oversized file); "
                "remove anchors/aliases or shorten the file",
            )
        if depth > self.limits.max_depth:
            self._fail(
                node, path, f"nested deeper than {self.limits.max_depth} levels; flatten the structure"
            )
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _TAGS:
            self._fail(node, path, f"YAML tag {_short_tag(node.tag)} is not allowed; remove it")
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._fail(key_node, path, "merge keys (<<) are not supported; write the keys out")
                key = self.build(key_node, path, depth + 1)
                if isinstance(key, list | dict):
                    self._fail(key_node, path, "a key must be a plain value, not a list or mapping")
                key_s = key if isinstance(key, str) else str(key)
                if key_s in out:
                    first = self.doc.lines.get((*path, key_s))
                    self.problems.append(
                        Problem(
                            self.display,
                            key_node.start_mark.line + 1,
                            dotted((*path, key_s)),
                            f"duplicate key (first at line {first}); keep one",
                        )
                    )
                    continue
                self.doc.lines[(*path, key_s)] = key_node.start_mark.line + 1
                out[key_s] = self.build(value_node, (*path, key_s), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.doc.lines.setdefault((*path, i), item.start_mark.line + 1)
                items.append(self.build(item, (*path, i), depth + 1))
            return items
        if node.tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value  # what the str constructor returns, without its bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            detail = getattr(exc, "problem", None) or str(exc)
            self._fail(node, path, f"invalid value {node.value!r}: {detail}")
        return None  # pragma: no cover - _fail raises


def load_file(
    path: Path,
    display: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str | None = None,
    raw: bytes | None = None,
) -> Document:
    """The parsed file; `raw`: its bytes, when the caller already read them (within the same limit) to
    look its result up in scan's cache, so the bytes parsed are the bytes hashed."""
    display = display or str(path)
    if raw is None:
        raw = read_bounded(path, display, limits.max_bytes)
    doc = load_yaml(decode_text(raw, display, encoding), display, limits)
    doc.sha256 = hashlib.sha256(raw).hexdigest()  # read once: the digest is of what was parsed
    return doc
