"""`catalogue import`, the overlay and `.exportcheck.yaml`, end to end on real files.

The fixture tests/data/import/catalogue-2023-layout.txt is laid out like text extracted from the official
2023 PDF (part and industry headings, labelled entries and one table row, wrapped lines, running headers,
page footers, a serial printed on its own line, one broken entry). Its verbatim fragments, as the
reference gives them: the part headings 一、禁止出口部分 / 二、限制出口部分 (No. 38, 8170pk); 085001J
中国传统建筑技术 (zhenghe, mondaq); 083915X 计算机应用技术, 206503X 基础软件安全增强技术, 203912X
无人机技术 (serial 71) and its point 5 (tpa-2023); 086501X 信息处理技术 point 18 (wx-IPT). Every other
control point in it is INVENTED for the tests and marked 虚构 in its own wording.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from exportcheck import cli
from exportcheck.catalogue import load_catalogue, shipped_catalogue
from exportcheck.catalogue_import.text import parse_text
from exportcheck.errors import CatalogueError

DATA = Path(__file__).parent / "data" / "import"
LAYOUT = DATA / "catalogue-2023-layout.txt"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
UAV_POINT_5 = "无人机飞行控制系统（自主导航、路径及避障规划等相关的算法及软件）"


def invoke(*args: str) -> tuple[int, str, str]:
    cli._project_config.cache_clear()
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def overlay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("ov") / "acme-2023"
    code, _, err = invoke("catalogue", "import", str(LAYOUT), "--version", "2023", "--into", str(into))
    assert code == 1, err  # problems were found: exit 1, overlay still written
    return into


def test_import_reports_coverage_and_every_problem(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "catalogue", "import", str(LAYOUT), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 1
    assert out.startswith("6 of 134 entries of version 2023 read (1 of 24 prohibited, 5 of 110 restricted)")
    # the broken entry is named with its line and not imported; its text went nowhere else
    assert "catalogue-2023-layout.txt:26: 20391X: no valid code (six digits + J or X) found" in out
    assert "catalogue-2023-layout.txt:26: 20391X: entry not imported" in out
    assert "086501X: control points start at 18: points 1–17 not found" in out
    assert "restricted part: serial numbers 2–70, 73–95, 99–110 not found" in out
    assert "1 x — 2 —" in out and "3 x 中国禁止出口限制出口技术目录" in out
    assert sorted(p.name for p in (tmp_path / "ov" / "entries").iterdir()) == [
        "M12.yaml",
        "M14.yaml",
        "M16.yaml",
        "M19.yaml",
        "M20.yaml",
        "M698.yaml",  # a code exportcheck does not hold: restricted serial 98 -> local id M698
    ]
    data = json.loads(
        invoke(
            "catalogue",
            "import",
            str(LAYOUT),
            "--version",
            "2023",
            "--into",
            str(tmp_path / "ov"),
            "--format",
            "json",
        )[1]
    )
    assert data["found"] == {"total": 6, "prohibited": 1, "restricted": 5}
    assert data["official"] == {"total": 134, "prohibited": 24, "restricted": 110}


def test_wrapped_lines_rejoined_and_headers_removed() -> None:
    result = parse_text(LAYOUT.read_text(encoding="utf-8"), "f")
    by_code = {e.code: e for e in result.entries}
    uav = by_code["203912X"]
    assert (uav.serial, uav.name, uav.industry) == (71, "无人机技术", "计算机、通信和其他电子设备制造业")
    assert [p.number for p in uav.points] == [1, 2, 3, 4, 5]
    assert uav.points[4].text == UAV_POINT_5  # wrapped inside 算法, and the table row had no labels
    # a running header and a page footer fell inside this point: removed, not kept as legal text
    assert by_code["083915X"].points[1].text == "高可靠工业控制计算机主板设计技术（虚构）"
    shipped_cp18 = shipped_catalogue().versions["2023"].entries["M12"].control_points[0]
    assert by_code["086501X"].points[0].text == shipped_cp18.text.zh
    assert by_code["20391X"].broken and by_code["20391X"].points[0].text == "虚构测试要点（虚构）"


def test_table_columns_keep_a_wrapped_name_apart_from_the_points() -> None:
    # `pdftotext -layout` of a table: the name wraps inside its column while the points run beside it
    text = (
        "二、限制出口部分\n"
        "（二）软件和信息技术服务业\n"
        " 96    086501X    信息处理技    18．基于数据分析的个性化信息推送服务技术（基于海量数据持续\n"
        "                  术            训练优化的用户个性化偏好学习技术、用户个性化偏好实时感知技术、\n"
        "                                信息内容特征建模技术、用户偏好与信息内容匹配分析技术、用于支撑\n"
        "                                推荐算法的大规模分布式实时计算技术等）\n"
        " 97    206503X    基础软件安全  1．虚构测试要点（虚构）\n"
        "                  增强技术      2．虚构测试要点（虚构）\n"
    )
    m12, m20 = parse_text(text, "t").entries
    assert m12.name == "信息处理技术" and m12.serial == 96
    assert m12.points[0].text == shipped_catalogue().versions["2023"].entries["M12"].control_points[0].text.zh
    assert (m20.name, [p.number for p in m20.points]) == ("基础软件安全增强技术", [1, 2])
    assert m20.problems == []


def test_overlay_entries_carry_provenance_aids_and_thresholds(overlay: Path) -> None:
    cat = load_catalogue(None, overlay)
    assert cat.overlay is not None and cat.overlay.name == "acme-2023"
    assert cat.sha256 != shipped_catalogue().sha256
    v2023 = cat.versions["2023"]
    m12 = v2023.entries["M12"]
    assert m12.provenance.sources == ["overlay:acme-2023"] and m12.provenance.fidelity == "official"
    assert (
        m12.control_points[0].aids
        == shipped_catalogue().versions["2023"].entries["M12"].control_points[0].aids
    )
    assert "056101X" in m12.all_codes  # the shipped entry's other codes are kept
    assert v2023.origin["M12"] == "overlay acme-2023"
    assert v2023.concepts == shipped_catalogue().versions["2023"].concepts  # the aids' concept groups
    src = cat.sources["overlay:acme-2023"]
    assert cat.overlay.imported_sha256 in src.title and "organisation-supplied official text" in src.title
    # a threshold in the official wording is kept as a condition exportcheck does not evaluate
    assert [c.zh for c in v2023.entries["M20"].control_points[0].conditions] == ["粉体压实密度≥2.58g/cm3"]
    # 2025 amends 2023: it carries the overlay's entries, and still deletes 085001J
    assert cat.versions["2025"].entries["M19"].provenance.sources == ["overlay:acme-2023"]
    assert "M16" not in cat.versions["2025"].entries


def test_deal_matching_only_an_imported_point(overlay: Path) -> None:
    deal = str(DATA / "qrng.deal.yaml")
    code, out, err = invoke(
        "assess", deal, "--format", "json", "--no-checklist", "--catalogue-overlay", str(overlay)
    )
    assert code == 1
    data = json.loads(out)
    assert data["verdict"] == "licence_required"
    (finding,) = data["findings"]
    assert (finding["code"], finding["control_point"]) == ("083915X", "1")
    assert finding["sources"] == ["overlay:acme-2023"] and finding["fidelity"] == "official"
    assert {e["origin"] for e in finding["evidence"]} >= {"legal_text"}
    assert "catalogue overlay acme-2023 (sha256 " in err
    assert data["catalogue"]["overlay"].startswith("overlay acme-2023 (version 2023")  # named in the report
    markdown = invoke(
        "assess", deal, "--format", "markdown", "--no-checklist", "--catalogue-overlay", str(overlay)
    )[1]
    assert "Provenance: official wording; sources overlay:acme-2023" in markdown
    assert "overlay acme-2023 (version 2023" in markdown
    # without the overlay: assessed on the shipped data alone, which has no such point
    code, out, err = invoke("assess", deal, "--format", "json", "--no-checklist")
    plain = json.loads(out)
    assert all(f["code"] != "083915X" for f in plain["findings"]) and plain["verdict"] != "licence_required"
    assert plain["catalogue"]["sha256"] == shipped_catalogue().sha256 != data["catalogue"]["sha256"]
    assert plain["catalogue"]["overlay"] is None
    assert "overlay" not in err


def test_overlay_supersedes_shipped_wording_on_a_shipped_example(overlay: Path) -> None:
    deal = str(EXAMPLES / "drone-flight-control-2024.deal.yaml")
    _, out, _ = invoke("assess", deal, "--format", "json", "--no-checklist")
    _, layered, _ = invoke(
        "assess", deal, "--format", "json", "--no-checklist", "--catalogue-overlay", str(overlay)
    )
    before = [f for f in json.loads(out)["findings"] if f["code"] == "203912X"]
    after = [f for f in json.loads(layered)["findings"] if f["code"] == "203912X"]
    assert before and after
    assert json.loads(layered)["verdict"] == json.loads(out)["verdict"] == "licence_required"
    assert all(f["sources"] == ["overlay:acme-2023"] for f in after)
    assert all("overlay:acme-2023" not in f["sources"] for f in before)


def test_status_counts_official_wording_with_the_overlay(overlay: Path) -> None:
    def encoded(*extra: str) -> dict[str, int]:
        data = json.loads(invoke("catalogue", "status", "--format", "json", *extra)[1])
        return dict(next(v for v in data["versions"] if v["version"] == "2023")["encoded"])

    plain, layered = encoded(), encoded("--catalogue-overlay", str(overlay))
    # the five imported entries now carry official wording for every point read, and are confirmed
    shipped = shipped_catalogue().versions["2023"].entries
    replaced = [cp for eid in ("M12", "M14", "M16", "M19", "M20") for cp in shipped[eid].control_points]
    gone = sum(cp.provenance.fidelity == "official" for cp in replaced)
    assert layered["control_points_official_wording"] == plain["control_points_official_wording"] - gone + 11
    assert layered["entries_with_all_control_points"] == plain["entries_with_all_control_points"] + 5
    assert layered["entries"] == plain["entries"] + 1  # one code is new


def test_validate_checks_an_overlay(overlay: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("catalogue", "validate", str(overlay))
    assert code == 0 and out.startswith("ok: overlay acme-2023 (sha256 ")
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(overlay, broken)
    path = broken / "entries" / "M19.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("serial: 71", "serial: 71\nserail: 71"), encoding="utf-8"
    )
    code, _, err = invoke("catalogue", "validate", str(broken))
    assert code == 2
    assert "broken/entries/M19.yaml:" in err and "serail: unknown key; did you mean 'serial'?" in err
    # an entry taking a shipped entry's id under another code is refused, not merged into it
    path.write_text(path.read_text(encoding="utf-8").replace("\nserail: 71", ""), encoding="utf-8")
    m20 = broken / "entries" / "M20.yaml"
    m20.write_text(m20.read_text(encoding="utf-8").replace("206503X", "206598X"), encoding="utf-8")
    os.rename(m20, broken / "entries" / "M12.yaml")
    (broken / "entries" / "M12.yaml").write_text(
        (broken / "entries" / "M12.yaml").read_text(encoding="utf-8").replace("id: M20", "id: M12"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(None, broken)
    assert any("id M12 is the catalogue's 086501X entry" in line for line in exc.value.lines())


def test_into_never_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / "ov"
    link.symlink_to(target)
    code, _, err = invoke("catalogue", "import", str(LAYOUT), "--version", "2023", "--into", str(link))
    assert code == 2 and "is a symbolic link" in err and not any(target.iterdir())
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    code, _, err = invoke("catalogue", "import", str(LAYOUT), "--version", "2023", "--into", str(other))
    assert code == 2 and "holds no overlay" in err and os.listdir(other) == ["keep.txt"]


def test_overlay_entry_that_is_a_symlink_is_refused(overlay: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(overlay, copy)
    (copy / "entries" / "M19.yaml").unlink()
    (copy / "entries" / "M19.yaml").symlink_to(overlay / "entries" / "M19.yaml")
    code, _, err = invoke("catalogue", "validate", str(copy))
    assert code == 2 and "copy/entries/M19.yaml: is a symbolic link" in err


def test_csv_transcription_gives_the_same_wording(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "catalogue",
        "import",
        str(DATA / "catalogue-2023-rows.csv"),
        "--version",
        "2023",
        "--into",
        str(tmp_path / "ov"),
    )
    assert code == 1
    assert "2 of 134 entries" in out
    assert "206503J: code 206503J does not fit the restricted part it is printed in" in out
    assert "203912X: control point 1 is followed by 5" in out
    cat = load_catalogue(None, tmp_path / "ov")
    assert cat.versions["2023"].entries["M19"].control_points[1].text.zh == UAV_POINT_5


def test_yaml_transcription_rejects_unknown_keys(tmp_path: Path) -> None:
    rows = tmp_path / "rows.yaml"
    rows.write_text("rows:\n  - {code: 203912X, point: 1, txt: x}\n", encoding="utf-8")
    code, _, err = invoke(
        "catalogue", "import", str(rows), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 2 and "rows.yaml:2: rows[0].txt: unknown key" in err
    assert not (tmp_path / "ov").exists()


def test_a_damaged_pdf_is_one_error_line(tmp_path: Path) -> None:
    pdf = tmp_path / "catalogue.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n")
    code, _, err = invoke(
        "catalogue", "import", str(pdf), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 2 and len(err.splitlines()) == 1
    try:
        import pypdf  # noqa: F401
    except ImportError:
        assert "pip install 'exportcheck[pdf]'" in err and "pdftotext -layout" in err
    else:
        assert "catalogue.pdf: cannot read the PDF:" in err
    assert not (tmp_path / "ov").exists()


def test_a_pdf_the_suite_generates_imports_like_its_text(tmp_path: Path, overlay: Path) -> None:
    pytest.importorskip("pypdf", reason="the optional extra exportcheck[pdf] is not installed")
    from pdfmaker import make_pdf

    pages = [page.strip("\n").split("\n") for page in LAYOUT.read_text(encoding="utf-8").split("\f")]
    pdf = tmp_path / "catalogue-2023.pdf"
    pdf.write_bytes(make_pdf(pages))
    code, out, _ = invoke(
        "catalogue", "import", str(pdf), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 1 and out.startswith("6 of 134 entries of version 2023 read") and ", pdf)" in out
    assert "20391X: entry not imported" in out
    from_pdf = load_catalogue(None, tmp_path / "ov").versions["2023"].entries
    from_text = load_catalogue(None, overlay).versions["2023"].entries
    for eid in ("M12", "M14", "M16", "M19", "M20", "M698"):
        assert [cp.text for cp in from_pdf[eid].control_points] == [
            cp.text for cp in from_text[eid].control_points
        ]


# --- .exportcheck.yaml -----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, overlay: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding one deal that only the overlay catches, and the overlay itself."""
    import shutil

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "deals").mkdir()
    shutil.copy(DATA / "qrng.deal.yaml", repo / "deals" / "qrng.deal.yaml")
    shutil.copytree(overlay, repo / "acme-2023")
    monkeypatch.chdir(repo / "deals")  # the file is found in the nearest parent
    return repo


