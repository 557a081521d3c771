"""Licensing checklist: tracks, stages, licence progress, languages and output formats.

Assessments are built by hand (no engine, no real catalogue); the procedure is the shipped procedure.yaml.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from exportcheck.checklist import article_label, build_checklist, licence_position, zh_number
from exportcheck.formats.checklist import render, render_json, render_markdown, render_text
from exportcheck.models.assessment import (
    Assessment,
    CatalogueRef,
    CoverageOut,
    Evidence,
    Finding,
    Strength,
    TechnologyResult,
    TermOrigin,
    Verdict,
)
from exportcheck.models.catalogue import Part, PresenceStatus
from exportcheck.models.common import Fidelity, Text
from exportcheck.models.deal import Deal
from exportcheck.models.procedure import Checklist, ItemStatus, Procedure, Track
from exportcheck.procedure import shipped_procedure

TODAY = dt.date(2026, 6, 1)
REC_TECH = "Recommendation engine"


@pytest.fixture(scope="module")
def proc() -> Procedure:
    return shipped_procedure()


def finding(
    *,
    code: str = "086501X",
    entry_id: str = "086501X",
    name: tuple[str, str] = ("信息处理技术", "Information processing technology"),
    part: Part = Part.RESTRICTED,
    cp: str | None = "18",
    cp_text: tuple[str, str] | None = (
        "基于数据分析的个性化信息推送服务技术",
        "Personalised information push service technology based on data analysis",
    ),
    outcome: Verdict = Verdict.LICENCE_REQUIRED,
    strength: Strength = Strength.MATCH,
    tech: int = 0,
    tech_name: str = REC_TECH,
    dual_use_hint: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        entry_id=entry_id,
        name=Text(zh=name[0], en=name[1]),
        part=part,
        part_confirmed=True,
        control_point=cp,
        control_point_text=Text(zh=cp_text[0], en=cp_text[1]) if cp_text else None,
        strength=strength,
        outcome=outcome,
        reasons=["matched the control point's terms"],
        technology=tech,
        technology_name=tech_name,
        evidence=[
            Evidence(
                technology=tech,
                field="description",
                line=6,
                deal_text="个性化推荐",
                term="个性化信息推送",
                origin=TermOrigin.LEGAL_TEXT,
                kind="term",
            )
        ],
        fidelity=Fidelity.OFFICIAL,
        sources=["MOF-2020"],
        presence=PresenceStatus.EVIDENCED,
        dual_use_hint=dual_use_hint,
    )


PROHIBITED: dict[str, Any] = dict(
    code="033001J",
    entry_id="033001J",
    name=("中国传统医药技术", "Traditional Chinese medicine technology"),
    part=Part.PROHIBITED,
    cp="1",
    cp_text=("中药材资源及生产技术", "TCM resources and production technology"),
    outcome=Verdict.PROHIBITED,
    tech_name="TCM extraction process",
)


def assessment(
    findings: list[Finding],
    *,
    verdict: Verdict | None = None,
    techs: list[tuple[str, Verdict]] | None = None,
    dual_use: list[str] | None = None,
) -> Assessment:
    if verdict is None:
        verdict = max((f.outcome for f in findings), key=lambda v: v.rank, default=Verdict.FREE)
    if techs is None:
        names = sorted({f.technology_name for f in findings}) or ["Battery management firmware"]
        techs = [
            (
                n,
                max(
                    (f.outcome for f in findings if f.technology_name == n),
                    key=lambda v: v.rank,
                    default=Verdict.FREE,
                ),
            )
            for n in names
        ]
    return Assessment(
        tool_version="0.1.0",
        deal_file="deals/example.yaml",
        deal_title="Licence of recommender technology to Example Inc.",
        verdict=verdict,
        verdict_reasons=["test"],
        catalogue=CatalogueRef(
            version="2023",
            instrument=Text(
                zh="中国禁止出口限制出口技术目录",
                en="Catalogue of Technologies Prohibited or Restricted from Export",
            ),
            effective="2023-12-21",
            superseded=None,
            selected_by="deal_date",
            selection_date="2026-05-01",
            reason="in force on the deal date",
            sha256="0" * 64,
            coverage=CoverageOut(
                official_entries=164,
                official_prohibited=24,
                official_restricted=140,
                encoded_entries=40,
                encoded_prohibited=5,
                encoded_restricted=35,
                unconfirmed_entries=0,
                encoded_control_points=300,
                complete=False,
            ),
        ),
        technologies=[
            TechnologyResult(index=i, name=n, line=5 + i, verdict=v) for i, (n, v) in enumerate(techs)
        ],
        findings=findings,
        dual_use=dual_use or [],
        next_duty="test",
    )


def deal(stage: str | None = "planning", licences: list[dict[str, Any]] | None = None, **extra: Any) -> Deal:
    data: dict[str, Any] = {
        "title": "Licence of recommender technology to Example Inc.",
        "exporter": {"name": "Beijing Example Technology Co., Ltd.", "country": "CN"},
        "recipient": {"name": "Example Inc.", "country": "US"},
        "technologies": [{"name": REC_TECH}],
        "licences": licences or [],
        **extra,
    }
    if stage:
        data["stage"] = stage
    return Deal.model_validate(data)


def items(c: Checklist, track: Track | None = None, kind: str | None = None) -> list[Any]:
    return [i for i in c.items if (track is None or i.track is track) and (kind is None or i.kind == kind)]


def item(c: Checklist, item_id: str) -> Any:
    (found,) = [i for i in c.items if i.id == item_id]
    return found


def status(c: Checklist, item_id: str) -> ItemStatus:
    return item(c, item_id).status


def cites(it: Any) -> set[str]:
    return {f"{c.instrument} {c.article}" for c in it.citations}


# --- tracks --------------------------------------------------------------------------------------------


def test_restricted_track_names_authority_reviews_letter_and_effect(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(), proc, TODAY)
    assert c.tracks == [Track.SCREEN, Track.RESTRICTED]
    app = item(c, "restricted.application")
    assert "省级商务主管部门" in app.actor.zh and "provincial commerce department" in app.actor.en
    assert any("《中国限制出口技术申请书》" in d.zh for d in app.documents)
    assert {"regs 31", "measures2009 4", "measures2009 5(1)"} <= cites(app)
    assert app.stage_gate == "substantive_negotiation"
    review = item(c, "restricted.review")
    assert (review.deadline_days, review.deadline_unit) == (30, "working_days")
    assert review.deadline.en == "within 30 working days of receipt of the application"
    assert "regs 32(1)" in cites(review)
    loi = item(c, "restricted.letter_of_intent")
    assert "技术出口许可意向书" in loi.title.zh and "regs 33" in cites(loi)
    assert "substantive negotiation" in loi.title.en
    decision = item(c, "restricted.licence_decision")
    assert (decision.deadline_days, decision.deadline_unit) == (15, "working_days")
    assert "regs 34(2)" in cites(decision)
    issued = item(c, "restricted.licence_issued")
    assert "takes effect on the date the licence is issued" in issued.title.en
    assert "技术出口许可证" in issued.title.zh and "regs 35" in cites(issued)
    change = item(c, "restricted.change")
    assert change.condition is not None and "regs 40(1)" in cites(change)
    # every restricted step cites the finding that triggered it
    for it in items(c, Track.RESTRICTED, "step"):
        assert [(t.code, t.control_point) for t in it.triggered_by] == [("086501X", "18")]


def test_restricted_steps_are_ordered_and_quote_articles(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(state_secret=False), proc, TODAY)
    ids = [i.id for i in items(c, Track.RESTRICTED, "step")]
    assert ids == [
        "restricted.application",
        "restricted.review",
        "restricted.letter_of_intent",
        "restricted.negotiate_sign",
        "restricted.licence_application",
        "restricted.licence_decision",
        "restricted.licence_issued",
        "restricted.use_licence",
        "restricted.change",
        "restricted.termination",
    ]
    quote = next(ci.quote for ci in item(c, "restricted.letter_of_intent").citations if ci.article == "33")
    assert quote and "方可对外进行实质性谈判" in quote


def test_free_track_registration_deadline(proc: Procedure) -> None:
    a = assessment([], verdict=Verdict.FREE, techs=[("Battery management firmware", Verdict.FREE)])
    c = build_checklist(a, deal(stage="signed"), proc, TODAY)
    assert c.tracks == [Track.SCREEN, Track.FREE]
    reg = item(c, "free.register")
    assert "技术出口合同登记" in reg.title.zh
    assert (reg.deadline_days, reg.deadline_unit) == (60, "calendar_days")
    assert reg.deadline.en == "within 60 days of the contract taking effect"
    assert reg.deadline.zh == "自合同生效之日起60日内"
    assert {"regm 6", "regs 37"} <= cites(reg)
    royalty = item(c, "free.royalty")
    assert "regm 7" in cites(royalty) and royalty.condition is not None
    assert "技术出口合同登记证" in item(c, "free.certificate").title.zh
    assert item(c, "free.certificate").deadline_days == 3
    assert [t.technology for t in reg.triggered_by] == ["Battery management firmware"]
    # signed: the contract step is done and registration is next
    assert status(c, "free.contract") is ItemStatus.DONE
    assert reg.status is ItemStatus.NEXT
    assert "does not record registration" in reg.progress.en


def test_free_track_before_signing(proc: Procedure) -> None:
    a = assessment([], verdict=Verdict.FREE, techs=[("Battery management firmware", Verdict.FREE)])
    c = build_checklist(a, deal(stage="negotiating"), proc, TODAY)
    assert status(c, "free.contract") is ItemStatus.NEXT
    assert status(c, "free.register") is ItemStatus.TODO
    assert not items(c, kind="alert")


def test_prohibited_track_says_must_not_take_place(proc: Procedure) -> None:
    c = build_checklist(assessment([finding(**PROHIBITED)]), deal(), proc, TODAY)
    top = c.items[0]
    assert top.id == "must_not_export" and top.status is ItemStatus.WARNING
    assert "must not take place" in top.title.en and "不得进行" in top.title.zh
    assert "regs 29" in cites(top)
    assert [t.code for t in top.triggered_by] == ["033001J"]
    exposure_ids = [e.id for e in top.exposures]
    assert "regs_43" in exposure_ids and "cl_151_225" in exposure_ids
    assert status(c, "prohibited.do_not_export") is ItemStatus.WARNING
    assert Track.RESTRICTED not in c.tracks


@pytest.mark.parametrize("stage", ["planning", "negotiating", "signed", "performed", None])
def test_prohibited_at_every_stage(proc: Procedure, stage: str | None) -> None:
    c = build_checklist(assessment([finding(**PROHIBITED)]), deal(stage=stage), proc, TODAY)
    assert c.items[0].id == "must_not_export"
    signed = any(i.id == "prohibited_already_signed" for i in c.items)
    assert signed is (stage in ("signed", "performed"))


def test_possible_prohibited_match_is_not_a_flat_ban(proc: Procedure) -> None:
    f = finding(**{**PROHIBITED, "outcome": Verdict.REVIEW, "strength": Strength.POSSIBLE})
    c = build_checklist(assessment([f]), deal(), proc, TODAY)
    assert c.items[0].id == "prohibited_unresolved"
    assert not any(i.id == "must_not_export" for i in c.items)
    assert status(c, "screen.classification") is ItemStatus.NEXT
    assert "[possible]" in c.items[0].triggered_by[0].label()


def test_dual_use_hint_points_to_export_control_track(proc: Procedure) -> None:
    f = finding(dual_use_hint="may be on the dual-use list (2024 No. 51)")
    c = build_checklist(assessment([f]), deal(), proc, TODAY)
    assert Track.DUAL_USE in c.tracks
    alert = item(c, "dual_use_track")
    assert "export-control licence track may apply" in alert.title.en and "instead" not in alert.title.en
    assert {"regs 42", "dur 14"} <= cites(alert)
    assert [e.id for e in alert.exposures] == ["ecl_34_39"]
    # decide first: the decision screen is the next duty, the MOFCOM application waits for it
    assert status(c, "screen.dual_use") is ItemStatus.NEXT
    apply = item(c, "dual_use.apply")
    assert apply.status is ItemStatus.BLOCKED and "国务院商务主管部门" in apply.actor.zh
    assert apply.condition.en.startswith("may apply")


def test_dual_use_from_assessment_level_note(proc: Procedure) -> None:
    a = assessment([], verdict=Verdict.FREE, dual_use=["lithium battery cathode: check the dual-use list"])
    c = build_checklist(a, deal(), proc, TODAY)
    assert Track.DUAL_USE in c.tracks and Track.FREE in c.tracks
    assert (
        item(c, "dual_use_track").triggered_by[0].note == "lithium battery cathode: check the dual-use list"
    )


def test_not_an_export_has_only_screens(proc: Procedure) -> None:
    a = assessment([], verdict=Verdict.NOT_EXPORT, techs=[("Firmware", Verdict.NOT_EXPORT)])
    c = build_checklist(a, deal(), proc, TODAY)
    assert c.tracks == [Track.SCREEN]
    assert not items(c, kind="alert")


def test_mixed_free_and_restricted(proc: Procedure) -> None:
    a = assessment([finding()], techs=[(REC_TECH, Verdict.LICENCE_REQUIRED), ("Firmware", Verdict.FREE)])
    c = build_checklist(a, deal(), proc, TODAY)
    assert c.tracks == [Track.SCREEN, Track.RESTRICTED, Track.FREE]
    assert item(c, "mixed_free_and_restricted").status is ItemStatus.TODO


# --- stages --------------------------------------------------------------------------------------------


def test_negotiating_without_letter_pauses_negotiation_at_top(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="negotiating"), proc, TODAY)
    top = c.items[0]
    assert top.id == "pause_negotiation" and top.status is ItemStatus.WARNING
    assert "Pause substantive negotiation" in top.title.en and "暂停实质性谈判" in top.title.zh
    assert "regs 33(2)" in cites(top)


def test_planning_gets_the_rule_not_the_pause(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="planning"), proc, TODAY)
    ids = [i.id for i in items(c, kind="alert")]
    assert ids == ["no_negotiation_before_letter"]
    assert status(c, "restricted.application") is ItemStatus.NEXT
    assert status(c, "restricted.review") is ItemStatus.BLOCKED
    assert status(c, "restricted.negotiate_sign") is ItemStatus.BLOCKED


@pytest.mark.parametrize("stage", ["signed", "performed"])
def test_signed_without_licence_warns_contract_not_effective(proc: Procedure, stage: str) -> None:
    c = build_checklist(assessment([finding()]), deal(stage=stage), proc, TODAY)
    alert = item(c, "contract_not_effective")
    assert alert.status is ItemStatus.WARNING
    assert "cannot take effect" in alert.title.en and "不能生效" in alert.title.zh
    assert {"regs 35", "regs 30"} <= cites(alert)
    assert any(i.id == "signed_before_letter" for i in c.items)
    exposures = {e.id: e for e in alert.exposures}
    assert "regs_43" in exposures and "regs 43" in {
        f"{x.instrument} {x.article}" for x in exposures["regs_43"].citations
    }
    assert "1 to 5 times" in exposures["regs_43"].text.en
    performed = any(i.id == "exported_without_licence" for i in c.items)
    assert performed is (stage == "performed")
    assert not any(i.id == "pause_negotiation" for i in c.items)


def test_stage_missing_is_flagged(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage=None), proc, TODAY)
    ids = [i.id for i in items(c, kind="alert")]
    assert "stage_unknown" in ids and "no_negotiation_before_letter" in ids
    assert c.stage is None


def test_penalty_law_follows_the_reference_date(proc: Procedure) -> None:
    before = build_checklist(assessment([finding()]), deal(stage="signed"), proc, dt.date(2026, 2, 1))
    after = build_checklist(assessment([finding()]), deal(stage="signed"), proc, dt.date(2026, 3, 1))
    ids_before = [e.id for e in item(before, "contract_not_effective").exposures]
    ids_after = [e.id for e in item(after, "contract_not_effective").exposures]
    assert "ftl2022_60" in ids_before and "ftl2025_73" not in ids_before
    assert "ftl2025_73" in ids_after and "ftl2022_60" not in ids_after
    # the 2025 text is from an unofficial copy: marked unverified, printed as "check current rules"
    ftl = next(e for e in item(after, "contract_not_effective").exposures if e.id == "ftl2025_73")
    assert ftl.text.en == "check current rules" and ftl.confidence == "unverified"
    reg = build_checklist(
        assessment([], verdict=Verdict.FREE), deal(stage="signed"), proc, dt.date(2026, 2, 1)
    )
    assert "ftl2022 14(3)" in cites(item(reg, "free.register"))
    assert "ftl2025 17(3)" not in cites(item(reg, "free.register"))


# --- licence progress ----------------------------------------------------------------------------------

APPLIED = {"application_date": "2026-03-02", "authority": "北京市商务局"}
LETTER = {
    **APPLIED,
    "letter_of_intent_number": "LOI-2026-001",
    "letter_of_intent_date": "2026-04-10",
    "letter_of_intent_expiry": "2029-04-09",
}
LICENSED = {
    **LETTER,
    "licence_number": "TEL-2026-007",
    "licence_issued": "2026-05-20",
    "licence_expiry": "2027-05-19",
}


def test_applied_waits_for_letter_of_intent(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="negotiating", licences=[APPLIED]), proc, TODAY)
    assert status(c, "restricted.application") is ItemStatus.DONE
    assert "2026-03-02" in item(c, "restricted.application").progress.en
    assert "北京市商务局" in item(c, "restricted.application").progress.zh
    review = item(c, "restricted.review")
    assert review.status is ItemStatus.NEXT and "waiting for the letter of intent" in review.progress.en
    assert status(c, "restricted.letter_of_intent") is ItemStatus.TODO
    assert status(c, "restricted.negotiate_sign") is ItemStatus.BLOCKED
    assert c.items[0].id == "pause_negotiation"  # still no letter of intent


def test_letter_of_intent_received_moves_to_negotiation(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="negotiating", licences=[LETTER]), proc, TODAY)
    assert [
        status(c, i) for i in ("restricted.application", "restricted.review", "restricted.letter_of_intent")
    ] == [ItemStatus.DONE] * 3
    assert "LOI-2026-001" in item(c, "restricted.letter_of_intent").progress.en
    assert status(c, "restricted.negotiate_sign") is ItemStatus.NEXT
    assert status(c, "restricted.licence_application") is ItemStatus.TODO
    assert not any(i.id == "pause_negotiation" for i in c.items)


def test_letter_of_intent_and_signed_moves_to_licence_application(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="signed", licences=[LETTER]), proc, TODAY)
    assert status(c, "restricted.negotiate_sign") is ItemStatus.DONE
    assert status(c, "restricted.licence_application") is ItemStatus.NEXT
    assert item(c, "contract_not_effective").status is ItemStatus.WARNING
    assert not any(i.id == "signed_before_letter" for i in c.items)


def test_licence_issued_is_done(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="performed", licences=[LICENSED]), proc, TODAY)
    for step in (
        "application",
        "review",
        "letter_of_intent",
        "negotiate_sign",
        "licence_application",
        "licence_decision",
        "licence_issued",
    ):
        assert status(c, f"restricted.{step}") is ItemStatus.DONE, step
    assert "TEL-2026-007" in item(c, "restricted.licence_issued").progress.en
    assert status(c, "restricted.use_licence") is ItemStatus.NEXT
    assert not items(c, kind="alert") and not c.problems


def test_expired_licence_is_a_problem(proc: Procedure) -> None:
    late = dt.date(2027, 6, 1)
    c = build_checklist(assessment([finding()]), deal(stage="performed", licences=[LICENSED]), proc, late)
    assert [p.code for p in c.problems] == ["licence_expired"]
    assert "TEL-2026-007" in c.problems[0].text.en and "2027-05-19" in c.problems[0].text.en
    assert item(c, "licence_expired").status is ItemStatus.WARNING
    assert status(c, "restricted.licence_application") is ItemStatus.NEXT
    assert "expired" in item(c, "restricted.licence_issued").progress.en
    assert any(i.id == "exported_without_licence" for i in c.items)


def test_expiry_is_judged_on_the_reference_date_not_the_clock(proc: Procedure) -> None:
    early = build_checklist(assessment([finding()]), deal(stage="signed", licences=[LICENSED]), proc, TODAY)
    assert not early.problems
    assert status(early, "restricted.licence_issued") is ItemStatus.DONE


def test_expired_letter_of_intent(proc: Procedure) -> None:
    old = {**LETTER, "letter_of_intent_expiry": "2026-05-01"}
    c = build_checklist(assessment([finding()]), deal(stage="negotiating", licences=[old]), proc, TODAY)
    assert [p.code for p in c.problems] == ["letter_of_intent_expired"]
    assert any(i.id == "letter_of_intent_expired" for i in c.items)
    assert c.items[0].id == "pause_negotiation"


def test_licence_for_other_entry_does_not_count(proc: Procedure) -> None:
    other = {**LICENSED, "entries": ["183501X"]}
    c = build_checklist(assessment([finding()]), deal(stage="signed", licences=[other]), proc, TODAY)
    assert [p.code for p in c.problems] == ["record_covers_nothing"]
    # signed with no licence and no letter of intent covering it: remediation first, then the application
    assert status(c, "remediation.stop_performance") is ItemStatus.NEXT
    assert status(c, "restricted.application") is ItemStatus.TODO
    assert any(i.id == "contract_not_effective" for i in c.items)


def test_least_advanced_finding_sets_the_position(proc: Procedure) -> None:
    f1 = finding()
    f2 = finding(code="183501X", entry_id="183501X", cp="3", cp_text=None, tech_name="Speech synthesis")
    rec = {**LICENSED, "entries": ["086501X"]}
    d = deal(stage="signed", licences=[rec])
    pos = licence_position(d, [f1, f2], TODAY)
    assert pos.milestone.value == "none" and [f.code for f in pos.uncovered] == ["183501X"]
    c = build_checklist(assessment([f1, f2]), d, proc, TODAY)
    assert "183501X" in item(c, "restricted.application").progress.en


def test_future_dated_record_is_not_counted(proc: Procedure) -> None:
    future = {"application_date": "2026-09-01"}
    c = build_checklist(assessment([finding()]), deal(licences=[future]), proc, TODAY)
    assert [p.code for p in c.problems] == ["record_after_reference_date"]
    assert status(c, "restricted.application") is ItemStatus.NEXT


def test_state_secret_review_comes_first_when_applicable(proc: Procedure) -> None:
    yes = build_checklist(assessment([finding()]), deal(state_secret=True), proc, TODAY)
    assert status(yes, "restricted.state_secret_review") is ItemStatus.NEXT
    assert status(yes, "restricted.application") is ItemStatus.TODO
    assert status(yes, "screen.state_secret") is ItemStatus.DONE
    unknown = build_checklist(assessment([finding()]), deal(), proc, TODAY)
    assert "does not say" in item(unknown, "restricted.state_secret_review").condition.en
    no = build_checklist(assessment([finding()]), deal(state_secret=False), proc, TODAY)
    assert not any(i.id == "restricted.state_secret_review" for i in no.items)


# --- unverified facts ---------------------------------------------------------------------------------


def test_unverified_validity_is_not_printed_as_a_number(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(), proc, TODAY)
    loi = item(c, "restricted.letter_of_intent")
    assert loi.deadline_days is None and "check current rules" in loi.deadline.en
    assert "请核对现行规定" in loi.deadline.zh
    text = render_text(c, "both")
    # the repealed 2001 Measures' "1 to 3 years" validity must never appear
    assert "1至3年" not in text and "1 to 3 years" not in text and "3 years" not in text.split("Exposure")[0]


# --- output ----------------------------------------------------------------------------------------------


def _restricted_negotiating(proc: Procedure) -> Checklist:
    return build_checklist(
        assessment([finding()]), deal(stage="negotiating", licences=[APPLIED]), proc, TODAY
    )


def test_text_english(proc: Procedure) -> None:
    out = render_text(_restricted_negotiating(proc), "en")
    assert "\x1b[" not in out
    assert (
        out.splitlines()[0] == "Technology export licensing checklist: Licence of recommender technology to "
        "Example Inc."
    )
    assert "[!] 1. Pause substantive negotiation now" in out
    assert "[x]" in out and "[>]" in out
    assert "Technology Import and Export Regulations art. 32(1)" in out
    assert "086501X CP 18 (Recommendation engine)" in out
    assert "not legal advice" in out
    assert "Catalogue" in out and "2023" in out and "40/164 entries encoded" in out


def test_text_chinese_uses_statutory_terms(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="signed"), proc, TODAY)
    out = render_text(c, "zh")
    for term in (
        "技术出口许可意向书",
        "技术出口许可证",
        "《中国限制出口技术申请书》",
        "省级商务主管部门",
        "《技术进出口管理条例》第三十二条第一款",
        "《技术进出口管理条例》第三十五条",
    ):
        assert term in out, term
    assert "不构成法律意见" in out
    assert "Pause" not in out and "Who:" not in out
    free = build_checklist(assessment([], verdict=Verdict.FREE), deal(stage="signed"), proc, TODAY)
    zh_free = render_text(free, "zh")
    assert "技术出口合同登记" in zh_free and "自合同生效之日起60日内" in zh_free
    assert "《技术进出口合同登记管理办法》第五条、第六条" in zh_free


def test_both_languages(proc: Procedure) -> None:
    out = render_text(_restricted_negotiating(proc), "both")
    assert "Pause substantive negotiation" in out and "立即暂停实质性谈判" in out
    assert "Deadline / 时限" in out


def test_markdown_reads_as_a_checklist(proc: Procedure) -> None:
    out = render_markdown(_restricted_negotiating(proc), "en")
    lines = out.splitlines()
    assert lines[0].startswith("# Technology export licensing checklist: ")
    assert "| Reference date | 2026-06-01 |" in lines
    assert "| Catalogue | 2023 — Catalogue of Technologies Prohibited or Restricted from Export |" in lines
    assert any(line.startswith("> exportcheck is a screening aid, not legal advice") for line in lines)
    assert "## Restricted technology: technology export licence" in lines
    assert any(re.match(r"- \[x\] \d+\. \*\*File the", line) for line in lines)
    assert any(re.match(r"- \[ \] \d+\. \*\*NEXT\*\* \*\*Trade and technical review", line) for line in lines)
    assert any(line.startswith("- [ ] 1. **WARNING** **Pause substantive negotiation") for line in lines)
    assert "\x1b[" not in out
    zh = render_markdown(_restricted_negotiating(proc), "zh")
    assert "## 限制出口的技术：技术出口许可" in zh and "| 基准日 | 2026-06-01 |" in zh


def test_json_is_deterministic_and_sorted(proc: Procedure) -> None:
    c1 = _restricted_negotiating(proc)
    c2 = _restricted_negotiating(proc)
    out = render_json(c1)
    assert out == render_json(c2)
    data = json.loads(out)
    assert list(data) == sorted(data)
    assert data["format_version"] == 1 and data["reference_date"] == "2026-06-01"
    assert data["items"][0]["id"] == "pause_negotiation"
    assert Checklist.model_validate({k: v for k, v in data.items() if k != "lang"}) == c1


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_every_format_and_language_renders(proc: Procedure, fmt: str, lang: str) -> None:
    out = render(_restricted_negotiating(proc), fmt, lang)
    assert out.endswith("\n") and "\x1b[" not in out


def test_unknown_language_or_format(proc: Procedure) -> None:
    c = _restricted_negotiating(proc)
    with pytest.raises(ValueError, match="unknown language"):
        render_text(c, "fr")
    with pytest.raises(ValueError, match="unknown checklist format"):
        render(c, "sarif")


def test_build_is_pure(proc: Procedure) -> None:
    a, d = assessment([finding()]), deal(stage="negotiating", licences=[LETTER])
    assert build_checklist(a, d, proc, TODAY) == build_checklist(a, d, proc, TODAY)


def test_article_labels() -> None:
    assert zh_number(9) == "九" and zh_number(10) == "十" and zh_number(34) == "三十四"
    assert zh_number(111) == "一百一十一" and zh_number(225) == "二百二十五" and zh_number(105) == "一百零五"
    assert article_label("32(1)").zh == "第三十二条第一款"
    assert article_label("219-1").zh == "第二百一十九条之一"
    assert article_label("6").en == "art. 6"


# --- contract record: registration deadline, registration, signing ----------------------------------------

FREE_TECH = "Battery management firmware"


def _free() -> Assessment:
    return assessment([], verdict=Verdict.FREE, techs=[(FREE_TECH, Verdict.FREE)])


def _ids(c: Checklist) -> list[str]:
    return [i.id for i in c.items]


def test_registration_deadline_from_effective_date(proc: Procedure) -> None:
    contract = {"signed": "2026-05-01", "effective": "2026-05-01", "payment": "lump_sum"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, TODAY)
    reg = item(c, "free.register")
    assert reg.deadline_date == dt.date(2026, 6, 30)  # RegM art. 6: 60 calendar days after effect
    assert reg.deadline.en == "within 60 days of the contract taking effect"
    assert reg.status is ItemStatus.NEXT
    assert "last day 2026-06-30" in reg.progress.en and "2026-05-01" in reg.progress.en
    assert "最后一日为2026-06-30" in reg.progress.zh
    # lump sum: the royalty rule does not apply, so it is not shown at all
    assert "free.royalty" not in _ids(c)
    assert not c.problems and not items(c, kind="alert")
    assert "signed 2026-05-01" in item(c, "free.contract").progress.en
    assert "Deadline: within 60 days of the contract taking effect — last day 2026-06-30" in render_text(c)
    assert "自合同生效之日起60日内（最后一日：2026-06-30）" in render_text(c, "zh")
    (data,) = [i for i in json.loads(render_json(c))["items"] if i["id"] == "free.register"]
    assert data["deadline_date"] == "2026-06-30"


def test_payment_not_recorded_keeps_royalty_rule_conditional(proc: Procedure) -> None:
    c = build_checklist(_free(), deal(stage="signed", contract={"effective": "2026-05-01"}), proc, TODAY)
    assert item(c, "free.register").deadline_date == dt.date(2026, 6, 30)
    assert "add contract.payment" in item(c, "free.register").progress.en
    royalty = item(c, "free.royalty")
    assert royalty.status is ItemStatus.TODO and "contract.payment" in royalty.condition.en
    assert royalty.deadline_date is None


def test_royalty_deadline_from_first_royalty_base_date(proc: Procedure) -> None:
    contract = {"effective": "2026-01-10", "payment": "royalty", "first_royalty_base_date": "2026-05-15"}
    c = build_checklist(_free(), deal(stage="performed", contract=contract), proc, TODAY)
    reg = item(c, "free.register")
    # RegM art. 7: 60 days from the first royalty base amount, not from the effective date (which would
    # have ended on 2026-03-11, before the reference date)
    assert reg.deadline_date == dt.date(2026, 7, 14)
    assert reg.deadline.en == "within 60 days of the first royalty base amount arising"
    assert reg.status is ItemStatus.NEXT and not c.problems
    assert "first royalty base amount arose on 2026-05-15" in reg.progress.en
    royalty = item(c, "free.royalty")
    assert royalty.condition is None  # the deal file answers it: no longer conditional
    assert royalty.deadline_date == dt.date(2026, 7, 14) and royalty.status is ItemStatus.TODO
    assert "contract change after each later royalty base amount" in royalty.progress.en
    assert "regm 7" in cites(royalty)


def test_royalty_without_first_base_date_has_no_last_day(proc: Procedure) -> None:
    c = build_checklist(
        _free(), deal(stage="signed", contract={"effective": "2026-01-10", "payment": "royalty"}), proc, TODAY
    )
    reg = item(c, "free.register")
    assert reg.deadline_date is None and reg.status is ItemStatus.NEXT and not c.problems
    assert "add contract.first_royalty_base_date" in reg.progress.en


def test_mixed_payment_follows_the_royalty_rule_with_a_caveat(proc: Procedure) -> None:
    contract = {"effective": "2026-01-10", "payment": "mixed", "first_royalty_base_date": "2026-05-15"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, TODAY)
    reg = item(c, "free.register")
    assert reg.deadline_date == dt.date(2026, 7, 14)
    assert "mixed payment" in reg.progress.en and "check current rules" in reg.progress.en


def test_registration_recorded_marks_the_step_done(proc: Procedure) -> None:
    contract = {
        "effective": "2026-03-01",
        "payment": "royalty",
        "first_royalty_base_date": "2026-04-01",
        "registration_number": "REG-2026-0042",
        "registration_date": "2026-05-20",
    }
    c = build_checklist(_free(), deal(stage="performed", contract=contract), proc, TODAY)
    reg = item(c, "free.register")
    assert reg.status is ItemStatus.DONE and reg.deadline_date is None
    assert "REG-2026-0042" in reg.progress.en and "2026-05-20" in reg.progress.en
    assert status(c, "free.certificate") is ItemStatus.DONE
    assert status(c, "free.use_certificate") is ItemStatus.NEXT
    royalty = item(c, "free.royalty")  # registration done, change filings continue
    assert royalty.status is ItemStatus.TODO and royalty.progress.en.startswith("registered;")
    assert not c.problems and not items(c, kind="alert")
    # a date alone counts too; a number alone counts too
    only_date = build_checklist(
        _free(), deal(stage="signed", contract={"registration_date": "2026-05-20"}), proc, TODAY
    )
    assert status(only_date, "free.register") is ItemStatus.DONE
    only_number = build_checklist(
        _free(), deal(contract={"registration_number": "REG-2026-0042"}), proc, TODAY
    )
    assert status(only_number, "free.register") is ItemStatus.DONE
    assert status(only_number, "free.contract") is ItemStatus.DONE  # registered implies signed


def test_registration_dated_after_reference_date_is_not_counted(proc: Procedure) -> None:
    contract = {"effective": "2026-05-01", "registration_date": "2026-06-15"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, TODAY)
    assert status(c, "free.register") is ItemStatus.NEXT
    assert [p.code for p in c.problems] == ["record_after_reference_date"]
    assert "contract.registration_date 2026-06-15" in c.problems[0].text.en


def test_late_registration_is_noted(proc: Procedure) -> None:
    contract = {"effective": "2026-01-05", "registration_date": "2026-04-01"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, TODAY)
    reg = item(c, "free.register")
    assert reg.status is ItemStatus.DONE and "after the last day 2026-03-06" in reg.progress.en
    assert not items(c, kind="alert")


def test_deadline_passed_without_registration_warns(proc: Procedure) -> None:
    contract = {"signed": "2026-03-02", "effective": "2026-03-02", "payment": "lump_sum"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, TODAY)
    assert [p.code for p in c.problems] == ["registration_overdue"]
    assert "2026-05-01" in c.problems[0].text.en and "2026-05-01" in c.problems[0].text.zh
    top = c.items[0]
    assert top.id == "registration_overdue" and top.status is ItemStatus.WARNING
    assert {"regm 6", "regs 37", "ftl2025 17(3)"} <= cites(top)
    assert "2026-05-01" in top.progress.en
    # the FTL 2025 art. 72 exposure, as procedure.yaml holds it: unverified, so no amount is printed
    (exposure,) = top.exposures
    assert exposure.id == "ftl2025_72" and exposure.text.en == "check current rules"
    assert {f"{x.instrument} {x.article}" for x in exposure.citations} == {"ftl2025 72"}
    reg = item(c, "free.register")
    assert reg.status is ItemStatus.WARNING and reg.progress.en.startswith("OVERDUE")
    out = render_text(c, "both")
    assert "50,000" not in out and "五万" not in out and "50000" not in out
    # on the last day itself the period has not passed
    last = build_checklist(_free(), deal(stage="signed", contract=contract), proc, dt.date(2026, 5, 1))
    assert not last.problems and status(last, "free.register") is ItemStatus.NEXT


def test_overdue_before_the_2025_law_has_no_art_72_exposure(proc: Procedure) -> None:
    contract = {"effective": "2025-10-01", "payment": "lump_sum"}
    c = build_checklist(_free(), deal(stage="signed", contract=contract), proc, dt.date(2026, 2, 1))
    top = item(c, "registration_overdue")
    assert top.exposures == [] and "ftl2022 14(3)" in cites(top)


def test_no_overdue_warning_outside_the_free_track(proc: Procedure) -> None:
    contract = {"effective": "2026-01-05"}
    c = build_checklist(assessment([finding()]), deal(stage="signed", contract=contract), proc, TODAY)
    assert "registration_overdue" not in _ids(c) and Track.FREE not in c.tracks


def test_recorded_signing_strengthens_the_restricted_warnings(proc: Procedure) -> None:
    contract = {"signed": "2026-04-20", "effective": "2026-04-20"}
    c = build_checklist(assessment([finding()]), deal(stage="negotiating", contract=contract), proc, TODAY)
    ids = [i.id for i in items(c, kind="alert")]
    # the record shows the contract signed: the signing warnings replace the negotiation ones
    assert "contract_not_effective" in ids and "signed_before_letter" in ids
    assert "pause_negotiation" not in ids
    alert = item(c, "contract_not_effective")
    assert "signing on 2026-04-20" in alert.progress.en and "Regs art. 35" in alert.progress.en
    assert "2026-04-20" in item(c, "signed_before_letter").progress.en
    assert [p.code for p in c.problems] == ["stage_before_signing"]
    assert c.stage == "negotiating"  # the header still shows what the deal file says
    # the licence step explains that the effective date in the contract does not govern
    assert (
        "takes effect on the date the licence is issued" in item(c, "restricted.licence_issued").progress.en
    )


def test_signed_date_replaces_the_stage_when_none_is_given(proc: Procedure) -> None:
    c = build_checklist(
        assessment([finding()]), deal(stage=None, contract={"signed": "2026-04-20"}), proc, TODAY
    )
    ids = [i.id for i in items(c, kind="alert")]
    assert "contract_not_effective" in ids and "stage_unknown" not in ids and not c.problems
    future = build_checklist(
        assessment([finding()]), deal(stage="planning", contract={"signed": "2026-07-01"}), proc, TODAY
    )
    assert "contract_not_effective" not in [i.id for i in future.items]
    assert [p.code for p in future.problems] == ["record_after_reference_date"]


def test_signed_before_a_letter_of_intent_obtained_later(proc: Procedure) -> None:
    contract = {"signed": "2026-04-01"}
    c = build_checklist(
        assessment([finding()]), deal(stage="signed", licences=[LETTER], contract=contract), proc, TODAY
    )
    # the letter of intent (2026-04-10) is held now, but the contract was signed before it
    alert = item(c, "signed_before_letter")
    assert "before the letter of intent of 2026-04-10" in alert.progress.en
    after = build_checklist(
        assessment([finding()]),
        deal(stage="signed", licences=[LETTER], contract={"signed": "2026-04-15"}),
        proc,
        TODAY,
    )
    assert "signed_before_letter" not in [i.id for i in after.items]


def test_licensed_contract_takes_effect_on_the_licence_date(proc: Procedure) -> None:
    contract = {"signed": "2026-05-01", "effective": "2026-05-01"}
    c = build_checklist(
        assessment([finding()]), deal(stage="performed", licences=[LICENSED], contract=contract), proc, TODAY
    )
    issued = item(c, "restricted.licence_issued")
    assert issued.status is ItemStatus.DONE
    assert "TEL-2026-007" in issued.progress.en and "(2026-05-20), Regs art. 35" in issued.progress.en
    same = build_checklist(
        assessment([finding()]),
        deal(stage="performed", licences=[LICENSED], contract={"effective": "2026-05-20"}),
        proc,
        TODAY,
    )
    assert "art. 35" not in item(same, "restricted.licence_issued").progress.en
