"""A newcomer's first hour (issue 21): the schema agrees with the loader, `init` writes a right deal,
explanations show the real reason, scan reports keep their context. Real files, shipped catalogue."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.deal_loader import load_deal
from exportcheck.errors import InputError

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.deal.yaml"))


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as an editor's language server does (YAML 1.2 core): dates stay strings, `NO` is text."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":timestamp", ":bool"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    code, out, _ = cli("schema")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def schema_errors(schema: dict[str, Any], path: Path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


# --- item 2: the published schema and the loader agree ------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.removesuffix(".deal.yaml"))
def test_every_shipped_example_validates_against_the_schema(schema: dict[str, Any], path: Path) -> None:
    assert schema_errors(schema, path) == []
    load_deal(path)


def test_examples_quote_names_with_a_comma() -> None:
    unquoted = [
        f"{p.name}: {line.strip()}"
        for p in EXAMPLES
        for line in p.read_text(encoding="utf-8").splitlines()
        if re.search(r"\{name: [^\"'].*,.*, country:", line)
    ]
    assert unquoted == []


@pytest.mark.parametrize(
    ("party", "name"),
    [
        ("{name: Example Co., Ltd., country: CN}", "Example Co., Ltd."),
        ("{name: Example Pte. Ltd., country: SG}", "Example Pte. Ltd."),
        ("{name: Example Holding, GmbH, country: DE}", "Example Holding, GmbH"),
        ("{name: Example Co., country: CN, Ltd.}", "Example Co., Ltd."),
        ('{name: "Example Co., Ltd.", country: CN}', "Example Co., Ltd."),
    ],
)
def test_schema_admits_what_the_loader_repairs(
    schema: dict[str, Any], tmp_path: Path, party: str, name: str
) -> None:
    path = tmp_path / "x.deal.yaml"
    path.write_text(
        f"title: t\nexporter: {party}\ntechnologies:\n  - name: ERP\n    description: ledger\n",
        encoding="utf-8",
    )
    assert schema_errors(schema, path) == []
    deal, _ = load_deal(path)
    assert deal.exporter is not None and deal.exporter.name == name


@pytest.mark.parametrize(
    "party",
    [
        "{name: Example, country: CN, colour: red}",
        "{name: Example, country: CN, colour}",
        "{name: Example Co., Ltd.: yes, country: CN}",
    ],
)
def test_schema_and_loader_both_refuse_other_keys(schema: dict[str, Any], tmp_path: Path, party: str) -> None:
    path = tmp_path / "x.deal.yaml"
    path.write_text(
        f"title: t\nexporter: {party}\ntechnologies:\n  - name: ERP\n    description: ledger\n",
        encoding="utf-8",
    )
    assert schema_errors(schema, path)
    with pytest.raises(InputError):
        load_deal(path)


# --- items 3 and 4: the real reason, told once -------------------------------------------------


def assess_json(path: Path, *extra: str) -> dict[str, Any]:
    code, out, err = cli("assess", str(path), "--format", "json", "--fail-on", "none", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.fixture
def speech_2023(tmp_path: Path) -> Path:
    """The shipped speech-synthesis deal, dated when the 2023 version is in force."""
    text = (REPO / "examples" / "speech-synthesis-2022.deal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "speech.deal.yaml"
    path.write_text(text.replace("date: 2022-03-01", "date: 2024-03-01"), encoding="utf-8")
    return path


def test_other_version_point_is_the_reason_not_the_subject_hint(speech_2023: Path) -> None:
    data = assess_json(speech_2023)
    assert data["catalogue"]["version"] == "2023"
    (m12,) = [f for f in data["findings"] if f["entry_id"] == "M12"]
    assert m12["strength"] == "possible" and data["verdict"] == "review"
    (reason,) = [r for r in m12["reasons"] if "earlier version 2020" in r]
    assert reason.startswith("control point 17 (语音合成技术")
    assert "version 2023's control points are not all encoded" in reason
    assert not any("resembles the entry's subject matter" in r for r in m12["reasons"])
    _, text, _ = cli("assess", str(speech_2023), "--format", "markdown", "--no-checklist")
    assert "- control point 17 (语音合成技术" in text and "earlier version 2020" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.removesuffix(".deal.yaml"))
def test_no_evidence_is_listed_twice(path: Path) -> None:
    for f in assess_json(path)["findings"]:
        seen = [
            (
                e["technology"],
                e["field"],
                e["line"],
                e["deal_text"].casefold(),
                e["negation"],
                tuple(e["disguise"]),
            )
            for e in f["evidence"]
        ]
        assert len(seen) == len(set(seen)), f["entry_id"]


def test_speech_synthesis_is_listed_once(speech_2023: Path) -> None:
    (m12,) = [f for f in assess_json(speech_2023)["findings"] if f["entry_id"] == "M12"]
    said = [e for e in m12["evidence"] if e["deal_text"] == "Speech synthesis"]
    assert len(said) == 1 and said[0]["kind"] == "term"


def test_search_without_hits_prints_no_empty_table() -> None:
    code, out, _ = cli("catalogue", "search", "镀锌")
    assert code == 0
    assert out.strip() == "no entry or control point matched"
    code, out, _ = cli("catalogue", "search", "语音合成")
    assert out.rstrip().endswith(" hits") or out.rstrip().endswith(" hit")


# --- item 6: scan reports keep their context ---------------------------------------------------

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
FREE_EXAMPLE = "erp-software-free-2021.deal.yaml"


@pytest.fixture
def contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, speech_2023: Path) -> Path:
    """A repository holding a free deal (2021 catalogue, partly encoded) and the 2023 speech deal."""
    folder = tmp_path / "repo" / "contracts"
    folder.mkdir(parents=True)
    (folder / FREE_EXAMPLE).write_text((REPO / "examples" / FREE_EXAMPLE).read_text(encoding="utf-8"))
    (folder / "speech.deal.yaml").write_text(speech_2023.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(folder.parent)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return folder


COVERAGE = "1 free deal(s): catalogue version 2020 is only partly encoded"


def test_free_example_is_free_on_a_partial_catalogue(contracts: Path) -> None:
    data = assess_json(contracts / FREE_EXAMPLE)
    assert data["verdict"] == "free" and data["catalogue"]["version"] == "2020"
    assert not data["catalogue"]["coverage"]["complete"]


def test_scan_text_carries_the_coverage_caveat(contracts: Path) -> None:
    code, out, _ = cli("scan", "contracts", "--fail-on", "none")
    assert code == 0
    flat = " ".join(out.split())
    assert f"! {COVERAGE}" in flat and "'free' means no encoded entry matched" in flat


def test_scan_junit_carries_the_coverage_caveat(contracts: Path) -> None:
    from xml.etree import ElementTree as ET

    _, out, _ = cli("scan", "contracts", "--format", "junit", "--fail-on", "none")
    cases = {c.get("name"): c for c in ET.fromstring(out).iter("testcase")}
    system_out = cases[f"contracts/{FREE_EXAMPLE}"].findtext("system-out") or ""
    assert "catalogue version 2020 is only partly encoded" in system_out


def test_scan_sarif_carries_coverage_help_uri_and_technology_line(contracts: Path) -> None:
    _, out, _ = cli("scan", "contracts", "--format", "sarif", "--fail-on", "none")
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    run = sarif["runs"][0]
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith(COVERAGE)
    assert run["properties"]["coverageCaveats"] == [notification["message"]["text"]]
    rules = run["tool"]["driver"]["rules"]
    assert rules and all(r["helpUri"].startswith("https://") for r in rules)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for anchor in {r["helpUri"].rsplit("#", 1)[1] for r in rules}:
        heading = anchor.replace("-", " ")
        assert re.search(rf"^## {heading}$", readme, flags=re.M | re.I), anchor
    # the speech deal's finding was first seen in its title (line 1); it belongs to `- name:` (line 9)
    (m12,) = [r for r in run["results"] if r["ruleId"] == "086501X"]
    assert m12["locations"][0]["physicalLocation"]["region"]["startLine"] == 9


def test_github_annotations_and_summary_carry_the_coverage_caveat(
    contracts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _, out, _ = cli("scan", "contracts", "--format", "github", "--fail-on", "none")
    assert f"::notice title=exportcheck%3A catalogue coverage::{COVERAGE}" in out
    assert re.search(r"::warning file=contracts/speech.deal.yaml,line=9,", out)
    assert f"> **Coverage**: {COVERAGE}" in summary.read_text(encoding="utf-8")


def test_scan_without_deal_files_passes_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.yaml").write_text("title: not a deal file name\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("scan", ".")
    assert code == 0
    assert err.startswith("notice: no deal files found, nothing was checked (patterns: **/deal.yaml")
    assert "files: 0" in out


# --- item 1: init writes a right deal ----------------------------------------------------------

ALL_OPTIONS = [
    "--title", "Licence of the ERP ledger module",
    "--date", "2024-05-01",
    "--exporter", "Example Soft (Chengdu) Co., Ltd.",
    "--exporter-country", "cn",
    "--recipient", "Example GmbH",
    "--recipient-country", "de",
    "--channel", "trade",
    "--forms", "know_how_transfer, technical_service",
    "--stage", "negotiating",
    "--technology", "ERP ledger module",
    "--description", "Source code of the general-ledger and payroll module of an ERP suite, with its database schema.",
]  # fmt: skip


def test_init_no_interactive_with_every_field_writes_a_valid_deal(
    schema: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "erp.deal.yaml"
    code, _, err = cli("init", str(path), "--no-interactive", *ALL_OPTIONS)
    assert code == 0 and err == "", err
    assert schema_errors(schema, path) == []
    deal, _ = load_deal(path)
    assert deal.date is not None and deal.date.isoformat() == "2024-05-01"
    assert deal.recipient is not None and deal.recipient.country == "DE"
    assert deal.exporter is not None and deal.exporter.name == "Example Soft (Chengdu) Co., Ltd."
    assert [f.value for f in deal.forms] == ["know_how_transfer", "technical_service"]
    assert deal.stage is not None and deal.stage.value == "negotiating"
    data = assess_json(path)
    assert data["catalogue"]["version"] == "2023"  # the deal's date, not today's


def test_init_prompts_again_until_each_answer_is_valid(schema: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "feed.deal.yaml"
    answers = [
        "Licence of the feed",
        "last spring",  # not a date: asked again
        "2020-09-10",
        "Example (Beijing) Co., Ltd.",
        "",  # the exporter country's shown default, CN
        "Acme Inc.",
        "Example Inc.",  # a company name at the country prompt: asked again
        "XX",  # not an ISO code: asked again
        "us",
        "licence",  # not a channel
        "investment",
        "sale",  # not a form
        "know_how_transfer,technical_service",
        "done",  # not a stage
        "negotiating",
        "Feed engine",
        "Source code of the personalised recommendation engine, which learns each user's preferences.",
    ]
    code, out, err = cli("init", str(path), "--interactive", stdin="\n".join(answers) + "\n")
    assert code == 0, out + err
    for complaint in [
        "'last spring' is not a date written YYYY-MM-DD",
        "'Example Inc.' is not an ISO 3166-1 alpha-2 country code",
        "'XX' is not an ISO 3166-1 alpha-2 country code",
        "'licence' is not one of trade | investment | cooperation",
        "sale: give one or more of",
        "'done' is not one of planning | negotiating | signed | performed",
    ]:
        assert complaint in out, complaint
    assert schema_errors(schema, path) == []
    data = assess_json(path)
    assert data["catalogue"]["version"] == "2020" and data["verdict"] == "licence_required"
    deal, _ = load_deal(path)
    assert deal.exporter is not None and deal.exporter.country == "CN"
    assert deal.recipient is not None and deal.recipient.country == "US"
    assert deal.channel is not None and deal.channel.value == "investment"


def test_init_stopped_at_a_prompt_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "half.deal.yaml"
    code, _, err = cli("init", str(path), "--interactive", stdin="Licence of the feed\n")
    assert code == 2 and "stopped before every question was answered; nothing written" in err
    assert "internal error" not in err and not path.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--recipient-country", "XX", "--recipient-country: 'XX' is not an ISO 3166-1 alpha-2 country code"),
        ("--recipient-country", "Acme Inc.", "--recipient-country: 'Acme Inc.' is not an ISO 3166-1"),
        ("--forms", "sale", "--forms: sale: give one or more of"),
        ("--title", "TODO: later", "--title: write the real value, not a TODO: placeholder"),
    ],
)
def test_init_refuses_a_wrong_option_and_writes_nothing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    path = tmp_path / "x.deal.yaml"
    code, _, err = cli("init", str(path), "--no-interactive", option, value)
    assert code == 2 and err.startswith(f"error: {message}")
    assert len(err.strip().splitlines()) == 1 and not path.exists()


def test_assess_refuses_an_unedited_template_in_one_line(schema: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "new.deal.yaml"
    code, _, err = cli("init", str(path), "--no-interactive", "--title", "Licence of the feed")
    assert code == 0
    assert "note: fill in what is marked TODO: (date, exporter, recipient, recipient_country, channel" in err
    assert schema_errors(schema, path) == []  # an editor shows no error; assess refuses it below
    text = path.read_text(encoding="utf-8")
    assert 'country: "US"' not in text and "TODO: ISO code" in text  # no invented recipient country
    code, out, err = cli("assess", str(path))
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: {path}:")
    assert (
        "an unedited `exportcheck init` template: replace the TODO: placeholders (date, exporter.name" in line
    )


def test_todo_in_notes_is_not_a_template(tmp_path: Path) -> None:
    path = tmp_path / "noted.deal.yaml"
    assert cli("init", str(path), "--no-interactive", *ALL_OPTIONS)[0] == 0
    with path.open("a", encoding="utf-8") as handle:
        handle.write('notes: "TODO: ask counsel about the payroll tables"\n')
    assert assess_json(path)["verdict"] in {"free", "review"}


def test_init_warns_when_scan_would_not_find_the_file(tmp_path: Path) -> None:
    code, _, err = cli("init", str(tmp_path / "y.yaml"), "--no-interactive", *ALL_OPTIONS)
    assert code == 0
    assert "note: `exportcheck scan` will not find y.yaml (default patterns: **/deal.yaml" in err
    code, _, err = cli("init", str(tmp_path / "deal.yaml"), "--no-interactive", *ALL_OPTIONS)
    assert code == 0 and err == ""


# --- item 5: help, width --------------------------------------------------------------------------


def _commands() -> list[tuple[str, ...]]:
    import click

    out: list[tuple[str, ...]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                walk(sub, (*path, name))
        else:
            out.append(path)

    walk(main, ())
    return out


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_help_has_examples_with_real_options(path: tuple[str, ...]) -> None:
    code, out, _ = cli(*path, "--help")
    assert code == 0
    assert "Example" in out and f"exportcheck {' '.join(path)}" in out.split("Example", 1)[1]
    assert "%Y" not in out
    head, examples = out.split("Example", 1)
    known = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", head))
    command = " ".join(path) + " "
    # each example is cut at the next `exportcheck ` so `assess --log F && exportcheck log verify F` is two
    ours = [seg for seg in examples.split("exportcheck ")[1:] if seg.startswith(command)]
    assert ours
    options = {o for seg in ours for o in re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", seg)}
    assert options <= known, options - known


def test_top_level_help_names_completion_and_the_readme_section() -> None:
    _, out, _ = cli("--help")
    assert "_EXPORTCHECK_COMPLETE=bash_source exportcheck" in out
    assert "Reading the output" in out
    assert re.search(r"^## Reading the output$", (REPO / "README.md").read_text(encoding="utf-8"), re.M)


def _on_a_terminal(columns: int, *args: str) -> str:
    """Run exportcheck with standard output on a pseudo-terminal `columns` wide; its output."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "EXPORTCHECK_NO_CACHE": "1", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "exportcheck", *args], stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    chunks = []
    while True:  # read while it writes: a full terminal buffer would otherwise block it
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", b"".join(chunks).decode("utf-8"))


