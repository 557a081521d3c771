"""Compile a version's terms once into one Aho-Corasick automaton; find them in a technology's text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from ..catalogue import ResolvedVersion
from ..fold import has_hyphen_break
from ..models.assessment import TermOrigin
from ..models.catalogue import Entry, MatchingAids
from ..models.common import Fidelity, Provenance
from ..models.concepts import CONCEPT_REF, Concept
from ..normalize import BOUNDARY, Normalised, normalise_term, normalised
from .negation import CLEAR, UNCLEAR, free_suffix, negated, negated_after

# Kinds of pattern: 'term' and 'name' of a point are decisive, 'related' only suggests, 'exclude' discards.
TERM, RELATED, EXCLUDE, NAME, OVERRIDE, NEEDS = "term", "related", "exclude", "name", "override", "needs"
_PAREN = re.compile(r"[（(].*$")
_TAIL = re.compile(r"(?:的)?(?:技术|工艺|技术和工艺|生产技术)$")
_GENERIC_EN = {"technolog", "technique", "product", "of", "and", "the", "for", "a", "an", "in", "to", "s"}


@dataclass(frozen=True)
class Pattern:
    entry_id: str
    control_point: str | None
    kind: str
    term: str
    parts: tuple[tuple[str, ...], ...]  # each part: its normalised alternatives (a concept's members)
    origin: TermOrigin
    concepts: tuple[str | None, ...] = ()  # per part: the concept group it stands for, if any


class Hit(NamedTuple):  # a tuple: made many times per deal, and cheap to make
    pattern: int
    part: int
    field: str
    quote: str
    negated: bool = False  # under an unambiguous negation: the deal says it is not there
    clause: int = 0  # index of the clause within the field (clauses end at BOUNDARY)
    start: int = 0  # offset in the field's normalised text
    doubt: bool = False  # under a negation whose scope is unclear: counts, but only as 'possible'
    folded: tuple[str, ...] = ()  # disguise undone to read the words (fold.py reasons)


_OWN_FIELDS = {"name", "description", "keywords"}


Fields = list[tuple[str, Normalised]]


class Matcher:
    """The terms of every version of a catalogue in one Aho-Corasick automaton: a technology's text is
    read once, whichever versions it is then judged under. Each version keeps the indices of its own
    patterns (CompiledVersion)."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self.automaton: ahocorasick.Automaton | None = None
        self.vocabulary: frozenset[str] = frozenset()  # the English words of every term, stemmed
        self._index: dict[Pattern, int] | None = {}
        self._memo: dict[tuple[tuple[tuple[str, str], ...], bool], dict[int, list[Hit]]] = {}
        self.not_within: tuple[str, ...] = ()  # normalised longer names (concept groups' not_within)

    def __getstate__(self) -> dict[str, object]:
        # a cached catalogue carries no deal's hits, nor the index of patterns, which only compiling uses:
        # rehashing its 2,000 nested patterns would cost the start-up several milliseconds
        return {**self.__dict__, "_memo": {}, "_index": None}

    def add(self, pattern: Pattern) -> int:
        if self._index is None:  # unpickled: rebuilt for the rare caller that adds after loading
            self._index = {p: i for i, p in enumerate(self.patterns)}
        if pattern not in self._index:
            self._index[pattern] = len(self.patterns)
            self.patterns.append(pattern)
        return self._index[pattern]

    def build(self) -> None:
        index: dict[str, list[tuple[int, int, int]]] = {}
        for pidx, pat in enumerate(self.patterns):
            for part_idx, alternatives in enumerate(pat.parts):
                for part in alternatives:
                    index.setdefault(part, []).append((pidx, part_idx, len(part)))
        self.vocabulary = frozenset(w for part in index for w in part.split() if w.isascii() and len(w) > 2)
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
            longer = _spans_of(text, self.not_within) if self.not_within else None
            # hits read per word and kind of negation: bounded, so a repetitive text costs linear time
            per_word: dict[tuple[str, int], int] = {}
            clauses = _ClauseCounter(text)
            for end_index, refs in self.automaton.iter(text):
                # every ref of one automaton key is the same word: check its edges and read it once
                end = end_index + 1
                start = end - refs[0][2]
                if text[start] != " " and text[start].isascii() and text[start - 1] != " ":
                    continue
                if text[end - 1].isascii() and text[end - 1] != " " and text[end] != " ":
                    continue
                if longer and _inside(longer, start, end):
                    continue  # 冬虫夏草 inside 北冬虫夏草: a word of a different thing's name
                neg = free_suffix(norm, start, end) or negated(text, start) or negated_after(text, end)
                seen = per_word.get((text[start:end], neg), 0)
                if seen >= MAX_HITS_PER_WORD:
                    continue
                per_word[(text[start:end], neg)] = seen + 1
                clause = clauses.at(start)
                hit_args = (fname, norm.quote(start, end), neg == CLEAR, clause, start, neg == UNCLEAR)
                folded = norm.folded_in(start, end)
                rank = (neg == CLEAR, neg == UNCLEAR, bool(folded))  # _rank of the hits made below
                # a common word stands in many patterns (a concept's members): per ref, no allocation
                # unless a hit is kept
                for pidx, part_idx, _length in refs:
                    by_part = found.get(pidx)
                    if by_part is None:
                        by_part = found[pidx] = {}
                    hits = by_part.get(part_idx)
                    if hits is None:
                        hits = by_part[part_idx] = []
                    same = next((h for h in hits if h.field == fname and h.clause == clause), None)
                    if same is not None:
                        if _rank(same) <= rank:
                            continue  # one hit per clause, preferring an affirmative, plainly written one
                        hits.remove(same)
                    hits.append(Hit(pidx, part_idx, *hit_args, folded))
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


