"""The dual-use export-control track: shipped measures and their dates, statuses on the assessment date,
matching, the verdict combined with the catalogue's, and the CLI views (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from exportcheck.catalogue import Catalogue, load_catalogue
from exportcheck.catalogue_dual_use import check_on, status_on
from exportcheck.cli import main
from exportcheck.engine.assess import assess, select_version
from exportcheck.models.assessment import Assessment, Strength, Verdict
from exportcheck.models.deal import Deal
from exportcheck.models.dual_use import MeasureStatus

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "catalogue"
EXAMPLES = REPO / "examples"
RARE_EARTH = EXAMPLES / "rare-earth-recycling-2025.deal.yaml"
CELL = EXAMPLES / "battery-cell-2025.deal.yaml"
TODAY = dt.date(2026, 12, 5)

CAT = load_catalogue(SHIPPED)


def cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def assess_example(path: Path, as_of: str | None = None) -> dict[str, Any]:
    extra = ["--as-of", as_of] if as_of else []
    return cli_json("assess", str(path), "--fail-on", "none", *extra)


def dual(data: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [f for f in data["dual_use_findings"] if f["control_code"] == code]
    return found


# --- the "Done when" cases, on the shipped data and examples -------------------------------------


def test_rare_earth_recycling_in_force_gives_licence() -> None:
    data = assess_example(RARE_EARTH)  # the deal is dated 2025-10-20
    f = dual(data, "1E902.a")
    assert f["regime"] == "dual_use" and f["status"] == "in_force"
    assert f["strength"] == "match" and f["outcome"] == "licence_required"
    assert data["verdict"] == "licence_required" and data["gate_verdict"] == "licence_required"
    assert "dual-use" in data["next_duty"]  # the checklist's next duty: the export-control track
    assert any("出口管制法" in e for e in f["end_use"])  # the measure's own end-use wording
    assert all(x["regime"] == "catalogue" for x in data["findings"])


def test_rare_earth_recycling_suspended_in_january_2026() -> None:
    data = assess_example(RARE_EARTH, "2026-01-15")
    f = dual(data, "1E902.a")
    assert f["status"] == "suspended" and f["outcome"] == "free"
    assert "2026-11-10" in f["status_reason"] and "公告2025年第70号" in f["status_reason"]
    assert any("suspension ends" in c for c in data["caveats"])


def test_rare_earth_recycling_unconfirmed_after_the_suspension_is_never_free() -> None:
    data = assess_example(RARE_EARTH, "2026-12-01")
    f = dual(data, "1E902.a")
    assert f["status"] == "unconfirmed" and f["outcome"] == "review"
    assert f["questions"] and "2026-12-01" in f["questions"][0]
    assert data["verdict"] != "free" and data["gate_verdict"] != "free"
    assert all(t["verdict"] != "free" for t in data["technologies"])


def test_cell_technology_above_300_wh_kg_shows_3e901_suspended() -> None:
    data = assess_example(CELL)  # dated 2025-12-01
    f = dual(data, "3E901.a")
    assert f["status"] == "suspended" and f["strength"] == "match"
    assert f["parameters"][0]["holds"] is True and "350 Wh/kg" in f["parameters"][0]["given"]


def test_cell_technology_before_no_58_took_effect() -> None:
    data = assess_example(CELL, "2025-11-01")  # No. 58 issued 2025-10-09, effective 2025-11-08
    assert dual(data, "3E901.a")["status"] == "not_yet_in_force"


# --- the verdict combines both regimes: the catalogue alone says free -----------------------------------


@pytest.fixture(scope="module")
def mini_with_dual_use(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The synthetic catalogue (no rare-earth or battery entry) with the shipped dual-use folder."""
    root = tmp_path_factory.mktemp("du") / "cat"
    shutil.copytree(Path(__file__).parent / "data" / "mini", root)
    shutil.copytree(SHIPPED / "dual_use", root / "dual_use")
    sources = yaml.safe_load((root / "sources.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((SHIPPED / "sources.yaml").read_text(encoding="utf-8"))
    sources["sources"] = {**shipped["sources"], **sources["sources"]}
    (root / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    return load_catalogue(root)


def run(cat: Catalogue, tech: dict[str, Any], date: str, recipient: str = "DE") -> Assessment:
    deal = Deal.model_validate(
        {
            "title": "t",
            "date": date,
            "exporter": {"name": "A", "country": "CN"},
            "recipient": {"name": "B", "country": recipient},
            "technologies": [tech],
        }
    )
    sel = select_version(cat, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
    return assess(deal, cat, sel, deal_file="deal.yaml", today=TODAY)


RECYCLING = {
    "name": "Recovery line know-how",
    "description": "Process parameters for rare-earth recycling from magnet scrap.",
}


@pytest.mark.parametrize(
    ("date", "status", "verdict"),
    [
        ("2025-10-20", MeasureStatus.IN_FORCE, Verdict.LICENCE_REQUIRED),
        ("2026-01-15", MeasureStatus.SUSPENDED, Verdict.FREE),
        ("2026-11-10", MeasureStatus.SUSPENDED, Verdict.FREE),  # 「至2026年11月10日」 includes that day
        ("2026-11-11", MeasureStatus.UNCONFIRMED, Verdict.REVIEW),
    ],
)
def test_dual_use_decides_when_the_catalogue_finds_nothing(
    mini_with_dual_use: Catalogue, date: str, status: MeasureStatus, verdict: Verdict
) -> None:
    a = run(mini_with_dual_use, RECYCLING, date)
    assert not a.findings  # the catalogue regime alone would say free
    (f,) = [f for f in a.dual_use_findings if f.control_code == "1E902.a"]
    assert f.status is status and f.outcome is verdict
    assert a.verdict is verdict and a.technologies[0].verdict is verdict
    assert f"Recovery line know-how: {verdict.value}" in a.verdict_reasons
    if verdict is Verdict.FREE:
        assert any("free under both regimes" in r for r in a.verdict_reasons)
        assert not a.dual_use  # no dual-use licence track while the measure is suspended
    else:
        assert a.dual_use  # the checklist routes these to the MOFCOM dual-use licence track


def test_free_names_both_regimes_and_the_measures_checked() -> None:
    data = assess_example(EXAMPLES / "erp-software-free-2021.deal.yaml")
    assert data["verdict"] == "free" and not data["dual_use_findings"]
    (both,) = [r for r in data["verdict_reasons"] if "free under both regimes" in r]
    assert "catalogue version 2020" in both
    checked = data["dual_use_checked"]
    assert {m["measure"] for m in checked["measures"]} == set(CAT.dual_use.measures)
    assert checked["gaps"] and any("2024年第51号" in g for g in checked["gaps"])


def test_threshold_below_or_missing(mini_with_dual_use: Catalogue) -> None:
    cell = {"name": "Cell line", "description": "Manufacturing of lithium-ion battery cells."}
    below = run(mini_with_dual_use, {**cell, "parameters": {"energy density": "250 Wh/kg"}}, "2027-01-10")
    assert not [f for f in below.dual_use_findings if f.control_code == "3E901.a"]
    missing = run(mini_with_dual_use, cell, "2027-01-10")
    (f,) = [f for f in missing.dual_use_findings if f.control_code == "3E901.a"]
    assert f.strength is Strength.POSSIBLE and f.questions and f.outcome is Verdict.REVIEW


def test_negated_and_unrelated_text_does_not_match(mini_with_dual_use: Catalogue) -> None:
    a = run(
        mini_with_dual_use,
        {"name": "ERP", "description": "Accounting software; no rare earth recycling."},
        "2025-10-20",
    )
    assert not a.dual_use_findings
    free = run(
        mini_with_dual_use,
        {"name": "Motor", "description": "Design of rare-earth-free motors."},
        "2025-10-20",
    )
    assert not free.dual_use_findings


def test_not_export_keeps_the_finding_and_warns_about_foreign_persons(mini_with_dual_use: Catalogue) -> None:
    a = run(mini_with_dual_use, RECYCLING, "2025-10-20", recipient="CN")
    assert a.verdict is Verdict.NOT_EXPORT and a.dual_use_findings
    assert any("出口管制法 art. 2(3)" in c for c in a.caveats)


# --- the shipped data ----------------------------------------------------------------------------------


def test_every_item_has_a_source_and_finds_itself() -> None:
    assert CAT.dual_use.measures
    for m in CAT.dual_use.ordered():
        assert m.provenance.sources, m.id
        for item in m.items:
            assert item.provenance.sources and all(k in CAT.sources for k in item.provenance.sources)
            assert item.control_code is None or item.code_provenance is not None
            aids = item.aids.terms or item.aids.related
            assert aids, f"{m.id} {item.label}: no matching aid"
            first = aids[0].replace("&", " ")
            a = run(CAT, {"name": "x", "description": f"{first} technology"}, "2025-10-20")
            assert any(f.measure == m.id and f.item_text == item.text for f in a.dual_use_findings), (
                m.id,
                item.label,
            )


def test_every_measures_dates_are_consistent() -> None:
    for m in CAT.dual_use.ordered():
        assert m.effective is None or m.issued <= m.effective, m.id
        changes = sorted(m.status_changes, key=lambda c: c.start)
        for c in changes:
            assert m.issued <= c.issued <= c.start and (c.end is None or c.start <= c.end), m.id
            assert c.provenance.sources
        for before, after in pairwise(changes):
            assert before.end is not None and before.end < after.start, m.id
    no70 = [
        m.id for m in CAT.dual_use.ordered() if any("第70号" in (c.by.zh or "") for c in m.status_changes)
    ]
    assert no70 == ["2025-55", "2025-56", "2025-57", "2025-58", "2025-61", "2025-62"]


def test_a_press_reported_item_gives_review_never_a_licence_or_free(mini_with_dual_use: Catalogue) -> None:
    tech = {"name": "APT plant", "description": "Tungsten process know-how for ammonium paratungstate."}
    a = run(mini_with_dual_use, tech, "2025-06-01")
    (f,) = [f for f in a.dual_use_findings if f.measure == "2025-10"]
    assert f.control_code is None and f.strength is Strength.POSSIBLE and f.outcome is Verdict.REVIEW
    assert a.verdict is Verdict.REVIEW


def test_status_on_each_side_of_every_date() -> None:
    m = CAT.dual_use.measures["2025-58"]
    assert status_on(m, dt.date(2025, 10, 8))[0] is MeasureStatus.NOT_YET_IN_FORCE  # before issue
    assert status_on(m, dt.date(2025, 11, 7))[0] is MeasureStatus.NOT_YET_IN_FORCE  # effective 11-08
    assert status_on(m, dt.date(2025, 11, 8))[0] is MeasureStatus.SUSPENDED
    assert status_on(m, dt.date(2026, 11, 11))[0] is MeasureStatus.UNCONFIRMED
    assert (
        status_on(CAT.dual_use.measures["2025-55"], dt.date(2025, 10, 20))[0]
        is MeasureStatus.NOT_YET_IN_FORCE
    )
    # a measure whose effective date no source gives: between issue and any status change, unconfirmed
    no_date = CAT.dual_use.measures["2025-57"].model_copy(
        update={"effective": None, "effective_provenance": None}
    )
    (why_status, why) = status_on(no_date, dt.date(2025, 10, 20))
    assert why_status is MeasureStatus.UNCONFIRMED and "no source held gives the day" in why
    assert status_on(CAT.dual_use.measures["2024-33"], dt.date(2026, 12, 1))[0] is MeasureStatus.IN_FORCE


def test_catalogue_hints_no_longer_state_the_suspension_as_current() -> None:
    for version in CAT.versions.values():
        for entry in version.entries.values():
            hint = entry.dual_use_hint or ""
            assert "until 2026" not in hint and "suspended until" not in hint, entry.id


def test_a_catalogue_without_dual_use_says_so(mini: Catalogue) -> None:
    check = check_on(mini.dual_use, TODAY)
    assert not check.measures and "no dual-use measures" in check.gaps[0]


# --- validation and the CLI ----------------------------------------------------------------------------


def test_validate_reports_inconsistent_dates_and_unknown_sources(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(SHIPPED, root)
    path = root / "dual_use" / "measures" / "2025-62.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("end: 2026-11-10", "end: 2025-11-01", 1)
    path.write_text(text, encoding="utf-8")
    other = root / "dual_use" / "measures" / "2025-58.yaml"
    text = other.read_text(encoding="utf-8")
    text = text.replace(
        "code_provenance: {sources: [du-xkzj-58, du-kdso-58]", "code_provenance: {sources: [nosuch]"
    )
    other.write_text(text, encoding="utf-8")
    (root / "dual_use" / "2025-9.yaml").write_text("id: 2025-9\n", encoding="utf-8")
    (root / "dual_use" / "measures" / "2025-1.yaml").write_text(
        (root / "dual_use" / "measures" / "2025-61.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["catalogue", "validate", str(root)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any(
        "dual_use/measures/2025-62.yaml:" in ln and "end 2025-11-01 is before start 2025-11-07" in ln
        for ln in lines
    )
    assert any("2025-58.yaml:" in ln and "unknown source key 'nosuch'" in ln for ln in lines)
    assert any("2025-1.yaml:" in ln and "differs from its file name" in ln for ln in lines)
    assert any("2025-9.yaml" in ln and "measures go under dual_use/measures/" in ln for ln in lines)
    assert "Traceback" not in result.output


def test_catalogue_status_lists_measures_statuses_and_gaps() -> None:
    data = cli_json("catalogue", "status", "--as-of", "2026-12-01")
    du = data["dual_use"]
    assert du["date"] == "2026-12-01"
    status = {m["measure"]: m["status"] for m in du["measures"]}
    assert status["2025-62"] == "unconfirmed" and status["2024-33"] == "in_force"
    assert any("2023年第23号" in g for g in du["gaps"])
    text = CliRunner().invoke(main, ["catalogue", "status", "--as-of", "2026-01-15"]).output
    assert "status on 2026-01-15" in text and "suspended" in text and "Not encoded" in text


def test_checklist_routes_an_in_force_finding_to_the_dual_use_track() -> None:
    data = cli_json("checklist", str(RARE_EARTH))
    assert "dual_use" in data["tracks"]
    suspended = cli_json("checklist", str(CELL))
    assert "dual_use" not in suspended["tracks"]


def test_reports_show_the_dual_use_regime_in_text_markdown_and_chinese(tmp_path: Path) -> None:
    text = CliRunner().invoke(main, ["assess", str(RARE_EARTH), "--no-checklist", "--fail-on", "none"]).output
    assert "LICENCE REQUIRED — dual-use export licence" in text
    assert "Dual-use findings" in text and "1E902.a" in text and "in_force" in text
    md = CliRunner().invoke(main, ["assess", str(RARE_EARTH), "--format", "markdown", "--fail-on", "none"])
    assert (
        "## Dual-use findings (export-control regime)" in md.output and "商务部公告2025年第62号" in md.output
    )
    zh = CliRunner().invoke(
        main, ["assess", str(RARE_EARTH), "--lang", "zh", "--no-checklist", "--fail-on", "none"]
    )
    assert "向商务部申请两用物项出口许可" in zh.output and "省级商务主管部门" not in zh.output
    # deal text reaches the dual-use block as text, never as rich markup
    hostile = tmp_path / "hostile.deal.yaml"
    hostile.write_text(
        RARE_EARTH.read_text(encoding="utf-8").replace(
            "name: Rare-earth recycling process", "name: '[red]Rare-earth recycling[/red] process'"
        ),
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["assess", str(hostile), "--no-checklist", "--fail-on", "none"]).output
    flat = " ".join(out.split())
    assert "[red]Rare-earth recycling[/red] process: status in_force" in flat


def test_scan_reports_dual_use_findings_not_a_thin_description(tmp_path: Path) -> None:
    for path in (RARE_EARTH, CELL):
        shutil.copy(path, tmp_path / path.name)
    args = ["scan", str(tmp_path), "--as-of", "2026-12-01", "--fail-on", "review", "--jobs", "1"]
    result = CliRunner().invoke(main, [*args, "--format", "sarif"])
    assert result.exit_code == 1, result.output
    run = json.loads(result.output)["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"exportcheck/dual-use/1E902.a", "exportcheck/dual-use/3E901.a"} <= rules
    assert "exportcheck/insufficient-description" not in rules
    (cell,) = [r for r in run["results"] if r["ruleId"] == "exportcheck/dual-use/3E901.a"]
    assert cell["level"] == "warning" and cell["properties"]["status"] == "unconfirmed"
    junit = CliRunner().invoke(main, [*args, "--format", "junit"]).output
    assert "1E902.a (dual-use) 商务部公告2025年第62号: review" in junit
