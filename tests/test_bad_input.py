"""The corpus of broken and hostile deal files: each gives its documented one-line messages and exit 2.

Expected messages live in tests/data/bad/expected.yaml (`{file}` stands for the path). To regenerate after a
deliberate wording change: EXPORTCHECK_REGENERATE=1 pytest tests/test_bad_input.py, then review the diff.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from exportcheck.cli import main

BAD = Path(__file__).parent / "data" / "bad"
EXPECTED_FILE = BAD / "expected.yaml"
CASES = sorted(p for p in BAD.iterdir() if p.name.endswith(".deal.yaml"))
REGENERATE = os.environ.get("EXPORTCHECK_REGENERATE") == "1"


def _run(path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json", *extra])
    return result.exit_code, result.stdout, result.stderr


def _expected() -> dict[str, list[str]]:
    return yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8")) if EXPECTED_FILE.exists() else {}


def test_every_case_is_documented() -> None:
    if REGENERATE:
        data = {}
        for path in CASES:
            _, _, err = _run(path)
            data[path.name] = [ln.replace(str(path), "{file}") for ln in err.splitlines()]
        EXPECTED_FILE.write_text(
            yaml.safe_dump(data, allow_unicode=True, width=200, sort_keys=True), encoding="utf-8"
        )
    assert sorted(_expected()) == [p.name for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name.removesuffix(".deal.yaml"))
def test_bad_file_gives_its_message_and_exit_2(path: Path) -> None:
    tracemalloc.start()
    code, out, err = _run(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 2 and out == "", "an input error must never produce a verdict"
    lines = err.splitlines()
    assert lines == [ln.replace("{file}", str(path)) for ln in _expected()[path.name]]
    assert all(ln.startswith(f"error: {path}") for ln in lines)
    assert "Traceback" not in err
    assert peak < 200 * 1024 * 1024


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.deal.yaml"
    with path.open("w") as handle:
        handle.write("title: huge\ntechnologies:\n")
        chunk = "  - {name: t, description: source code of the module and its process know-how}\n" * 1000
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    code, out, err = _run(path)
    assert code == 2 and out == ""
    assert "over the limit of 2,097,152 bytes; split it or raise --max-bytes" in err


def test_directory_and_missing_path(tmp_path: Path) -> None:
    code, _, err = _run(tmp_path)
    assert code == 2 and err == f"error: {tmp_path}: is a directory, not a YAML file\n"
    code, _, err = _run(tmp_path / "nope.yaml")
    assert code == 2 and "cannot read: No such file or directory" in err


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root can read anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.deal.yaml"
    path.write_text("title: x\n")
    path.chmod(0)
    code, _, err = _run(path)
    assert code == 2 and "cannot read: Permission denied" in err


def test_gbk_file_reads_with_encoding() -> None:
    code, out, _ = _run(BAD / "gbk-encoded.deal.yaml", "--encoding", "gb18030", "--fail-on", "none")
    assert code == 0 and '"deal_title": "向美国客户许可推荐引擎"' in out


def test_norway_and_bom_are_valid(tmp_path: Path) -> None:
    path = tmp_path / "no.deal.yaml"
    body = "title: x\nrecipient: {name: Equinor-like ASA, country: NO}\ntechnologies:\n  - name: Engine\n"
    path.write_bytes(
        ("\ufeff" + body + "    description: Ledger software source code and payroll module.\n").encode()
    )
    code, out, _ = _run(path, "--fail-on", "none")
    assert code == 0 and '"verdict"' in out
