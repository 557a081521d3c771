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
_LIST_QUANTIFIERS = {stem(w) for w in ("any", "all", "other", "every")}  # ", and any …" continues a list
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
        "排除",
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
_TURN_ZH = re.compile("但|而是|却|不过|然而|只是|仅|另")
_QUANTIFIER_ZH = re.compile("^(?:任何|任意|所有|一切|全部|有关|相关)")
LIST_ITEM_CHARS = 8  # characters a Chinese list item may have between the negator and the term
LONG_ITEM_CHARS = 12  # the same after an exclusion (排除、不包括、不包含: lists of product names)
_EXCLUSIONS_ZH = ("排除", "不包括", "不包含")
# '-free' right after a term negates it ("rare-earth-free"), but not "free of charge".
_FREE_EN = stem("free")
_FREE_ENDS = re.compile(r"\s+free\b\s*(?:$|[^\w\s])", re.IGNORECASE)


def _negated_en(tokens: list[str]) -> int:
    """Walk back from the term, over list items, to a negator: items of at most LIST_ITEM_WORDS words,
    or LONG_ITEM_WORDS after an exclusion ("excludes the feed ranking model, the user-interest profiling
    service and any recommendation component")."""
    words = longest = 0
    gap: list[str] = []
    crossed_and = False
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok == "and" and i > 0 and tokens[i - 1] == LIST_COMMA:
            # ", and ..." starts a new item of the sentence, not of the negated list, except in an
            # exclusion's list ("Excluded: any editing of embryos, and any human reproductive cloning")
            if i + 1 >= len(tokens) or tokens[i + 1] not in _LIST_QUANTIFIERS:
                return NOT_NEGATED
            crossed_and = True
            words = 0
            continue
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
            if crossed_and and not exclusion:
                return NOT_NEGATED
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
    tail = window.replace(" ", "").replace(LIST_COMMA, "、")[-3 * LONG_ITEM_CHARS - 4 :]
    # 非 fused to the term: 非转基因, 非稀土 (but 除非, 无非, 莫非, 是非 are words of their own)
    if tail.endswith("非") and tail[-2:] not in ("除非", "无非", "莫非", "是非", "并非"):
        return CLEAR
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
    if _TURN_ZH.search(gap):
        return NOT_NEGATED  # 不提供源代码, 但提供推荐算法: the turn starts what is provided
    # a quantifier opens the negated list and belongs to none of its items: 不包含任何A、B、C
    items = _LIST_ZH_SPLIT.split(_QUANTIFIER_ZH.sub("", gap, count=1))
    limit = LONG_ITEM_CHARS if word in _EXCLUSIONS_ZH else LIST_ITEM_CHARS
    if not (all(len(x) <= limit for x in items) and len(gap) <= 3 * limit):
        return NOT_NEGATED
    # 的 between the negator and the term: the negation is of a modifier (不需要联网的语音识别), or the
    # term is inside the negated phrase; either way, not clear enough to drop the term
    if word in _UNCLEAR_ZH or ("的" in gap and not _QUANTIFIER_ZH.match(gap)):
        # (after 任何/所有 the 的 phrase sits inside the negated noun phrase: 不含任何杀虫用途的生物农药)
        return UNCLEAR
    return CLEAR


_EXCLUSION_OPENER = re.compile(
    r"(?:排除|不包括|不包含|不含|不涉及|不提供|不转让|\b"
    + stem("excluded")
    + r"|\bexcept|不包括以下|以下除外) $"
)


@lru_cache(maxsize=8192)  # the same hit is read once for every catalogue version
def negated(text: str, start: int) -> int:
    """How the term at text[start:] is negated (NOT_NEGATED, CLEAR, UNCLEAR) by a negator right before it
    or before a short list ending in it, in the same clause."""
    cut = text.rfind(BOUNDARY, max(0, start - 200), start)
    window = text[cut + 1 if cut >= 0 else max(0, start - 200) : start]
    # a list opened by an exclusion and a colon ("本授权明确排除：A、B、C"; "Excluded: A, B"): the colon
    # ends the clause, so the exclusion is read as if it stood at the start of this one
    opener = _EXCLUSION_OPENER.search(text, max(0, cut - 12), cut) if cut > 0 else None
    if text[start].isascii():
        return _negated_en(([stem("excluding")] if opener else []) + window.split())
    return _negated_zh(("不包括" if opener else "") + window)


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