def test_config_changes_scan_as_the_flags_would(project: Path) -> None:
    base = ("scan", ".", "--format", "json", "--jobs", "1")
    code, plain, _ = invoke(*base)
    assert json.loads(plain)["catalogue_sha256"] == shipped_catalogue().sha256
    assert code == 0  # the shipped data alone: nothing at or above review
    flags = invoke(*base, "--catalogue-overlay", "../acme-2023")
    assert flags[0] == 1
    (project / ".exportcheck.yaml").write_text("catalogue_overlay: acme-2023\n", encoding="utf-8")
    configured = invoke(*base)
    assert configured[:2] == flags[:2] and "catalogue overlay acme-2023" in configured[2]
    (project / ".exportcheck.yaml").write_text(
        "catalogue_overlay: acme-2023\nfail_on: prohibited\n", encoding="utf-8"
    )
    assert (
        invoke(*base)[:2]
        == invoke(*base, "--catalogue-overlay", "../acme-2023", "--fail-on", "prohibited")[:2]
    )
    assert invoke(*base)[0] == 0
    # a flag on the command line wins over the file
    assert invoke(*base, "--fail-on", "review")[0] == 1
    # strict: true turns the shipped data's 'free' into review; --no-strict on the command line wins
    (project / ".exportcheck.yaml").write_text("strict: true\n", encoding="utf-8")
    assert invoke(*base)[:2] == invoke(*base, "--strict")[:2]
    assert invoke(*base)[0] == 1 and invoke(*base, "--no-strict")[0] == 0


