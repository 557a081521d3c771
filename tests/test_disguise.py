"""Disguised text never turns a controlled deal 'free' (issue: matching that holds on wording nobody
tuned it to). Every shipped example and every labelled controlled deal is disguised by each class a
person reads through: invisible characters inside words, look-alike letters from other scripts, text
reversed inside a bidi override, Chinese spaced out with ordinary, ideographic or dotted spaces, English
words broken by hyphens; and by random mixtures of them (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportcheck.catalogue import shipped_catalogue
from exportcheck.deal_loader import load_deal
from exportcheck.engine.assess import assess, select_version
from exportcheck.fold import CF_RANGES, fold
from exportcheck.models.assessment import Verdict
from exportcheck.models.deal import Deal

ROOT = Path(__file__).parent.parent
TODAY = dt.date(2026, 12, 5)
CONTROLLED = {"prohibited", "licence_required"}


def _raw(path: Path) -> dict:
    """The deal as the loader reads it (which also mends unquoted 'Co., Ltd.' names), as plain data."""
    deal, _ = load_deal(path)
    return deal.model_dump(mode="json", exclude_none=True)


def _controlled_deals() -> list[tuple[str, dict]]:
    deals = []
    for path in sorted((ROOT / "examples").glob("*.deal.yaml")):
        deals.append((path.name, _raw(path)))
    for folder in sorted((ROOT / "tests" / "data" / "labelled").iterdir()):
        if not folder.is_dir():
            continue
        expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
        for slug, exp in sorted(expected.items()):
            if exp["verdict"] in CONTROLLED:
                path = folder / "deals" / f"{slug}.deal.yaml"
                deals.append((f"{folder.name}/{slug}", _raw(path)))
    return deals


DEALS = _controlled_deals()
CAT = shipped_catalogue()


def _verdict(raw: dict) -> Verdict:
    deal = Deal.model_validate(raw)
    sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
    return assess(deal, CAT, sel, deal_file="x", today=TODAY).verdict


def _judgeable(raw: dict) -> bool:
    """A deal dated before the earliest encoded version is refused (exit 2), not judged: nothing to disguise."""
    earliest = min(v.meta.effective for v in CAT.ordered())
    return Deal.model_validate(raw).date >= earliest


DEALS = [(name, raw) for name, raw in DEALS if _judgeable(raw)]
BASELINE = {name: _verdict(raw) for name, raw in DEALS}
# the deals exportcheck judges controlled (a few labelled ones it only sends to review)
TARGETS = [(name, raw) for name, raw in DEALS if BASELINE[name] is not Verdict.FREE]

Disguise = Callable[[str, random.Random], str]
_WORD = re.compile(r"[A-Za-z]{4,}")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\u2063"]
LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "s": "ѕ"}
GAPS = [" ", "\u3000", "·", "・", " \u200b"]


def invisible(text: str, rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        w = m.group()
        k = rng.randrange(1, len(w))
        return w[:k] + rng.choice(INVISIBLE) + w[k:]

    return _WORD.sub(one, text)


def lookalike(text: str, rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        w = list(m.group())
        spots = [k for k, c in enumerate(w) if c in LOOKALIKE]
        for k in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
            w[k] = LOOKALIKE[w[k]]
        return "".join(w)

    return _WORD.sub(one, text)


def spaced_chinese(text: str, rng: random.Random) -> str:
    gap = rng.choice(GAPS)
    return _HAN.sub(lambda m: gap.join(m.group()), text)


def hyphen_broken(text: str, rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        w = m.group()
        if len(w) < 7:
            return w
        k = rng.randrange(3, len(w) - 2)
        return w[:k] + rng.choice(["-", "- ", "-\n"]) + w[k:]

    return _WORD.sub(one, text)


def bidi_reversed(text: str, rng: random.Random) -> str:
    # a reader sees the original words: the reversed run is displayed right to left
    return _WORD.sub(lambda m: "\u202e" + m.group()[::-1] + "\u202c", text)


CLASSES: dict[str, Disguise] = {
    "invisible": invisible,
    "lookalike": lookalike,
    "spaced_chinese": spaced_chinese,
    "hyphen_broken": hyphen_broken,
    "bidi_reversed": bidi_reversed,
}


def disguise_deal(raw: dict, how: Disguise, rng: random.Random) -> dict:
    out = dict(raw)
    techs = []
    for tech in raw["technologies"]:
        t = dict(tech)
        for key in ("name", "description"):
            if t.get(key):
                t[key] = how(str(t[key]), rng)
        if t.get("keywords"):
            t["keywords"] = [how(str(k), rng) for k in t["keywords"]]
        techs.append(t)
    out["technologies"] = techs
    return out


def test_there_is_something_to_disguise() -> None:
    assert len(TARGETS) >= 80


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_a_disguise_class_never_makes_a_controlled_deal_free(cls: str) -> None:
    rng = random.Random(cls)
    dropped = []
    for name, raw in TARGETS:
        got = _verdict(disguise_deal(raw, CLASSES[cls], rng))
        if got is Verdict.FREE:
            dropped.append(name)
    assert dropped == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=10_000),
    st.lists(st.sampled_from(sorted(CLASSES)), min_size=1, max_size=3, unique=True),
)
def test_mixed_disguises_never_make_a_controlled_deal_free(seed: int, classes: list[str]) -> None:
    rng = random.Random(seed)
    name, raw = TARGETS[seed % len(TARGETS)]
    # a bidi override ends at a line break, so it goes last: reversing a run that another disguise has
    # broken across lines would not display as the original words (a reader would not read them either)
    for cls in sorted(classes, key=lambda c: c == "bidi_reversed"):
        raw = disguise_deal(raw, CLASSES[cls], rng)
    assert _verdict(raw) is not Verdict.FREE, (name, classes)


def test_a_disguised_match_is_flagged_as_such() -> None:
    deal = {
        "title": "Licence",
        "date": "2024-09-10",
        "exporter": {"name": "A", "country": "CN"},
        "recipient": {"name": "B", "country": "US"},
        "technologies": [
            {"name": "Engine", "description": "Source code of the rе\u200bcommendation engine (Cyrillic е)."}
        ],
    }
    a = assess(
        Deal.model_validate(deal),
        CAT,
        select_version(CAT, deal_date=dt.date(2024, 9, 10), as_of=None, pinned=None, today=TODAY),
        deal_file="x",
        today=TODAY,
    )
    assert a.verdict is Verdict.LICENCE_REQUIRED
    flagged = [e for f in a.findings for e in f.evidence if e.disguise]
    assert flagged and {"invisible characters", "look-alike letters from another script"} <= set(
        flagged[0].disguise
    )
    assert a.disguised and "DISGUISED TEXT" in a.disguised[0]
    assert "\u200b" not in flagged[0].deal_text  # quoted back without the invisible character


def test_plain_text_is_not_flagged() -> None:
    for name, raw in TARGETS[:40]:
        deal = Deal.model_validate(raw)
        sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
        assert assess(deal, CAT, sel, deal_file="x", today=TODAY).disguised == [], name


def test_format_character_table_covers_the_running_unicode() -> None:
    import sys
    import unicodedata

    covered = {cp for a, b in CF_RANGES for cp in range(a, b + 1)}
    missing = [hex(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]
    assert set(int(m, 16) for m in missing) <= covered


def test_genuine_foreign_words_are_not_folded() -> None:
    # Russian words with letters that have no Latin look-alike stay as written
    assert fold("рекомендательная система").text == "рекомендательная система"
    assert fold("Anadolu Endüstri A.Ş.").text == "Anadolu Endüstri A.Ş."


DISGUISED_DEAL = """title: Licence of the feed engine
date: 2024-09-10
exporter: {name: "A Co.", country: CN}
recipient: {name: "B Inc.", country: US}
technologies:
  - name: Feed engine
    description: "Source code of the re\\u200bcommendation engine that learns each user's prеferences."
"""


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["assess", "deal.yaml", "--no-checklist"], "DISGUISED TEXT"),
        (["assess", "deal.yaml", "--no-checklist", "--format", "markdown"], "DISGUISED TEXT"),
        (["assess", "deal.yaml", "--no-checklist", "--format", "json"], '"disguised": ['),
        (["scan", ".", "--include", "deal.yaml"], "DISGUISED TEXT"),
        (["scan", ".", "--include", "deal.yaml", "--format", "json"], "DISGUISED TEXT"),
        (
            ["scan", ".", "--include", "deal.yaml", "--format", "sarif"],
            '"ruleId": "exportcheck/disguised-text"',
        ),
        (["scan", ".", "--include", "deal.yaml", "--format", "junit"], "DISGUISED TEXT"),
        (
            ["scan", ".", "--include", "deal.yaml", "--format", "github"],
            "title=exportcheck%3A disguised text",
        ),
    ],
)
def test_every_format_warns_of_disguised_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], expected: str
) -> None:
    from click.testing import CliRunner

    from exportcheck.cli import main

    (tmp_path / "deal.yaml").write_text(DISGUISED_DEAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert expected in result.output