# Negation written after the thing, as contracts do: "Design drawings, calculation books and the controller
# design remain with the parent and are not provided"; "…烧结工艺均不提供". The term must stand in the
# subject: a short list (items of at most LONG_ITEM_WORDS words) runs from it straight into the predicate.
# An explicit predicate ("are not provided / licensed / disclosed", "are withheld / excluded", "fall outside
# the scope") is CLEAR; "remain(s) with / confidential" alone is UNCLEAR, because in a licence the rights
# and title remain with the licensor while the technology passes ("title to the engine remains with the
# Licensor"); a qualifier after the verb ("not provided as source code", "… separately") is UNCLEAR too.
POST_WINDOW = 240  # characters read after a term: a carve-out's list and its verb fit; work stays bounded


def _s(*words: str) -> str:
    return "|".join(sorted({stem(w) for w in words}, key=len, reverse=True))


_AUX = _s("is", "are", "was", "were", "be", "been", "will", "shall", "would", "to", "being", "also", "and")
_PASS_AFTER = _s(
    "provided", "licensed", "transferred", "disclosed", "delivered", "supplied", "included", "covered",
    "exported", "shared", "granted", "sublicensed", "released", "handed", "given", "sold", "taught",
    "made", "part", "within", "subject", "assigned",
)  # fmt: skip
_POST_CLEAR_EN = re.compile(
    rf"^(?:(?:{_AUX}) )*(?:not|never) (?:(?:{_AUX}) )*(?:{_PASS_AFTER})\b"
    rf"|^(?:(?:{_AUX}) )+(?:{_s('withheld', 'excluded', 'retained', 'reserved', 'carved', 'omitted')})\b"
    rf"|^(?:(?:{_AUX}) )*(?:{_s('fall', 'falls', 'lie', 'lies')}) (?:{_s('outside')})\b"
    rf"|^(?:(?:{_AUX}) )*(?:{_s('outside')}) (?:the )?(?:{_s('scope')})\b"
)
# the thing stays where it is: "pure lines stay in Guangxi", "the source code remains on our servers"
# (the place must be the exporter's: "in the licensee's repository" would mean the opposite)
_EXPORTER_PLACE = _s(
    "our", "licensor", "seller", "supplier", "vendor", "exporter", "provider", "china", "chinese", "prc",
    "mainland", "domestic", "headquarters", "hq", "beijing", "tianjin", "hebei", "shanxi", "liaoning", "jilin",
    "heilongjiang", "shanghai", "jiangsu", "zhejiang", "anhui", "fujian", "jiangxi", "shandong", "henan", "hubei",
    "hunan", "guangdong", "guangxi", "hainan", "chongqing", "sichuan", "guizhou", "yunnan", "tibet", "shaanxi",
    "gansu", "qinghai", "ningxia", "xinjiang", "shenzhen", "inner",
)  # fmt: skip
_POST_PLACE_EN = re.compile(
    rf"^(?:(?:{_AUX}) )*(?:{_s('remain', 'remains', 'stay', 'stays', 'kept')}) (?:in|on|at|within|inside) "
    rf"(?:the )?(?:{_EXPORTER_PLACE})\b"
)
_POST_UNCLEAR_EN = re.compile(
    rf"^(?:(?:{_AUX}) )*(?:{_s('remain', 'remains', 'stay', 'stays', 'kept')}) "
    rf"(?:with|{_s('confidential', 'proprietary', 'secret', 'undisclosed', 'in-house', 'internal')})\b"
)
# stems one of the predicates above needs: without any of them the clause is read no further
_POST_CUES = (
    "not",
    "never",
    "withheld",
    "exclud",
    "remain",
    "stay",
    "kept",
    "outsid",
    "retain",
    "reserv",
    "carv",
    "omit",
)
_LATER_NEGATION = re.compile(rf"\band (?:(?:{_AUX}) )*(?:not|never) ")
# after the verb: the negation is of a manner, a time or a part, not of the thing
_QUALIFIED = {
    stem(w) for w in ("as", "in", "separately", "until", "before", "without", "only", "under", "but")
}
_OWNERSHIP_EN = {stem(w) for w in ("right", "rights", "title", "ownership", "owner", "property", "ip")}
_SUBJECT_STOP = {stem(w) for w in ("which", "that", "who", "but", "if", "when", "where", "while")} | _NEG_EN
_POST_ZH = re.compile(
    r"[、和及与或以其]{0,2}(?:均|都|一律|概|亦|也|则|仍|将|并)?"
    r"(?:(?P<clear>不予?(?:提供|转让|许可|授权|披露|交付|包括|包含|出口|转移|公开|传授|移交)|不在[^|]{0,10}范围"
    r"|不(?:对|向)[^|]{0,12}(?:披露|提供|转让|公开)"
    r"|除外|不属于[^|]{0,10}(?:范围|内容|标的)|排除在[^|]{0,6}外)"
    r"|(?P<unclear>由[^|]{0,12}保留|保留在|留在|保密))"
)


