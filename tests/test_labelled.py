"""Regression over the labelled deal sets (tests/data/labelled): never 'free' for a controlled deal, and
verdict accuracy not below the floor reached when they were adopted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from exportcheck.catalogue import shipped_catalogue
from exportcheck.runner import Options, try_assess

LABELLED = Path(__file__).parent / "data" / "labelled"
SETS = sorted(p for p in LABELLED.iterdir() if p.is_dir())
FLOOR = 0.88  # accuracy each set reaches now (93.2-100 %) less a margin for honest disagreements
# A set kept as written after its blind first run, and not tuned on in that round: its floor is that first
# run less a margin, so a regression shows while the set still measures wording nobody fitted.
FLOORS: dict[str, float] = {}  # every set reaches the common floor after its round of fixes
CONTROLLED = {"prohibited", "licence_required"}


@pytest.mark.parametrize("folder", SETS, ids=lambda p: p.name)
def test_labelled_set(folder: Path) -> None:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert sorted(expected) == sorted(p.name.removesuffix(".deal.yaml") for p in (folder / "deals").iterdir())
    cat = shipped_catalogue()
    right, controlled_free = 0, []
    for slug, exp in sorted(expected.items()):
        path = folder / "deals" / f"{slug}.deal.yaml"
        result = try_assess(path, path.name, cat, Options())
        if result.assessment is None:
            # refused, never judged: only a date before the earliest encoded version may do that
            assert any("before the earliest encoded catalogue version" in p.message for p in result.problems)
            continue
        got = result.assessment.verdict.value
        right += got == exp["verdict"]
        if exp["verdict"] in CONTROLLED and got == "free":
            controlled_free.append(slug)
    assert controlled_free == []
    assert right / len(expected) >= FLOORS.get(folder.name, FLOOR), f"{right}/{len(expected)}"
