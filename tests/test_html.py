"""The print-ready HTML report (issue 17, items 2 and 3): built from the shipped catalogue and examples,
checked as markup, then rendered by a real browser (Debian's headless Chromium) to PDF and PNG and read
back with poppler's `pdftotext`.

The browser tests need `chromium` and `pdftotext` (`.ci/run` installs them). Without them they are
skipped, unless EXPORTCHECK_REQUIRE_BROWSER=1 (set by `.ci/run`), where a missing browser fails the run."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.formats.html import mark

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TIKTOK = EXAMPLES / "tiktok-recommendation-2020.deal.yaml"
FREE_DUE = EXAMPLES / "free-registration-due-2026.deal.yaml"
HOSTILE = Path(__file__).parent / "data" / "hostile" / "hostile.deal.yaml"
AS_OF = "2026-12-05"
SHOW_EXAMPLES = sorted(EXAMPLES.glob("*.deal.yaml"))
# an attribute that loads or links something, inside a tag (escaped text has no raw "<")
ATTRIBUTE_URL = re.compile(r"<[^>]*\s(?:src|href|action|xlink:href|srcset)\s*=", re.I)
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
# the only elements the report writes; anything else came from user text
OWN_TAGS = {
    "html", "head", "meta", "title", "style", "body", "table", "thead", "tbody", "tr", "th", "td", "div",
    "header", "h1", "h2", "h3", "section", "ul", "ol", "li", "strong", "em", "span", "br", "code", "mark",
    "article", "p", "dl", "dt", "dd", "svg", "line", "circle", "text",
}  # fmt: skip


def pin(deal: Path) -> list[str]:
    """The 2020 deals are judged under the 2020 catalogue while deadlines are checked on AS_OF."""
    return ["--catalogue-version", "2020"] if "date: 2020-" in deal.read_text(encoding="utf-8") else []


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def report(deal: Path, tmp_path: Path, *extra: str, command: str = "assess") -> str:
    out = tmp_path / f"{deal.stem}-{command}-{'-'.join(extra) or 'en'}.html"
    code, output = run(
        command, str(deal), "--format", "html", "--as-of", AS_OF, "--output", str(out), *pin(deal), *extra
    )
    assert code in (0, 1), output
    return out.read_text(encoding="utf-8")


def hostile_deal(tmp_path: Path) -> Path:
    """A restricted deal whose title and names try to inject markup, a script and external requests."""
    text = TIKTOK.read_text(encoding="utf-8")
    title = (
        'title: "INJECT-TITLE </title></td><script>alert(1)</script><img src=http://evil.example/x.png>'
        '<b>BOLD</b><!-- hide --> <style>body{display:none}</style>"'
    )
    text = re.sub(r"^title: .*$", lambda _: title, text, count=1, flags=re.M)
    text = text.replace("name: Recommendation engine", 'name: "Engine <a href=https://evil.example>x</a>"')
    path = tmp_path / "hostile.deal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- markup ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("deal", SHOW_EXAMPLES, ids=lambda p: p.name)
def test_every_example_gives_a_self_contained_report(deal: Path, tmp_path: Path) -> None:
    html = report(deal, tmp_path, "--lang", "both")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in html
    assert "<script" not in html.lower()
    assert not ATTRIBUTE_URL.search(html)  # nothing to load or follow
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"url\(|@import", html)  # the stylesheet loads nothing either
    assert set(TAG.findall(html)) <= OWN_TAGS
    for words in ("Sign-off / 审批签字", "Prepared by / 编制人", "Reviewed by counsel / 法律顾问审核"):
        assert words in html
    # the record: the deal file's own sha256
    assert hashlib.sha256(deal.read_bytes()).hexdigest() in html
    assert "not legal advice" in html and "不构成法律意见" in html


def test_the_restricted_report_has_verdict_findings_evidence_and_checklist(tmp_path: Path) -> None:
    html = report(TIKTOK, tmp_path, "--lang", "both")
    assert "LICENCE REQUIRED — restricted technology" in html and "限制出口——需申请技术出口许可" in html
    assert 'class="banner v-licence"' in html
    assert "Example Technology (Beijing) Co., Ltd. (CN)" in html and "Example Inc. (US)" in html
    assert "2020-09-10" in html
    assert "69 of 164 entries encoded" in html  # catalogue 2020's coverage
    # the deal's words marked in the description, the catalogue wording with its fidelity and sources
    assert "<mark>personalised feed</mark>" in html
    assert "基于数据分析的个性化信息推送服务技术" in html
    assert "official wording; sources 21jingji" in html
    # checklist: tick boxes grouped by track, with who / documents / deadline / legal basis, side by side
    assert "Restricted technology: technology export licence / 限制出口的技术：技术出口许可" in html
    assert '<li class="item s-next">' in html
    for field in (
        "<dt>Who</dt>",
        "<dt>办理主体</dt>",
        "<dt>Documents</dt>",
        "<dt>Legal basis</dt>",
        "<dt>时限</dt>",
    ):
        assert field in html
    assert '<div class="bi"><div lang="en">' in html


def test_timeline_shows_the_procedure_and_today(tmp_path: Path) -> None:
    html = report(TIKTOK, tmp_path, "--lang", "both")
    svg = html[html.index("<svg") : html.index("</svg>")]
    for label in (
        "Letter of",
        "技术出口许可意向书",
        "Negotiation &amp;",
        "实质性谈判与签约",
        "技术出口许可证",
    ):
        assert label in svg
    assert "today / 今日 2026-12-05" in svg
    assert "≤ 30 working days" in svg  # the review's time limit, from the procedure data
    # free track: signing recorded in the deal, the registration's last day computed by the checklist
    free = report(FREE_DUE, tmp_path, "--lang", "en")
    svg = free[free.index("<svg") : free.index("</svg>")]
    assert "2026-10-01" in svg and "2026-11-30" in svg and "last day" in svg
    # today (2026-12-05) sits after the missed registration day, before the certificate
    xs = [float(x) for x in re.findall(r'<circle cx="(\d+)"', svg)]
    found = re.search(r'<line x1="(\d+)"[^>]*class="today"', svg)
    assert found
    today = float(found.group(1))
    assert xs[1] < today < xs[2]


def test_checklist_command_and_chinese(tmp_path: Path) -> None:
    html = report(FREE_DUE, tmp_path, "--lang", "zh", command="checklist")
    assert "自由出口——办理技术出口合同登记" in html
    assert "许可与登记事项清单" in html and "审批签字" in html
    assert "Findings" not in html and "命中条目" not in html  # the checklist command leaves the findings out
    assert '<html lang="zh-CN">' in html


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    html = report(hostile_deal(tmp_path), tmp_path, "--lang", "both")
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<!--" not in html
    assert not ATTRIBUTE_URL.search(html)  # the URLs are text, never attributes
    assert "&lt;a href=https://evil.example&gt;x&lt;/a&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert set(TAG.findall(html)) <= OWN_TAGS
    shipped = report(HOSTILE, tmp_path, "--lang", "both")  # escapes, bidi overrides, markup of every kind
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shipped)
    assert set(TAG.findall(shipped)) <= OWN_TAGS
    assert "LICENCE REQUIRED" in shipped


def test_mark_escapes_each_piece() -> None:
    assert mark("a<b>c & <b>", ["<b>"]) == "a<mark>&lt;b&gt;</mark>c &amp; <mark>&lt;b&gt;</mark>"
    assert mark("Personalised FEED", ["feed", "personalised feed"]) == "<mark>Personalised FEED</mark>"
    assert mark("İx feed", ["feed"]) == "İx <mark>feed</mark>"  # lower() changes the length: exact case
    assert mark("x", ["", " "]) == "x"


def test_report_is_deterministic(tmp_path: Path) -> None:
    assert report(TIKTOK, tmp_path, "--lang", "zh") == report(TIKTOK, tmp_path, "--lang", "zh")


def test_both_works_in_every_format() -> None:
    """`--lang both` was HTML-only; the zh branch gave the other formats both languages (Chinese first)."""
    code, output = run("assess", str(TIKTOK), "--lang", "both")
    assert code in (0, 1) and "命中条目" in output and "Findings" in output


def test_scan_summary_page(tmp_path: Path) -> None:
    out = tmp_path / "scan.html"
    code, output = run("scan", str(EXAMPLES), "--format", "html", "--as-of", AS_OF, "--output", str(out))
    assert code == 1, output
    html = out.read_text(encoding="utf-8")
    assert html.count("<tr><td><code>examples/") + html.count("<tr><td><code>") >= len(SHOW_EXAMPLES)
    # judged on AS_OF, the 2020 deal falls under catalogue 2025, where the point is 086501X point 18
    assert "tiktok-recommendation-2020.deal.yaml" in html and "086501X CP18" in html
    assert f"files: {len(SHOW_EXAMPLES)}" in html
    assert "OVERDUE" in html  # the free example's missed registration day
    assert "<script" not in html and set(TAG.findall(html)) <= OWN_TAGS


Printer = Callable[[Path, str], tuple[str, Path, Path]]

# --- a real browser -----------------------------------------------------------------------------------------

BROWSER = shutil.which("chromium")
PDFTOTEXT = shutil.which("pdftotext")
needs_browser = pytest.mark.skipif(
    not (BROWSER and PDFTOTEXT) and os.environ.get("EXPORTCHECK_REQUIRE_BROWSER") != "1",
    reason="needs Debian's chromium and poppler-utils (.ci/run installs them)",
)


def chromium(tmp_path: Path, html: Path, *args: str) -> None:
    assert BROWSER, "chromium is required (EXPORTCHECK_REQUIRE_BROWSER=1)"
    profile = tmp_path / "profile"
    command = [
        BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args, html.as_uri(),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT, "pdftotext is required (EXPORTCHECK_REQUIRE_BROWSER=1)"
    done = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printer:
    """Print a deal's report to PDF (and a PNG screenshot kept as a test artefact); the PDF's text."""
    base = tmp_path_factory.mktemp("browser")
    done: dict[tuple[Path, str], tuple[str, Path, Path]] = {}

    def _print(deal: Path, lang: str) -> tuple[str, Path, Path]:
        if (deal, lang) not in done:
            html = base / f"{deal.stem}-{lang}.html"
            code, output = run(
                "assess",
                str(deal),
                "--format",
                "html",
                "--lang",
                lang,
                "--as-of",
                AS_OF,
                "--output",
                str(html),
            )
            assert code in (0, 1), output
            pdf, png = html.with_suffix(".pdf"), html.with_suffix(".png")
            chromium(base, html, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
            chromium(base, html, "--window-size=1000,1400", "--hide-scrollbars", f"--screenshot={png}")
            done[deal, lang] = (pdf_text(pdf), png, pdf)
        return done[deal, lang]

    return _print


@needs_browser
def test_printed_report_has_verdict_checklist_and_signoff(printed: Printer) -> None:
    text, png, _ = printed(TIKTOK, "both")
    flat = re.sub(r"\s+", " ", text)
    assert "LICENCE REQUIRED — restricted technology" in flat
    assert "限制出口——需申请技术出口许可" in flat  # Chinese glyphs reached the PDF (fonts-noto-cjk)
    assert "Pause substantive negotiation now" in flat  # a checklist item
    assert "技术出口许可意向书" in flat
    tight = re.sub(r"\s+", "", text)  # table cells wrap: compare without spaces
    for words in (
        "Sign-off/审批签字",
        "Preparedby",
        "编制人",
        "Reviewedby",
        "法律顾问审核",
        "Approvedby",
        "批准人",
    ):
        assert words in tight
    assert "not legal advice" in flat
    assert re.search(r"exportcheck · 1 / \d+", flat)  # page numbers in the page margin
    # the running header repeats on every page
    assert text.count(
        "Licence of the short-video recommendation engine to a US buyer · LICENCE REQUIRED"
    ) == (text.count("\f") + (0 if text.endswith("\f") else 1))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


@needs_browser
def test_printed_report_is_a4(printed: Printer) -> None:
    _, _, pdf = printed(FREE_DUE, "zh")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, timeout=60).stdout.decode()
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info)


@needs_browser
def test_printed_chinese_report(printed: Printer) -> None:
    text, _, _ = printed(FREE_DUE, "zh")
    flat = re.sub(r"\s+", " ", text)
    assert "自由出口——办理技术出口合同登记" in flat
    assert "审批签字" in flat and "法律顾问审核" in flat
    assert "2026-11-30" in flat  # the registration's last day


@needs_browser
def test_printed_hostile_title_is_text(printed: Printer, tmp_path_factory: pytest.TempPathFactory) -> None:
    deal = hostile_deal(tmp_path_factory.mktemp("hostile"))
    text, _, _ = printed(deal, "en")
    flat = re.sub(r"\s+", " ", text)
    # the tags are printed as written: nothing was parsed, hidden or run
    assert "INJECT-TITLE </title></td><script>alert(1)</script><img src=http://evil.example/x.png>" in flat
    assert "<b>BOLD</b><!-- hide --> <style>body{display:none}</style>" in flat
    assert "LICENCE REQUIRED" in flat