@lru_cache(maxsize=8192)
def negated_after(text: str, end: int) -> int:
    """How a predicate after the term negates it (NOT_NEGATED, CLEAR, UNCLEAR): the term opens or sits in
    the subject of a clause whose verb says it is not provided, licensed, disclosed or is withheld."""
    stop = text.find(BOUNDARY, end, end + POST_WINDOW)
    tail = text[end : stop if stop >= 0 else min(len(text), end + POST_WINDOW)]
    if not tail.strip():
        return NOT_NEGATED
    if not text[end - 1].isascii():
        return _negated_after_zh(tail)
    return _negated_after_en(text, end, tail)


def _negated_after_en(text: str, end: int, tail: str) -> int:
    if not any(cue in tail for cue in _POST_CUES):
        return NOT_NEGATED
    tokens = tail.split()
    words = 0
    for i in range(len(tokens) + 1):
        rest = " ".join(tokens[i:])
        clear = _POST_CLEAR_EN.match(rest) or _POST_PLACE_EN.match(rest)
        if clear:
            verb_end = i + len(clear.group().split())
            after = tokens[verb_end] if verb_end < len(tokens) else ""
            return UNCLEAR if after in _QUALIFIED else _owned(text, end, CLEAR)
        if _POST_UNCLEAR_EN.match(rest):
            # a coordinated predicate: "remain with the parent and are not provided"
            later = _LATER_NEGATION.search(rest)
            if later and _POST_CLEAR_EN.match(rest[later.start() + 4 :]):
                return _owned(text, end, CLEAR)
            return UNCLEAR
        if i == len(tokens):
            break
        tok = tokens[i]
        if tok in _SUBJECT_STOP or not tok.isascii():
            return NOT_NEGATED
        if tok in _LIST_WORDS:
            words = 0
            continue
        words += 1
        if words > LONG_ITEM_WORDS:
            return NOT_NEGATED
    return NOT_NEGATED


def _owned(text: str, end: int, outcome: int) -> int:
    """'Title to the engine is not transferred': rights in the thing, not the thing, are what is withheld."""
    cut = text.rfind(BOUNDARY, max(0, end - 200), end)
    before = text[cut + 1 : end].split()
    return UNCLEAR if _OWNERSHIP_EN.intersection(before[-8:]) else outcome


def _negated_after_zh(tail: str) -> int:
    tail = tail.replace(" ", "").replace(LIST_COMMA, "、")[:40]
    if not any(c in tail for c in "不除排保留"):
        return NOT_NEGATED
    for i in range(min(len(tail), 3 * LIST_ITEM_CHARS) + 1):
        m = _POST_ZH.match(tail, i)
        if m:
            if "所有权" in tail[:i] or "知识产权" in tail[:i]:
                return UNCLEAR
            return CLEAR if m.group("clear") else UNCLEAR
        if i < len(tail) and tail[i] in "的是":
            return NOT_NEGATED  # '…的' starts a relative clause about something else; '是' a predicate
    return NOT_NEGATED