MAX_HITS_PER_WORD = 64  # occurrences of one word read per field; more add nothing but time
NEAR = 100  # normalised characters within which the parts of an 'A & B' term must stand
_SUMMARY_FIELDS = {"name", "title", "keywords"}  # short fields that describe the whole technology


class _ClauseCounter:
    """Index of the clause at a position (clauses end at BOUNDARY), for positions that mostly increase:
    counted from the last position asked, so a long text is read once rather than once per hit."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.count = text, 0, 0

    def at(self, pos: int) -> int:
        if pos >= self.pos:
            self.count += self.text.count(BOUNDARY, self.pos, pos)
        else:
            self.count -= self.text.count(BOUNDARY, pos, self.pos)
        self.pos = pos
        return self.count


def _rank(h: Hit) -> tuple[bool, bool, bool]:
    """Which of two hits of a part in one clause speaks for it: affirmative, then undoubted, then plain."""
    return (h.negated, h.doubt, bool(h.folded))


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


def _split(term: str, concepts: dict[str, Concept] | None = None) -> tuple[tuple[str, ...], ...]:
    """A term's parts ('A & B'), each as its normalised alternatives: one phrase, or every member of a
    concept group named `@name`."""
    out = []
    for raw in term.split("&"):
        ref = CONCEPT_REF.match(raw.strip())
        if ref:
            group = (concepts or {}).get(ref.group(1))
            members = sorted({normalise_term(m) for m in group.members} - {""}) if group else []
            if not members:
                return ()  # an unknown group matches nothing (catalogue validation reports it)
            out.append(tuple(members))
        elif normalise_term(raw):
            out.append((normalise_term(raw),))
    return tuple(out)


def _concept_names(term: str) -> tuple[str | None, ...]:
    names = []
    for raw in term.split("&"):
        ref = CONCEPT_REF.match(raw.strip())
        if ref or normalise_term(raw):
            names.append(ref.group(1) if ref else None)
    return tuple(names) if any(names) else ()


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


def _aid_patterns(
    entry: Entry, cp: str | None, aids: MatchingAids, concepts: dict[str, Concept]
) -> list[Pattern]:
    out = []
    kinds = (
        (TERM, aids.terms),
        (RELATED, aids.related),
        (EXCLUDE, aids.exclude),
        (OVERRIDE, aids.exclude_unless),
        (NEEDS, aids.needs),
    )
    for kind, terms in kinds:
        for term in terms:
            parts = _split(term, concepts)
            if parts:
                origin = TermOrigin.EXPORTCHECK_AID
                out.append(Pattern(entry.id, cp, kind, term, parts, origin, _concept_names(term)))
    return out


def patterns_for(entry: Entry, concepts: dict[str, Concept] | None = None) -> list[Pattern]:
    concepts = concepts or {}
    pats: list[Pattern] = []
    for name, origin in _legal_names(entry.name.zh, entry.provenance):
        pats.append(Pattern(entry.id, None, NAME, name, _split(name), origin))
    for name in _english_name(entry.name.en):
        pats.append(Pattern(entry.id, None, NAME, name, _split(name), TermOrigin.EXPORTCHECK_AID))
    pats += _aid_patterns(entry, None, entry.aids, concepts)
    for cname, concept in sorted(concepts.items()):
        if entry.id in concept.screens:
            ref = f"@{cname}"
            pats.append(
                Pattern(
                    entry.id, None, RELATED, ref, _split(ref, concepts), TermOrigin.EXPORTCHECK_AID, (cname,)
                )
            )
    for cp in entry.control_points:
        for name, origin in _legal_names(cp.text.zh, cp.provenance):
            pats.append(Pattern(entry.id, cp.number, TERM, name, _split(name), origin))
        for name in _english_name(cp.text.en):
            pats.append(Pattern(entry.id, cp.number, TERM, name, _split(name), TermOrigin.EXPORTCHECK_AID))
        for sub in cp.sub_points:
            for name, origin in _legal_names(sub.zh, cp.provenance):
                pats.append(Pattern(entry.id, cp.number, RELATED, name, _split(name), origin))
        pats += _aid_patterns(entry, cp.number, cp.aids, concepts)
    return [p for p in pats if p.parts]


def _members(matcher: Matcher, entries: list[Entry], concepts: dict[str, Concept]) -> frozenset[int]:
    seen: set[tuple[str, str | None, str, tuple[tuple[str, ...], ...]]] = set()
    members = set()
    for entry in entries:
        for pat in patterns_for(entry, concepts):
            key = (pat.entry_id, pat.control_point, pat.kind, pat.parts)
            if key not in seen:  # the first wording of a term in a version speaks for it
                seen.add(key)
                members.add(matcher.add(pat))
    return frozenset(members)


class _Spans(NamedTuple):
    starts: list[int]
    ends: list[int]
    longest: int


def _spans_of(text: str, names: tuple[str, ...]) -> _Spans | None:
    """Where the longer names stand in a text, sorted by start (looked up by bisection, so a text that
    repeats one a hundred thousand times costs no more per hit)."""
    out = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append((i, i + len(name)))
            i = text.find(name, i + 1)
    if not out:
        return None
    out.sort()
    return _Spans([a for a, _ in out], [b for _, b in out], max(len(n) for n in names))


def _inside(spans: _Spans, start: int, end: int) -> bool:
    j = bisect_right(spans.starts, start) - 1
    while j >= 0 and spans.starts[j] >= start - spans.longest:
        s, e = spans.starts[j], spans.ends[j]
        if end <= e and e - s > end - start:
            return True
        j -= 1
    return False


def compile_versions(versions: list[ResolvedVersion]) -> None:
    """Compile every version of a catalogue into one shared matcher (kept on the versions, so a cached
    catalogue carries it). Versions already compiled are left as they are."""
    if all(v.compiled is not None for v in versions):
        return
    matcher = Matcher()
    members = {v.id: _members(matcher, v.sorted_entries(), v.concepts) for v in versions}
    longer = {n for v in versions for c in v.concepts.values() for n in c.not_within}
    matcher.not_within = tuple(sorted({normalise_term(n) for n in longer} - {""}))
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
    name: str,
    description: str | None,
    keywords: tuple[str, ...] | list[str],
    title: str | None = None,
    parameters: tuple[str, ...] | list[str] = (),
    vocabulary: frozenset[str] = frozenset(),
) -> list[tuple[str, Normalised]]:
    """The technology's texts, normalised once and reused for every catalogue version. A text with
    hyphen-broken words ("recom-mendation") is read a second time with them joined; parameter names are
    read too (a key can say what the technology is: "discharge capacity of the LFP cathode at 0.1C")."""
    texts = [("name", name), ("title", title), ("description", description)]
    texts += [("keywords", " ; ".join(keywords) if keywords else None)]
    texts += [("parameters", " ; ".join(parameters) if parameters else None)]
    out = []
    for fname, text in texts:
        if not text:
            continue
        primary = normalised(text)
        out.append((fname, primary))
        if vocabulary and has_hyphen_break(text):
            joined = normalised(text, vocabulary)
            if joined.text != primary.text:
                out.append((fname, joined))
    return out
