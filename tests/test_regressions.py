"""Regressions found in review: contract wording that must never turn a controlled technology 'free'."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exportcheck.catalogue import shipped_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.models.assessment import Verdict
from exportcheck.models.deal import Deal

CAT = shipped_catalogue()
PARAMS = {
    "compaction density at 220 MPa": "2.62 g/cm3",
    "discharge gram capacity at 0.1C": "161 mAh/g",
    "first coulombic efficiency": "97.5 %",
}


def verdict(description: str, params: dict[str, object] | None = None) -> Verdict:
    deal = Deal.model_validate(
        {
            "title": "Cathode process licence",
            "date": "2025-09-01",
            "exporter": {"name": "E", "country": "CN"},
            "recipient": {"name": "R", "country": "HU"},
            "technologies": [
                {
                    "name": "Cathode process",
                    "description": description,
                    "parameters": PARAMS if params is None else params,
                }
            ],
        }
    )
    sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=dt.date(2026, 11, 23))
    return assess(deal, CAT, sel, deal_file="r.yaml", today=dt.date(2026, 11, 23)).verdict


@pytest.mark.parametrize(
    "description",
    [
        "Non-exclusive licence of our lithium iron phosphate cathode material preparation process.",
        "Including, without limitation, the lithium iron phosphate cathode preparation know-how.",
        "Licensor transfers with no reservation the full lithium iron phosphate cathode process.",
        "We don't charge royalties for the lithium iron phosphate cathode preparation process.",
        "不含税价款一百万元的电池用磷酸铁锂制备技术全套工艺包。",
        "不包含任何军用用途，电池用磷酸铁锂制备技术全套工艺包。",
        "不包含任何軍用用途，電池用磷酸鐵鋰製備技術全套工藝包。",
        "We license our LiFePO4 cathode preparation process free of charge to the joint venture.",
    ],
)
def test_contract_wording_is_not_a_negation(description: str) -> None:
    assert verdict(description) is Verdict.LICENCE_REQUIRED


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {
                "first coulombic efficiency": "0.975",
                "compaction density at 220 MPa": "2.62 g/cm3",
                "discharge gram capacity at 0.1C": "161 mAh/g",
            },
            Verdict.REVIEW,
        ),  # no unit: not read as 0.975 %
        (
            {
                "compaction density at 600 MPa": "2.50 g/cm3",
                "discharge gram capacity at 0.1C": "161 mAh/g",
                "first coulombic efficiency": "97.5 %",
            },
            Verdict.REVIEW,
        ),  # other pressure: not the 220 MPa value
        (
            {
                "compaction density at 220 MPa": "> 2.5 g/cm3",
                "discharge gram capacity at 0.1C": "161 mAh/g",
                "first coulombic efficiency": "97.5 %",
            },
            Verdict.REVIEW,
        ),  # a lower bound below the threshold
        (
            {
                "compaction density at 220 MPa": "> 2.6 g/cm3",
                "discharge gram capacity at 0.1C": "161 mAh/g",
                "first coulombic efficiency": "97.5 %",
            },
            Verdict.LICENCE_REQUIRED,
        ),  # lower bound above it
        (
            {
                "compaction density at 220 MPa": "2,62 g/cm3",
                "discharge gram capacity at 0.1C": "161 mAh/g",
                "first coulombic efficiency": "97,5 %",
            },
            Verdict.LICENCE_REQUIRED,  # decimal commas
        ),
        (
            {
                "compaction density at 220 MPa": "2.62 g/cm3",
                "discharge gram capacity at 0.1C": "1,610 mAh/g",
                "first coulombic efficiency": "97.5 %",
            },
            Verdict.REVIEW,  # 1.61 or 1610? ambiguous
        ),  # decimal vs thousands comma
    ],
)
def test_only_unambiguous_values_take_a_point_out(params: dict[str, object], expected: Verdict) -> None:
    desc = "Lithium iron phosphate cathode material preparation process package and know-how."
    assert verdict(desc, params) is expected


def _deal_verdict(description: str, date: str = "2024-09-01") -> Verdict:
    deal = Deal.model_validate(
        {
            "title": "Licence",
            "date": date,
            "exporter": {"name": "E", "country": "CN"},
            "recipient": {"name": "R", "country": "DE"},
            "technologies": [{"name": "Technology", "description": description}],
        }
    )
    sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=dt.date(2026, 11, 23))
    return assess(deal, CAT, sel, deal_file="r.yaml", today=dt.date(2026, 11, 23)).verdict


def test_a_motor_that_uses_ndfeb_magnets_is_not_magnet_making() -> None:
    motor = (
        "Design of a washing-machine motor that uses bought-in NdFeB magnets; stator winding and firmware."
    )
    assert _deal_verdict(motor) is Verdict.REVIEW  # a bare mention suggests, it does not decide
    making = "Sintered NdFeB magnet manufacturing know-how: strip casting, jet milling, sintering and ageing."
    assert _deal_verdict(making) is Verdict.PROHIBITED


def test_negation_reaches_into_a_parenthesis() -> None:
    ncm = (
        "Co-precipitation and calcination know-how for NCM811 layered-oxide cathode material; it contains no "
        "phosphate (LFP/LMFP) chemistry."
    )
    assert _deal_verdict(ncm, "2025-09-30") is Verdict.FREE


def test_output_does_not_depend_on_string_hashing() -> None:
    """Evidence with the same words matched both as an aid and as a legal heading (斗拱) was ordered by
    set iteration, so the JSON changed with PYTHONHASHSEED from one run to the next."""
    deal = Path(__file__).parent / "data/labelled/set4/deals/suzhou-garden-pavilion-fr-2025.deal.yaml"
    outputs = set()
    for seed in ("1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "exportcheck",
                "assess",
                str(deal),
                "--format",
                "json",
                "--as-of",
                "2026-11-23",
            ],
            capture_output=True,
            env=env,
            check=False,
        )
        assert run.returncode in (0, 1), run.stderr
        outputs.add(run.stdout)
    assert len(outputs) == 1
