"""Undo what makes a person read text one way and a matcher another, before matching.

Invisible format characters inside words (zero-width space and joiners, word joiner, BOM, soft hyphen,
combining grapheme joiner, Mongolian vowel separator, variation selectors, tag characters), text
reversed by a bidi override, look-alike letters from other scripts (Unicode's confusables table, via
confusable_homoglyphs), Chinese written with spaces or dots between characters, and (on request) English
words broken by hyphens. Every change is recorded with the original range it touched, so a match that
needed folding can say so: text a person reads as "recommendation" but that is spelled otherwise was
probably disguised, and that is worth a warning of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

INVISIBLE = "invisible characters"
BIDI = "text reversed by a bidi override"
LOOKALIKE = "look-alike letters from another script"
SPACED = "spaced-out Chinese characters"
HYPHEN = "hyphen-broken word"

# Unicode general category Cf (format characters), all planes, as of Unicode 14; a test checks that
# this table still covers every Cf character of the running Python's Unicode tables.
CF_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
# Not Cf, but invisible or joining all the same: C0/C1 controls other than tab and line breaks, the
# combining grapheme joiner, Mongolian free variation selectors, Hangul fillers, Khmer inherent vowels,
# variation selectors, the braille blank.
_OTHER_INVISIBLE = (
    (0x0000, 0x0008),
    (0x000B, 0x000C),
    (0x000E, 0x001F),
    (0x007F, 0x009F),
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


_INVISIBLE_RE = re.compile(f"[{_char_class(CF_RANGES + _OTHER_INVISIBLE)}]")
_RLO, _LRO, _PDF = "\u202e", "\u202d", "\u202c"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Separators a person skips when reading Chinese: spaces of every width, middle dots, bullets.
_GAP_CHARS = " \t\r\n\u00a0\u3000\u2002-\u200a\u202f\u205f\u00b7\u30fb\u2027\u2022\uff65\u2219\u22c5"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[{_GAP_CHARS}]+(?=[{_CJK}])")
_PLAIN_GAP = {" ", "\n", "\r", "\t"}  # what line-wrapping leaves between Chinese characters
# A letter outside Latin and Han: the only kind that can be a look-alike of a Latin letter.
_FOREIGN_LETTER = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u10a0-\u10ff\u13a0-\u13ff\u1d00-\u1dbf\u2c00-\u2c7f"
    "\u2d00-\u2d2f\ua640-\ua69f\uab70-\uabbf\u0250-\u02af\u1e00-\u1eff\u2100-\u214f\u0180-\u024f]"
)
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])[-\u2010\u2011](?:[ \t]*\r?\n[ \t]*|[ \t]+)?(?=[A-Za-z])")
_HYPHEN_SEP = r"[-\u2010\u2011](?:[ \t]*\r?\n[ \t]*|[ \t]+)?"
_HYPHEN_CHAIN = re.compile(rf"[A-Za-z]+(?:{_HYPHEN_SEP}[A-Za-z]+)+")
_HYPHEN_SPLIT = re.compile(_HYPHEN_SEP)
MAX_CHAIN = 8  # fragments of one hyphenated chain considered for joining (the work is quadratic in it)
_RUN = re.compile(r"\w+")


@cache
def _lookalikes() -> dict[str, str]:
    """Each non-Latin letter that Unicode's confusables table says looks like one ASCII letter or digit.
    Loaded only for text that holds such letters (most deals hold none)."""
    from confusable_homoglyphs.confusables import confusables_data

    out: dict[str, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        if unicodedata.decomposition(char) and not unicodedata.name(char, "").startswith(
            ("CYRILLIC", "GREEK")
        ):
            continue  # an accented Latin letter (é, ş) is a letter of its own, not a look-alike
        ascii_ = sorted(g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum())
        if ascii_:
            out[char] = ascii_[0]
    return out


def lookalikes_version() -> str:
    # the package's own attribute: importlib.metadata would cost every run 12 ms of imports
    import confusable_homoglyphs

    return str(confusable_homoglyphs.__version__)


@dataclass(frozen=True)
class Folded:
    """Folded text; `starts`/`ends` give each character's range in the original (None: unchanged)."""

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    folds: tuple[tuple[int, int, str], ...] = ()  # (original start, end, reason), sorted

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return min(self.starts[start:end]), max(self.ends[start:end])

    def map_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Many spans of the folded text in the original. Without a reversed run the map is monotonic,
        so a span's ends are its first start and its last end (no min/max over every character)."""
        if self.starts is None or self.ends is None:
            return spans
        if any(reason == BIDI for _, _, reason in self.folds):
            return [self.original_span(a, b) for a, b in spans]
        starts, ends, n = self.starts, self.ends, len(self.starts)
        out = []
        for a, b in spans:
            if a >= b:
                pos = starts[a] if a < n else (ends[-1] if ends else 0)
                out.append((pos, pos))
            else:
                out.append((starts[a], ends[b - 1]))
        return out


def has_hyphen_break(text: str) -> bool:
    """Whether the text may hold a hyphen-broken word (checked on the folded text: invisible characters
    or a bidi override may stand between the letters and the hyphen)."""
    if not ("-" in text or "\u2010" in text or "\u2011" in text):
        return False
    return bool(_HYPHEN_BREAK.search(text) or _HYPHEN_BREAK.search(fold(text).text))


def needs_folding(text: str, join_hyphens: bool = False) -> bool:
    if join_hyphens and _HYPHEN_BREAK.search(text):
        return True
    if _INVISIBLE_RE.search(text):
        return True
    if text.isascii():
        return False
    return bool(_CJK_GAP.search(text) or _FOREIGN_LETTER.search(text))


