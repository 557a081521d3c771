"""`exportcheck scan` over real folders: discovery, formats (SARIF schema, JUnit XML, GitHub), exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from exportcheck.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository-like folder with every example under contracts/, run from its root."""
    (tmp_path / "contracts" / "a").mkdir(parents=True)
    for path in EXAMPLES.glob("*.deal.yaml"):
        shutil.copy(path, tmp_path / "contracts" / path.name)
    shutil.copy(EXAMPLES / "erp-software-free-2021.deal.yaml", tmp_path / "contracts" / "a" / "deal.yaml")
    (tmp_path / "contracts" / "notes.yaml").write_text("not: a deal\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_malformed_file_reported_with_line_others_still_shown(repo: Path) -> None:
    (repo / "contracts" / "broken.deal.yaml").write_text("title: x\ntechnologies:\n  - name: [\n")
    code, out, err = scan("contracts", "--format", "json")
    assert code == 2
    data = json.loads(out)
    files = [d["file"] for d in data["deals"]]
    assert "contracts/broken.deal.yaml" in files and "contracts/a/deal.yaml" in files
    assert "contracts/notes.yaml" not in files
    broken = next(d for d in data["deals"] if d["file"] == "contracts/broken.deal.yaml")
    assert broken["errors"][0].startswith("contracts/broken.deal.yaml:")
    assert data["totals"]["errors"] == 1 and data["totals"]["licence_required"] >= 1
    assert "contracts/broken.deal.yaml:" in err


def test_clean_deals_exit_0(repo: Path) -> None:
    assert scan("contracts/a")[0] == 0
    assert scan("contracts", "--fail-on", "none")[0] == 0
    assert scan("contracts")[0] == 1


def test_sarif_validates_and_locates_every_result(repo: Path) -> None:
    (repo / "contracts" / "broken.deal.yaml").write_text("title: x\ntechnologies: 5\n")
    code, out, _ = scan("contracts", "--format", "sarif")
    assert code == 2
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    assert results
    for r in results:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("contracts/")
        assert loc["region"]["startLine"] >= 1
        assert r["partialFingerprints"]["exportcheck/v1"]
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rule_ids
    tiktok = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
            "tiktok-recommendation-2020.deal.yaml"
        )
    ]
    assert (
        tiktok
        and tiktok[0]["level"] == "error"
        and tiktok[0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
    )
    # stable across runs
    assert scan("contracts", "--format", "sarif")[1] == out


def test_junit_one_case_per_deal(repo: Path) -> None:
    code, out, _ = scan("contracts", "--format", "junit")
    root = ET.fromstring(out.encode())
    cases = root.findall(".//testcase")
    n = len(list((repo / "contracts").rglob("*deal.yaml")))
    assert len(cases) == n
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert "contracts/tiktok-recommendation-2020.deal.yaml" in failed
    assert "contracts/a/deal.yaml" not in failed
    assert code == 1


def test_github_annotations_and_summary(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = scan("contracts", "--format", "github")
    assert code == 1
    line = next(ln for ln in out.splitlines() if "tiktok" in ln)
    assert line.startswith("::error file=contracts/tiktok-recommendation-2020.deal.yaml,line=")
    assert "## exportcheck scan" in summary.read_text()


def test_recorded_licence_passes_expired_fails(repo: Path) -> None:
    base = (EXAMPLES / "tiktok-recommendation-2020.deal.yaml").read_text()
    ok = base + "licences:\n  - licence_number: BJ-2020-001\n    licence_issued: 2020-09-01\n"
    (repo / "ok").mkdir()
    (repo / "ok" / "deal.yaml").write_text(ok)
    code, out, _ = scan("ok", "--format", "json")
    assert code == 1  # no licence_expiry recorded: the licence waives nothing
    assert json.loads(out)["deals"][0]["assessment"]["findings"][0]["licence"]["status"] == "incomplete"
    ok += "    licence_expiry: 2099-09-01\n"
    (repo / "ok" / "deal.yaml").write_text(ok)
    code, out, _ = scan("ok", "--format", "json")
    assert code == 0
    finding = json.loads(out)["deals"][0]["assessment"]["findings"][0]
    assert finding["waived"] is True and finding["licence"]["status"] == "covered"
    expired = ok.replace("2099-09-01", "2020-09-05")
    (repo / "ok" / "deal.yaml").write_text(expired)
    code, out, _ = scan("ok", "--format", "json")
    assert code == 1
    assert json.loads(out)["deals"][0]["assessment"]["findings"][0]["licence"]["status"] == "expired"


def test_include_exclude_and_missing_path(repo: Path) -> None:
    code, out, _ = scan("contracts", "--exclude", "a/**", "--format", "json")
    assert all(d["file"] != "contracts/a/deal.yaml" for d in json.loads(out)["deals"])
    code, _, err = scan("nowhere")
    assert code == 2 and "no such file or directory" in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_does_not_hang(repo: Path) -> None:
    os.symlink(repo / "contracts", repo / "contracts" / "loop")
    os.symlink("self.deal.yaml", repo / "contracts" / "self.deal.yaml")
    code, out, err = scan("contracts", "--format", "json")
    assert code == 2
    assert "contracts/self.deal.yaml" in err
    assert not any("loop/" in d["file"] for d in json.loads(out)["deals"])


def test_schema_and_init(repo: Path) -> None:
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    assert "technologies" in schema["required"] and schema["properties"]["title"]["description"]
    result = CliRunner().invoke(
        main,
        [
            "init",
            "new.deal.yaml",
            "--title",
            "Licence of X",
            "--recipient",
            "Acme",
            "--recipient-country",
            "no",
            "--technology",
            "X",
            "--description",
            "Source code of the personalised recommendation engine.",
            "--exporter",
            "Example (Beijing) Co., Ltd.",
            "--date",
            "2024-05-01",
            "--channel",
            "trade",
            "--forms",
            "know_how_transfer",
            "--stage",
            "planning",
        ],
    )
    assert result.exit_code == 0, result.output
    code, out, _ = scan("new.deal.yaml", "--format", "json", "--fail-on", "none")
    deal = json.loads(out)["deals"][0]
    assert code == 0 and deal["assessment"]["deal_title"] == "Licence of X"
    again = CliRunner().invoke(main, ["init", "new.deal.yaml"])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_init_prompts_when_interactive(repo: Path) -> None:
    answers = "\n".join(
        [
            "Licence of the feed",
            "2024-05-01",
            "Example (Beijing) Co., Ltd.",
            "CN",
            "Acme Inc.",
            "US",
            "trade",
            "know_how_transfer",
            "negotiating",
            "Feed engine",
            "Source code of the personalised recommendation engine and its pipeline.",
        ]
    )
    result = CliRunner().invoke(main, ["init", "prompted.deal.yaml", "--interactive"], input=answers + "\n")
    assert result.exit_code == 0, result.output
    _, out, _ = scan("prompted.deal.yaml", "--format", "json", "--fail-on", "none")
    deal = json.loads(out)["deals"][0]["assessment"]
    assert deal["deal_title"] == "Licence of the feed" and deal["verdict"] == "licence_required"


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text"])
def test_parallel_scan_gives_the_same_report(repo: Path, fmt: str) -> None:
    """Worker processes make each file's piece; the report, the errors and the exit code must not
    depend on how many there are. Enough files to use a pool, one of them invalid."""
    from exportcheck.runner import PARALLEL_MIN_FILES

    labelled = Path(__file__).parent / "data" / "labelled"
    for i, path in enumerate(sorted(labelled.glob("set*/deals/*.deal.yaml"))):
        shutil.copy(path, repo / "contracts" / f"{i:03d}-{path.name}")
    (repo / "contracts" / "broken.deal.yaml").write_text("title: x\ntechnologies: 3\n")
    assert len(list((repo / "contracts").glob("*.deal.yaml"))) > PARALLEL_MIN_FILES
    args = ("contracts", "--format", fmt, "--as-of", "2026-11-23")
    one, two = scan(*args, "--jobs", "1"), scan(*args, "--jobs", "2")
    assert one == two
    assert one[0] == 2 and "broken.deal.yaml:2: technologies" in one[2]


def test_json_report_is_written_while_results_arrive_and_keeps_none() -> None:
    """A 50,000-deal repository must not hold 50,000 assessments: JSON pieces are written as they come."""
    from exportcheck.catalogue import shipped_catalogue
    from exportcheck.formats.scan import ScanReport
    from exportcheck.runner import Options, try_assess

    cat = shipped_catalogue()
    files = sorted(EXAMPLES.glob("*.deal.yaml"))[:4]
    consumed: list[str] = []

    def results():  # type: ignore[no-untyped-def]
        for path in files:
            consumed.append(path.name)
            yield try_assess(path, path.name, cat, Options(today=dt.date(2026, 11, 23)))

    report = ScanReport("json", "review", cat.sha256)
    report.feed(results())
    chunks = report.chunks()
    head = next(chunks)  # the head is written before any deal is assessed
    assert consumed == []
    first = next(chunks)
    assert len(consumed) == 1  # one deal assessed, one written
    data = json.loads(head + first + "".join(chunks))
    assert report.pieces == [] and len(report.gates) == len(files) == len(consumed)
    assert [d["file"] for d in data["deals"]] == [p.name for p in files]
    assert data["totals"]["files"] == len(files)


def test_spawned_workers_load_the_catalogue_themselves() -> None:
    """Where fork is not used (macOS, Windows), workers start fresh and must give the same pieces."""
    from functools import partial

    from exportcheck.catalogue import shipped_catalogue
    from exportcheck.formats.scan import piece
    from exportcheck.runner import PARALLEL_MIN_FILES, Options, assess_files

    cat = shipped_catalogue()
    files = sorted(EXAMPLES.glob("*.deal.yaml"))
    work = [(p, p.name) for p in (files * (PARALLEL_MIN_FILES // len(files) + 1))]
    options = Options(today=dt.date(2026, 11, 23))
    reduce = partial(piece, fmt="json", fail_on="review")
    here = list(assess_files(work, cat, options, reduce, jobs=1))
    spawned = list(assess_files(work, cat, options, reduce, jobs=2, start_method="spawn"))
    assert spawned == here


def test_reports_stay_well_formed_with_line_separators_and_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML lets a title hold U+2028, NEL ("\\L", "\\N") and control characters ("\\e"). JSON keeps the
    first two raw inside strings, so splitting lines there broke the JSON; XML 1.0 cannot hold the last."""
    (tmp_path / "odd.deal.yaml").write_text(
        'title: "Deal\\Lwith a line separator\\Nand NEL\\e"\n'
        "technologies:\n"
        '  - name: "Engine\\L\\e"\n'
        '    description: "Source code of a recommendation engine that ranks a personalised feed."\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = scan(".", "--format", "json")
    assert code == 1
    deal = json.loads(out)["deals"][0]["assessment"]
    assert deal["deal_title"] == "Deal\u2028with a line separator\x85and NEL\x1b"
    code, out, _ = scan(".", "--format", "junit")
    failure = next(ET.fromstring(out.split("\n", 1)[1]).iter("failure"))
    assert "\\x1b" in failure.get("message", "")
    code, out, _ = scan(".", "--format", "sarif")
    assert json.loads(out)["runs"][0]["results"]


def _die_on_third(result: object) -> object:
    if getattr(result, "file", "").startswith("2-"):
        os._exit(1)  # a worker killed mid-scan (out of memory, a crash in a C extension)
    return result


def test_a_dying_worker_fails_the_scan_instead_of_hanging_it(tmp_path: Path) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from exportcheck.catalogue import shipped_catalogue
    from exportcheck.runner import PARALLEL_MIN_FILES, Options, assess_files

    files = sorted(EXAMPLES.glob("*.deal.yaml"))
    work = [(files[i % len(files)], f"{i}-{files[i % len(files)].name}") for i in range(PARALLEL_MIN_FILES)]
    options = Options(today=dt.date(2026, 11, 23))
    with pytest.raises(BrokenProcessPool):
        list(assess_files(work, shipped_catalogue(), options, _die_on_third, jobs=2))


def test_workers_started_before_a_failed_start_are_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second worker cannot be forked (process or file limits): the first must not be left waiting
    for work forever, keeping the scan (and Python at exit) from ending."""
    import multiprocessing
    import multiprocessing.context

    from exportcheck.catalogue import shipped_catalogue
    from exportcheck.runner import PARALLEL_MIN_FILES, Options, assess_files

    real = multiprocessing.context.ForkProcess._Popen
    started: list[int] = []

    def popen(process):  # type: ignore[no-untyped-def]
        if started:
            raise OSError(24, "Too many open files")
        started.append(1)
        return real(process)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "_Popen", staticmethod(popen))
    files = sorted(EXAMPLES.glob("*.deal.yaml"))
    work = [(files[i % len(files)], f"{i:03d}") for i in range(PARALLEL_MIN_FILES)]
    with pytest.raises(OSError, match="Too many open files"):
        list(assess_files(work, shipped_catalogue(), Options(), lambda r: r.file, jobs=2))
    assert started
    for child in multiprocessing.active_children():
        child.join(timeout=5)
    assert not multiprocessing.active_children()


def test_a_failed_scan_keeps_the_previous_report_and_names_the_real_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exportcheck.formats.scan as fmt

    report = repo / "report.json"
    report.write_text("previous report\n")
    real, calls = fmt.piece, []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise OSError(5, "Input/output error while assessing")
        return real(*args, **kwargs)

    monkeypatch.setattr(fmt, "piece", failing)
    # --no-cache: every piece made now (an earlier test's scan of the same files may have kept them)
    code, _, err = scan("contracts", "--format", "json", "--jobs", "1", "--no-cache", "--output", str(report))
    assert code == 2
    assert "Input/output error while assessing" in err and "cannot write the output" not in err
    assert report.read_text() == "previous report\n"
    assert [p.name for p in repo.iterdir() if p.name.startswith(".report")] == []


def test_scan_from_a_deleted_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    code, out, err = scan(str(EXAMPLES / "erp-software-free-2021.deal.yaml"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["deals"][0]["file"] == (EXAMPLES / "erp-software-free-2021.deal.yaml").as_posix()


def test_output_to_a_device_is_refused_and_a_symlink_is_replaced(repo: Path) -> None:
    """A report never goes into a device, and never through a symlink (a committed `report.json -> an
    executable` must not get the report written into the executable): the rename replaces the link."""
    code, out, err = scan("contracts", "--format", "json", "--output", os.devnull)
    assert code == 2 and out == ""
    assert (
        err == f"error: {os.devnull}: cannot write the output: it is a character device, not a regular file\n"
    )
    target = repo / "real.json"
    target.write_text("old")
    (repo / "link.json").symlink_to(target)
    scan("contracts", "--format", "json", "--output", str(repo / "link.json"))
    assert target.read_text() == "old"
    assert not (repo / "link.json").is_symlink() and json.loads((repo / "link.json").read_text())["deals"]
