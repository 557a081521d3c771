"""Golden run of every shipped example through the real CLI and the shipped catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from exportcheck.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = yaml.safe_load((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))
DEALS = sorted(EXAMPLES.glob("*.deal.yaml"))


def test_every_example_has_an_expectation() -> None:
    assert DEALS, "no examples found"
    assert sorted(p.name.removesuffix(".deal.yaml") for p in DEALS) == sorted(EXPECTED)


@pytest.mark.parametrize("path", DEALS, ids=lambda p: p.name.removesuffix(".deal.yaml"))
def test_example_verdict(path: Path) -> None:
    expected = EXPECTED[path.name.removesuffix(".deal.yaml")]
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json", "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == expected["verdict"]
    found = {f["code"] or f["entry_id"] for f in data["findings"]}
    assert set(expected["codes"]) <= found
    misses = {m["entry_id"] for m in data["near_misses"]}
    assert set(expected.get("near_misses", [])) <= misses
    if data["verdict"] == "free":
        assert data["catalogue"]["coverage"]["complete"] or data["caveats"], (
            "free must state the coverage gap"
        )
