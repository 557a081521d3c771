"""Normalise deal text and catalogue terms into one comparable form.

Full-width and compatibility forms are folded (NFKC), Traditional Chinese and Taiwan phrasing are
converted to Simplified (OpenCC tw2sp: 資訊 -> 信息, 軟體 -> 软件), Latin words are lower-cased,
British spellings folded to American and stemmed (recommender ~ recommendation). Every normalised
character keeps a pointer back to the original text so evidence can quote the user's own words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc
import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_TOKEN = re.compile(
    r"(?P<word>[a-z0-9]+(?:[.'][a-z0-9]+)*)|(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)"
)
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
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


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
    return str(_converter().convert(text))


@dataclass(frozen=True)
class Normalised:
    """Normalised text with a map from each of its characters to a span of the original."""

    text: str
    spans: tuple[tuple[int, int], ...]
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]

    def quote(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]


def normalise(original: str) -> Normalised:
    """Tokens separated by single spaces; a space before and after so matches can check word edges."""
    folded = unicodedata.normalize("NFKC", original)
    # NFKC may change length (rare ligatures); fall back to per-character folding to keep offsets
    if len(folded) != len(original):
        folded = "".join(unicodedata.normalize("NFKC", c)[:1] or " " for c in original)
    lowered = folded.lower()
    if len(lowered) != len(folded):
        lowered = "".join(c.lower()[:1] for c in folded)
    out: list[str] = [" "]
    spans: list[tuple[int, int]] = [(0, 0)]
    for m in _TOKEN.finditer(lowered):
        start, end = m.span()
        if m.group("word"):
            token = stem(m.group("word"))
            if out[-1] != " ":
                out.append(" ")
                spans.append((start, start))
            for ch in token:
                out.append(ch)
                spans.append((start, end))
            out.append(" ")
            spans.append((end, end))
        else:
            run = m.group("cjk")
            simple = to_simplified(run)
            if out[-1] != " " and not _CJK.match(out[-1]):
                out.append(" ")
                spans.append((start, start))
            if len(simple) == len(run):
                for i, ch in enumerate(simple):
                    out.append(ch)
                    spans.append((start + i, start + i + 1))
            else:  # a phrase conversion changed the length: map every char to the whole run
                for ch in simple:
                    out.append(ch)
                    spans.append((start, end))
        # anything between tokens (punctuation, spaces) becomes a single separator
        nxt = m.end()
        if nxt < len(lowered) and not _TOKEN.match(lowered, nxt) and out[-1] != " ":
            out.append(" ")
            spans.append((nxt, nxt))
    if out[-1] != " ":
        out.append(" ")
        spans.append((len(original), len(original)))
    return Normalised(text="".join(out), spans=tuple(spans), original=original)


@lru_cache(maxsize=65536)
def normalise_term(term: str) -> str:
    """A catalogue term in the same form as deal text, without the outer spaces."""
    return normalise(term).text.strip()


def is_latin_edge(ch: str) -> bool:
    return bool(ch) and ch.isascii() and ch.isalnum()
