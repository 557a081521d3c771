"""How a catalogue term found in deal text is negated: clearly (the deal says it is not there), unclearly
(a negation whose scope may not reach it: the finding stays, as 'possible'), or not at all."""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import BOUNDARY, LIST_COMMA, Normalised, stem

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


def free_suffix(norm: Normalised, start: int, end: int) -> int:
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
