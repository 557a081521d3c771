"""The 2008 catalogue, read backwards from the 2020 text (issue 13): version selection, the entries No. 38
deleted, added and modified, and the other-version rules across 2020-08-28.

Deal wording in this file is invented for the tests (marked so in each deal); it is modelled on the kind of
transfer the reference names (a recommendation feed, riboflavin fermentation, a UAV autopilot)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportcheck.catalogue import Catalogue, load_catalogue, shipped_catalogue
from exportcheck.catalogue_query import added_by, deleted_by
from exportcheck.cli import main
from exportcheck.errors import CatalogueError
from exportcheck.models.catalogue import PresenceStatus

Write = Callable[[str, str], Path]

FEED = """\
# invented wording (exportcheck test): a recommendation-feed licence
title: Licence of a news-app recommendation feed to a Singapore buyer
date: {date}
exporter: {{name: "Example Media (Beijing) Co., Ltd.", country: CN}}
recipient: {{name: Example Pte. Ltd., country: SG}}
forms: [know_how_transfer]
technologies:
  - name: Personalised recommendation feed
    description: >-
      Source code and trained models of the recommendation engine that learns each reader's preferences
      from click logs and ranks the articles pushed to that reader's feed.
"""

RIBOFLAVIN = """\
# invented wording (exportcheck test): a riboflavin production-process licence
title: 核黄素（维生素B2）发酵生产工艺许可
date: {date}
exporter: {{name: "示例生物科技（山东）有限公司", country: CN}}
recipient: {{name: Example Nutrition GmbH, country: DE}}
forms: [patent_licence, know_how_transfer]
technologies:
  - name: 核黄素发酵生产工艺
    description: 转让核黄素（VB2）枯草芽孢杆菌发酵生产工艺包，包括菌种、发酵控制参数和提取纯化流程。
"""

SPEECH = """\
# invented wording (exportcheck test): a Mandarin speech-recognition engine licence
title: Licence of a Mandarin speech-recognition engine
date: {date}
exporter: {{name: "Example Voice (Hefei) Co., Ltd.", country: CN}}
recipient: {{name: Example Corp., country: US}}
forms: [know_how_transfer]
technologies:
  - name: Mandarin speech recognition engine
    description: Source code and acoustic models of a Chinese speech recognition engine, with its training corpus.
"""

UAV = """\
# invented wording (exportcheck test): a UAV autopilot licence
title: Licence of a UAV autopilot to a Brazilian integrator
date: {date}
exporter: {{name: "Example Aviation (Shenzhen) Co., Ltd.", country: CN}}
recipient: {{name: Example Aeronautica Ltda., country: BR}}
forms: [know_how_transfer]
technologies:
  - name: UAV autopilot
    description: >-
      Source code of the drone flight controller: autonomous navigation, path planning and obstacle-avoidance
      algorithms for unmanned aerial vehicles.
