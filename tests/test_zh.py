"""Chinese reports: `assess --lang zh` on every shipped example prints no English prose, `--lang both` gives
both languages, every label has its Chinese form, and the locale or .exportcheck.yaml picks the language.

English that may stay in a Chinese report: the deal's own words (title, technology names, quoted text),
codes, file paths, units, identifiers (concept groups, JSON keys), quoted catalogue terms, and the English
names of catalogue entries no source gives in Chinese. Everything else is prose and fails the test.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from exportcheck.catalogue import load_catalogue
from exportcheck.cli import main
from exportcheck.config import locale_lang
from exportcheck.formats import glossary, labels, zh, zh_errors
from exportcheck.models.assessment import Strength, Verdict
from exportcheck.models.catalogue import Part
from exportcheck.models.dual_use import MeasureStatus

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
DEALS = sorted(EXAMPLES.glob("*.deal.yaml"))
IDS = [p.name.removesuffix(".deal.yaml") for p in DEALS]

WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]|[A-Za-z]")
# quoted spans: deal words and catalogue terms as the evidence quotes them
QUOTED = re.compile(r"'(?:[^'\n]|'(?=[A-Za-z]))*'|“[^”\n]*”|\"[^\"\n]*\"|`[^`\n]*`|&quot;.*?&quot;")
ENTITY = re.compile(r"&[a-z]+;")
# identifiers and codes: concept groups, JSON keys, file paths, catalogue and control codes, units with digits
TOKEN = re.compile(r"\S*[_@/\\.0-9]\S*|--[a-z-]+")
# English the product's own name, options and units: never prose
ALLOWED = {
    "exportcheck", "explain", "strict", "as", "of", "catalogue", "status", "gaps", "dual", "use", "checked",
    "cp", "j", "x", "mpa", "wh", "kg", "mah", "g", "cm", "c", "v", "ppb", "md", "yaml",
    "mofcom", "most", "cn", "hk", "mo", "tw", "state", "secret", "sha",
}  # fmt: skip


@cache
def _english_only_names() -> frozenset[str]:
    """Words of the catalogue names no source gives in Chinese: shown as the catalogue holds them."""
    words: set[str] = set()
    cat = load_catalogue()
    for version in cat.versions.values():
        for entry in version.entries.values():
            if not entry.name.zh and entry.name.en:
                words |= {w.lower() for w in WORD.findall(entry.name.en)}
    return frozenset(words)


@cache
def _source_keys() -> frozenset[str]:
    """The source register's keys (kwongwah, mondaq …): identifiers, printed as the provenance of a finding."""
    register = yaml.safe_load((REPO / "catalogue" / "sources.yaml").read_text(encoding="utf-8"))
    keys: set[str] = set()
    for group in register.values():
        if isinstance(group, dict):
            keys |= {w.lower() for k in group for w in WORD.findall(str(k))}
    for path in (REPO / "catalogue" / "dual_use").rglob("*.yaml"):
        keys |= {w.lower() for w in re.findall(r"\b(du-[a-z-]+)", path.read_text(encoding="utf-8"))}
        keys |= {
            w.lower()
            for m in re.findall(r"sources: \[([^\]]*)\]", path.read_text(encoding="utf-8"))
            for w in WORD.findall(m)
        }
    return frozenset(keys)


def _deal_strings(path: Path) -> tuple[list[str], set[str]]:
    """Every string in the deal file, longest first, and every word in it."""
    text = path.read_text(encoding="utf-8")
    strings: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                strings.append(str(k))
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif node is not None:
            strings.append(str(node))

    walk(yaml.safe_load(text))
    strings = sorted({s.strip() for s in strings if s.strip()}, key=len, reverse=True)
    return strings, {w.lower() for w in WORD.findall(text)}


