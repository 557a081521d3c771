"""Catalogue loading on the synthetic catalogue: resolution, carry-over flags and every error path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exportcheck.catalogue import Catalogue, load_catalogue
from exportcheck.cli import main
from exportcheck.errors import CatalogueError
from exportcheck.models.catalogue import PresenceStatus


def test_amending_version_carries_and_flags(mini: Catalogue) -> None:
    v2023 = mini.versions["2023"]
    assert set(v2023.entries) == {"M1", "M2", "M4"}  # M3 deleted, M4 added
    assert v2023.entries["M1"].presence.status is PresenceStatus.UNCONFIRMED
    assert v2023.origin["M1"] == "carried from 2020"
    assert v2023.entries["M4"].presence.status is PresenceStatus.EVIDENCED
    assert mini.versions["2020"].superseded is not None


def test_find_by_either_code(mini: Catalogue) -> None:
    v = mini.versions["2020"]
    assert v.find("056101X") is v.find("086501x") is v.entries["M1"]


def _validate(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["catalogue", "validate", str(path)])
    return result.exit_code, [ln for ln in result.output.splitlines() if ln.startswith("error:")]


def test_validate_ok(mini_copy: Path) -> None:
    code, lines = _validate(mini_copy)
    assert code == 0 and lines == []


def test_validate_reports_every_problem_with_file_and_key(mini_copy: Path) -> None:
    m1 = mini_copy / "2020" / "entries" / "M1.yaml"
    text = m1.read_text()
    # unknown key, and a J code in the restricted part
    m1.write_text(
        text.replace("part: restricted", "part: restricted\ncolour: red").replace("056101X", "056101J")
    )
    # duplicate code: M2 takes M4's code in 2023
    m2 = mini_copy / "2020" / "entries" / "M2.yaml"
    m2.write_text(m2.read_text().replace("050304J", "050305J"))
    m4 = mini_copy / "2023" / "entries" / "M4.yaml"
    (mini_copy / "2023" / "entries" / "M5.yaml").write_text(m4.read_text().replace("id: M4", "id: M5"))
    # an entry without provenance
    m3 = mini_copy / "2020" / "entries" / "M3.yaml"
    m3.write_text(m3.read_text().replace("provenance: {sources: [test-press], fidelity: secondary}\n", ""))
    code, lines = _validate(mini_copy)
    assert code == 2
    joined = "\n".join(lines)
    assert "2020/entries/M1.yaml:" in joined and "colour: unknown key" in joined
    assert "code 056101J ends in J but part is restricted" in joined
    assert "2020/entries/M3.yaml:" in joined and "provenance: required key is missing" in joined
    assert "2023/entries/M5.yaml:" in joined and "duplicate code 252604X" in joined
    assert len(lines) >= 4


def test_unknown_source_key_and_bad_fidelity(mini_copy: Path) -> None:
    m4 = mini_copy / "2023" / "entries" / "M4.yaml"
    m4.write_text(
        m4.read_text().replace(
            "sources: [test-official], fidelity: official}\n    conditions",
            "sources: [nowhere], fidelity: rumour}\n    conditions",
        )
    )
    code, lines = _validate(mini_copy)
    assert code == 2
    assert any("fidelity: unknown value 'rumour'" in ln for ln in lines), lines


def test_counts_above_official_are_rejected(mini_copy: Path) -> None:
    v = mini_copy / "2020" / "version.yaml"
    v.write_text(
        v.read_text().replace(
            "total: 4\n  prohibited: 2\n  restricted: 2", "total: 2\n  prohibited: 2\n  restricted: 0"
        )
    )
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(mini_copy)
    assert any("more than the official 0" in ln for ln in exc.value.lines())


def test_file_name_must_equal_id(mini_copy: Path) -> None:
    (mini_copy / "2020" / "entries" / "M3.yaml").rename(mini_copy / "2020" / "entries" / "M9.yaml")
    code, lines = _validate(mini_copy)
    assert code == 2 and any("differs from its file name 'M9'" in ln for ln in lines)


def test_deleting_an_unknown_entry_is_an_error(mini_copy: Path) -> None:
    v = mini_copy / "2023" / "version.yaml"
    v.write_text(v.read_text().replace("- id: M3", "- id: M77"))
    code, lines = _validate(mini_copy)
    assert code == 2 and any("deletes M77" in ln for ln in lines)


def test_diff_lists_removed_added_and_unconfirmed(mini_copy: Path) -> None:
    result = CliRunner().invoke(
        main, ["catalogue", "diff", "2020", "2023", "--format", "json", "--catalogue", str(mini_copy)]
    )
    assert result.exit_code == 0, result.output
    import json

    changes = {(c["kind"], c["id"]) for c in json.loads(result.stdout)["changes"]}
    assert changes == {("removed", "M3"), ("added", "M4"), ("unconfirmed", "M1"), ("unconfirmed", "M2")}
    # a re-listed entry with a new point shows as changed, with the point's source
    m2 = (mini_copy / "2020" / "entries" / "M2.yaml").read_text()
    extra = m2 + (
        '  - number: "2"\n    text: {zh: 新增控制要点}\n'
        "    provenance: {sources: [test-press], fidelity: secondary}\n"
    )
    (mini_copy / "2023" / "entries" / "M2.yaml").write_text(extra)
    result = CliRunner().invoke(
        main, ["catalogue", "diff", "2020", "2023", "--format", "json", "--catalogue", str(mini_copy)]
    )
    changed = [c for c in json.loads(result.stdout)["changes"] if c["id"] == "M2"]
    assert changed[0]["kind"] == "changed" and "control point 2 added: 新增控制要点" in changed[0]["details"]
    assert changed[0]["sources"] == ["test-press"]
    bad = CliRunner().invoke(main, ["catalogue", "diff", "2020", "2031", "--catalogue", str(mini_copy)])
    assert bad.exit_code == 2 and "unknown version '2031'" in bad.stderr