"""


def _assess(write: Write, template: str, date: str) -> dict:
    path = write(f"deal-{date}.deal.yaml", template.format(date=date))
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    out: dict = json.loads(result.stdout)
    return out


# --- version selection -------------------------------------------------------------------------------------


def test_deals_from_2008_11_01_to_2020_08_27_select_2008() -> None:
    cat = shipped_catalogue()
    assert cat.laws()[0].id == "2008"
    for day in (dt.date(2008, 11, 1), dt.date(2019, 3, 1), dt.date(2020, 8, 27)):
        version = cat.in_force(day)
        assert version is not None and version.id == "2008"
    assert cat.in_force(dt.date(2020, 8, 28)).id == "2020"  # type: ignore[union-attr]
    assert cat.in_force(dt.date(2008, 10, 31)) is None
    assert cat.versions["2008"].superseded == dt.date(2020, 8, 28)


def test_a_deal_before_2008_11_01_is_refused_in_one_line(write: Write) -> None:
    path = write("early.deal.yaml", UAV.format(date="2008-10-01"))
    result = CliRunner().invoke(main, ["assess", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "early.deal.yaml: date: 2008-10-01 is before the earliest encoded catalogue version" in lines[0]
    assert "(2008, in force from 2008-11-01)" in lines[0]


# --- the shipped 2008 data ---------------------------------------------------------------------------------


def test_2008_is_2020_less_the_additions_plus_the_deletions() -> None:
    cat = shipped_catalogue()
    v2008, v2020 = cat.versions["2008"], cat.versions["2020"]
    counts = v2008.meta.official_counts
    assert (counts.total, counts.prohibited, counts.restricted) == (150, 33, 117)
    assert set(counts.provenance.sources) == {"Chinascope", "Steptoe"}
    added = {f"M{n}" for n in range(19, 36)} | {"M90", "M91"}
    assert added <= set(v2020.entries) and not added & set(v2008.entries)
    deleted = {"M1", "M3", "M4", "M5", "M36", "M37", "M38", "M39", "M40"}
    assert deleted <= set(v2008.entries) and not deleted & set(v2020.entries)
    for eid in sorted(deleted):
        entry = v2008.entries[eid]
        assert entry.control_points == [] and not entry.control_points_complete
        assert entry.presence.status is PresenceStatus.EVIDENCED and entry.presence.provenance is not None
        assert v2008.origin[eid] == "listed"
        assert deleted_by(cat, eid) == ["2020"]
    assert {v2008.entries[e].code for e in ("M1", "M3", "M4", "M5")} == {
        "050302J",
        "052701J",
        "052702J",
        "052705J",
    }
    assert v2008.entries["M4"].name.zh == "核黄素（VB2）生产工艺"
    assert added_by(cat, "M19") == ["2020"] and added_by(cat, "M9") == []
    # every 2008 entry is either listed there or carried back from 2020
    assert set(v2008.origin.values()) == {"listed", "carried back from 2020"}


def test_points_no_38_added_are_absent_and_modified_entries_unconfirmed() -> None:
    cat = shipped_catalogue()
    v2008, v2020 = cat.versions["2008"], cat.versions["2020"]
    m12_2020 = v2020.entries["M12"]
    assert [cp.number for cp in m12_2020.control_points] == ["17", "18", "19", "20", "21"]
    assert all(cp.history and cp.history.added_in == "2020" for cp in m12_2020.control_points)
    assert v2008.entries["M12"].control_points == []
    for eid in ("M2", "M12", "M41", "M42", "M43", "M44", "M45", "M46", "M47", "M48", "M49"):
        entry = v2008.entries[eid]
        assert entry.presence.status is PresenceStatus.UNCONFIRMED, eid
        assert "modified this entry and its wording in version 2008 is not known" in (
            entry.presence.note or ""
        )
    # M2's 2020 point keeps its wording but not its 2020 exclusion (first-generation hybrids)
    cp1 = v2008.entries["M2"].control_points[0]
    assert cp1.text == v2020.entries["M2"].control_points[0].text
    assert v2020.entries["M2"].control_points[0].aids.exclude and cp1.aids.exclude == []
    # an entry No. 38 is not known to have touched is carried as inferred, with the 2008 rare-earth points
    assert v2008.entries["M9"].presence.status is PresenceStatus.INFERRED
    assert len(v2008.entries["M9"].control_points) == 6
    # entries no source places in 2008 (possibly unidentified 2020 additions) are flagged
    assert v2008.entries["M67"].presence.status is PresenceStatus.UNCONFIRMED


def test_coverage_of_2008_is_reported_honestly() -> None:
    cov = shipped_catalogue().versions["2008"].coverage()
    assert (cov.official_entries, cov.official_prohibited, cov.official_restricted) == (150, 33, 117)
    assert cov.encoded_entries == 59 and cov.encoded_prohibited <= 33 and cov.encoded_restricted <= 117
    assert cov.unconfirmed_entries == 24 and cov.official_wording_control_points == 0
    assert not cov.complete


# --- assessments on the shipped catalogue ------------------------------------------------------------------


def test_recommendation_feed_before_no_38_is_free_with_an_added_later_near_miss(write: Write) -> None:
    out = _assess(write, FEED, "2020-06-15")
    assert out["catalogue"]["version"] == "2008" and out["verdict"] == "free"
    assert out["findings"] == []
    cp21 = [m for m in out["near_misses"] if m["entry_id"] == "M12" and m["control_point"] == "21"]
    assert (
        cp21
        and "added to the text by version 2020 (in force from 2020-08-28), after version 2008"
        in (cp21[0]["reason"])
    )


def test_the_same_feed_after_no_38_needs_a_licence(write: Write) -> None:
    out = _assess(write, FEED, "2020-09-10")
    assert out["catalogue"]["version"] == "2020" and out["verdict"] == "licence_required"
    assert any(f["entry_id"] == "M12" and f["control_point"] == "21" for f in out["findings"])


def test_riboflavin_process_before_no_38_is_prohibited_on_the_deleted_entry(write: Write) -> None:
    out = _assess(write, RIBOFLAVIN, "2020-05-20")
    assert out["catalogue"]["version"] == "2008" and out["verdict"] == "prohibited"
    m4 = [f for f in out["findings"] if f["entry_id"] == "M4"]
    assert m4 and m4[0]["code"] == "052702J" and m4[0]["outcome"] == "prohibited"
    assert m4[0]["fidelity"] == "official_translation"  # the heading is seen only in a Traditional repost


def test_riboflavin_after_no_38_reports_the_2008_entry_as_deleted(write: Write) -> None:
    out = _assess(write, RIBOFLAVIN, "2020-09-10")
    assert out["catalogue"]["version"] == "2020" and out["verdict"] == "free"
    m4 = [m for m in out["near_misses"] if m["entry_id"] == "M4"]
    assert m4 and "earlier version 2008" in m4[0]["reason"] and "deleted by version 2020" in m4[0]["reason"]


def test_uav_autopilot_before_no_38_is_free_with_a_near_miss_on_203912x(write: Write) -> None:
    out = _assess(write, UAV, "2020-05-10")
    assert out["catalogue"]["version"] == "2008" and out["verdict"] == "free"
    m19 = [m for m in out["near_misses"] if m["entry_id"] == "M19"]
    assert m19 and m19[0]["code"] == "203912X"
    assert "which version 2008 does not hold; added by version 2020" in m19[0]["reason"]


def test_speech_recognition_before_no_38_stays_review_not_free(write: Write) -> None:
    """2020 CP18 names speech recognition, but so very probably did the 2008 text's point 9 (via the 2022
    draft, reference §3.5): the added-later point must not explain the 2008 entry away."""
    out = _assess(write, SPEECH, "2019-07-01")
    assert out["catalogue"]["version"] == "2008" and out["verdict"] == "review"
    m12 = [f for f in out["findings"] if f["entry_id"] == "M12"]
    assert m12 and m12[0]["outcome"] == "review" and m12[0]["presence"] == "unconfirmed"
    assert any("its wording in version 2008 is not known" in r for r in m12[0]["reasons"])


# --- CLI on the 2008 version -------------------------------------------------------------------------------


def test_catalogue_commands_work_for_2008() -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["catalogue", "validate"])
    assert ok.exit_code == 0 and "5 versions" not in ok.output and "4 versions" in ok.output
    listed = runner.invoke(main, ["catalogue", "list", "--version", "2008", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    ids = {row["id"] for row in rows}
    assert {row["origin"] for row in rows} == {"listed", "carried back from 2020"}
    assert {"M1", "M4", "M40", "M12"} <= ids and not {"M19", "M90"} & ids
    status = runner.invoke(main, ["catalogue", "status", "--format", "json"])
    by_version = {r["version"]: r for r in json.loads(status.stdout)["versions"]}
    assert by_version["2008"]["official"]["entries"] == 150 and by_version["2008"]["encoded"]["entries"] == 59
    assert by_version["2008"]["superseded"] == "2020-08-28" and by_version["2008"]["complete"] is False


# --- the resolver on the synthetic catalogue ---------------------------------------------------------------

DERIVED = """\
id: "2008"
title: {{zh: 测试目录2008, en: Test catalogue 2008}}
instrument: {{zh: 测试令2008年第1号, en: Test order 2008 No. 1}}
issuers: [{{zh: 测试部, en: Test ministry}}]
published: 2008-09-16
effective: 2008-11-01
official_counts:
  total: 5
  prohibited: 3
  restricted: 2
  provenance: {{sources: [test-official], fidelity: official}}
