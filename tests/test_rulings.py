"""Counsel's rulings (issue 15) on the shipped catalogue and examples: the gate, staleness, expiry, unused
rulings, `applies`, prohibited findings, `exportcheck rule` editing real files, licences that end, the
explained `free` and the JSON Schema."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.deal_loader import load_deal
from exportcheck.engine.rulings import fingerprint
from exportcheck.models.deal import Technology

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
SPEECH = "speech-synthesis-2022.deal.yaml"  # review: a possible match on 086501X (M12), no control point
MAGNET = "rare-earth-magnet-2024.deal.yaml"  # prohibited: M9 control point 3
AS_OF = "2026-12-01"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def assess_json(path: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = cli("assess", str(path), "--format", "json", "--no-checklist", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.fixture
def deal(tmp_path: Path) -> Path:
    """The shipped speech example, dated 2024 (catalogue 2023): a `review` on 086501X."""
    target = tmp_path / SPEECH
    text = (EXAMPLES / SPEECH).read_text(encoding="utf-8")
    target.write_text(text.replace("date: 2022-03-01", "date: 2024-06-01"), encoding="utf-8")
    return target


def rule(path: Path, *extra: str, tech: str = "Neural TTS engine", entry: str = "086501X") -> tuple[int, str]:
    code, out, err = cli(
        "rule", str(path), "--technology", tech, "--entry", entry, "--by", "A. Counsel", *extra
    )
    return code, out + err


NOT_APPLICABLE = (
    "--decision",
    "not_applicable",
    "--reason",
    "Concatenative prompts only; no synthesis model",
)


def test_valid_ruling_passes_the_gate_and_shows_who_and_why(deal: Path) -> None:
    assert cli("assess", str(deal), "--no-checklist")[0] == 1  # review fails the default gate
    code, msg = rule(deal, *NOT_APPLICABLE, "--date", "2026-11-30")
    assert code == 0, msg
    code, out, _ = cli("assess", str(deal), "--no-checklist")
    assert code == 0
    out = " ".join(out.split())
    assert "by A. Counsel" in out and "Concatenative prompts only" in out and "REVIEW" in out  # side by side
    code, data = assess_json(deal)
    assert data["verdict"] == "review" and data["gate_verdict"] == "free"
    (f,) = data["findings"]
    assert f["cleared"] is True and f["outcome"] == "review"
    assert f["ruling"]["by"] == "A. Counsel" and f["ruling"]["date"] == "2026-11-30"
    assert data["rulings"][0]["status"] == "applied"
    md = cli("assess", str(deal), "--no-checklist", "--format", "markdown")[1]
    assert (
        # Markdown escapes user text (not\_applicable), so a ruling cannot forge a line
        "counsel's ruling not\\_applicable by A. Counsel" in md
        and "Gate (what --fail-on compares): free" in md
    )


def test_editing_the_description_makes_the_ruling_stale(deal: Path) -> None:
    assert rule(deal, *NOT_APPLICABLE)[0] == 0
    assert cli("assess", str(deal), "--no-checklist")[0] == 0
    deal.write_text(deal.read_text().replace("vocoder", "vocoder, voice cloning"), encoding="utf-8")
    code, data = assess_json(deal)
    assert code == 1 and data["gate_verdict"] == "review"
    assert data["rulings"][0]["status"] == "stale"
    assert not any(f["cleared"] for f in data["findings"])
    assert any("stale" in c for c in data["caveats"])
    # re-wrapping the text or changing its script does not stale it: the fingerprint is of normalised text
    tech = load_deal(EXAMPLES / SPEECH)[0].technologies[0]
    rewrapped = Technology(
        name=tech.name.upper(), description="  " + (tech.description or "").replace(" ", "   ")
    )
    assert fingerprint(rewrapped) == fingerprint(tech)


def test_parameter_comparator_change_stales_the_ruling() -> None:
    """normalise() drops '<=': the fingerprint keeps parameter values as written too."""
    low = Technology(name="Cathode", parameters={"compaction density": "<= 2.6 g/cm3"})
    high = Technology(name="Cathode", parameters={"compaction density": ">= 2.6 g/cm3"})
    assert fingerprint(low) != fingerprint(high)


def test_expired_and_future_rulings_clear_nothing(deal: Path) -> None:
    assert rule(deal, *NOT_APPLICABLE, "--date", "2026-01-10", "--expires", "2026-06-30")[0] == 0
    code, data = assess_json(deal, "--as-of", AS_OF)
    assert code == 1 and data["rulings"][0]["status"] == "expired"
    code, data = assess_json(deal, "--as-of", "2026-06-30")  # the last day still counts
    assert code == 0 and data["rulings"][0]["status"] == "applied"
    code, data = assess_json(deal, "--as-of", "2026-01-09")  # before the ruling was made
    assert code == 1 and data["rulings"][0]["status"] == "not_yet_valid"


def test_unused_rulings_are_reported(deal: Path) -> None:
    code, msg = rule(deal, *NOT_APPLICABLE, entry="M9")  # a finding the deal does not have: written, warned
    assert code == 0 and "warning: as the deal stands today the ruling is unused" in msg
    assert rule(deal, *NOT_APPLICABLE, "--control-point", "21")[0] == 0  # the finding has no point
    code, data = assess_json(deal)
    assert code == 1
    assert [r["status"] for r in data["rulings"]] == ["unused", "unused"]
    assert "names no finding" in data["rulings"][0]["detail"]
    text = cli("assess", str(deal), "--no-checklist")[1]
    assert "UNUSED" in text


def test_unknown_technology_is_refused_by_rule_and_unused_in_the_file(deal: Path) -> None:
    before = deal.read_bytes()
    code, msg = rule(deal, *NOT_APPLICABLE, tech="No such engine")
    assert code == 2 and "no technology named 'No such engine'" in msg
    assert deal.read_bytes() == before


def test_applies_decides_a_possible_match(deal: Path) -> None:
    code, msg = rule(deal, "--decision", "applies", "--reason", "The vocoder is a synthesis model")
    assert code == 0, msg
    code, data = assess_json(deal, "--fail-on", "licence_required")
    assert code == 1
    (f,) = data["findings"]
    assert f["outcome"] == "licence_required" and f["outcome_before_ruling"] == "review"
    assert f["strength"] == "possible"  # the evidence is what it was; counsel decided
    assert data["verdict"] == data["gate_verdict"] == "licence_required"
    assert f["licence"]["status"] == "missing"
    assert "before any substantive negotiation" in data["next_duty"]  # the checklist's next duty


def test_applies_wins_over_not_applicable(deal: Path) -> None:
    assert rule(deal, *NOT_APPLICABLE)[0] == 0
    assert rule(deal, "--decision", "applies", "--reason", "second opinion")[0] == 0
    code, data = assess_json(deal)
    assert code == 1 and data["gate_verdict"] == "licence_required"
    assert [r["status"] for r in data["rulings"]] == ["unused", "applied"]
    assert "overridden" in data["rulings"][0]["detail"]


def test_prohibited_finding_cleared_only_with_the_ruling_shown_first(tmp_path: Path) -> None:
    path = tmp_path / MAGNET
    shutil.copy(EXAMPLES / MAGNET, path)
    tech = load_deal(path)[0].technologies[0].name
    code, msg = rule(
        path,
        "--decision",
        "not_applicable",
        "--reason",
        "Bonded, not sintered",
        "--control-point",
        "3",
        tech=tech,
        entry="M9",
    )
    assert code == 0, msg
    code, data = assess_json(path)
    assert code == 0 and data["verdict"] == "prohibited" and data["gate_verdict"] == "free"
    assert (
        data["caveats"][0].startswith("PROHIBITED finding") and "Bonded, not sintered" in data["caveats"][0]
    )
    text = cli("assess", str(path), "--no-checklist")[1]
    head = " ".join(text.split("Findings")[0].replace("│", " ").split())  # the panel at the top
    assert "a PROHIBITED finding is cleared only by counsel's ruling" in head
    assert "cleared for the gate only by counsel's ruling" in " ".join(text.split())


def test_no_rulings_shows_the_assessment_as_if_there_were_none(deal: Path) -> None:
    assert rule(deal, *NOT_APPLICABLE)[0] == 0
    code, data = assess_json(deal, "--no-rulings")
    assert code == 1 and data["rulings"] == [] and data["record"]["rulings_ignored"] is True
    assert not any(f["ruling"] for f in data["findings"])


def test_scan_formats_name_the_ruling(deal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert rule(deal, *NOT_APPLICABLE)[0] == 0
    monkeypatch.chdir(deal.parent)
    code, out, _ = cli("scan", ".", "--format", "sarif")
    assert code == 0
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    (result,) = sarif["runs"][0]["results"]
    (suppression,) = result["suppressions"]
    assert suppression["status"] == "accepted" and "A. Counsel" in suppression["justification"]
    code, out, _ = cli("scan", ".", "--format", "junit")
    assert code == 0 and "counsel's ruling not_applicable by A. Counsel" in out
    code, out, _ = cli("scan", ".", "--format", "github")
    assert out.startswith("::notice ") and "A. Counsel" in out
    code, out, _ = cli("scan", ".", "--no-rulings")
    assert code == 1


def test_rule_keeps_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "tiktok.deal.yaml"
    original = (EXAMPLES / "tiktok-recommendation-2020.deal.yaml").read_text(encoding="utf-8")
    original = original.replace(
        "\nforms: [know_how_transfer, technical_service]\n",
        "\n# counsel: see memo 12\nforms: [know_how_transfer, technical_service]  # as signed\n",
        1,
    )
    assert "# as signed" in original
    path.write_text(original, encoding="utf-8")
    mode = 0o640
    os.chmod(path, mode)
    args = ("--decision", "not_applicable", "--reason", "Popularity ranking: no personal data #1")
    assert rule(path, *args, "--control-point", "21", tech="Recommendation engine", entry="056101X")[0] == 0
    assert rule(path, *args, tech="Recommendation engine", entry="M12")[0] == 0
    edited = path.read_text(encoding="utf-8")
    assert edited.startswith(original)  # every original line, byte for byte
    assert "# counsel: see memo 12" in edited and edited.count("  - technology: Recommendation engine") == 2
    assert os.stat(path).st_mode & 0o777 == mode
    assert not list(tmp_path.glob(".*.tmp"))
    deal = load_deal(path)[0]
    assert [r.entry for r in deal.rulings] == ["056101X", "M12"]
    assert deal.rulings[0].fingerprint == fingerprint(deal.technologies[0])
    assert cli("assess", str(path), "--no-checklist")[0] == 0


def test_rule_inside_an_existing_list_keeps_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "d.deal.yaml"
    text = (EXAMPLES / SPEECH).read_text(encoding="utf-8") + "rulings: []  # none yet\nnotes: kept\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    code, msg = rule(path, *NOT_APPLICABLE)
    assert code == 2 and "add it by hand" in msg  # a flow list cannot grow without rewriting its line
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / SPEECH).read_bytes().replace(b"\n", b"\r\n"))
    assert rule(path, *NOT_APPLICABLE)[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n  - technology: Neural TTS engine\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert len(load_deal(path)[0].rulings) == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_rule_never_writes_through_a_symlink(deal: Path) -> None:
    link = deal.parent / "link.deal.yaml"
    os.symlink(deal, link)
    before = deal.read_bytes()
    code, msg = rule(link, *NOT_APPLICABLE)
    assert code == 2 and "symlink" in msg
    assert deal.read_bytes() == before and link.is_symlink()


def test_rule_refuses_control_characters_and_missing_reason(deal: Path) -> None:
    before = deal.read_bytes()
    code, msg = rule(deal, "--decision", "not_applicable", "--reason", "ok\x1b[31m red")
    assert code == 2 and "--reason: contains control characters" in msg
    code, msg = rule(deal, "--decision", "not_applicable", "--reason", "   ")
    assert code == 2 and "--reason" in msg
    assert deal.read_bytes() == before


def test_invalid_ruling_in_the_file_is_one_line_per_problem(deal: Path) -> None:
    deal.write_text(
        deal.read_text()
        + "rulings:\n  - technology: Neural TTS engine\n    entry: 086501X\n    decision: maybe\n"
        + "    by: A\n    date: 2026-01-01\n    fingerprint: abc\n",
        encoding="utf-8",
    )
    code, _, err = cli("assess", str(deal))
    assert code == 2
    lines = err.strip().splitlines()
    assert any(":16: rulings[0].decision:" in ln for ln in lines)
    assert any("rulings[0].reason" in ln for ln in lines) and any(
        "rulings[0].fingerprint" in ln for ln in lines
    )
    assert "Traceback" not in err


def test_licence_without_expiry_waives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.deal.yaml"
    base = (EXAMPLES / "tiktok-recommendation-2020.deal.yaml").read_text(encoding="utf-8")
    path.write_text(
        base + "licences:\n  - licence_number: BJ-1\n    licence_issued: 2020-09-01\n", encoding="utf-8"
    )
    code, data = assess_json(path, "--as-of", AS_OF)
    assert code == 1 and data["gate_verdict"] == "licence_required"
    (f,) = data["findings"]
    assert f["licence"]["status"] == "incomplete" and f["waived"] is False
    assert "check with the provincial commerce department" in f["licence"]["detail"]
    assert data["record"]["licences"][0]["status"] == "incomplete"
    path.write_text(path.read_text() + "    licence_expiry: 2027-09-01\n", encoding="utf-8")
    code, data = assess_json(path, "--as-of", AS_OF)
    assert code == 0 and data["findings"][0]["licence"]["status"] == "covered"


def test_free_explains_what_was_not_checked() -> None:
    import re

    from exportcheck.engine.prepared import cached_catalogue

    code, data = assess_json(EXAMPLES / "erp-software-free-2021.deal.yaml")
    assert code == 0 and data["verdict"] == "free"
    resolved = cached_catalogue().versions[data["catalogue"]["version"]]
    partial = {e.id for e in resolved.entries.values() if not e.control_points_complete}
    listed = set()
    for line in data["not_fully_encoded"]:
        m = re.search(r"\((M\d+)\)$", line)
        listed.add(m.group(1) if m else line.split()[0])
    assert partial and listed == partial
    reasons = data["technologies"][0]["reasons"]
    assert any(f"{len(partial)} of them have control points not (all) encoded" in r for r in reasons)


def test_free_lists_entries_near_the_technology(tmp_path: Path) -> None:
    path = tmp_path / "s.deal.yaml"
    path.write_text(
        "title: Licence of accounting software\ndate: 2024-03-01\n"
        "exporter: {name: A, country: CN}\nrecipient: {name: B, country: DE}\n"
        "technologies:\n  - name: Ledger software\n"
        "    description: Source code of a general-ledger and payroll software module with its database schema.\n",
        encoding="utf-8",
    )
    code, data = assess_json(path)
    assert data["findings"] == [] and code == 0
    near = {c["code"] or c["entry_id"]: c["near_by"] for c in data["technologies"][0]["check_by_hand"]}
    assert "086502X" in near and any("softwar" in n for n in near["086502X"])
    assert "check by hand against the official text" in cli("assess", str(path), "--no-checklist")[1]
    # a technology with findings is not explained this way
    code, data = assess_json(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    assert data["technologies"][0]["check_by_hand"] == [] and data["not_fully_encoded"] == []


def test_json_schema_covers_rulings(deal: Path) -> None:
    code, out, _ = cli("schema")
    assert code == 0
    schema = json.loads(out)
    ruling = schema["$defs"]["Ruling"]
    assert schema["properties"]["rulings"]["items"]["$ref"] == "#/$defs/Ruling"
    assert ruling["additionalProperties"] is False
    assert {"technology", "entry", "decision", "by", "date", "reason", "fingerprint"} <= set(
        ruling["required"]
    )
    assert set(ruling["properties"]["decision"]["$ref"].split("/")[-1:]) == {"Decision"}
    path = deal.parent / "plain.deal.yaml"
    path.write_text(
        "title: t\ntechnologies:\n  - name: Neural TTS engine\n    description: speech synthesis engine\n",
        encoding="utf-8",
    )
    assert rule(path, *NOT_APPLICABLE, "--expires", "2099-01-01", "--control-point", "17")[0] == 0
    import yaml

    data = yaml.safe_load(path.read_text())
    for r in data["rulings"]:
        r["date"], r["expires"] = str(r["date"]), str(r["expires"])
    jsonschema.validate(data, schema)
    data["rulings"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_ruling_text_with_terminal_escapes_is_refused(deal: Path) -> None:
    deal.write_text(
        deal.read_text()
        + "rulings:\n  - technology: Neural TTS engine\n    entry: 086501X\n    decision: not_applicable\n"
        + '    by: A\n    date: 2026-01-01\n    reason: "fine\\e[2J"\n    fingerprint: "'
        + "0" * 64
        + '"\n',
        encoding="utf-8",
    )
    code, _, err = cli("assess", str(deal))
    assert code == 2 and ":19: rulings[0].reason: contains control characters" in err