def test_config_unknown_key_is_an_error_with_its_path(project: Path) -> None:
    (project / ".exportcheck.yaml").write_text("strict: true\nfail_onn: none\n", encoding="utf-8")
    code, _, err = invoke("scan", ".")
    assert code == 2
    assert (
        err.strip()
        == f"error: {project / '.exportcheck.yaml'}:2: fail_onn: unknown key; did you mean 'fail_on'?"
    )
    (project / ".exportcheck.yaml").write_text("strict: yes\n", encoding="utf-8")
    code, _, err = invoke("config")
    assert code == 2 and ".exportcheck.yaml:1: strict: Input should be a valid boolean" in err
    (project / ".exportcheck.yaml").write_text("jobs: 0\n", encoding="utf-8")
    code, _, err = invoke("config")
    assert code == 2 and ".exportcheck.yaml:1: jobs: Input should be greater than or equal to 1" in err


def test_config_command_says_where_each_value_comes_from(project: Path) -> None:
    (project / ".exportcheck.yaml").write_text("lang: zh\njobs: 2\n", encoding="utf-8")
    code, out, _ = invoke("config", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["file"] == str(project / ".exportcheck.yaml")
    assert data["settings"]["lang"] == {"value": "zh", "from": f"{project / '.exportcheck.yaml'}:1"}
    assert data["settings"]["jobs"]["from"].endswith(":2")
    assert data["settings"]["fail_on"] == {"value": "review", "from": "default"}


def test_config_is_not_looked_for_above_the_repository_root(project: Path) -> None:
    (project.parent / ".exportcheck.yaml").write_text("fail_on: none\n", encoding="utf-8")
    code, out, _ = invoke("config")
    assert code == 0 and "configuration file: none found" in out


def test_control_characters_never_reach_the_terminal_or_the_overlay(tmp_path: Path) -> None:
    text = tmp_path / "evil.txt"
    text.write_text(
        "二、限制出口部分\n1．编号：203912X\n技术名称：无人机\x1b[2J技术\n控制要点：1．虚构测试要点（虚构）\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(
        "catalogue", "import", str(text), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 1 and "\x1b" not in out
    assert "203912X: control or format characters in its text" in out
    assert not list((tmp_path / "ov" / "entries").iterdir())


def test_more_entries_than_the_official_count_writes_nothing(tmp_path: Path) -> None:
    lines = ["一、禁止出口部分"]
    for n in range(1, 27):  # 2023 has 24 prohibited entries
        lines += [
            f"{n}．编号：0999{n:02d}J",
            "技术名称：虚构测试条目（虚构）",
            "控制要点：1．虚构测试要点（虚构）",
        ]
    text = tmp_path / "too-many.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = invoke(
        "catalogue", "import", str(text), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 2 and "more than version 2023's official 24 + 110" in err and "nothing written" in err
    assert not (tmp_path / "ov").exists()


def test_overlay_name_is_checked(tmp_path: Path) -> None:
    code, _, err = invoke(
        "catalogue",
        "import",
        str(LAYOUT),
        "--version",
        "2023",
        "--into",
        str(tmp_path / "ov"),
        "--name",
        "a b",
    )
    assert code == 2 and "error: --name: 'a b': letters, digits" in err and not (tmp_path / "ov").exists()
    code, _, err = invoke(
        "catalogue", "import", str(LAYOUT), "--version", "1999", "--into", str(tmp_path / "ov")
    )
    assert code == 2 and "unknown version '1999'" in err


def test_points_the_import_missed_are_kept_not_lost(tmp_path: Path) -> None:
    text = tmp_path / "gap.txt"
    text.write_text(
        "二、限制出口部分\n96．编号：086501X\n技术名称：信息处理技术\n"
        "控制要点：1．虚构测试要点甲（虚构）\n3．虚构测试要点丙（虚构）\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(
        "catalogue", "import", str(text), "--version", "2023", "--into", str(tmp_path / "ov")
    )
    assert code == 1 and "086501X: control point 1 is followed by 3" in out
    m12 = load_catalogue(None, tmp_path / "ov").versions["2023"].entries["M12"]
    assert [cp.number for cp in m12.control_points] == ["1", "3", "18"]
    assert m12.control_points[2].provenance.sources == ["wx-IPT"]  # the shipped point, as it was
    assert not m12.control_points_complete
    assert any("control point 18 kept from exportcheck's data" in note for note in m12.notes)
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    _, out, _ = invoke(
        "assess",
        deal,
        "--catalogue-version",
        "2023",
        "--format",
        "json",
        "--no-checklist",
        "--catalogue-overlay",
        str(tmp_path / "ov"),
    )
    assert json.loads(out)["verdict"] == "licence_required"


def test_industry_headings_with_division_numbers_and_look_alikes() -> None:
    text = (
        "二、限制出口部分\n（三）有色金属冶炼和压延加工业（32）\n1．编号：083201X\n技术名称：有色金属冶金技术\n"
        "控制要点：1．虚构测试要点（虚构）\n（四）不是标题的一行（虚构）\n"
    )
    (entry,) = parse_text(text, "t").entries
    assert entry.industry == "有色金属冶炼和压延加工业"
    assert entry.problems == ["line 6 looks like an industry heading but is not one: read as text"]


def test_config_log_is_assess_log_relative_to_the_file(project: Path) -> None:
    (project / ".exportcheck.yaml").write_text("log: exportcheck.log\n", encoding="utf-8")
    code, _, err = invoke("assess", "qrng.deal.yaml", "--format", "json", "--no-checklist")
    assert code == 0, err
    lines = (project / "exportcheck.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and "qrng.deal.yaml" in lines[0]
    # --log on the command line wins, relative to the working folder
    invoke("assess", "qrng.deal.yaml", "--format", "json", "--no-checklist", "--log", "here.log")
    assert (project / "deals" / "here.log").is_file()
    assert len((project / "exportcheck.log").read_text(encoding="utf-8").splitlines()) == 1


def test_rule_judges_a_ruling_against_the_overlay(tmp_path: Path, overlay: Path) -> None:
    import shutil

    deal = tmp_path / "qrng.deal.yaml"
    shutil.copy(DATA / "qrng.deal.yaml", deal)
    args = (
        "rule",
        str(deal),
        "--technology",
        "芯片设计资料",
        "--entry",
        "083915X",
        "--decision",
        "applies",
        "--by",
        "Counsel (test)",
        "--reason",
        "test ruling on an invented point",
    )
    code, _, err = invoke(*args, "--catalogue-overlay", str(overlay))
    assert code == 0 and "warning" not in err, err
    code, _, err = invoke(*args)  # on the shipped data alone the deal has no finding for 083915X
    assert code == 0 and "warning: as the deal stands today the ruling is" in err


def test_spawned_scan_workers_use_the_same_overlay(overlay: Path) -> None:
    """Where workers are spawned (macOS, Windows) they load the catalogue themselves: with the overlay."""
    from functools import partial

    from exportcheck.engine.prepared import cached_catalogue
    from exportcheck.formats.scan import piece
    from exportcheck.runner import PARALLEL_MIN_FILES, Options, assess_files

    cat = cached_catalogue(None, overlay)
    work = [(DATA / "qrng.deal.yaml", f"{i:03d}.deal.yaml") for i in range(PARALLEL_MIN_FILES)]
    options = Options(today=dt.date(2026, 11, 23))
    reduce = partial(piece, fmt="json", fail_on="review")
    here = list(assess_files(work, cat, options, reduce, jobs=1))
    spawned = list(assess_files(work, cat, options, reduce, jobs=2, start_method="spawn"))
    assert spawned == here
    assert all(str(p.gate) == "licence_required" for p in spawned)  # found only with the overlay


def test_one_line_entries_and_full_width_codes() -> None:
    text = (
        "二、限制出口部分\n（十二）计算机、通信和其他电子设备制造业\n"
        "７１．编号：２０３９１２Ｘ　技术名称：无人机技术　控制要点：１．虚构测试要点（虚构）２．虚构测试要点乙\n"
        "（虚构）\n"
        "７２　２０６５０３Ｘ　基础软件安全增强技术　１．虚构测试要点丙（虚构）\n"
    )
    uav, base = parse_text(text, "t").entries
    assert (uav.serial, uav.code, uav.name) == (71, "203912X", "无人机技术")
    # the legal text keeps its full-width punctuation: only the code is folded
    assert [p.text for p in uav.points] == ["虚构测试要点（虚构）", "虚构测试要点乙（虚构）"]
    assert (base.serial, base.code, base.name, base.problems) == (72, "206503X", "基础软件安全增强技术", [])


LAYOUT_ALPHABET = "一二限制禁止出口部分、（）()编号：:技术名称控制要点1234567890０１２JXＸ.．；。 \n\f—-第页"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LAYOUT_ALPHABET, max_size=400) | st.text(max_size=200))
def test_text_reader_never_fails_on_any_text(text: str) -> None:
    """Whatever the file holds, the reader returns entries and problems: never an exception."""
    result = parse_text(text, "t")
    for entry in result.entries:
        assert entry.broken or (entry.code and entry.name)
        assert all(p.text is not None for p in entry.points)
