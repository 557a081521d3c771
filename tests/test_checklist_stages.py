"""Where the deal stands: one next duty per stage × track, the remediation track, the dual-use order.

Hand-built assessments (helpers of test_checklist.py) pin each combination; the end-to-end tests at the bottom
run the real engine on the shipped catalogue and real deal files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exportcheck.checklist import build_checklist
from exportcheck.cli import main
from exportcheck.models.assessment import Strength, Verdict
from exportcheck.models.catalogue import Part
from exportcheck.models.procedure import Checklist, ItemStatus, Procedure, Track
from exportcheck.procedure import shipped_procedure
from test_checklist import (
    LETTER,
    LICENSED,
    PROHIBITED,
    TODAY,
    assessment,
    deal,
    finding,
    item,
    status,
)

STAGES = [None, "planning", "negotiating", "signed", "performed"]
DUAL_HINT = "may be on the dual-use list (2024 No. 51)"


@pytest.fixture(scope="module")
def proc() -> Procedure:
    return shipped_procedure()


def nexts(c: Checklist) -> list[str]:
    return [i.id for i in c.items if i.status is ItemStatus.NEXT]


def ids(c: Checklist) -> set[str]:
    return {i.id for i in c.items}


def free_assessment() -> Any:
    return assessment([], verdict=Verdict.FREE, techs=[("Warehouse module", Verdict.FREE)])


# --- one next duty, stage × track ------------------------------------------------------------------------

# (track, licence records, stage) → the one NEXT step
MATRIX: list[tuple[str, list[dict[str, Any]], str | None, str]] = [
    # restricted, no licence records
    ("restricted", [], None, "restricted.application"),
    ("restricted", [], "planning", "restricted.application"),
    ("restricted", [], "negotiating", "restricted.application"),
    ("restricted", [], "signed", "remediation.stop_performance"),
    ("restricted", [], "performed", "remediation.stop_performance"),
    # restricted with a letter of intent: signing after it is the lawful order; performing is not
    ("restricted", [LETTER], "planning", "restricted.negotiate_sign"),
    ("restricted", [LETTER], "negotiating", "restricted.negotiate_sign"),
    ("restricted", [LETTER], "signed", "restricted.licence_application"),
    ("restricted", [LETTER], "performed", "remediation.stop_performance"),
    # restricted with an issued licence: nothing left but to use it
    ("restricted", [LICENSED], "negotiating", "restricted.use_licence"),
    ("restricted", [LICENSED], "signed", "restricted.use_licence"),
    ("restricted", [LICENSED], "performed", "restricted.use_licence"),
    # prohibited: no licence exists; once signed, remediation comes first
    ("prohibited", [], None, "prohibited.restructure"),
    ("prohibited", [], "planning", "prohibited.restructure"),
    ("prohibited", [], "negotiating", "prohibited.restructure"),
    ("prohibited", [], "signed", "remediation.stop_performance"),
    ("prohibited", [], "performed", "remediation.stop_performance"),
    # free: sign, then register
    ("free", [], None, "free.contract"),
    ("free", [], "planning", "free.contract"),
    ("free", [], "negotiating", "free.contract"),
    ("free", [], "signed", "free.register"),
    ("free", [], "performed", "free.register"),
    # a dual-use indication on a free technology: the decision comes first, at every stage
    ("dual_use", [], None, "screen.dual_use"),
    ("dual_use", [], "planning", "screen.dual_use"),
    ("dual_use", [], "negotiating", "screen.dual_use"),
    ("dual_use", [], "signed", "screen.dual_use"),
    ("dual_use", [], "performed", "screen.dual_use"),
]


def _case(track: str) -> Any:
    if track == "restricted":
        return assessment([finding()])
    if track == "prohibited":
        return assessment([finding(**PROHIBITED)])
    if track == "dual_use":
        return assessment(
            [], verdict=Verdict.FREE, techs=[("Warehouse module", Verdict.FREE)], dual_use=[DUAL_HINT]
        )
    return free_assessment()


@pytest.mark.parametrize(("track", "records", "stage", "expected"), MATRIX)
def test_one_next_duty_per_stage_and_track(
    proc: Procedure, track: str, records: list[dict[str, Any]], stage: str | None, expected: str
) -> None:
    c = build_checklist(_case(track), deal(stage=stage, licences=records), proc, TODAY)
    assert nexts(c) == [expected]
    assert c.next_id == expected and c.next_duty == item(c, expected).title


def test_licensed_deal_no_longer_told_to_stop_negotiating(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="signed", licences=[LICENSED]), proc, TODAY)
    assert "negotiation" not in c.next_duty.en.lower()
    assert Track.REMEDIATION not in c.tracks
    assert not any(i.id in ("pause_negotiation", "no_negotiation_before_letter") for i in c.items)


def test_done_steps_are_marked_done(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="signed", licences=[LETTER]), proc, TODAY)
    for step in ("application", "review", "letter_of_intent", "negotiate_sign"):
        assert status(c, f"restricted.{step}") is ItemStatus.DONE, step


def test_negotiate_and_sign_is_not_offered_as_a_future_step_once_signed(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="signed"), proc, TODAY)
    sign = item(c, "restricted.negotiate_sign")
    assert sign.status is not ItemStatus.NEXT
    assert "signed before any letter of intent" in sign.progress.en
    assert "check current rules" in sign.progress.en


# --- remediation -----------------------------------------------------------------------------------------


def test_signed_nothing_transferred_remediation(proc: Procedure) -> None:
    c = build_checklist(
        assessment([finding()]), deal(stage="signed", contract={"signed": "2026-04-01"}), proc, TODAY
    )
    track = [i.id for i in c.items if i.track is Track.REMEDIATION]
    assert track == [
        "remediation.stop_performance",
        "remediation.document_facts",
        "remediation.exposure_signed",
        "remediation.consult_authority",
    ]
    stop = item(c, "remediation.stop_performance")
    assert "2026-04-01" in stop.progress.en and "not yet performed" in stop.progress.en
    exposure = item(c, "remediation.exposure_signed")
    assert "check current rules" in exposure.detail.en  # whether signing alone is sanctioned is not sourced
    assert {e.id for e in exposure.exposures} >= {"regs_43", "cl_151_225"}
    # the restricted track continues after the remediation steps, as to-do, not a second NEXT
    assert status(c, "restricted.application") is ItemStatus.TODO


def test_performed_remediation_secures_what_was_transferred(proc: Procedure) -> None:
    c = build_checklist(assessment([finding()]), deal(stage="performed"), proc, TODAY)
    track = [i.id for i in c.items if i.track is Track.REMEDIATION]
    assert track == [
        "remediation.stop_performance",
        "remediation.secure_transferred",
        "remediation.document_facts",
        "remediation.exposure_performed",
        "remediation.consult_authority",
    ]
    assert "performed" in item(c, "remediation.stop_performance").progress.en
    assert "check current rules" in item(c, "remediation.secure_transferred").detail.en
    assert {e.id for e in item(c, "remediation.exposure_performed").exposures} >= {"regs_43", "cl_151_225"}


@pytest.mark.parametrize("stage", ["signed", "performed"])
def test_every_remediation_step_cites_its_basis(proc: Procedure, stage: str) -> None:
    for f in (finding(), finding(**PROHIBITED)):
        c = build_checklist(assessment([f]), deal(stage=stage), proc, TODAY)
        steps = [i for i in c.items if i.track is Track.REMEDIATION]
        assert steps
        for it in steps:
            assert it.citations and it.sources, it.id
            assert it.triggered_by, it.id
        consult = item(c, "remediation.consult_authority")
        # contact with the authority only as the sources support it: consultation (Gao Feng), nothing more
        assert "press-gaofeng-2020" in consult.sources and "check current rules" in consult.detail.en


def test_prohibited_signed_gets_remediation_not_an_application(proc: Procedure) -> None:
    c = build_checklist(assessment([finding(**PROHIBITED)]), deal(stage="signed"), proc, TODAY)
    assert c.tracks[:3] == [Track.SCREEN, Track.REMEDIATION, Track.PROHIBITED]
    assert Track.RESTRICTED not in c.tracks
    assert any(i.id == "prohibited_already_signed" for i in c.items)


def test_no_remediation_for_lawful_or_unproven_cases(proc: Procedure) -> None:
    # signed after the letter of intent: the lawful order
    lawful = build_checklist(assessment([finding()]), deal(stage="signed", licences=[LETTER]), proc, TODAY)
    assert Track.REMEDIATION not in lawful.tracks
    # a possible match only: classification first, not a breach yet
    possible = finding(outcome=Verdict.REVIEW, strength=Strength.POSSIBLE, part=Part.RESTRICTED)
    c = build_checklist(assessment([possible]), deal(stage="performed"), proc, TODAY)
    assert Track.REMEDIATION not in c.tracks and nexts(c) == ["screen.classification"]
    # planning or negotiating: nothing has been signed
    for stage in ("planning", "negotiating"):
        early = build_checklist(assessment([finding()]), deal(stage=stage), proc, TODAY)
        assert Track.REMEDIATION not in early.tracks


def test_recorded_signing_date_starts_remediation_even_without_a_stage(proc: Procedure) -> None:
    c = build_checklist(
        assessment([finding()]), deal(stage=None, contract={"signed": "2026-04-01"}), proc, TODAY
    )
    assert Track.REMEDIATION in c.tracks and nexts(c) == ["remediation.stop_performance"]


# --- dual-use: decide first, then apply -------------------------------------------------------------------


def _dual(stage: str = "planning", decision: bool | None = None, proc: Procedure | None = None) -> Checklist:
    f = finding(dual_use_hint=DUAL_HINT)
    return build_checklist(assessment([f]), deal(stage=stage), proc or shipped_procedure(), TODAY, decision)


def test_dual_use_undecided_reads_may_apply_and_waits(proc: Procedure) -> None:
    c = _dual(proc=proc)
    assert status(c, "screen.dual_use") is ItemStatus.NEXT
    for step in ("dual_use.apply", "dual_use.decision", "dual_use.licence_scope", "dual_use.records"):
        it = item(c, step)
        assert it.status is ItemStatus.BLOCKED, step
        assert it.condition is not None and it.condition.en.startswith("may apply"), step
    alert = item(c, "dual_use_track")
    assert "may apply" in alert.title.en and "instead of" not in alert.title.en
    assert "decide" in alert.title.en


def test_dual_use_decided_yes_applies(proc: Procedure) -> None:
    c = _dual(decision=True, proc=proc)
    assert status(c, "screen.dual_use") is ItemStatus.DONE
    apply = item(c, "dual_use.apply")
    assert apply.condition is None and apply.status is ItemStatus.NEXT
    assert not any(i.id == "dual_use_track" for i in c.items)  # no "may apply" once decided
    assert nexts(c) == ["dual_use.apply"]


def test_dual_use_decided_no_drops_the_track(proc: Procedure) -> None:
    c = _dual(decision=False, proc=proc)
    assert Track.DUAL_USE not in c.tracks
    assert "not a dual-use item" in item(c, "screen.dual_use").progress.en
    assert nexts(c) == ["restricted.application"]


# --- end to end on the shipped catalogue --------------------------------------------------------------------

DRONE = """\
title: Drone flight-control software licence to a Brazilian buyer
date: 2026-03-01
exporter: {{name: Example UAV (Shenzhen) Co., Ltd., country: CN}}
recipient: {{name: Example Agro Ltda, country: BR}}
channel: trade
forms: [know_how_transfer]
stage: {stage}
technologies:
  - name: Flight control
    description: >-
      Source code of the flight-control algorithms for agricultural drones, autopilot and navigation.
{extra}"""


def _run(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("stage", "extra", "expected"),
    [
        ("planning", "", "screen.dual_use"),
        ("signed", "contract: {signed: 2026-04-01}\n", "remediation.stop_performance"),
        ("performed", "", "remediation.stop_performance"),
    ],
)
def test_drone_deal_next_duty_end_to_end(
    write: Any, stage: str, extra: str, expected: str, tmp_path: Path
) -> None:
    path = write("drone.deal.yaml", DRONE.format(stage=stage, extra=extra))
    code, data = _run("checklist", str(path), "--format", "json", "--as-of", "2026-06-01")
    assert code == 0 and data["verdict"] == "licence_required"
    assert [i["id"] for i in data["items"] if i["status"] == "next"] == [expected]
    assert data["next_id"] == expected
    # assess prints the same next duty instead of the verdict's fixed sentence
    code, assessed = _run(
        "assess", str(path), "--format", "json", "--as-of", "2026-06-01", "--fail-on", "none"
    )
    assert code == 0 and assessed["next_duty"] == data["next_duty"]["en"]
    if stage != "planning":
        assert "Stop substantive negotiation" not in assessed["next_duty"]
    apply = next(i for i in data["items"] if i["id"] == "dual_use.apply")
    assert apply["status"] == "blocked" and apply["condition"]["en"].startswith("may apply")


def test_text_output_shows_the_next_duty_and_the_remediation_track(write: Any) -> None:
    path = write("drone.deal.yaml", DRONE.format(stage="performed", extra=""))
    result = CliRunner().invoke(main, ["checklist", str(path), "--as-of", "2026-06-01"])
    assert result.exit_code == 0
    out = result.stdout
    assert "Next duty       Stop performance now" in out
    assert "Remediation: signed or performed without the required licence" in out
    assert out.count("(NEXT)") == 1
    zh = CliRunner().invoke(main, ["checklist", str(path), "--as-of", "2026-06-01", "--lang", "zh"]).stdout
    assert "下一步义务" in zh and "立即停止履行" in zh and "补救事项" in zh


def test_signed_before_a_later_letter_of_intent_is_remediated(proc: Procedure) -> None:
    c = build_checklist(
        assessment([finding()]),
        deal(stage="signed", licences=[LETTER], contract={"signed": "2026-04-01"}),  # letter dated 2026-04-10
        proc,
        TODAY,
    )
    assert Track.REMEDIATION in c.tracks and nexts(c) == ["remediation.stop_performance"]


def test_a_step_naming_an_unknown_exposure_is_a_load_error(tmp_path: Path) -> None:
    from test_procedure import _errors, _minimal, _write

    data = _minimal()
    data["steps"][0]["exposures"] = ["regs_99"]
    (line,) = _errors(_write(tmp_path, data))
    assert line.startswith("procedure.yaml:") and "steps[0].exposures[0]" in line and "regs_99" in line