def english_prose(output: str, deal: Path | None, fragments_of: str | None = None) -> list[str]:
    """The English words of `output` that are none of the allowed kinds, in order of appearance.

    `fragments_of`: rich text folds table cells, so a word or identifier may be cut anywhere; a piece of
    a word of this text (the Markdown report of the same deal, itself checked whole) then counts as that
    word, and a piece of two letters or fewer is too short to judge."""
    strings, deal_words = _deal_strings(deal) if deal else ([], set())
    vocabulary = set(deal_words)
    if fragments_of is not None:
        vocabulary |= {w.lower() for w in re.findall(r"[A-Za-z]+", fragments_of) + WORD.findall(fragments_of)}
    for s in strings:  # the deal's own words as written, before quotes are looked for
        if len(s) > 3:
            output = output.replace(s, " ")
    output = QUOTED.sub(" ", ENTITY.sub(" ", output))
    output = TOKEN.sub(" ", output)
    found = []
    for word in WORD.findall(output):
        w = word.lower().strip("'’-")
        if not w or w in ALLOWED or w in _english_only_names() or w in _source_keys() or w in deal_words:
            continue
        if fragments_of is not None and (len(w) <= 2 or any(w in v for v in vocabulary | ALLOWED)):
            continue
        found.append(word)
    return found


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.mark.parametrize("path", DEALS, ids=IDS)
def test_assess_zh_prints_no_english_prose(path: Path) -> None:
    """Markdown whole, then rich text (folded cells) with the checklist, as `assess --lang zh` prints them."""
    md = _run("assess", str(path), "--lang", "zh", "--format", "markdown", "--explain")
    assert re.search(r"[\u4e00-\u9fff]", md)
    assert english_prose(md, path) == []
    text = _run("assess", str(path), "--lang", "zh", "--explain")
    assert english_prose(text, path, fragments_of=md) == []


@pytest.mark.parametrize("path", DEALS[:4], ids=IDS[:4])
def test_the_checker_finds_english_prose(path: Path) -> None:
    """The checker is not blind: the English report of the same deal is full of prose it flags."""
    out = _run("assess", str(path), "--lang", "en", "--format", "markdown")
    assert len(english_prose(out, path)) > 20
    # one engine sentence left untranslated among Chinese is caught
    zh_out = _run("assess", str(path), "--lang", "zh", "--format", "markdown")
    assert english_prose(zh_out + "\n- resembles the entry's subject matter\n", path) == [
        "resembles",
        "entry's",
        "subject",
        "matter",
    ]


def test_rulings_gate_and_caveats_in_chinese(tmp_path: Path) -> None:
    """Counsel's rulings (one applied, one naming no technology) read in Chinese too."""
    deal = tmp_path / "speech.deal.yaml"
    text = (EXAMPLES / "speech-synthesis-2022.deal.yaml").read_text(encoding="utf-8")
    deal.write_text(text.replace("date: 2022-03-01", "date: 2024-06-01"), encoding="utf-8")
    for tech in ("Neural TTS engine", "Neural TTS engine"):
        _run(
            "rule", str(deal), "--technology", tech, "--entry", "086501X", "--by", "A. Counsel",
            "--decision", "not_applicable", "--reason", "Concatenative prompts only", "--date", "2026-11-30",
        )  # fmt: skip
    deal.write_text(
        deal.read_text(encoding="utf-8").replace(
            "technology: Neural TTS engine", "technology: Old engine", 1
        ),
        encoding="utf-8",
    )
    md = _run("assess", str(deal), "--lang", "zh", "--format", "markdown")
    assert "门槛结论（--fail-on 据此比较）：自由出口" in md
    assert "律师判定：不适用（A. Counsel，2026-11-30；门槛已放行）" in md
    assert "未使用" in md and "交易文件中没有名为'Old engine'的技术" in md
    assert english_prose(md, deal) == []
    assert english_prose(_run("assess", str(deal), "--lang", "zh"), deal, fragments_of=md) == []


def test_lang_both_gives_each_language() -> None:
    deal = EXAMPLES / "chinese-recommendation-2021.deal.yaml"
    md = _run("assess", str(deal), "--lang", "both", "--format", "markdown")
    assert "需申请许可 / licence required" in md  # the verdict of the finding, in both
    assert "限制出口——需申请技术出口许可 / LICENCE REQUIRED — restricted technology" in md
    assert "目录版本 / Catalogue" in md
    text = _run("assess", str(deal), "--lang", "both")
    assert "限制出口——需申请技术出口许可" in text and "LICENCE REQUIRED — restricted technology" in text
    # the Chinese report comes first, then the English one
    assert text.index("命中条目") < text.index("Findings")
    checklist = _run("checklist", str(deal), "--lang", "both")
    assert "技术出口许可意向书" in checklist and "letter of intent" in checklist


