"""The procedure file: the shipped one validates; broken ones give one `file:line: key: message` per problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from exportcheck.errors import CatalogueError
from exportcheck.models.procedure import AlertKey, Confidence, Procedure, Track
from exportcheck.procedure import as_data, default_procedure_path, load_procedure, shipped_procedure


def test_shipped_procedure_validates() -> None:
    proc = load_procedure()
    assert default_procedure_path().name == "procedure.yaml"
    assert default_procedure_path().parent.name == "procedure"
    assert {s.track for s in proc.steps} == set(Track)
    assert set(proc.alerts) == set(AlertKey)
    assert shipped_procedure() is shipped_procedure()


def test_shipped_procedure_has_the_statutory_steps() -> None:
    proc = shipped_procedure()
    steps = {s.id: s for s in proc.steps}
    # ids the checklist builder relies on
    assert {
        "screen.state_secret",
        "free.contract",
        "free.register",
        "free.royalty",
        "free.certificate",
        "restricted.application",
        "restricted.licence_issued",
    } <= set(steps)
    assert "ftl2025_72" in proc.alerts[AlertKey.REGISTRATION_OVERDUE].exposures

    def basis(step_id: str) -> set[str]:
        return {f"{b.instrument} {b.article}" for b in steps[step_id].basis}

    assert "regs 32(1)" in basis("restricted.review") and steps["restricted.review"].deadline is not None
    assert steps["restricted.review"].deadline.days == 30
    assert steps["restricted.licence_decision"].deadline.days == 15  # type: ignore[union-attr]
    assert "regs 33" in basis("restricted.letter_of_intent")
    assert steps["restricted.letter_of_intent"].stage_gate.must_precede == "substantive_negotiation"  # type: ignore[union-attr]
    assert "regs 35" in basis("restricted.licence_issued")
    assert {"regm 6", "regs 37"} <= basis("free.register")
    assert steps["free.register"].deadline.days == 60  # type: ignore[union-attr]
    assert steps["free.register"].deadline.unit == "calendar_days"  # type: ignore[union-attr]
    assert "regm 7" in basis("free.royalty")
    assert "regs 29" in basis("prohibited.do_not_export")
    assert "dur 17(1)" in basis("dual_use.decision")


def test_shipped_sources_are_pinned() -> None:
    proc = shipped_procedure()
    for key, src in proc.sources.items():
        if src.repo:
            assert src.commit and len(src.commit) == 40, key
    # every instrument is cited somewhere, and every quote names an instrument whose text was read
    used = {b.instrument for s in proc.steps for b in s.basis}
    used |= {b.instrument for e in proc.exposures.values() for b in e.basis}
    used |= {b.instrument for a in proc.alerts.values() for b in a.basis}
    assert used == set(proc.instruments)


def test_shipped_unverified_facts_carry_no_numbers() -> None:
    """§9 of the reference: letter-of-intent and licence validity are unknown. No step may state them."""
    proc = shipped_procedure()
    for step in proc.steps:
        for text in (step.title, step.deadline_note, step.detail):
            if text is not None:
                assert "1至3年" not in text.zh and "1 to 3 years" not in text.en, step.id
        if step.deadline is not None:
            assert step.deadline.confidence is not Confidence.UNVERIFIED, step.id
    loi = next(s for s in proc.steps if s.id == "restricted.letter_of_intent")
    assert loi.deadline is None and loi.deadline_note is not None
    assert "check current rules" in loi.deadline_note.en


def test_dump_keeps_yaml_key_names() -> None:
    data = as_data(shipped_procedure())
    review = next(s for s in data["steps"] if s["id"] == "restricted.review")
    assert review["deadline"]["from"]["en"] == "receipt of the application"
    assert Procedure.model_validate(data) == shipped_procedure()


# --- broken files ---------------------------------------------------------------------------------------


def _minimal() -> dict[str, Any]:
    bi = {"en": "x", "zh": "x"}
    basis = [{"instrument": "regs", "article": "33"}]
    alert = {
        "severity": "warning",
        "title": bi,
        "text": bi,
        "basis": basis,
        "sources": ["s1"],
        "confidence": "verified",
    }
    return {
        "procedure_version": 1,
        "title": bi,
        "as_of": "2026-06-03",
        "notice": bi,
        "check_current_rules": {"en": "check current rules", "zh": "请核对现行规定"},
        "instruments": {"regs": {"title": bi, "short": bi, "sources": ["s1"]}},
        "sources": {
            "s1": {
                "title": "law copy",
                "kind": "law",
                "repo": "LawRefBook/Laws",
                "path": "a.md",
                "commit": "6ef77b0a407dfcb4285dc149af0a159b09e28aa7",
            }
        },
        "steps": [
            {
                "id": "restricted.application",
                "order": 10,
                "track": "restricted",
                "title": bi,
                "actor": bi,
                "deadline": None,
                "deadline_note": bi,
                "basis": basis,
                "sources": ["s1"],
                "confidence": "verified",
            },
            {
                "id": "restricted.review",
                "order": 20,
                "track": "restricted",
                "title": bi,
                "actor": bi,
                "deadline": {"days": 30, "unit": "working_days", "from": bi},
                "basis": basis,
                "sources": ["s1"],
                "confidence": "verified",
            },
        ],
        "exposures": {},
        "alerts": {k.value: copy.deepcopy(alert) for k in AlertKey},
    }


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "procedure.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(CatalogueError) as exc:
        load_procedure(path, display="procedure.yaml")
    return exc.value.lines()


def test_minimal_procedure_loads(tmp_path: Path) -> None:
    proc = load_procedure(_write(tmp_path, _minimal()))
    assert [s.id for s in proc.steps] == ["restricted.application", "restricted.review"]


def test_schema_errors_name_file_line_and_key_all_at_once(tmp_path: Path) -> None:
    data = _minimal()
    data["steps"][0]["deadlin"] = None  # typo
    data["steps"][1]["deadline"]["unit"] = "weeks"
    data["steps"][1]["confidence"] = "certain"
    data["steps"][1]["basis"][0]["article"] = "art. 32"
    del data["steps"][0]["deadline_note"]
    path = _write(tmp_path, data)
    lines = _errors(path)
    text = "\n".join(lines)
    assert all(line.startswith("procedure.yaml:") for line in lines)
    assert "steps[0].deadlin: unknown key; did you mean 'deadline'?" in text
    assert "steps[1].deadline.unit: unknown value 'weeks'" in text
    assert "steps[1].confidence: unknown value 'certain'" in text
    assert "steps[1].basis[0].article:" in text
    assert len(lines) >= 4
    # line numbers point into the file
    typo_line = next(line for line in lines if "deadlin:" in line)
    number = int(typo_line.split(":")[1])
    assert "deadlin:" in path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_deadline_needs_a_note_when_null(tmp_path: Path) -> None:
    data = _minimal()
    del data["steps"][0]["deadline_note"]
    (line,) = _errors(_write(tmp_path, data))
    assert "steps[0]:" in line and "deadline_note" in line


def test_cross_reference_errors(tmp_path: Path) -> None:
    data = _minimal()
    data["steps"][1]["id"] = "restricted.application"  # duplicate
    data["steps"][1]["basis"][0]["instrument"] = "regz"
    data["steps"][1]["sources"] = ["s1", "s9"]
    data["alerts"]["must_not_export"]["exposures"] = ["regs_43"]
    del data["alerts"]["pause_negotiation"]
    data["instruments"]["regs"]["sources"] = ["nowhere"]
    lines = _errors(_write(tmp_path, data))
    text = "\n".join(lines)
    assert "steps[1].id: duplicate step id 'restricted.application'" in text
    assert "steps[1].basis[0].instrument: unknown instrument 'regz' (known: regs)" in text
    assert "steps[1].sources[1]: unknown source key 's9'" in text
    assert "alerts.must_not_export.exposures[0]: unknown exposure 'regs_43'" in text
    assert "alerts: missing alert 'pause_negotiation'" in text
    assert "instruments.regs.sources[0]: unknown source key 'nowhere'" in text
    assert all(line.split(":")[1].isdigit() for line in lines)


def test_step_id_must_match_track_and_order_unique(tmp_path: Path) -> None:
    data = _minimal()
    data["steps"][1]["id"] = "free.review"
    data["steps"][1]["order"] = 10
    data["steps"][1]["track"] = "restricted"
    text = "\n".join(_errors(_write(tmp_path, data)))
    assert "steps[1].id: step id must start with its track" in text
    assert "steps[1].order: order 10 already used in track restricted" in text


def test_unknown_alert_key(tmp_path: Path) -> None:
    data = _minimal()
    data["alerts"]["pause_talks"] = data["alerts"]["pause_negotiation"]
    text = "\n".join(_errors(_write(tmp_path, data)))
    assert "alerts.pause_talks" in text


def test_yaml_syntax_and_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "procedure.yaml"
    path.write_text("procedure_version: 1\nprocedure_version: 2\n", encoding="utf-8")
    (line,) = _errors(path)
    assert line == "procedure.yaml:2: procedure_version: duplicate key (first at line 1); keep one"
    path.write_text("steps: [\n", encoding="utf-8")
    (line,) = _errors(path)
    assert line.startswith("procedure.yaml:") and "YAML syntax error" in line


def test_missing_file_and_non_mapping(tmp_path: Path) -> None:
    (line,) = _errors(tmp_path / "nope.yaml")
    assert line == "procedure.yaml: procedure file not found"
    path = tmp_path / "list.yaml"
    path.write_text("- a\n", encoding="utf-8")
    (line,) = _errors(path)
    assert "expected a mapping" in line
