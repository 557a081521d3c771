"""The CLI end to end: catalogue commands on the shipped data, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from exportcheck import __version__
from exportcheck.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and __version__ in out


def test_status_json_reports_official_and_encoded_counts() -> None:
    code, out, _ = invoke("catalogue", "status", "--format", "json")
    assert code == 0
    data = json.loads(out)
    v2020 = next(v for v in data["versions"] if v["version"] == "2020")
    assert v2020["official"] == {"entries": 164, "prohibited": 29, "restricted": 135}
    assert 0 < v2020["encoded"]["entries"] <= 164
    assert v2020["encoded"]["prohibited"] <= 29 and v2020["encoded"]["restricted"] <= 135
    assert v2020["complete"] is False


def test_status_text_is_a_table() -> None:
    code, out, _ = invoke("catalogue", "status")
    assert code == 0 and "164 (29+135)" in out


def test_show_either_code_gives_points_18_and_21() -> None:
    for code_ in ("086501X", "056101X"):
        code, out, _ = invoke("catalogue", "show", code_, "--version", "2020")
        assert code == 0
        assert "信息处理技术" in out
        assert "18. 人工智能交互界面技术" in out
        assert "21. 基于数据分析的个性化信息推送服务技术" in out
        assert "official wording" in out


def test_show_json_and_unknown_code() -> None:
    code, out, _ = invoke("catalogue", "show", "M12", "--format", "json", "--version", "2020")
    assert code == 0 and json.loads(out)[0]["entry"]["id"] == "M12"
    code, _, err = invoke("catalogue", "show", "999999X")
    assert code == 2 and "no entry with code or id '999999X'" in err


def test_search_in_three_scripts() -> None:
    for query in ("个性化信息推送", "個性化資訊推送", "recommendation"):
        code, out, _ = invoke("catalogue", "search", query, "--format", "json")
        assert code == 0
        assert any(h["id"] == "M12" for h in json.loads(out)), query


def test_list_filters() -> None:
    code, out, _ = invoke(
        "catalogue", "list", "--version", "2020", "--part", "restricted", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["part"] == "restricted" for r in rows)
    code, _, err = invoke("catalogue", "list", "--version", "1999")
    assert code == 2 and "unknown version '1999'" in err


def test_validate_shipped() -> None:
    code, out, _ = invoke("catalogue", "validate")
    assert code == 0 and out.startswith("ok:")


def test_assess_exit_codes() -> None:
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    assert invoke("assess", deal)[0] == 1
    assert invoke("assess", deal, "--fail-on", "prohibited")[0] == 0
    assert invoke("assess", deal, "--fail-on", "none")[0] == 0
    free = str(EXAMPLES / "erp-software-free-2021.deal.yaml")
    assert invoke("assess", free)[0] == 0
    assert invoke("assess", free, "--strict")[0] == 1


def test_assess_text_and_markdown() -> None:
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    _, out, _ = invoke("assess", deal, "--fail-on", "none")
    assert "LICENCE REQUIRED" in out and "not legal advice" in out and "\x1b[" not in out
    _, out, _ = invoke("assess", deal, "--format", "markdown", "--lang", "zh", "--fail-on", "none")
    assert out.startswith("# exportcheck:") and "限制出口" in out and "| 技术 |" in out


def test_assess_bad_deal_is_one_line_exit_2(write: Callable[[str, str], Path]) -> None:
    path = write(
        "deal.yaml",
        "title: x\ntechnologies:\n  - name: a\n    descripton: b\nrecipient: {name: B, country: XX}\n",
    )
    code, out, err = invoke("assess", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert f"error: {path}:4: technologies[0].descripton: unknown key; did you mean 'description'?" in lines
    assert any(":5: recipient.country:" in ln and "not an ISO 3166-1 alpha-2" in ln for ln in lines)
    assert "Traceback" not in err


def test_assess_missing_file() -> None:
    code, _, err = invoke("assess", "/nonexistent/deal.yaml")
    assert code == 2 and "cannot read" in err


def test_python_m_subprocess() -> None:
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "exportcheck", "assess", deal, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "licence_required"


def test_checklist_command_restricted_and_free() -> None:
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    code, out, _ = invoke("checklist", deal, "--format", "markdown")
    assert code == 0
    assert "- [ ]" in out and "provincial commerce department" in out and "art. 33" in out
    code, out, _ = invoke("checklist", deal, "--lang", "zh")
    assert code == 0 and "技术出口许可意向书" in out and "技术出口许可证" in out
    code, out, _ = invoke("checklist", str(EXAMPLES / "erp-software-free-2021.deal.yaml"), "--format", "json")
    assert code == 0 and "60" in out and "registration" in out.lower()


def test_assess_includes_checklist_unless_asked_not_to() -> None:
    deal = str(EXAMPLES / "tiktok-recommendation-2020.deal.yaml")
    _, out, _ = invoke("assess", deal, "--format", "json", "--fail-on", "none")
    data = json.loads(out)
    assert data["verdict"] == "licence_required" and data["checklist"]["items"]
    _, out, _ = invoke("assess", deal, "--format", "json", "--fail-on", "none", "--no-checklist")
    assert "checklist" not in json.loads(out)
    _, out, _ = invoke("assess", deal, "--fail-on", "none")
    assert "Pause substantive negotiation" in out