def test_machine_values_stay_in_json_only() -> None:
    deal = EXAMPLES / "chinese-recommendation-2021.deal.yaml"
    md = _run("assess", str(deal), "--lang", "zh", "--format", "markdown")
    assert "licence_required" not in md and "restricted)" not in md
    assert '"verdict": "licence_required"' in _run("assess", str(deal), "--lang", "zh", "--format", "json")


def test_every_label_has_its_chinese_form() -> None:
    assert set(labels.LABELS["zh"]) == set(labels.LABELS["en"])
    assert all(v.strip() for v in labels.LABELS["zh"].values())
    for table in (labels.VERDICT["zh"], labels.NEXT_DUTY_ZH):
        assert set(table) == set(Verdict)
    assert set(glossary.VERDICT_SHORT) == set(Verdict)
    assert set(glossary.PART) == set(Part)
    assert set(glossary.STRENGTH) == set(Strength)
    assert set(glossary.MEASURE_STATUS) == set(MeasureStatus)
    assert set(zh.FIDELITY_ZH) == set(zh.Fidelity)
    # the other formatters' word tables: every entry has a Chinese form with Chinese in it
    from exportcheck.formats import catalogue, dual_use, scan_words

    tables = [
        {k: v[1] for k, v in scan_words.WORDS.items()},
        {k: v[1] for k, v in catalogue.WORDS.items()},
        {k: v[1] for k, v in catalogue.PRESENCE.items()},
        {k: v[1] for k, v in dual_use.STATUS_WORDS.items()},
        {k: v["zh"] for k, v in dual_use.HEADINGS.items()},
        dict(scan_words.DEADLINE_STATE_ZH),
        zh.RULING_STATUS,
        zh.DISGUISE_ZH,
        zh.ORIGIN_ZH,
    ]
    for table in tables:
        for key, chinese in table.items():
            assert re.search(r"[\u4e00-\u9fff]", chinese), (key, chinese)
    for term in [*glossary.TERMS.values(), *glossary.VERDICT_SHORT.values(), *glossary.PART.values()]:
        assert re.search(r"[\u4e00-\u9fff]", term.zh), term
        assert term.en and not re.search(r"[\u4e00-\u9fff]", term.en), term
        # an official term names the article whose Chinese uses it; our own words say so
        assert term.source if term.fidelity == "official" else term.fidelity == "exportcheck", term


def test_glossary_terms_are_the_reference_wording() -> None:
    """Each official term is written, character for character, in the reference's quotes of the law."""
    reference = Path("/work/shared/reference/licensing-procedure.md")
    if not reference.exists():
        pytest.skip("the shared reference is not on this machine")
    text = reference.read_text(encoding="utf-8")
    text += "".join(p.read_text(encoding="utf-8") for p in (REPO / "catalogue" / "dual_use").rglob("*.yaml"))
    for key, term in glossary.TERMS.items():
        if term.fidelity == "official":
            assert term.zh.strip("《》") in text, key


def test_every_template_translates_its_own_example() -> None:
    """Each template, filled with sample values, comes back Chinese (and never half English)."""
    sample_values = {
        "verdict": "review",
        "gate": "free",
        "old": "free",
        "status": "in_force",
        "strength": "possible",
        "part": "restricted",
        "when": "later",
    }
    for english, _ in zh.TEMPLATES:
        sample = re.sub(r"\{(\w+)\}", lambda m: sample_values.get(m.group(1), "X1"), english)
        assert zh.sentence(sample) != sample, english
        assert re.search(r"[\u4e00-\u9fff]", zh.sentence(sample)), english


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_locale_picks_the_language(env: dict[str, str], expected: str) -> None:
    assert locale_lang(env) == expected


