"""The deal file's `contract:` section through the real CLI: one-line errors, and the registration deadline."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.models.deal import ContractRecord, Deal

DEAL = """\
title: Licence of a warehouse-management module
date: 2026-10-01
exporter: {name: Example Software (Suzhou) Co., Ltd., country: CN}
recipient: {name: Example Logistics Sdn. Bhd., country: MY}
stage: signed
technologies:
  - name: Warehouse management module
    description: Source code of the inbound receiving, bin location and pick list module.
contract:
"""
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "free-registration-due-2026.deal.yaml"


def _write(tmp_path: Path, contract: str) -> Path:
    path = tmp_path / "deal.yaml"
    path.write_text(DEAL + contract, encoding="utf-8")
    return path


def _checklist(path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["checklist", str(path), *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("key", ["signed", "effective", "registration_date", "first_royalty_base_date"])
def test_contract_date_as_number_is_a_one_line_error(tmp_path: Path, key: str) -> None:
    path = _write(tmp_path, f"  {key}: 1759276800\n")
    code, out, err = _checklist(path)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {path}:10: contract.{key}: not a date: 1759276800; write it as YYYY-MM-DD, e.g. 2021-01-30"
    ]


def test_every_contract_problem_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "  signed: 20261001\n  payment: royalties\n  registration_number: 2026440000123\n  registraton_date: x\n",
    )
    code, out, err = _checklist(path)
    assert code == 2 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith(f"error: {path}:") for line in lines)
    assert "contract.signed: not a date: 20261001" in lines[0]
    assert "contract.payment: unknown value 'royalties'" in lines[1]
    assert "contract.registration_number: got the number 2026440000123; write the" in lines[2]
    assert "contract.registraton_date: unknown key" in lines[3]


def test_example_shows_the_last_day_then_the_overdue_warning() -> None:
    code, out, err = _checklist(EXAMPLE, "--as-of", "2026-11-23")
    assert code == 0, err
    assert "Deadline: within 60 days of the contract taking effect — last day 2026-11-30" in out
    assert "registration is overdue" not in out
    code, out, err = _checklist(EXAMPLE, "--as-of", "2026-12-01")
    assert code == 0, err
    assert "[!] contract registration is overdue: the last day was 2026-11-30" in out
    assert "[!] 1. Contract registration is overdue" in out


def test_every_contract_field_is_documented() -> None:
    for name, info in ContractRecord.model_fields.items():
        assert info.description, name
    schema = Deal.model_json_schema()
    assert schema["properties"]["contract"]["anyOf"][0]["$ref"].endswith("ContractRecord")
    assert schema["$defs"]["ContractRecord"]["additionalProperties"] is False
