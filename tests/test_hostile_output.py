"""Terminal and report forgery (issue 14, item 3): one hostile deal, every output format.

tests/data/hostile/hostile.deal.yaml is a real restricted deal (M12 point 21) whose every string carries
terminal escapes, rich markup, Markdown and HTML. Every report must still say licence_required, show the
text as written, obey none of it, and stay valid JSON / SARIF / XML with the original text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from exportcheck import escape
from exportcheck.catalogue import default_root
from exportcheck.cli import main
from exportcheck.engine.prepared import cached_catalogue
from exportcheck.errors import Problem
from exportcheck.formats.assessment import render_text
from exportcheck.runner import Options, assess_deal_file

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile" / "hostile.deal.yaml"
RAW = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
TITLE = RAW["title"]
NAMES = [t["name"] for t in RAW["technologies"]]
SARIF_SCHEMA = json.loads((DATA / "sarif-2.1.0.json").read_text(encoding="utf-8"))
# A file name as hostile as the title: git and Linux allow all of it.
EVIL_NAME = "evil \x1b[2K\x1b]8;;mailto:x@y\x07[red] `|` <!-- **FREE**.deal.yaml"

# What a terminal, an editor or a browser would act on rather than show.
ACTIVE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> None:
    found = ACTIVE.search(text)
    assert found is None, (
        f"{found.group()!r} at {found.start()}: {text[max(0, found.start() - 60) : found.start() + 20]!r}"
    )


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_fixture_is_hostile() -> None:
    """Guard: the fixture really holds what the tests below claim to neutralise."""
    for needle in ("\x1b[2K", "\x1b]8;;", "\x9b", "\u202e", "\n**Verdict: FREE**", "<!--", "\a"):
        assert needle in TITLE
    assert NAMES[0] == "Recommendation engine [/]" and "[link=" in NAMES[1] and "\n|" in NAMES[1]


@pytest.mark.parametrize("explain", [[], ["--explain"]])
def test_text_report_shows_user_text_and_obeys_none_of_it(explain: list[str]) -> None:
    code, out, _ = cli("assess", str(HOSTILE), *explain)
    assert code == 1  # licence required, not a crash (rich markup `[/]` used to raise)
    inert(out)
    lines = out.splitlines()
    assert any("LICENCE REQUIRED" in line for line in lines[:3])
    assert "Recommendation engine [/]" in out.replace("\n", " ") or "engine [/]" in out
    assert "[link=https://evil.example]service[/link]" in out  # shown as written, not made a link
    assert "\\u202eEERF\\x07" in out  # a bidi override and a bell are shown, not obeyed


def test_coloured_text_report_has_only_its_own_colour_codes() -> None:
    options = Options()
    _, result = assess_deal_file(HOSTILE, EVIL_NAME, lambda: cached_catalogue(default_root()), options)
    out = render_text(result, explain=True, color=True)
    assert "\x1b[" in out  # colours are on
    inert(re.sub(r"\x1b\[[0-9;]*m", "", out))  # and SGR colour codes are all there is
    assert "\x1b]" not in out and "\x9b" not in out


def test_markdown_cannot_forge_a_line_a_row_or_a_comment() -> None:
    code, out, _ = cli("assess", str(HOSTILE), "--format", "markdown", "--explain", "--no-checklist")
    assert code == 1
    inert(out)
    lines = out.splitlines()
    assert lines[0].startswith("# exportcheck: Licence of the engine")
    assert lines[2] == "**LICENCE REQUIRED — restricted technology** (`licence_required`)"
    assert not any(line.startswith("**Verdict") for line in lines)  # the title stays on its line
    assert "<!--" not in out and "<script>" not in out
    rows = [line for line in lines if line.startswith("| ")]
    header, data = rows[0], rows[1:]
    assert len(data) == 2  # one per finding: no forged row
    unescaped = re.compile(r"(?<!\\)\|")
    assert all(len(unescaped.findall(row)) == len(unescaped.findall(header)) for row in data)
    assert "Recommendation engine \\[/\\]" in out


def test_json_keeps_the_original_text_and_is_safe_to_print() -> None:
    code, out, _ = cli("assess", str(HOSTILE), "--format", "json")
    assert code == 1
    inert(out)
    data = json.loads(out)
    assert data["deal_title"] == TITLE
    assert [t["name"] for t in data["technologies"]] == NAMES
    assert data["verdict"] == "licence_required"


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_checklist_in_every_format(fmt: str) -> None:
    code, out, _ = cli("checklist", str(HOSTILE), "--format", fmt, "--lang", "both")
    assert code == 0
    inert(out)
    if fmt == "json":
        assert json.loads(out)["deal_title"] == TITLE
        return
    first = out.splitlines()[0]
    assert "Licence of the engine" in first and "**Verdict: FREE**" not in out.splitlines()[1]
    if fmt == "markdown":
        assert "<!--" not in out and "\\*\\*Verdict: FREE\\*\\*" in first


@pytest.fixture
def hostile_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository holding the hostile deal under a hostile file name, beside an honest example."""
    (tmp_path / "contracts").mkdir()
    shutil.copy(HOSTILE, tmp_path / "contracts" / EVIL_NAME)
    shutil.copy(
        DATA.parent.parent / "examples" / "tiktok-recommendation-2020.deal.yaml", tmp_path / "contracts"
    )
    (tmp_path / "contracts" / "z [red] \x1b[31mbroken.deal.yaml").write_text("title: x\ntechnologies: 5\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scan_text_json_sarif_junit(hostile_repo: Path) -> None:
    code, out, err = cli("scan", "contracts")
    assert code == 2  # the broken file; the others are still reported
    inert(out)
    inert(err)
    assert "licence_required: 2, review: 0, free: 0, not_export: 0, errors: 1, files: 3" in out

    _, out, _ = cli("scan", "contracts", "--format", "json")
    inert(out)
    deals = {d["file"]: d for d in json.loads(out)["deals"]}
    assert deals[f"contracts/{EVIL_NAME}"]["assessment"]["deal_title"] == TITLE

    _, out, _ = cli("scan", "contracts", "--format", "sarif")
    inert(out)
    sarif = json.loads(out)
    jsonschema.validate(sarif, SARIF_SCHEMA)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    }
    assert f"contracts/{EVIL_NAME}" in uris
    assert any(NAMES[1] in r["message"]["text"] for r in sarif["runs"][0]["results"])

    _, out, _ = cli("scan", "contracts", "--format", "junit")
    inert(out)
    root = ET.fromstring(out)  # well-formed
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(names) == 3 and any(name and name.startswith("contracts/evil \\x1b[2K") for name in names)


