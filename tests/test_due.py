"""Deadlines in the gate (`scan`) and `exportcheck due`, on the shipped example and real files on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner
from icalendar import Calendar

from exportcheck.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
FREE_DUE = "free-registration-due-2026.deal.yaml"  # effective 2026-10-01, lump sum: last day 2026-11-30
OVERDUE_DAY = "2026-12-10"
SOON_DAY = "2026-11-10"

LICENSED = """\
title: "Recommendation engine licence to Example Inc."
date: 2026-03-01
exporter: {{name: Example Technology (Beijing) Co., Ltd., country: CN}}
recipient: {{name: Example Inc., country: US}}
stage: performed
technologies:
  - name: Recommendation engine
    description: >-
      Source code, model architecture and training pipeline of the engine that learns each user's
      preferences from viewing behaviour and pushes a personalised feed.
licences:
  - application_date: 2026-01-05
    letter_of_intent_number: "LOI-1"
    letter_of_intent_date: 2026-02-01
    licence_number: "{number}"
    licence_issued: 2026-03-01
    licence_expiry: {expiry}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped free deal whose registration falls due, plus a licensed deal, run from the folder."""
    (tmp_path / "deals" / "free").mkdir(parents=True)
    (tmp_path / "deals" / "licensed").mkdir(parents=True)
    shutil.copy(EXAMPLES / FREE_DUE, tmp_path / "deals" / "free" / "deal.yaml")
    (tmp_path / "deals" / "licensed" / "deal.yaml").write_text(
        LICENSED.format(number="TEL-7", expiry="2026-12-20"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def gate(fmt: str, day: str, *extra: str) -> tuple[int, str]:
    code, out, _ = run("scan", FREE, "--format", fmt, "--as-of", day, *extra)
    return code, out


def contract_line(path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("contract:"))


FREE = "deals/free/deal.yaml"


# --- the gate ---------------------------------------------------------------------------------------------


def test_overdue_registration_is_a_github_warning_and_fails_only_when_asked(repo: Path) -> None:
    line = contract_line(repo / FREE)
    code, out, _ = run("scan", FREE, "--format", "github", "--as-of", OVERDUE_DAY)
    assert code == 0  # a free deal: the verdict alone passes
    assert f"::warning file={FREE},line={line},title=exportcheck%3A deadline overdue (registration)::" in out
    assert "the last day was 2026-11-30" in out
    code, out = gate("github", OVERDUE_DAY, "--fail-on-deadline", "overdue")
    assert code == 1 and out.startswith("::error ") and "deadline overdue" in out


def test_overdue_registration_is_a_sarif_result_at_the_contract_line(repo: Path) -> None:
    code, out, _ = run("scan", FREE, "--format", "sarif", "--as-of", OVERDUE_DAY)
    assert code == 0
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "exportcheck/deadline"]
    assert result["level"] == "warning"
    region = result["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == FREE
    assert region["region"]["startLine"] == contract_line(repo / FREE)
    assert result["properties"] == {"deadline": "2026-11-30", "state": "overdue", "kind": "registration"}
    assert "exportcheck/deadline" in {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    failing = json.loads(
        run("scan", FREE, "--format", "sarif", "--as-of", OVERDUE_DAY, "--fail-on-deadline", "overdue")[1]
    )
    assert [r["level"] for r in failing["runs"][0]["results"] if r["ruleId"] == "exportcheck/deadline"] == [
        "error"
    ]


def test_fail_on_deadline_in_every_format(repo: Path) -> None:
    for fmt in ("text", "json", "sarif", "junit", "github"):
        assert gate(fmt, OVERDUE_DAY)[0] == 0, fmt
        assert gate(fmt, OVERDUE_DAY, "--fail-on-deadline", "overdue")[0] == 1, fmt
        # due soon is not overdue
        assert gate(fmt, SOON_DAY, "--fail-on-deadline", "overdue")[0] == 0, fmt
        assert gate(fmt, SOON_DAY, "--fail-on-deadline", "due-soon")[0] == 1, fmt


def test_text_json_and_junit_carry_the_warning(repo: Path) -> None:
    code, out, _ = run("scan", FREE, "--as-of", OVERDUE_DAY)
    assert code == 0 and "OVERDUE" in out and "2026-11-30" in out
    data = json.loads(run("scan", FREE, "--format", "json", "--as-of", OVERDUE_DAY)[1])
    (deadline,) = data["deals"][0]["deadlines"]
    assert (
        deadline["state"] == "overdue"
        and deadline["duty"] == "free.register"
        and deadline["days_left"] == -10
    )
    case = ET.fromstring(run("scan", FREE, "--format", "junit", "--as-of", OVERDUE_DAY)[1]).find(
        ".//testcase"
    )
    assert case is not None and case.find("failure") is None
    out_el = case.find("system-out")
    assert out_el is not None and "deadline: Register the technology export contract" in (out_el.text or "")
    failing = gate("junit", OVERDUE_DAY, "--fail-on-deadline", "overdue")[1]
    failure = ET.fromstring(failing).find(".//failure")
    assert failure is not None and failure.get("type") == "deadline"


def test_window_and_registration_decide_the_warning(repo: Path) -> None:
    # 50 days before the last day: not yet a warning with the default 30-day window, a warning with 60
    early = "2026-10-11"
    assert (
        "deadlines" not in json.loads(run("scan", FREE, "--format", "json", "--as-of", early)[1])["deals"][0]
    )
    wide = run("scan", FREE, "--format", "json", "--as-of", early, "--deadline-window", "60")[1]
    assert json.loads(wide)["deals"][0]["deadlines"][0]["state"] == "due_soon"
    # once registration is recorded there is nothing due
    text = (
        (repo / FREE)
        .read_text()
        .replace(
            "  # no registration yet",
            '  registration_number: "REG-2026-0042"\n  registration_date: 2026-11-20\n  #',
        )
    )
    (repo / FREE).write_text(text)
    code, out = gate("github", OVERDUE_DAY, "--fail-on-deadline", "overdue")
    assert code == 0 and "deadline" not in out


def test_licence_expiry_warns_at_the_licence_record(repo: Path) -> None:
    path = "deals/licensed/deal.yaml"
    line = next(
        i
        for i, text in enumerate((repo / path).read_text().splitlines(), 1)
        if text.startswith("  - application")
    )
    code, out, _ = run("scan", path, "--format", "github", "--as-of", OVERDUE_DAY, "--fail-on", "none")
    assert code == 0
    assert f"line={line},title=exportcheck%3A deadline due_soon (licence_expiry)" in out
    assert "expires on 2026-12-20" in out
    late = run("scan", path, "--format", "github", "--as-of", "2026-12-21", "--fail-on-deadline", "overdue")
    assert late[0] == 1 and "expired on 2026-12-20" in late[1]


# --- exportcheck due ------------------------------------------------------------------------------------


def test_due_lists_every_deadline_sorted_by_date(repo: Path) -> None:
    code, out, _ = run("due", "--as-of", OVERDUE_DAY)
    assert code == 0
    first, second = out.index("2026-11-30  OVERDUE"), out.index("2026-12-20  due soon")
    assert first < second
    assert "deals/free/deal.yaml" in out and "Licence TEL-7" in out
    data = json.loads(run("due", "--as-of", OVERDUE_DAY, "--format", "json")[1])
    assert [(d["file"], d["date"], d["state"]) for d in data["deadlines"]] == [
        ("deals/free/deal.yaml", "2026-11-30", "overdue"),
        ("deals/licensed/deal.yaml", "2026-12-20", "due_soon"),
    ]
    assert data["reference_date"] == OVERDUE_DAY


def test_due_within_keeps_overdue_and_near_dates(repo: Path) -> None:
    data = json.loads(run("due", "--as-of", OVERDUE_DAY, "--within", "5", "--format", "json")[1])
    assert [d["state"] for d in data["deadlines"]] == ["overdue"]  # the licence is 10 days away
    early = json.loads(run("due", "--as-of", "2026-10-11", "--format", "json")[1])
    assert [d["state"] for d in early["deadlines"]] == ["upcoming", "upcoming"]


def test_due_ics_parses_with_stable_uids(repo: Path) -> None:
    first = run("due", "--as-of", OVERDUE_DAY, "--format", "ics")
    second = run("due", "--as-of", OVERDUE_DAY, "--format", "ics")
    assert first[0] == 0 and first[1] == second[1]
    events = Calendar.from_ical(first[1]).walk("VEVENT")
    again = Calendar.from_ical(second[1]).walk("VEVENT")
    assert len(events) == 2
    uids = [str(e["UID"]) for e in events]
    assert uids == [str(e["UID"]) for e in again] and len(set(uids)) == 2
    assert [e.decoded("DTSTART").isoformat() for e in events] == ["2026-11-30", "2026-12-20"]
    assert "Register the technology export contract" in str(events[0]["SUMMARY"])
    # a later run (another day, the registration now further overdue) updates the same events
    later = Calendar.from_ical(run("due", "--as-of", "2027-01-05", "--format", "ics")[1]).walk("VEVENT")
    assert [str(e["UID"]) for e in later] == uids


def test_due_reports_an_invalid_file_and_no_files(repo: Path, tmp_path: Path) -> None:
    (repo / "deals" / "broken.deal.yaml").write_text("title: x\ntechnologies: 5\n")
    code, out, err = run("due", "--as-of", OVERDUE_DAY)
    assert code == 2 and "2026-11-30" in out
    assert "error: deals/broken.deal.yaml:2: technologies:" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("due", str(empty))
    assert code == 2 and "no deal files found" in err


def test_due_keeps_hostile_text_inert(repo: Path) -> None:
    path = repo / "deals" / "licensed" / "deal.yaml"
    path.write_text(
        LICENSED.format(number="TEL\\u001b[31m\\u202eX", expiry="2026-12-20").replace(
            'title: "Recommendation', 'title: "\\e]0;pwned\\aRecommendation'
        )
    )
    for fmt in ("text", "ics"):
        code, out, _ = run("due", "--as-of", OVERDUE_DAY, "--format", fmt)
        assert code == 0, fmt
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, fmt
    # JSON is data: the text is kept, with control characters escaped by JSON itself
    data = run("due", "--as-of", OVERDUE_DAY, "--format", "json")[1]
    assert "\x1b" not in data and "\\u001b" in data
    code, out, _ = run("scan", "deals/licensed/deal.yaml", "--format", "github", "--as-of", OVERDUE_DAY)
    assert "\x1b" not in out and "\\x1b" in out
