"""Compile a version's terms once into one Aho-Corasick automaton; find them in a technology's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from ..catalogue import ResolvedVersion
from ..models.assessment import TermOrigin
from ..models.catalogue import Entry, MatchingAids
from ..models.common import Fidelity, Provenance
from ..normalize import BOUNDARY, LIST_COMMA, Normalised, normalise_term, normalised, stem

# Kinds of pattern: 'term' and 'name' of a point are decisive, 'related' only suggests, 'exclude' discards.
TERM, RELATED, EXCLUDE, NAME, OVERRIDE = "term", "related", "exclude", "name", "override"
_PAREN = re.compile(r"[（(].*$")
_TAIL = re.compile(r"(?:的)?(?:技术|工艺|技术和工艺|生产技术)$")
_GENERIC_EN = {"technolog", "technique", "product", "of", "and", "the", "for", "a", "an", "in", "to", "s"}


@dataclass(frozen=True)
class Pattern:
    entry_id: str
    control_point: str | None
    kind: str
    term: str
    parts: tuple[str, ...]
    origin: TermOrigin


class Hit(NamedTuple):  # a tuple: made many times per deal, and cheap to make
    pattern: int
    part: int
    field: str
    quote: str
    negated: bool = False
    clause: int = 0  # index of the clause within the field (clauses end at BOUNDARY)
    start: int = 0  # offset in the field's normalised text


# Negation is read narrowly, because a term wrongly read as negated can turn a controlled technology into
# 'free': the negator must stand right before the term, or before a short list that ends in it
# ("no recommendation, personalised push or profiling features"; "不含语音识别、语音合成代码").
_NEG_EN = {stem(w) for w in ("no", "not", "without", "excluding", "except", "never", "neither", "nor")}
# Fixed phrases in which those words negate nothing that follows: "without limitation", "no later than".
_NOT_NEGATING_NEXT = {
    stem(w) for w in ("limitation", "prejudice", "delay", "later", "less", "more", "only", "charge")
}
_LIST_WORDS = {"or", "nor", "and", LIST_COMMA}
LIST_ITEM_WORDS = 2  # words a list item may have between the negator and the term
_NEG_ZH = tuple(
    [
        "不含",
        "不包括",
        "不包含",
        "不涉及",
        "不提供",
        "没有",
        "并无",
        "不转让",
        "不出口",
        "不会转让",
        "不交付",
        "不做",
        "不采集",
        "不使用",
        "不进行",
        "不开展",
        "不具备",
        "不具有",
        "不支持",
        "不集成",
        "不搭载",
        "不开发",
        "不授权",
        "不许可",
        "不披露",
        "不属于",
        "未包含",
        "未涉及",
        "未提供",
        "无需",
        "无任何",
        "并未",
    ]
)
_NOT_NEGATING_ZH = ("不含税", "不包括税", "不包含税", "不属于本", "无需另行")
_LIST_ZH = "、或和及与"
LIST_ITEM_CHARS = 8  # characters a Chinese list item may have between the negator and the term
# '-free' right after a term negates it ("rare-earth-free"), but not "free of charge".
_FREE_EN = stem("free")


def _negated_en(tokens: list[str]) -> bool:
    """Walk back from the term over at most LIST_ITEM_WORDS words per list item to a negator."""
    words = 0
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok == "and" and i > 0 and tokens[i - 1] == LIST_COMMA:
            return False  # ", and ..." starts a new item of the sentence, not of the negated list
        if tok in _LIST_WORDS:
            words = 0
            continue
        if not tok.isascii():
            return False
        if tok in _NEG_EN:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            return nxt not in _NOT_NEGATING_NEXT
        words += 1
        if words > LIST_ITEM_WORDS:
            return False
    return False


# Every start of every negator, overlapping ones included; at one start the alternation takes the
# greatest string first, so the last match is max((position, negator)).
_NEG_ZH_AT = re.compile("(?=(" + "|".join(sorted(_NEG_ZH, reverse=True)) + "))")
_NEG_ZH_FIRST = frozenset(n[0] for n in _NEG_ZH)
_LIST_ZH_SPLIT = re.compile(f"[{_LIST_ZH}]")


def _negated_zh(window: str) -> bool:
    tail = window.replace(" ", "").replace(LIST_COMMA, "、")[-32:]
    if _NEG_ZH_FIRST.isdisjoint(tail):
        return False
    last = None
    for last in _NEG_ZH_AT.finditer(tail):  # noqa: B007 - the last match is the one wanted
        pass
    if last is None:
        return False
    at, word = last.start(), last.group(1)
    if any(tail.startswith(x, at) for x in _NOT_NEGATING_ZH):
        return False
    gap = tail[at + len(word) :]
    items = _LIST_ZH_SPLIT.split(gap)
    return all(len(x) <= LIST_ITEM_CHARS for x in items) and len(gap) <= 3 * LIST_ITEM_CHARS


@lru_cache(maxsize=8192)  # the same hit is read once for every catalogue version
def negated(text: str, start: int, end: int | None = None) -> bool:
    """Whether the term at text[start:end] is negated: a negator right before it or before a short list
    ending in it, in the same clause; or '-free' right after it ("rare-earth-free")."""
    if end is not None:
        after = text[end : end + 16].split()
        if after and after[0] == _FREE_EN and (len(after) < 2 or after[1] != "of"):
            return True
    cut = text.rfind(BOUNDARY, max(0, start - 200), start)
    window = text[cut + 1 if cut >= 0 else max(0, start - 200) : start]
    if text[start].isascii():
        return _negated_en(window.split())
    return _negated_zh(window)


_OWN_FIELDS = {"name", "description", "keywords"}


Fields = list[tuple[str, Normalised]]


class Matcher:
    """The terms of every version of a catalogue in one Aho-Corasick automaton: a technology's text is
    read once, whichever versions it is then judged under. Each version keeps the indices of its own
    patterns (CompiledVersion)."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self.automaton: ahocorasick.Automaton | None = None
        self._index: dict[Pattern, int] = {}
        self._memo: dict[tuple[tuple[tuple[str, str], ...], bool], dict[int, list[Hit]]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_memo": {}}  # a cached catalogue carries no deal's hits

    def add(self, pattern: Pattern) -> int:
        if pattern not in self._index:
            self._index[pattern] = len(self.patterns)
            self.patterns.append(pattern)
        return self._index[pattern]

    def build(self) -> None:
        index: dict[str, list[tuple[int, int, int]]] = {}
        for pidx, pat in enumerate(self.patterns):
            for part_idx, part in enumerate(pat.parts):
                index.setdefault(part, []).append((pidx, part_idx, len(part)))
        if index:
            automaton = ahocorasick.Automaton()
            for word, refs in index.items():
                automaton.add_word(word, tuple(refs))
            automaton.make_automaton()
            self.automaton = automaton

    def find(self, fields: Fields, title_is_own: bool = False) -> dict[int, list[Hit]]:
        """Every pattern's hits, remembered for the last few technologies (one per version asks)."""
        # keyed by the original wording: hits quote it, and 推薦 and 推荐 normalise alike
        key = (tuple((name, norm.original) for name, norm in fields), title_is_own)
        if key not in self._memo:
            if len(self._memo) >= 8:
                self._memo.clear()
            self._memo[key] = self._find(fields, title_is_own)
        return self._memo[key]

    def _find(self, fields: Fields, title_is_own: bool) -> dict[int, list[Hit]]:
        """Patterns whose every part occurs in one field; their hits, one per part and field."""
        found: dict[int, dict[int, list[Hit]]] = {}
        if self.automaton is None:
            return {}
        for fname, norm in fields:
            text = norm.text
            for end_index, refs in self.automaton.iter(text):
                # every ref of one automaton key is the same word: check its edges and read it once
                end = end_index + 1
                start = end - refs[0][2]
                if text[start] != " " and text[start].isascii() and text[start - 1] != " ":
                    continue
                if text[end - 1].isascii() and text[end - 1] != " " and text[end] != " ":
                    continue
                neg = negated(text, start, end)
                clause = text.count(BOUNDARY, 0, start)  # clauses end at BOUNDARY
                quote = norm.quote(start, end)
                for pidx, part_idx, _length in refs:
                    hits = found.setdefault(pidx, {}).setdefault(part_idx, [])
                    same = [h for h in hits if h.field == fname and h.clause == clause]
                    if same and (neg or not same[0].negated):
                        continue  # one hit per clause, preferring an affirmative one
                    if same:
                        hits.remove(same[0])
                    hits.append(Hit(pidx, part_idx, fname, quote, neg, clause, start))
        out: dict[int, list[Hit]] = {}
        for pidx, by_part in found.items():
            if len(by_part) != len(self.patterns[pidx].parts):
                continue
            # every part of an 'A & B' term must occur within the technology's own fields, or all in the
            # deal title: not A in the title and B in the description
            own = _OWN_FIELDS | {"title"} if title_is_own else _OWN_FIELDS
            for scope in (own, {"title"}):
                scoped = {p: [h for h in hits if h.field in scope] for p, hits in by_part.items()}
                if not all(scoped.values()):
                    continue
                if len(scoped) == 1:
                    out[pidx] = next(iter(scoped.values()))
                    break
                # 'A & B': the parts must stand near each other, affirmatively if possible
                plain = {p: [h for h in hits if not h.negated] for p, hits in scoped.items()}
                combo = _near_combo(plain) if all(plain.values()) else None
                combo = combo or _near_combo(scoped)
                if combo:
                    out[pidx] = combo
                break
        return out


@dataclass
class CompiledVersion:
    """One version's view of the shared matcher: which of its patterns belong to the version."""

    version: str
    matcher: Matcher
    members: frozenset[int]

    @property
    def patterns(self) -> list[Pattern]:
        return self.matcher.patterns

    def find(self, fields: Fields, title_is_own: bool = False) -> dict[int, list[Hit]]:
        found = self.matcher.find(fields, title_is_own)
        return {pidx: hits for pidx, hits in found.items() if pidx in self.members}


NEAR = 100  # normalised characters within which the parts of an 'A & B' term must stand
_SUMMARY_FIELDS = {"name", "title", "keywords"}  # short fields that describe the whole technology


def _close(a: Hit, b: Hit) -> bool:
    if a.field == b.field:
        return abs(a.start - b.start) <= NEAR
    return a.field in _SUMMARY_FIELDS or b.field in _SUMMARY_FIELDS


def _near_combo(by_part: dict[int, list[Hit]]) -> list[Hit] | None:
    """One hit per part, all close to the first part's hit; None when no such combination exists."""
    first, *rest = sorted(by_part)
    for anchor in by_part[first]:
        chosen = [anchor]
        for part in rest:
            near = [h for h in by_part[part] if _close(anchor, h)]
            if not near:
                break
            chosen.append(near[0])
        else:
            return chosen
    return None


def _split(term: str) -> tuple[str, ...]:
    parts = [normalise_term(p) for p in term.split("&")]
    return tuple(p for p in parts if p)


def _legal_names(zh: str | None, prov: Provenance) -> list[tuple[str, TermOrigin]]:
    """A point's or entry's Chinese heading without its parenthetical, and without a generic tail; labelled
    with where the wording comes from (a back-translation is never presented as legal text)."""
    if not zh:
        return []
    head = _PAREN.sub("", zh).strip("：:;；。…. ")
    if not head or len(head) > 40:
        return []
    own = prov.zh_is_back_translation or prov.fidelity is Fidelity.INFERRED
    names = [(head, TermOrigin.BACK_TRANSLATION if own else TermOrigin.LEGAL_TEXT)]
    short = _TAIL.sub("", head)
    if short != head and len(short) >= 4:
        names.append((short, TermOrigin.BACK_TRANSLATION if own else TermOrigin.LEGAL_TEXT_SHORTENED))
    return names


def _english_name(en: str | None) -> list[str]:
    if not en:
        return []
    head = _PAREN.sub("", en).strip()
    words = normalise_term(head).split()
    if len(words) > 8 or len([w for w in words if w not in _GENERIC_EN]) < 2:
        return []
    return [head]


def _aid_patterns(entry: Entry, cp: str | None, aids: MatchingAids) -> list[Pattern]:
    out = []
    kinds = (
        (TERM, aids.terms),
        (RELATED, aids.related),
        (EXCLUDE, aids.exclude),
        (OVERRIDE, aids.exclude_unless),
    )
    for kind, terms in kinds:
        for term in terms:
            parts = _split(term)
            if parts:
                out.append(Pattern(entry.id, cp, kind, term, parts, TermOrigin.EXPORTCHECK_AID))
    return out


def patterns_for(entry: Entry) -> list[Pattern]:
    pats: list[Pattern] = []
    for name, origin in _legal_names(entry.name.zh, entry.provenance):
        pats.append(Pattern(entry.id, None, NAME, name, _split(name), origin))
    for name in _english_name(entry.name.en):
        pats.append(Pattern(entry.id, None, NAME, name, _split(name), TermOrigin.EXPORTCHECK_AID))
    pats += _aid_patterns(entry, None, entry.aids)
    for cp in entry.control_points:
        for name, origin in _legal_names(cp.text.zh, cp.provenance):
            pats.append(Pattern(entry.id, cp.number, TERM, name, _split(name), origin))
        for name in _english_name(cp.text.en):
            pats.append(Pattern(entry.id, cp.number, TERM, name, _split(name), TermOrigin.EXPORTCHECK_AID))
        for sub in cp.sub_points:
            for name, origin in _legal_names(sub.zh, cp.provenance):
                pats.append(Pattern(entry.id, cp.number, RELATED, name, _split(name), origin))
        pats += _aid_patterns(entry, cp.number, cp.aids)
    return [p for p in pats if p.parts]


def _members(matcher: Matcher, entries: list[Entry]) -> frozenset[int]:
    seen: set[tuple[str, str | None, str, tuple[str, ...]]] = set()
    members = set()
    for entry in entries:
        for pat in patterns_for(entry):
            key = (pat.entry_id, pat.control_point, pat.kind, pat.parts)
            if key not in seen:  # the first wording of a term in a version speaks for it
                seen.add(key)
                members.add(matcher.add(pat))
    return frozenset(members)


def compile_versions(versions: list[ResolvedVersion]) -> None:
    """Compile every version of a catalogue into one shared matcher (kept on the versions, so a cached
    catalogue carries it). Versions already compiled are left as they are."""
    if all(v.compiled is not None for v in versions):
        return
    matcher = Matcher()
    members = {v.id: _members(matcher, v.sorted_entries()) for v in versions}
    matcher.build()
    for v in versions:
        v.compiled = CompiledVersion(v.id, matcher, members[v.id])


def compile_version(version: ResolvedVersion) -> CompiledVersion:
    """The version's compiled view; a version compiled on its own gets a matcher of its own."""
    if version.compiled is None:
        compile_versions([version])
    compiled: CompiledVersion = version.compiled
    return compiled


def fields_of(
    name: str, description: str | None, keywords: tuple[str, ...] | list[str], title: str | None = None
) -> list[tuple[str, Normalised]]:
    """The technology's texts, normalised once and reused for every catalogue version."""
    out = [("name", normalised(name))]
    if title:
        out.append(("title", normalised(title)))
    if description:
        out.append(("description", normalised(description)))
    if keywords:
        out.append(("keywords", normalised(" ; ".join(keywords))))
    return out