def test_github_annotations_and_step_summary(hostile_repo: Path) -> None:
    summary = hostile_repo / "summary.md"
    _, out, _ = cli("scan", "contracts", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    inert(out)
    for line in out.splitlines():  # no line a title could have started: every one is our command
        assert re.match(r"::(error|warning|notice) file=[^:]*,line=\d+,title=[^:]*::", line), line
    text = summary.read_text(encoding="utf-8")
    inert(text)
    assert "<!--" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    unescaped = re.compile(r"(?<!\\)\|")
    assert len(rows) == 4  # the header and three files: nothing hidden, nothing forged
    assert {len(unescaped.findall(row)) for row in rows} == {6}
    assert any("<code>contracts/evil" in row and "\\`\\|\\`" in row for row in rows)


def test_error_lines_are_one_safe_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad \x1b[2J.deal.yaml"
    bad.write_text('title: x\n"titl\\e]8;;https://x\\a": 1\ntechnologies: 5\n', encoding="utf-8")
    code, out, err = cli("assess", str(bad))
    assert code == 2 and not out
    inert(err)
    assert err.count("\n") == len(err.splitlines()) and all(
        line.startswith("error: ") for line in err.splitlines()
    )
    assert "bad .deal.yaml:2: titl: unknown key" in err  # escape sequences removed, the rest shown
    assert Problem("f\x07", 3, "k\x1b[0m", "a\nb\u202e").render() == "f\\x07:3: k: a b\\u202e"


def test_escape_functions() -> None:
    hostile = "a\x1b[31mb\x1b]8;;https://x\x1b\\c\x1b]8;;\x07d\x9b2Je\rf\tg\u2028h\x00i\udcffj"
    assert escape.clean(hostile) == "abcde f g h\\x00i\\xffj"
    assert escape.clean("a\x1b]8;;no end b") == "a8;;no end b" and escape.clean("a\x9db") == "a\\x9db"
    assert escape.markup("x [/] [link=y]z[/link]") == "x \\[/] \\[link=y]z\\[/link]"
    assert escape.markdown("a\n**b** | <!-- `c`") == "a \\*\\*b\\*\\* \\| &lt;!-- \\`c\\`"
    assert escape.html('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert json.loads(escape.json_text(json.dumps(hostile, ensure_ascii=False))) == hostile
    assert escape.command("a\nb: c,d", prop=True) == "a b%3A c%2Cd"
    assert escape.xml("a\x1b\x9bb") == "a\\x1b\\x9bb"


def test_catalogue_listings_of_a_hostile_catalogue(mini_copy: Path) -> None:
    """A user's own catalogue folder is as hostile as a deal: list, show and search show it as written."""
    m1 = mini_copy / "2020" / "entries" / "M1.yaml"
    evil = '"Information processing [/] [link=https://evil.example]x[/link] \\e[2K\\e]8;;https://x\\a\\nFREE"'
    m1.write_text(
        m1.read_text(encoding="utf-8").replace("en: Information processing technology", f"en: {evil}")
    )
    for args in (["list"], ["show", "M1"], ["search", "信息处理"], ["list", "--format", "json"]):
        code, out, err = cli("catalogue", *args, "--catalogue", str(mini_copy))
        assert code == 0, err
        inert(out)
        assert "[/]" in out or args[0] == "search"  # shown as written, never parsed as markup
    listed = json.loads(out)
    assert any(row["name"]["en"].endswith("\x1b]8;;https://x\x07\nFREE") for row in listed)