def test_default_language_follows_locale_then_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deal = EXAMPLES / "erp-software-free-2021.deal.yaml"
    zh_env = {"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": None, "LANG": None}
    assert "自由出口" in _run("assess", str(deal), "--format", "markdown", env=zh_env)  # type: ignore[arg-type]
    en_env = {"LC_ALL": "C.UTF-8"}
    assert "FREE" in _run("assess", str(deal), "--format", "markdown", env=en_env)
    # .exportcheck.yaml's lang wins over the locale; --lang wins over both
    (tmp_path / ".exportcheck.yaml").write_text("lang: zh\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from exportcheck import cli

    cli._project_config.cache_clear()
    try:
        assert "自由出口" in _run("assess", str(deal), "--format", "markdown", env=en_env)
        assert "FREE" in _run("assess", str(deal), "--format", "markdown", "--lang", "en", env=en_env)
    finally:
        cli._project_config.cache_clear()


def test_catalogue_commands_speak_chinese() -> None:
    """catalogue show / status / list / search: labels, parts, statuses and provenance in Chinese; the
    catalogue's English renderings and exportcheck's English notes are marked as such."""
    show = _run("catalogue", "show", "056101X", "--version", "2020", "--lang", "zh")
    assert "类别：限制类" in show and "控制要点（已收录" in show and "英文（非官方）：" in show
    assert "英文译文均为非官方译文，以目录官方中文文本为准。" in show
    assert "part:" not in show and "provenance:" not in show
    status = _run("catalogue", "status", "--lang", "zh", "--as-of", "2026-01-01")
    assert "目录收录情况" in status and "两用物项管制措施" in status and "暂停实施" in status
    assert "in_force" not in status and "No version is fully encoded" not in status
    listing = _run("catalogue", "list", "--version", "2020", "--part", "prohibited", "--lang", "zh")
    assert "│ 禁止类 │" in listing and not re.search(r"│ prohibited +│", listing)
    both = _run("catalogue", "search", "激光雷达", "--lang", "both")
    assert "匹配位置 / matched in" in both
    assert "限制类 / restricted" in both


def test_scan_text_and_step_summary_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """scan --lang zh over the shipped examples: verdicts in words, totals, the overdue registration and the
    dual-use word in Chinese; the GitHub step summary too. SARIF, JUnit and annotations stay machine English."""
    monkeypatch.chdir(EXAMPLES)
    text = _run("scan", ".", "--lang", "zh", "--as-of", "2026-12-01", "--jobs", "1")
    assert "需申请许可" in text and "禁止出口：1" in text and "（两用物项）" in text
    assert "办理技术出口合同登记：已逾期" in " ".join(text.split())
    assert "licence_required" not in text and "dual-use" not in text
    names = " ".join(p.name for p in DEALS)  # long file names are cut with "…" in their column
    assert english_prose(text, None, fragments_of=names) == []
    summary = tmp_path / "summary.md"
    out = _run(
        "scan", ".", "--lang", "zh", "--as-of", "2026-12-01", "--jobs", "1", "--format", "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    md = summary.read_text(encoding="utf-8")
    assert "| 文件 | 结论 | 门槛结论 | 目录版本 | 命中条目 |" in md and "不构成技术出口" in md
    assert english_prose(md, None) == []
    assert "::error" in out  # annotations are for the CI machine: unchanged


@pytest.mark.parametrize("path", DEALS, ids=IDS)
def test_json_carries_the_chinese_of_every_sentence(path: Path) -> None:
    """--format json --lang zh: the machine fields unchanged, a `zh` object with no English prose."""
    import json

    en = json.loads(_run("assess", str(path), "--format", "json", "--lang", "en"))
    data = json.loads(_run("assess", str(path), "--format", "json", "--lang", "zh"))
    assert "zh" not in en and {k: v for k, v in data.items() if k != "zh"} == en
    zh = data["zh"]
    assert len(zh["findings"]) == len(en["findings"]) and len(zh["caveats"]) == len(en["caveats"])
    text = json.dumps(zh, ensure_ascii=False, indent=1).replace("\\n", " ")
    for key in ('"name"', '"entry"', '"control_point"', "null"):  # JSON keys and literals
        text = text.replace(key, " ")
    assert english_prose(text, path) == []


def test_errors_in_a_deal_file_are_bilingual_with_chinese(tmp_path: Path) -> None:
    """Every problem keeps its `file:line: key.path:` start and English; Chinese follows after " / "."""
    deal = tmp_path / "bad.deal.yaml"
    deal.write_text(
        "date: 2024-12-01\nexporter: {name: A, country: CN}\nrecipient: {name: B, country: XX}\n"
        "technologies:\n  - name: X\n    descriptoin: y\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["assess", str(deal), "--lang", "zh"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any(
        ":6: technologies[0].descriptoin: unknown key; did you mean 'description'? / 未知的键；是否应为'description'？"
        in x
        for x in lines
    ), lines
    assert any("title: required key is missing / 缺少必填的键" in x for x in lines), lines
    assert any("recipient.country" in x and "不是 ISO 3166-1 两字母国家代码" in x for x in lines), lines
    english = CliRunner().invoke(main, ["assess", str(deal), "--lang", "en"]).stderr
    assert "未知" not in english and "did you mean 'description'?" in english


def test_hostile_deal_text_inside_an_engine_sentence() -> None:
    """Deal text that repeats a template's own words: the sentence is read in one pass (a regular
    expression with several lazy groups backtracked for minutes on these), and the words are carried
    into the Chinese as written, never taken for the sentence's structure when that cannot parse."""
    name = "A suspended by B from " * 3000
    english = f"{name}suspended by 商务部公告 from 2025-11-10 until 2026-11-10 (inclusive)"
    chinese = zh.sentence(english)
    # the first " suspended by " is taken as the sentence's; everything written is still there, in order
    assert chinese.startswith("A经B暂停实施，期间为A suspended by B from") and chinese.endswith(
        "至2026-11-10（含当日）"
    )
    assert chinese.count("suspended by") == english.count("suspended by") - 1
    colons = "x: match -> " * 5000 + "y"
    assert zh.sentence(colons) == colons  # no template: unchanged
    label = "M9 a: b -> c"
    assert zh.sentence(f"{label}: possible -> review") == "M9 a: b -> c：可能命中 → 需人工复核"
    nested = "a transfer: " * 2000 + ": a transfer from that day needs a dual-use licence"
    assert zh.sentence(nested).endswith("自该日起的转让需申请两用物项出口许可")
    assert zh_errors.problem("unknown key; did you mean " + "'x'? " * 5000 + "'y'?") is not None
    many = "x: possible -> " * 5000
    assert zh.sentence(f"{many}review").endswith("x：可能命中 → 需人工复核")


@pytest.mark.parametrize("path", DEALS, ids=IDS)
def test_html_report_in_chinese(path: Path, tmp_path: Path) -> None:
    """`--format html --lang zh`: the page's text has no English prose; the catalogue's matching terms in
    the evidence table are shown as the catalogue writes them."""
    import html as h
    import json

    out = tmp_path / "r.html"
    _run("assess", str(path), "--format", "html", "--lang", "zh", "--output", str(out))
    page = out.read_text(encoding="utf-8")
    text = h.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<style.*?</style>", "", page, flags=re.S)))
    data = json.loads(_run("assess", str(path), "--format", "json"))
    terms = " ".join(e["term"] for f in data["findings"] for e in f["evidence"])
    terms += " " + " ".join(e["term"] for f in data["dual_use_findings"] for e in f["evidence"])
    assert english_prose(text, path, fragments_of=terms or " ") == []


def test_the_version_notice_is_english_in_english_and_official_in_both() -> None:
    """Issue 21 item 4: an English report no longer shows a Chinese-only caveat; the official text stays."""
    import json

    from click.testing import CliRunner

    from exportcheck.cli import main

    deal = str(REPO / "examples" / "tiktok-recommendation-2020.deal.yaml")
    en = CliRunner().invoke(main, ["assess", deal, "--no-checklist", "--format", "json"]).output
    caveat = next(c for c in json.loads(en)["caveats"] if "dual-use" in c)
    assert caveat.startswith("MOFCOM and MOST Announcement 2020 No. 38")
    assert "[official text: 商务部 科技部公告2020年第38号" in caveat and "纳入出口管制管理" in caveat
    zh_text = CliRunner().invoke(
        main, ["assess", deal, "--no-checklist", "--format", "markdown", "--lang", "zh"]
    )
    assert "原文：商务部 科技部公告2020年第38号" in zh_text.output
    assert "Military-civil" not in zh_text.output