derived_from: "2020"
undo:
  added: [{{id: {added}, provenance: {{sources: [test-press], fidelity: secondary}}}}]
  modified: [{{id: M2, provenance: {{sources: [test-press], fidelity: secondary}}}}]
sources: [test-official]
"""

GONE = """\
id: M5
part: prohibited
name: {zh: 测试删除条目}
provenance: {sources: [test-press], fidelity: secondary}
presence: {status: evidenced, provenance: {sources: [test-press], fidelity: secondary}}
"""


def _derived(mini_copy: Path, added: str = "M3") -> Path:
    folder = mini_copy / "2008"
    (folder / "entries").mkdir(parents=True)
    (folder / "version.yaml").write_text(DERIVED.format(added=added), encoding="utf-8")
    (folder / "entries" / "M5.yaml").write_text(GONE, encoding="utf-8")
    return mini_copy


def test_a_derived_version_takes_back_additions_and_flags_modifications(mini_copy: Path) -> None:
    cat: Catalogue = load_catalogue(_derived(mini_copy))
    v = cat.versions["2008"]
    assert set(v.entries) == {"M1", "M2", "M5"}  # M3 undone as added, M5 listed (deleted later)
    assert v.entries["M1"].presence.status is PresenceStatus.INFERRED
    assert v.entries["M2"].presence.status is PresenceStatus.UNCONFIRMED
    assert deleted_by(cat, "M5") == ["2020"] and added_by(cat, "M3") == ["2020"]
    assert cat.in_force(dt.date(2010, 1, 1)) is v


def test_undoing_an_entry_the_later_version_lacks_is_an_error(mini_copy: Path) -> None:
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(_derived(mini_copy, added="M77"))
    assert any("undo.added.0.id: M77 is not held by version 2020" in ln for ln in exc.value.lines())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('amends: "2023"\n', "either amends an earlier one or is derived from a later one"),
        ('derived_from: "2031"\n', "unknown or circular version '2031'"),
        ("", "undo needs derived_from"),
    ],
)
def test_bad_derivations_are_reported(mini_copy: Path, extra: str, message: str) -> None:
    path = _derived(mini_copy) / "2008" / "version.yaml"
    text = path.read_text(encoding="utf-8").replace('derived_from: "2020"\n', "")
    path.write_text(text + extra if "amends" not in extra else text + extra + 'derived_from: "2020"\n')
    result = CliRunner().invoke(main, ["catalogue", "validate", str(mini_copy)])
    assert result.exit_code == 2 and message in result.output + result.stderr


def test_an_overlay_on_the_later_version_is_never_carried_back_as_settled(tmp_path: Path) -> None:
    """An organisation's 2020 text holds additions no undo list names (a code 18xxxxX is one): carried back
    into 2008 they are unconfirmed, so they can only give review."""
    rows = tmp_path / "official-2020.csv"
    rows.write_text(
        "part,industry,serial,code,name,point,text\n"
        "restricted,专用设备制造业,40,183699X,虚构新增条目（虚构）,1,虚构测试要点（虚构）\n",
        encoding="utf-8",
    )
    made = CliRunner().invoke(
        main, ["catalogue", "import", str(rows), "--version", "2020", "--into", str(tmp_path / "ov")]
    )
    assert made.exit_code in (0, 1), made.output
    cat = load_catalogue(None, overlay=tmp_path / "ov")
    (entry,) = [e for e in cat.versions["2008"].entries.values() if e.code == "183699X"]
    assert entry.presence.status is PresenceStatus.UNCONFIRMED
    assert "organisation's copy of its official text" in (entry.presence.note or "")
