"""The audit record in every JSON assessment and the hash-chained log (issue 15), on real files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.engine.prepared import cached_catalogue
from exportcheck.procedure import default_procedure_path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TIKTOK = EXAMPLES / "tiktok-recommendation-2020.deal.yaml"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_assessment_carries_the_record() -> None:
    code, out, _ = cli("assess", str(TIKTOK), "--format", "json", "--as-of", "2021-01-15")
    assert code == 1
    record = json.loads(out)["record"]
    assert record["input_sha256"] == hashlib.sha256(TIKTOK.read_bytes()).hexdigest()
    assert record["catalogue_sha256"] == cached_catalogue().sha256
    assert record["procedure_sha256"] == hashlib.sha256(default_procedure_path().read_bytes()).hexdigest()
    assert record["catalogue_overlay_sha256"] is None
    assert record["law_date"] == "2021-01-15" and record["law_selected_by"] == "as_of"
    assert record["law_reason"] == "in force on 2021-01-15 (--as-of)"
    assert record["reference_day"] == "2021-01-15" and record["rulings_ignored"] is False
    assert record["licences"] == [
        {
            "subject": "Recommendation engine: 056101X CP21",
            "status": "missing",
            "detail": "no licence recorded in the deal file",
        }
    ]


def test_scan_json_carries_a_record_per_deal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(TIKTOK, tmp_path / "a.deal.yaml")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("scan", ".", "--format", "json")
    assert code == 1
    (deal,) = json.loads(out)["deals"]
    assert deal["assessment"]["record"]["input_sha256"] == hashlib.sha256(TIKTOK.read_bytes()).hexdigest()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A log of three assessments of shipped examples."""
    path = tmp_path / "audit.jsonl"
    for name in ("tiktok-recommendation-2020", "erp-software-free-2021", "speech-synthesis-2022"):
        code, _, err = cli(
            "assess", str(EXAMPLES / f"{name}.deal.yaml"), "--log", str(path), "--fail-on", "none"
        )
        assert code == 0, err
    return path


def verify(path: Path) -> tuple[int, str, str]:
    return cli("log", "verify", str(path))


def test_log_appends_chained_lines_and_verifies(log: Path) -> None:
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    first, second = json.loads(lines[0]), json.loads(lines[1])
    assert first["prev_sha256"] is None and first["seq"] == 0
    assert second["prev_sha256"] == hashlib.sha256(lines[0]).hexdigest() and second["seq"] == 1
    assert second["assessment"]["record"]["input_sha256"]
    assert first["assessment"]["deal_file"].endswith("tiktok-recommendation-2020.deal.yaml")
    code, out, _ = verify(log)
    assert code == 0 and "3 line(s), chain intact" in out
    assert hashlib.sha256(lines[2]).hexdigest() in out


def _rewrite(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_changed_line_is_detected(log: Path) -> None:
    lines = log.read_bytes().splitlines()
    lines[1] = lines[1].replace(b'"verdict":"free"', b'"verdict":"review"', 1)
    assert b'"verdict":"review"' in lines[1]
    _rewrite(log, lines)
    code, _, err = verify(log)
    assert code == 1 and ":3: prev_sha256: chain broken" in err


def test_removed_line_is_detected(log: Path) -> None:
    lines = log.read_bytes().splitlines()
    _rewrite(log, [lines[0], lines[2]])
    code, _, err = verify(log)
    assert code == 1 and ":2: prev_sha256: chain broken" in err and ":2: seq:" in err
    _rewrite(log, lines[1:])  # the first line removed
    code, _, err = verify(log)
    assert code == 1 and ":1: prev_sha256: chain broken" in err


def test_reordered_lines_are_detected(log: Path) -> None:
    lines = log.read_bytes().splitlines()
    _rewrite(log, [lines[0], lines[2], lines[1]])
    code, _, err = verify(log)
    assert code == 1 and ":2: prev_sha256" in err and ":3: prev_sha256" in err


def test_partial_or_foreign_lines(log: Path, tmp_path: Path) -> None:
    log.write_bytes(log.read_bytes() + b'{"log_version": 1, "seq": 3')
    code, _, err = verify(log)
    assert code == 1 and ":4: partial last line" in err
    code, _, err = cli("assess", str(TIKTOK), "--log", str(log))
    assert code == 2 and "partial line" in err
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    code, _, err = verify(other)
    assert code == 1 and ":1: not JSON" in err
    code, _, err = verify(tmp_path / "missing.jsonl")
    assert code == 2 and "cannot read" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_log_is_never_written_through_a_symlink(log: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.jsonl"
    os.symlink(log, link)
    before = log.read_bytes()
    code, _, err = cli("assess", str(TIKTOK), "--log", str(link))
    assert code == 2 and "symlink" in err
    assert log.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_log_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli("assess", str(TIKTOK), "--log", str(fifo))
    assert code == 2 and "log" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_log_verify_does_not_wait_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli("log", "verify", str(fifo))
    assert code == 2 and "not a regular file" in err
