"""Compile a version's terms once into one Aho-Corasick automaton; find them in a technology's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from ..catalogue import ResolvedVersion
from ..fold import has_hyphen_break
from ..models.assessment import TermOrigin
from ..models.catalogue import Entry, MatchingAids
from ..models.common import Fidelity, Provenance
from ..models.concepts import CONCEPT_REF, Concept
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


# Negation is read narrowly, because a term wrongly read as negated can turn a controlled technology into
# 'free': the negator must stand right before the term, or before a short list that ends in it
# ("no recommendation, personalised push or profiling features"; "不含语音识别、语音合成代码"). Three
# outcomes: NOT_NEGATED; CLEAR (the deal says the thing is not there: a near miss); UNCLEAR (a negation
# whose scope may not reach the term, e.g. "may not sublicense the engine", 无需登录的推荐: the finding
# stays, as 'possible', so the deal goes to review rather than free).
NOT_NEGATED, CLEAR, UNCLEAR = 0, 1, 2
_NEG_EN = {
    stem(w)
    for w in ("no", "not", "non", "without", "excluding", "except", "never", "neither", "nor", "cannot")
}
# Negators that negate a verb or a clause rather than a noun phrase: they reach the term only through a
# verb of scope ("does not include the ...") and never when a duty is stated ("shall not sublicense").
_NEG_VERBAL = {stem(w) for w in ("not", "never", "cannot")}
_DEONTIC = {stem(w) for w in ("shall", "may", "must", "should", "can", "could", "might", "cannot")}
_SCOPE_WORDS = {
    stem(w)
    for w in (
        "include",
        "contain",
        "cover",
        "involve",
        "comprise",
        "incorporate",
        "transfer",
        "deliver",
        "provide",
        "supply",
        "export",
        "feature",
        "have",
        "has",
        "use",
        "embed",
        "integrate",
        "need",
        "require",
        "rely",
        "employ",
        "perform",
        "offer",
        "support",
        "implement",
        "contemplate",
        "extend",
        "the",
        "any",
        "a",
        "an",
        "our",
        "its",
        "their",
        "such",
        "to",
    )
}
# Words after which "no"/"not" negates nothing that follows: fixed phrases ("without limitation", "no
# later than", "not only", "last but not least", "no matter", "no doubt") and subordinate clauses ("except
# that the engine is included").
_NOT_NEGATING_NEXT = {
    stem(w)
    for w in (
        "limitation",
        "limited",
        "prejudice",
        "delay",
        "later",
        "less",
        "more",
        "only",
        "charge",
        "least",
        "just",
        "merely",
        "matter",
        "doubt",
        "wonder",
        "longer",
        "sooner",
        "exception",
        "surprise",
        "that",
        "where",
        "when",
        "whether",
        "if",
        "as",
        "necessarily",
        "otherwise",
    )
}
_LIST_WORDS = {"or", "nor", "and", LIST_COMMA}
LIST_ITEM_WORDS = 2  # words a list item may have between the negator and the term
LONG_ITEM_WORDS = 5  # the same after an exclusion ("excludes", "except", "does not include")
_EXCLUSIONS = {stem(w) for w in ("excluding", "except")}
_INCLUSION_VERBS = {stem(w) for w in ("include", "contain", "cover", "comprise", "incorporate", "involve")}
_CANNOT = stem("cannot")
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
# Negators whose object is usually a verb, not the technology: 无需登录的推荐 is a recommender.
_UNCLEAR_ZH = ("无需",)
# Idioms in which a negator negates nothing: tax-exclusive prices, "bar none" (没有之一), "not only".
_NOT_NEGATING_ZH = (
    "不含税",
    "不包括税",
    "不包含税",
    "不属于本",
    "无需另行",
    "没有之一",
    "没有任何限制",
    "不限于",
)
_LIST_ZH = "、或和及与"
_QUANTIFIER_ZH = re.compile("^(?:任何|任意|所有|一切|全部|有关|相关)")
LIST_ITEM_CHARS = 8  # characters a Chinese list item may have between the negator and the term
# '-free' right after a term negates it ("rare-earth-free"), but not "free of charge".
_FREE_EN = stem("free")
_FREE_ENDS = re.compile(r"\s+free\b\s*(?:$|[^\w\s])", re.IGNORECASE)


def _negated_en(tokens: list[str]) -> int:
    """Walk back from the term, over list items, to a negator: items of at most LIST_ITEM_WORDS words,
    or LONG_ITEM_WORDS after an exclusion ("excludes the feed ranking model, the user-interest profiling
    service and any recommendation component")."""
    words = longest = 0
    gap: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok == "and" and i > 0 and tokens[i - 1] == LIST_COMMA:
            return NOT_NEGATED  # ", and ..." starts a new item of the sentence, not of the negated list
        if tok in _LIST_WORDS:
            words = 0
            continue
        if not tok.isascii():
            return NOT_NEGATED
        if tok in _NEG_EN:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in _NOT_NEGATING_NEXT or nxt[:1].isdigit():
                return NOT_NEGATED  # "not only", "China's No 1"
            verbal = tok in _NEG_VERBAL
            if verbal:
                before = tokens[i - 1] if i > 0 else ""
                if before in _DEONTIC or tok == _CANNOT:
                    return UNCLEAR  # a duty ("shall not sublicense the engine"), not a description
                if gap and gap[-1] not in _SCOPE_WORDS:
                    return UNCLEAR  # "does not modify the engine": the negation is of the verb
            exclusion = tok in _EXCLUSIONS or (verbal and bool(gap) and gap[-1] in _INCLUSION_VERBS)
            limit = LONG_ITEM_WORDS if exclusion else LIST_ITEM_WORDS
            return CLEAR if longest <= limit else NOT_NEGATED
        gap.append(tok)
        words += 1
        longest = max(longest, words)
        if words > LONG_ITEM_WORDS:
            return NOT_NEGATED
    return NOT_NEGATED


# Every start of every negator, overlapping ones included; at one start the alternation takes the
# greatest string first, so the last match is max((position, negator)).
_NEG_ZH_AT = re.compile("(?=(" + "|".join(sorted(_NEG_ZH, reverse=True)) + "))")
_NEG_ZH_FIRST = frozenset(n[0] for n in _NEG_ZH)
_LIST_ZH_SPLIT = re.compile(f"[{_LIST_ZH}]")


def _negated_zh(window: str) -> int:
    tail = window.replace(" ", "").replace(LIST_COMMA, "、")[-32:]
    if _NEG_ZH_FIRST.isdisjoint(tail):
        return NOT_NEGATED
    last = None
    for last in _NEG_ZH_AT.finditer(tail):  # noqa: B007 - the last match is the one wanted
        pass
    if last is None:
        return NOT_NEGATED
    at, word = last.start(), last.group(1)
    if any(tail.startswith(x, at) for x in _NOT_NEGATING_ZH):
        return NOT_NEGATED
    gap = tail[at + len(word) :]
    # a quantifier opens the negated list and belongs to none of its items: 不包含任何A、B、C
    items = _LIST_ZH_SPLIT.split(_QUANTIFIER_ZH.sub("", gap, count=1))
    if not (all(len(x) <= LIST_ITEM_CHARS for x in items) and len(gap) <= 3 * LIST_ITEM_CHARS):
        return NOT_NEGATED
    # 的 between the negator and the term: the negation is of a modifier (不需要联网的语音识别), or the
    # term is inside the negated phrase; either way, not clear enough to drop the term
    if word in _UNCLEAR_ZH or "的" in gap:
        return UNCLEAR
    return CLEAR


@lru_cache(maxsize=8192)  # the same hit is read once for every catalogue version
def negated(text: str, start: int) -> int:
    """How the term at text[start:] is negated (NOT_NEGATED, CLEAR, UNCLEAR) by a negator right before it
    or before a short list ending in it, in the same clause."""
    cut = text.rfind(BOUNDARY, max(0, start - 200), start)
    window = text[cut + 1 if cut >= 0 else max(0, start - 200) : start]
    if text[start].isascii():
        return _negated_en(window.split())
    return _negated_zh(window)


def _free_suffix(norm: Normalised, start: int, end: int) -> int:
    """How a 'free' right after the term negates it: CLEAR for "rare-earth-free" or "rare-earth free." at
    the end of a phrase; UNCLEAR for "rare-earth free motors" (free of it, or a free one?); NOT_NEGATED
    for "free of charge" and a free-standing "free" before a noun with a hyphen of its own ("free-trial")."""
    after = norm.text[end : end + 24].split()
    if not after or after[0] != _FREE_EN or (len(after) > 1 and after[1] == "of"):
        return NOT_NEGATED
    b = norm.original_span(start, end)[1]
    if norm.original[b : b + 1] in ("-", "\u2010", "\u2011"):
        return CLEAR
    # "free" ends the phrase as written: '"rare-earth free" - no NdFeB', "(rare-earth free)"
    if _FREE_ENDS.match(norm.original, b):
        return CLEAR
    return UNCLEAR


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
                neg = _free_suffix(norm, start, end) or negated(text, start)
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


def compile_versions(versions: list[ResolvedVersion]) -> None:
    """Compile every version of a catalogue into one shared matcher (kept on the versions, so a cached
    catalogue carries it). Versions already compiled are left as they are."""
    if all(v.compiled is not None for v in versions):
        return
    matcher = Matcher()
    members = {v.id: _members(matcher, v.sorted_entries(), v.concepts) for v in versions}
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