def test_text_output_follows_the_terminal_width(tmp_path: Path) -> None:
    from rich.cells import cell_len

    deal = str(REPO / "examples" / "tiktok-recommendation-2020.deal.yaml")
    narrow = _on_a_terminal(72, "assess", deal, "--no-checklist")
    widths = [cell_len(line) for line in narrow.replace("\r", "").splitlines()]
    assert max(widths) <= 72 and max(widths) >= 60
    report = tmp_path / "report.txt"
    _on_a_terminal(72, "assess", deal, "--no-checklist", "--output", str(report))
    lines = report.read_text(encoding="utf-8").splitlines()
    assert max(cell_len(line) for line in lines) == 110  # a file keeps the fixed width


def test_voice_assistant_under_2023_names_point_18_of_2020(tmp_path: Path) -> None:
    """The issue's own case: a speech SDK under 2023 showed only 'resembles the entry's subject matter'."""
    text = (REPO / "examples" / "voice-assistant-2021.deal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "va.deal.yaml"
    path.write_text(text.replace("date: 2021-06-15", "date: 2024-06-15"), encoding="utf-8")
    data = assess_json(path)
    (m12,) = [f for f in data["findings"] if f["entry_id"] == "M12"]
    assert m12["reasons"][0].startswith(
        "control point 18 (人工智能交互界面技术) of this entry matched in the earlier version 2020; "
        "version 2023's control points are not all encoded"
    )


# --- item 5: `-` is standard input ------------------------------------------------------------------


def test_assess_and_checklist_read_standard_input() -> None:
    text = (REPO / "examples" / "tiktok-recommendation-2020.deal.yaml").read_text(encoding="utf-8")
    code, out, _ = cli("assess", "-", "--format", "json", "--output", "-", stdin=text)
    data = json.loads(out)
    assert code == 1 and data["deal_file"] == "<stdin>" and data["verdict"] == "licence_required"
    code, out, _ = cli("checklist", "-", stdin=text)
    assert code == 0 and "Deal file       <stdin>" in out


def test_standard_input_errors_name_it_and_keep_the_bound() -> None:
    code, _, err = cli("assess", "-", stdin="title: x\ntechnologies: 3\n")
    assert (
        code == 2
        and err.strip() == "error: <stdin>:2: technologies: Input should be a valid list (got int 3)"
    )
    code, _, err = cli("assess", "-", "--max-bytes", "100", stdin="title: " + "x" * 200 + "\n")
    assert code == 2 and err.strip() == (
        "error: <stdin>: input is over the limit of 100 bytes; split it or raise --max-bytes"
    )


def test_dual_use_note_is_listed_once_in_the_checklist() -> None:
    deal = str(REPO / "examples" / "rare-earth-magnet-2024.deal.yaml")
    _, out, _ = cli("checklist", deal, "--format", "json")
    items = json.loads(out)["items"]
    noted = [i["id"] for i in items if any(t.get("note") for t in i.get("triggered_by", []))]
    assert noted == ["dual_use_track"]
    dual_steps = [i for i in items if i["id"].startswith("dual_use.")]
    assert dual_steps and all(i["triggered_by"] for i in dual_steps)  # still name the finding
    _, text, _ = cli("checklist", deal)
    assert text.count("1E902.a/b") == 1 and "., " not in text


def test_scan_html_carries_the_coverage_caveat(contracts: Path) -> None:
    import html

    code, out, _ = cli("scan", "contracts", "--format", "html", "--fail-on", "none")
    assert code == 0
    assert f'<div class="flag">{html.escape(COVERAGE, quote=True)}' in out