def fold(original: str, is_word: Callable[[str], bool] | None = None) -> Folded:
    """The text as a person reads it, with a record of every change. With `is_word`, hyphen-broken
    fragments are joined wherever joining them makes a word it knows ("recom-mendation", "conv-eyor"),
    and left apart otherwise ("stacker-reclaimer" stays two words)."""
    join_hyphens = is_word is not None
    if not needs_folding(original, join_hyphens):
        return Folded(original)
    chars = list(original)
    spans = [(i, i + 1) for i in range(len(original))]
    folds: list[tuple[int, int, str]] = []
    chars, spans = _unreverse(chars, spans, folds)
    if _INVISIBLE_RE.search("".join(chars)):  # one character class: most texts hold none, so skip the loop
        keep_c, keep_s = [], []
        for c, s in zip(chars, spans, strict=True):
            if _INVISIBLE_RE.match(c):
                folds.append((s[0], s[1], INVISIBLE))
            else:
                keep_c.append(c)
                keep_s.append(s)
        chars, spans = keep_c, keep_s
    gaps = [m.span() for m in _CJK_GAP.finditer("".join(chars))]
    chars, spans = _drop(gaps, chars, spans, folds, SPACED)
    text = "".join(chars)
    if _FOREIGN_LETTER.search(text):
        table = _lookalikes()
        for m in _RUN.finditer(text):
            run = m.group()
            if not _FOREIGN_LETTER.search(run) or len(run) < 2:
                continue
            if all((c.isascii() and c.isalnum()) or c in table for c in run):
                for k, c in enumerate(run, start=m.start()):
                    if not c.isascii():
                        chars[k] = table[c]
                        folds.append((spans[k][0], spans[k][1], LOOKALIKE))
    if is_word is not None:
        # a hyphen is visible to the reader ("Nd-Fe-B", "recom-mendation"): joined, but not a disguise
        joins = _hyphen_joins("".join(chars), is_word)
        chars, spans = _drop(joins, chars, spans, folds, HYPHEN, soft=True)
    text = "".join(chars)
    return Folded(
        text,
        tuple(s[0] for s in spans),
        tuple(s[1] for s in spans),
        tuple(sorted(folds)),
    )


def _unreverse(
    chars: list[str], spans: list[tuple[int, int]], folds: list[tuple[int, int, str]]
) -> tuple[list[str], list[tuple[int, int]]]:
    """Text between a right-to-left override and its pop (or the line's end) displays reversed: put it in
    the order a reader sees."""
    if _RLO not in chars:
        return chars, spans
    out_c: list[str] = []
    out_s: list[tuple[int, int]] = []
    i = 0
    while i < len(chars):
        if chars[i] != _RLO:
            out_c.append(chars[i])
            out_s.append(spans[i])
            i += 1
            continue
        j = i + 1
        while j < len(chars) and chars[j] not in (_PDF, "\n", _LRO):
            j += 1
        seg = list(range(i + 1, j))
        if seg:
            folds.append((spans[i][0], spans[j - 1][1], BIDI))
        out_c.append(chars[i])
        out_s.append(spans[i])
        out_c.extend(chars[k] for k in reversed(seg))
        out_s.extend(spans[k] for k in reversed(seg))
        i = j
    return out_c, out_s


def _hyphen_joins(text: str, is_word: Callable[[str], bool]) -> list[tuple[int, int]]:
    """The hyphens (with any line break after them) to remove so that fragments become known words."""
    out: list[tuple[int, int]] = []
    for chain in _HYPHEN_CHAIN.finditer(text):
        seps = list(_HYPHEN_SPLIT.finditer(chain.group()))
        if len(seps) >= MAX_CHAIN:
            continue
        frags = _HYPHEN_SPLIT.split(chain.group())
        i = 0
        while i < len(frags):
            for j in range(len(frags) - 1, i, -1):
                if is_word("".join(frags[i : j + 1])):
                    out += [(chain.start() + m.start(), chain.start() + m.end()) for m in seps[i:j]]
                    i = j
                    break
            i += 1
    return out


def _drop(
    ranges: list[tuple[int, int]],
    chars: list[str],
    spans: list[tuple[int, int]],
    folds: list[tuple[int, int, str]],
    reason: str,
    soft: bool = False,
) -> tuple[list[str], list[tuple[int, int]]]:
    """Remove `ranges` of the text, recording each as a fold. A soft fold ("reason?") is undone without
    counting as disguise: a visible hyphen, or the single space or line break that wrapping leaves between
    Chinese characters (ideographic spaces, dots or several gaps count; see reasons_in)."""
    drop: set[int] = set()
    for a, b in ranges:
        drop.update(range(a, b))
        plain = not (set(chars[a:b]) - _PLAIN_GAP)
        folds.append((spans[a][0], spans[b - 1][1], reason + "?" if soft or plain else reason))
    if not drop:
        return chars, spans
    return (
        [c for k, c in enumerate(chars) if k not in drop],
        [s for k, s in enumerate(spans) if k not in drop],
    )


def reasons_in(folds: tuple[tuple[int, int, str], ...], start: int, end: int) -> tuple[str, ...]:
    """The folds that touched original[start:end] and count as disguise: spaced Chinese characters only
    when the separators are unusual or there are at least two gaps in the matched words."""
    touched = [r for a, b, r in folds if a < end and b > start]
    if not touched:
        return ()
    out = {r for r in touched if not r.endswith("?")}
    if sum(r.startswith(SPACED) for r in touched) >= 2:
        out.add(SPACED)
    return tuple(sorted(out))


def strip_invisible(text: str) -> str:
    """The text without invisible and bidi-control characters (for quoting it back safely)."""
    return _INVISIBLE_RE.sub("", text)
