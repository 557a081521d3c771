"""Normalise deal text and catalogue terms into one comparable form.

Full-width and compatibility forms are folded (NFKC), Traditional Chinese and Taiwan phrasing are
converted to Simplified (OpenCC tw2sp: 資訊 -> 信息, 軟體 -> 软件), Latin words are lower-cased,
British spellings folded to American and stemmed (recommender ~ recommendation). Every normalised
character keeps a pointer back to the original text so evidence can quote the user's own words.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc
import Stemmer

from .fold import Folded, fold, lookalikes_version, reasons_in, strip_invisible

_TOKEN = re.compile(
    # a negator joined by a hyphen is a compound adjective that negates nothing after it: "no-code",
    # "not-so-secret", "no-nonsense", "never-ending"
    r"(?P<compound>\b(?:no|not|never|nothing)-[a-z0-9]+(?:-[a-z0-9]+)*)"
    r"|(?P<word>[a-z0-9]+(?:[.'][a-z0-9]+)*)"
    r"|(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)"
    r"|(?P<weak>[,、()（）])"
    r"|(?P<stop>[;:!?\[\]{}|\n，。；：！？【】]|\.(?=\s|$))"
)
# Boundaries in normalised text: no term matches across either. A negation reaches across list commas
# ("no recommendation, push or profiling features"; 、 in Chinese; a parenthesis, "no phosphate (LFP)")
# but never past a clause boundary
# (in Chinese the full-width comma ， ends a clause).
BOUNDARY = "|"
LIST_COMMA = ","
_BRITISH = [
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("isers", "izers"),
    ("iser", "izer"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
]


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


# What normalised terms depend on besides this code (NFKC and lower-casing follow Python's Unicode
# tables): a cached compiled catalogue is keyed by it.
LIBRARIES = (
    f"python-{sys.version_info[:3]}-unicode-{unicodedata.unidata_version}-opencc-{opencc.__version__}"
    f"-pystemmer-{Stemmer.version()}-confusables-{lookalikes_version()}"
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) > 5 and not word.isdigit():
        for brit, amer in _BRITISH:
            if word.endswith(brit):
                word = word[: -len(brit)] + amer
                break
    # Stem to a fixed point so normalising twice changes nothing (Porter2 alone is not idempotent:
    # a0se -> a0s -> a0), and drop a dangling apostrophe or dot the stemmer may leave ("u0'e" -> "u0'").
    for _ in range(5):
        stemmed = str(_stemmer().stemWord(word)).strip(".'") or word
        if stemmed == word:
            break
        word = stemmed
    return word


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Simplified Chinese, converted to a fixed point: OpenCC is not idempotent for a few characters
    (薴 -> 苧 -> 苎), and normalising twice must change nothing."""
    for _ in range(3):
        converted = str(_converter().convert(text))
        if converted == text:
            break
        text = converted
    return text


@dataclass(frozen=True)
class Normalised:
    """Normalised text with a map from each of its characters to a span of the original, and what had
    to be folded (disguise undone) to get there."""

    text: str
    spans: tuple[tuple[int, int], ...]
    original: str
    folds: tuple[tuple[int, int, str], ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]

    def quote(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return strip_invisible(self.original[a:b]) if self.folds else self.original[a:b]

    def folded_in(self, start: int, end: int) -> tuple[str, ...]:
        """What disguise had to be undone for text[start:end] to read as it does."""
        if not self.folds:
            return ()
        a, b = self.original_span(start, end)
        return reasons_in(self.folds, a, b)


def normalise(original: str, words: frozenset[str] | None = None) -> Normalised:
    """Tokens separated by single spaces, clause punctuation as `|`, a space at both ends.

    The text is first folded as a person reads it (invisible characters, bidi overrides, look-alike
    letters, spaced-out Chinese; given the stems of known `words`, hyphen-broken English words too)."""
    pre: Folded = fold(original, None if words is None else (lambda w: stem(w.lower()) in words))
    source = pre.text
    folded = unicodedata.normalize("NFKC", source)
    # NFKC may change length (rare ligatures); fall back to per-character folding to keep offsets
    if len(folded) != len(source):
        folded = "".join(unicodedata.normalize("NFKC", c)[:1] or " " for c in source)
    lowered = folded.lower()
    if len(lowered) != len(folded):
        lowered = "".join(c.lower()[:1] for c in folded)
    out: list[str] = [" "]  # one character per item, so the checks below can look back a character
    spans: list[tuple[int, int]] = [(0, 0)]
    last_kind = None
    for m in _TOKEN.finditer(lowered):
        start, end = m.span()
        kind = m.lastgroup
        # two runs of Chinese with only noise between them ("推'荐", "推*荐") read as one word, as the
        # spaces between them do (fold.py); so the normalised form is its own normal form
        if out[-1] != " " and not (kind == "cjk" and last_kind == "cjk"):
            out.append(" ")
            spans.append((start, start))
        last_kind = kind
        if kind == "compound":
            word = m.group()
            out.extend(word)
            spans.extend([(start, end)] * len(word))
        elif kind == "word":
            stemmed = stem(m.group())
            out.extend(stemmed)
            spans.extend([(start, end)] * len(stemmed))
        elif kind == "cjk":
            run = m.group()
            simple = to_simplified(run)
            out.extend(simple)
            if len(simple) == len(run):
                spans.extend(zip(range(start, end), range(start + 1, end + 1), strict=True))
            else:  # a phrase conversion that changed the length maps every char to the whole run
                spans.extend([(start, end)] * len(simple))
        else:
            mark = BOUNDARY if kind == "stop" else LIST_COMMA
            if mark == LIST_COMMA and source[start] == "\uff0c":
                mark = BOUNDARY  # the full-width comma ， ends a clause in Chinese (NFKC folds it to ",")
            if len(out) == 1:  # no boundary before the first token
                continue
            if out[-2] in (BOUNDARY, LIST_COMMA):  # a run of punctuation: keep one mark, the stronger
                out.pop()
                spans.pop()
                if out[-1] == LIST_COMMA and mark == BOUNDARY:
                    out[-1] = BOUNDARY
                continue
            out.append(mark)
            spans.append((start, end))
    if out[-1] != " ":
        out.append(" ")
        spans.append((len(source), len(source)))
    if pre.starts is not None:  # spans so far point into the folded text: map them to the original
        spans = pre.map_spans(spans)
    return Normalised(text="".join(out), spans=tuple(spans), original=original, folds=pre.folds)


@lru_cache(maxsize=64)  # reused across the versions of one deal; a larger cache only costs memory
def normalised(text: str, words: frozenset[str] | None = None) -> Normalised:
    return normalise(text, words)


@lru_cache(maxsize=65536)
def normalise_term(term: str) -> str:
    """A catalogue term in the same form as deal text, without the outer spaces."""
    return normalise(term).text.strip()


def is_latin_edge(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()
