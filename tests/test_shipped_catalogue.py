"""Integrity of the shipped catalogue data: validates, counts, provenance, and self-matching aids."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from exportcheck.catalogue import shipped_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.models.assessment import Strength
from exportcheck.models.catalogue import Part
from exportcheck.models.common import Fidelity
from exportcheck.models.deal import Deal

CAT = shipped_catalogue()


def test_2020_official_counts() -> None:
    c = CAT.versions["2020"].meta.official_counts
    assert (c.total, c.prohibited, c.restricted) == (164, 29, 135)


@pytest.mark.parametrize("version", sorted(CAT.versions))
def test_encoded_never_exceeds_official(version: str) -> None:
    cov = CAT.versions[version].coverage()
    assert cov.encoded_prohibited <= cov.official_prohibited
    assert cov.encoded_restricted <= cov.official_restricted
    assert not cov.complete  # no version is fully encoded; flip only with the official text in hand


def test_information_processing_2020_points_18_and_21_official() -> None:
    v = CAT.versions["2020"]
    entry = v.find("056101X")
    assert entry is not None and v.find("086501X") is entry
    cps = {cp.number: cp for cp in entry.control_points}
    assert cps["18"].text.zh == "人工智能交互界面技术"
    assert cps["21"].text.zh == "基于数据分析的个性化信息推送服务技术"
    assert cps["18"].provenance.fidelity is Fidelity.OFFICIAL
    assert cps["21"].provenance.fidelity is Fidelity.OFFICIAL


def test_code_suffix_matches_part_everywhere() -> None:
    for v in CAT.versions.values():
        for e in v.entries.values():
            for code in e.all_codes:
                assert code.endswith("J" if e.part is Part.PROHIBITED else "X"), (v.id, e.id, code)


def test_back_translations_are_never_marked_official() -> None:
    for v in CAT.versions.values():
        for e in v.entries.values():
            for cp in e.control_points:
                if cp.provenance.zh_is_back_translation:
                    assert cp.provenance.fidelity is not Fidelity.OFFICIAL, (v.id, e.id, cp.number)


CASES = [
    (v.id, e.id, cp.number, term)
    for v in CAT.laws()
    for e in v.sorted_entries()
    for cp in e.control_points
    for term in cp.aids.terms[:1]
    if v.origin.get(e.id) == "listed"
]


@pytest.mark.parametrize(("version", "entry_id", "cp", "term"), CASES)
def test_each_point_matches_its_own_first_term(version: str, entry_id: str, cp: str, term: str) -> None:
    """scancode-style self-check: an aid that cannot find its own point is a broken aid."""
    v = CAT.versions[version]
    # a concept group stands for its members: the first member speaks for it
    parts = [p.strip() for p in term.split("&")]
    text = " and ".join(v.concepts[p[1:]].members[0] if p.startswith("@") else p for p in parts)
    deal = Deal.model_validate(
        {
            "title": "self-check",
            "technologies": [
                {
                    "name": "self-check",
                    "description": f"Transfer of {text} technology, with source code and know-how.",
                }
            ],
        }
    )
    sel = select_version(CAT, deal_date=None, as_of=None, pinned=version, today=dt.date.today())
    result = assess(deal, CAT, sel, deal_file="self-check", today=dt.date.today())
    hits = [f for f in result.findings if f.entry_id == entry_id and f.control_point == cp]
    misses = [m for m in result.near_misses if m.entry_id == entry_id and m.control_point == cp]
    assert hits or misses, f"{version} {entry_id} CP{cp}: first aid term {term!r} does not find its point"
    if hits and not cp_has_parameters(v, entry_id, cp):
        assert hits[0].strength is Strength.MATCH


def cp_has_parameters(v, entry_id: str, cp: str) -> bool:  # type: ignore[no-untyped-def]
    return any(c.parameters for c in v.entries[entry_id].control_points if c.number == cp)


def test_diff_2023_2025_is_exactly_announcement_2025_no_28() -> None:
    from exportcheck.catalogue_query import diff

    changes = {(c.kind, c.code) for c in diff(CAT, "2023", "2025")}
    assert changes == {
        ("removed", "085001J"),
        ("removed", "085001X"),
        ("removed", "085002X"),
        ("added", "252604X"),
        ("changed", "083201X"),
    }


def test_drafts_are_never_versions() -> None:
    assert all(v.meta.status.value == "law" for v in CAT.versions.values())
    assert set(CAT.versions) == {"2008", "2020", "2023", "2025"}


def test_battery_thresholds_are_typed() -> None:
    entry = CAT.versions["2025"].find("252604X")
    assert entry is not None
    cp1 = next(cp for cp in entry.control_points if cp.number == "1")
    got = {(p.comparator.value, p.value, p.unit) for p in cp1.parameters}
    assert {(">=", 2.58, "g/cm3"), (">=", 160.0, "mAh/g"), (">=", 97.0, "%")} <= got


def test_an_unknown_concept_group_is_one_error_naming_the_file_that_lists_it(tmp_path: Path) -> None:
    """Aids name concept groups; a misspelt one is reported once, at the entry file that lists it."""

    from exportcheck.catalogue import load_catalogue
    from exportcheck.errors import CatalogueError

    root = tmp_path / "catalogue"
    shutil.copytree(Path(__file__).resolve().parents[1] / "catalogue", root)
    entry = root / "2023" / "entries" / "M52.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("@production_process", "@no_such_group"), encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(root)
    lines = [p.render() for p in exc.value.problems]
    assert lines == [
        "catalogue/2023/entries/M52.yaml: aids: unknown concept group '@no_such_group' in "
        "'@taxane & @no_such_group'; define it in concepts/ or fix the spelling"
    ]
