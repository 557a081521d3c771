"""The matching engine on the synthetic catalogue: verdicts, evidence, exclusions, thresholds, scripts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from exportcheck.catalogue import Catalogue, load_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.errors import InputError
from exportcheck.models.assessment import Assessment, Strength, Verdict
from exportcheck.models.deal import Deal

TODAY = dt.date(2026, 11, 23)


def run(
    cat: Catalogue,
    tech: dict[str, Any],
    *,
    date: str = "2021-03-01",
    strict: bool = False,
    recipient: str = "US",
    **extra: Any,
) -> Assessment:
    deal = Deal.model_validate(
        {
            "title": "t",
            "date": date,
            "exporter": {"name": "A", "country": "CN"},
            "recipient": {"name": "B", "country": recipient},
            "technologies": [tech],
            **extra,
        }
    )
    sel = select_version(cat, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
    return assess(deal, cat, sel, deal_file="deal.yaml", strict=strict, today=TODAY)


REC = {
    "name": "Recommendation engine",
    "description": "Source code of the engine that learns each user's preference and ranks the feed.",
}


def test_restricted_match_with_evidence(mini: Catalogue) -> None:
    a = run(mini, REC)
    assert a.verdict is Verdict.LICENCE_REQUIRED
    (f,) = [f for f in a.findings if f.control_point == "21"]
    assert f.code == "056101X" and f.strength is Strength.MATCH
    terms = {e.term for e in f.evidence}
    assert "recommendation engine" in terms and "user preference & feed" in terms
    assert any(e.deal_text == "Recommendation engine" and e.field == "name" for e in f.evidence)


def test_inflection_matches_by_stem(mini: Catalogue) -> None:
    a = run(
        mini,
        {"name": "Engines", "description": "A recommendation engines suite, with user preferences per feed"},
    )
    assert a.verdict is Verdict.LICENCE_REQUIRED


def test_traditional_chinese_matches_like_simplified(mini: Catalogue) -> None:
    simp = run(mini, {"name": "引擎", "description": "提供推荐算法的源代码和训练流程。"})
    trad = run(mini, {"name": "引擎", "description": "提供推薦算法的原始碼和訓練流程。"})
    assert simp.verdict is trad.verdict is Verdict.LICENCE_REQUIRED
    assert [f.control_point for f in simp.findings] == [f.control_point for f in trad.findings]
    assert trad.findings[0].evidence[0].deal_text == "推薦算法"


def test_fullwidth_latin_matches(mini: Catalogue) -> None:
    a = run(
        mini,
        {
            "name": "ｔｅｘｔ－ｔｏ－ｓｐｅｅｃｈ engine",
            "description": "Voice output for the app, neural model.",
        },
    )
    assert any(f.control_point == "17" for f in a.findings)
    (f,) = [f for f in a.findings if f.control_point == "17"]
    assert any("secondary summary" in r for r in f.reasons)


def test_related_only_is_possible_and_review(mini: Catalogue) -> None:
    a = run(mini, {"name": "画像", "description": "用户画像服务，统计日活与留存，生成运营报表和分析看板。"})
    assert a.verdict is Verdict.REVIEW
    assert a.findings[0].strength is Strength.POSSIBLE


def test_exclusion_is_a_near_miss(mini: Catalogue) -> None:
    a = run(mini, {"name": "蚕种", "description": "杂交一代蚕品种的蚕遗传资源及繁育方法的技术资料"})
    assert not [f for f in a.findings if f.entry_id == "M2"]
    assert any(m.entry_id == "M2" and "excluded" in m.reason for m in a.near_misses)
    b = run(mini, {"name": "蚕种", "description": "原种的蚕遗传资源及繁育方法的全部技术资料"})
    assert b.verdict is Verdict.PROHIBITED


LFP = {
    "name": "LFP cathode",
    "description": "Lithium iron phosphate cathode preparation process and know-how.",
}


@pytest.mark.parametrize(
    ("params", "verdict"),
    [
        (
            {"compaction density at 220 MPa": "2.62 g/cc", "gram capacity": "161 mAh/g"},
            Verdict.LICENCE_REQUIRED,
        ),
        ({"compaction density at 220 MPa": "2.40 g/cm3", "gram capacity": "161 mAh/g"}, Verdict.FREE),
        ({"compaction density at 220 MPa": "2.62 g/cm3"}, Verdict.REVIEW),
        ({"压实密度": "2.7 g/cm³", "克容量": "165 mAh/g"}, Verdict.LICENCE_REQUIRED),
        ({"压实密度": "2.7 g/cm³", "克容量": 165}, Verdict.REVIEW),  # no unit: not evaluated
    ],
)
def test_thresholds_all_must_hold(mini: Catalogue, params: dict[str, Any], verdict: Verdict) -> None:
    a = run(mini, {**LFP, "parameters": params}, date="2024-06-01")
    assert a.verdict is verdict
    if verdict is Verdict.FREE:
        assert any("below threshold" in m.reason for m in a.near_misses)
    if verdict is Verdict.REVIEW:
        assert a.findings[0].questions and "gram capacity" in a.findings[0].questions[0]


def test_version_by_date_and_deleted_entry(mini: Catalogue) -> None:
    regulator = {
        "name": "regulator",
        "description": "Manufacturing process for a plant growth regulator product.",
    }
    assert run(mini, regulator, date="2021-03-01").verdict is Verdict.PROHIBITED
    later = run(mini, regulator, date="2024-03-01")
    assert later.catalogue.version == "2023" and later.verdict is not Verdict.PROHIBITED
    assert any(m.entry_id == "M3" and "deleted by version 2023" in m.reason for m in later.near_misses)


def test_unconfirmed_carry_gives_review(mini: Catalogue) -> None:
    a = run(mini, REC, date="2024-03-01")
    assert a.verdict is Verdict.REVIEW
    assert any("carried from version 2020" in r for r in a.findings[0].reasons)


def test_thin_description_is_review_not_free(mini: Catalogue) -> None:
    a = run(mini, {"name": "Widget"})
    assert a.verdict is Verdict.REVIEW
    assert "too little description" in a.technologies[0].reasons[0]


def test_free_states_coverage_gap_and_strict_turns_review(mini: Catalogue) -> None:
    tech = {
        "name": "ERP",
        "description": "Licence of an accounting ledger module with invoicing and payroll.",
    }
    a = run(mini, tech)
    assert a.verdict is Verdict.FREE and "only partly encoded" in a.caveats[0]
    assert "contract registration" in a.next_duty
    assert run(mini, tech, strict=True).verdict is Verdict.REVIEW


def test_domestic_transfer_is_not_export(mini: Catalogue) -> None:
    assert run(mini, REC, recipient="CN").verdict is Verdict.NOT_EXPORT


def test_date_before_earliest_version_is_input_error(mini: Catalogue) -> None:
    with pytest.raises(InputError, match="before the earliest encoded catalogue version"):
        select_version(
            mini, deal_date=dt.date(2019, 1, 1), as_of=None, pinned=None, today=TODAY, file="d.yaml"
        )


def test_pinning_and_as_of(mini: Catalogue) -> None:
    s = select_version(mini, deal_date=dt.date(2021, 1, 1), as_of=None, pinned="2023", today=TODAY)
    assert s.version.id == "2023" and s.selected_by == "pinned"
    s = select_version(
        mini, deal_date=dt.date(2021, 1, 1), as_of=dt.date(2024, 1, 1), pinned=None, today=TODAY
    )
    assert s.version.id == "2023" and s.selected_by == "as_of"
    s = select_version(mini, deal_date=None, as_of=None, pinned=None, today=TODAY)
    assert s.selected_by == "today" and s.version.id == "2023"
    with pytest.raises(InputError, match="unknown catalogue version '1999'"):
        select_version(mini, deal_date=None, as_of=None, pinned="1999", today=TODAY)


def test_output_is_deterministic_and_order_independent(mini: Catalogue) -> None:
    t1 = {"name": "a", "description": "推荐算法 source code and the full training pipeline"}
    t2 = {"name": "b", "description": "text-to-speech model weights and the training recipe"}
    deal = {"title": "t", "date": "2021-01-01", "technologies": [t1, t2]}
    rev = {"title": "t", "date": "2021-01-01", "technologies": [t2, t1]}
    sel = select_version(mini, deal_date=dt.date(2021, 1, 1), as_of=None, pinned=None, today=TODAY)
    a = assess(Deal.model_validate(deal), mini, sel, deal_file="d", today=TODAY)
    b = assess(Deal.model_validate(rev), mini, sel, deal_file="d", today=TODAY)
    assert a.verdict is b.verdict
    assert sorted((f.code, f.control_point) for f in a.findings) == sorted(
        (f.code, f.control_point) for f in b.findings
    )
    assert (
        a.model_dump_json()
        == assess(Deal.model_validate(deal), mini, sel, deal_file="d", today=TODAY).model_dump_json()
    )


@pytest.mark.parametrize(
    ("licences", "status", "gate"),
    [
        ([], "missing", Verdict.LICENCE_REQUIRED),
        ([{"application_date": "2021-02-01"}], "applied", Verdict.LICENCE_REQUIRED),
        (
            [{"letter_of_intent_number": "LOI-1", "letter_of_intent_date": "2021-02-20"}],
            "letter_of_intent_only",
            Verdict.LICENCE_REQUIRED,
        ),
        (
            [{"licence_number": "L-1", "licence_issued": "2021-02-25", "licence_expiry": "2027-02-25"}],
            "covered",
            Verdict.FREE,
        ),
        (
            [{"licence_number": "L-1", "licence_issued": "2020-01-01", "licence_expiry": "2021-01-01"}],
            "expired",
            Verdict.LICENCE_REQUIRED,
        ),
        (
            [{"licence_number": "L-2", "licence_issued": "2021-02-25", "entries": ["050304J"]}],
            "missing",
            Verdict.LICENCE_REQUIRED,
        ),
        (
            [
                {
                    "licence_number": "L-3",
                    "licence_issued": "2021-02-25",
                    "licence_expiry": "2027-02-25",
                    "entries": ["086501X"],
                }
            ],
            "covered",
            Verdict.FREE,
        ),
        (  # no recorded validity: the licence waives nothing (issue 15)
            [{"licence_number": "L-4", "licence_issued": "2021-02-25", "entries": ["086501X"]}],
            "incomplete",
            Verdict.LICENCE_REQUIRED,
        ),
    ],
)
def test_recorded_licences_waive_restricted_findings(
    mini: Catalogue, licences: list[dict[str, Any]], status: str, gate: Verdict
) -> None:
    a = run(mini, REC, licences=licences)
    assert a.verdict is Verdict.LICENCE_REQUIRED  # the classification never changes
    (f,) = [f for f in a.findings if f.control_point == "21"]
    assert f.licence is not None and f.licence.status == status
    assert f.waived is (status == "covered")
    assert a.gate_verdict is gate


def test_prohibited_is_never_waived(mini: Catalogue) -> None:
    tech = {"name": "蚕种", "description": "原种的蚕遗传资源及繁育方法的全部技术资料"}
    a = run(mini, tech, licences=[{"licence_number": "L-9", "licence_issued": "2021-01-01"}])
    assert a.verdict is a.gate_verdict is Verdict.PROHIBITED
    assert all(not f.waived and f.licence is None for f in a.findings)


def test_point_known_only_in_another_version_gives_review(mini_copy: Path) -> None:
    """2023 re-lists M1 with point 21 only; a speech-synthesis deal in 2024 matched point 17 in 2020."""
    m1 = (mini_copy / "2020" / "entries" / "M1.yaml").read_text()
    head, _, _ = m1.partition('  - number: "17"')
    (mini_copy / "2023" / "entries" / "M1.yaml").write_text(head + "aids:\n  related: [机器翻译]\n")
    cat = load_catalogue(mini_copy)
    a = run(
        cat,
        {"name": "TTS", "description": "text-to-speech engine source code and the training recipe"},
        date="2024-06-01",
    )
    assert a.verdict is Verdict.REVIEW
    (f,) = a.findings
    assert f.entry_id == "M1" and f.control_point is None and f.strength is Strength.POSSIBLE
    assert "matched in the earlier version 2020" in f.reasons[0]


def test_negated_mention_is_a_near_miss_not_a_finding(mini: Catalogue) -> None:
    tech = {
        "name": "Checkout",
        "description": "Cart and payment flows, source code. No recommendation engine, "
        "no user preference feed — the retailer keeps its storefront.",
    }
    a = run(mini, tech)
    assert a.verdict is Verdict.FREE
    assert any("mentioned only in a negation" in m.reason for m in a.near_misses)
    zh = run(
        mini, {"name": "结算模块", "description": "购物车与支付模块源代码，不含推荐算法，仅提供结算流程。"}
    )
    assert zh.verdict is Verdict.FREE
    # a negation in an earlier clause does not reach a later one
    later = run(
        mini, {"name": "Feed", "description": "No payment code. The recommendation engine source code."}
    )
    assert later.verdict is Verdict.LICENCE_REQUIRED


def test_exclusion_is_lifted_when_the_text_goes_beyond_it(mini: Catalogue) -> None:
    tech = {
        "name": "蚕种",
        "description": "过去只出口杂交一代蚕种；本次提供原种及其蚕遗传资源与繁育技术资料。",
    }
    a = run(mini, tech)
    assert a.verdict is Verdict.PROHIBITED
    assert any("but also" in r for f in a.findings for r in f.reasons)


def test_title_alone_only_suggests_when_the_deal_has_several_technologies(mini: Catalogue) -> None:
    engine = {
        "name": "Engine",
        "description": "Source code, model weights, training pipeline and deployment scripts.",
    }
    ledger = {
        "name": "Ledger",
        "description": "General-ledger and payroll module source code with invoicing.",
    }
    deal = Deal.model_validate(
        {"title": "Licence of our recommendation engine and ledger", "technologies": [engine, ledger]}
    )
    sel = select_version(mini, deal_date=None, as_of=None, pinned="2020", today=TODAY)
    a = assess(deal, mini, sel, deal_file="d", today=TODAY)
    assert a.verdict is Verdict.REVIEW
    assert a.findings and all(f.strength is Strength.POSSIBLE for f in a.findings)
    # with a single technology the title describes it
    b = run(mini, engine, title="Licence of our recommendation engine")
    assert b.verdict is Verdict.LICENCE_REQUIRED


@pytest.mark.parametrize(
    "description",
    [
        "Transfer of our core algorithm and related documentation to the partner.",
        "材料配方及工艺包，具体见附件。",
        "Full technical package for the plant; details are set out in Annex 3 (see attachment).",
    ],
)
def test_thin_or_attachment_only_descriptions_are_review(mini: Catalogue, description: str) -> None:
    a = run(mini, {"name": "Package", "description": description})
    assert a.verdict is Verdict.REVIEW
    assert a.technologies[0].reasons[0].startswith(("too little description", "the description refers"))


@pytest.mark.parametrize(
    ("description", "verdict"),
    [
        ("Checkout code. No analytics, recommendation engine or user profiling is included.", Verdict.FREE),
        ("Checkout code. No UI kit, and the recommendation engine source code.", Verdict.LICENCE_REQUIRED),
        (
            "Checkout code without the UI but with the recommendation engine source code.",
            Verdict.LICENCE_REQUIRED,
        ),
        ("结算模块源代码，不含数据看板、推荐算法和用户画像。", Verdict.FREE),
        ("结算模块源代码，不含数据看板，但提供推荐算法。", Verdict.LICENCE_REQUIRED),
    ],
)
def test_negation_scope(mini: Catalogue, description: str, verdict: Verdict) -> None:
    assert run(mini, {"name": "Module", "description": description}).verdict is verdict


def test_inbound_transfer_is_not_export(mini: Catalogue) -> None:
    deal = Deal.model_validate(
        {
            "title": "Licence in from Japan",
            "exporter": {"name": "Example KK", "country": "JP"},
            "recipient": {"name": "Example (Ningbo) Co., Ltd.", "country": "CN"},
            "technologies": [REC],
        }
    )
    sel = select_version(mini, deal_date=None, as_of=None, pinned="2020", today=TODAY)
    a = assess(deal, mini, sel, deal_file="d", today=TODAY)
    assert a.verdict is Verdict.NOT_EXPORT
    assert "exporter is outside mainland China (JP)" in a.verdict_reasons[0]


@pytest.mark.parametrize(
    "description",
    [
        "首页为编辑精选的新闻流，不采集用户画像，不做推荐算法，仅有栏目订阅和关键词检索。",
        "A text-to-speech-free build of the reader app: plain ledger and invoicing module source code.",
    ],
)
def test_more_negation_forms(mini: Catalogue, description: str) -> None:
    assert run(mini, {"name": "App", "description": description}).verdict is Verdict.FREE


def test_exclusion_only_takes_out_its_own_clause(mini: Catalogue) -> None:
    same = run(
        mini, {"name": "Eggs", "description": "Supply of first-generation hybrid silkworm germplasm eggs."}
    )
    assert same.verdict is Verdict.FREE
    other = run(
        mini,
        {
            "name": "Eggs",
            "description": "Supply of first-generation hybrid eggs; separately, the "
            "silkworm germplasm collection with its records.",
        },
    )
    assert other.verdict is Verdict.PROHIBITED
    assert any("exclusion not applied" in r for f in other.findings for r in f.reasons)
