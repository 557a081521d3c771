"""Negation read by class: written after the thing (contract carve-outs), opened by an exclusion and a colon,
fused 非; and the traps that must not read as negation. Phrases are invented test wording."""

import pytest

from exportcheck.engine.negation import CLEAR, NOT_NEGATED, UNCLEAR, negated, negated_after
from exportcheck.normalize import normalised


def _after(text: str, term: str) -> int:
    norm = normalised(text)
    t = normalised(term).text.strip()
    i = norm.text.find(t)
    assert i >= 0, (norm.text, t)
    return negated_after(norm.text, i + len(t))


def _before(text: str, term: str) -> int:
    norm = normalised(text)
    t = normalised(term).text.strip()
    i = norm.text.find(t)
    assert i >= 0, (norm.text, t)
    return negated(norm.text, i)


@pytest.mark.parametrize(
    ("text", "term", "want"),
    [
        (
            "Design drawings and the controller design remain with the parent and are not provided.",
            "Design",
            CLEAR,
        ),
        (
            "The alloying, sintering and diffusion processes are not disclosed to the Buyer.",
            "sintering",
            CLEAR,
        ),
        ("The production strain and its construction are withheld.", "strain", CLEAR),
        (
            "The recommendation engine falls outside the scope of this licence.",
            "recommendation engine",
            CLEAR,
        ),
        ("烧结工艺均不提供。", "烧结", CLEAR),
        ("推荐算法及训练代码不在本合同范围内。", "推荐算法", CLEAR),
        ("推荐算法及其源代码除外。", "推荐算法", CLEAR),
        # a manner, a time, ownership, or a mere 'remains with': the thing may still pass
        (
            "The recommendation engine is not provided as source code but as an API.",
            "recommendation engine",
            UNCLEAR,
        ),
        ("Title to the recommendation engine is not transferred.", "recommendation engine", UNCLEAR),
        ("The recommendation engine remains with the Licensor.", "recommendation engine", UNCLEAR),
        ("推荐算法由甲方保留。", "推荐算法", UNCLEAR),
        # not negation at all
        (
            "The recommendation engine and training pipeline are licensed to the buyer.",
            "recommendation engine",
            NOT_NEGATED,
        ),
        (
            "The recommendation engine, which is not open source, is delivered.",
            "recommendation engine",
            NOT_NEGATED,
        ),
        ("推荐算法的所有权归甲方所有。", "推荐算法", NOT_NEGATED),
        ("推荐算法不仅提供给乙方，还提供源代码。", "推荐算法", NOT_NEGATED),
        ("推荐算法不断优化。", "推荐算法", NOT_NEGATED),
    ],
)
def test_negation_after_the_term(text: str, term: str, want: int) -> None:
    assert _after(text, term) == want


@pytest.mark.parametrize(
    ("text", "term", "want"),
    [
        ("本授權明確排除：短影音推薦排序模型、用戶畫像與興趣標籤、個性化推播服務。", "用户画像", CLEAR),
        ("本授權明確排除：短影音推薦排序模型、用戶畫像與興趣標籤、個性化推播服務。", "个性化推播", CLEAR),
        ("Excluded: the ranking model, the user profile service.", "user profile", CLEAR),
        ("经常规诱变选育的菌株（非转基因）", "转基因", CLEAR),
        # the colon must follow an exclusion; 除非 is 'unless'
        ("We build a ranking model. User profile service for each user.", "user profile", NOT_NEGATED),
        ("除非转基因材料另有约定", "转基因", NOT_NEGATED),
    ],
)
def test_negation_before_the_term(text: str, term: str, want: int) -> None:
    assert _before(text, term) == want


def test_a_turn_ends_a_chinese_negated_list() -> None:
    text = "不提供源代码, 但提供个性化推荐算法的训练方法。"
    assert _before(text, "个性化推荐算法") == NOT_NEGATED


def test_a_quantifier_keeps_a_de_phrase_inside_the_negated_noun() -> None:
    assert _before("不含任何杀虫、杀菌用途的生物农药菌株。", "生物农药") == CLEAR
    assert _before("不含联网功能的语音识别。", "语音识别") == UNCLEAR


@pytest.mark.parametrize(
    ("text", "term", "want"),
    [
        ("No parent stock; pure lines stay in Guangxi.", "pure lines", CLEAR),
        ("Models and source code stay on our servers.", "source code", CLEAR),
        # the recipient's place means the opposite
        (
            "The source code remains in the licensee's repository after termination.",
            "source code",
            NOT_NEGATED,
        ),
    ],
)
def test_the_thing_stays_at_the_exporters_place(text: str, term: str, want: int) -> None:
    assert _after(text, term) == want
