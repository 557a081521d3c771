"""Property-based tests (hypothesis) over the deal model, the normaliser and the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportcheck.catalogue import load_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.errors import InputError
from exportcheck.models.assessment import Verdict
from exportcheck.models.deal import Deal
from exportcheck.normalize import normalise, normalise_term
from exportcheck.yamlsafe import Limits, load_yaml

MINI = load_catalogue(Path(__file__).parent / "data" / "mini")
TODAY = dt.date(2026, 11, 23)
TO_TRADITIONAL = opencc.OpenCC("s2t")

# Words drawn from the catalogue's world and from ordinary deals, so that matches actually happen.
VOCAB = [
    "推荐算法",
    "个性化推荐",
    "用户画像",
    "源代码",
    "训练流程",
    "蚕遗传资源",
    "杂交一代",
    "磷酸铁锂",
    "植物生长调节剂",
    "机器翻译",
    "recommendation engine",
    "user preference",
    "feed",
    "text-to-speech",
    "lithium iron phosphate",
    "source code",
    "know-how",
    "payroll",
    "ledger",
    "design documents",
    "technical services",
    "ＦＵＬＬ－ＷＩＤＴＨ",
    "the",
    "and",
    "，",
    "。",
    "(",
    ")",
]
text = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=12).map(" ".join)
technology = st.fixed_dictionaries(
    {"name": st.sampled_from(VOCAB).filter(lambda s: s.strip()), "description": text},
    optional={
        "keywords": st.lists(st.sampled_from(VOCAB), max_size=3),
        "parameters": st.dictionaries(
            st.sampled_from(["压实密度", "gram capacity", "other"]),
            st.sampled_from(["2.7 g/cm3", "2.4 g/cc", "161 mAh/g", "12", "abc"]),
            max_size=2,
        ),
    },
)
deal = st.fixed_dictionaries(
    {
        "title": st.just("property deal"),
        "date": st.dates(min_value=dt.date(2020, 8, 28), max_value=dt.date(2026, 12, 31)),
        "technologies": st.lists(technology, min_size=1, max_size=4),
        "recipient": st.fixed_dictionaries(
            {"name": st.just("R"), "country": st.sampled_from(["US", "CN", "NO", "HK"])}
        ),
        "exporter": st.just({"name": "E", "country": "CN"}),
    }
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assess(data: dict) -> object:  # type: ignore[type-arg]
    d = Deal.model_validate(data)
    sel = select_version(MINI, deal_date=d.date, as_of=None, pinned=None, today=TODAY)
    return assess(d, MINI, sel, deal_file="p.yaml", today=TODAY)


@FAST
@given(deal)
def test_any_valid_deal_gets_a_verdict(data: dict) -> None:  # type: ignore[type-arg]
    result = _assess(data)
    assert result.verdict in set(Verdict)  # type: ignore[attr-defined]


@FAST
@given(deal)
def test_output_is_byte_identical_across_runs(data: dict) -> None:  # type: ignore[type-arg]
    assert _assess(data).model_dump_json() == _assess(data).model_dump_json()  # type: ignore[attr-defined]


@FAST
@given(deal, st.randoms())
def test_verdict_independent_of_technology_order(data: dict, rnd) -> None:  # type: ignore[no-untyped-def,type-arg]
    shuffled = dict(data, technologies=list(data["technologies"]))
    rnd.shuffle(shuffled["technologies"])
    a, b = _assess(data), _assess(shuffled)
    assert a.verdict is b.verdict  # type: ignore[attr-defined]
    key = lambda r: sorted((f.entry_id, f.control_point or "", f.strength, f.outcome) for f in r.findings)  # noqa: E731
    assert key(a) == key(b)


@FAST
@given(deal)
def test_traditional_script_gives_the_same_verdict(data: dict) -> None:  # type: ignore[type-arg]
    trad = dict(
        data,
        technologies=[
            {
                **t,
                "name": TO_TRADITIONAL.convert(t["name"]),
                "description": TO_TRADITIONAL.convert(t["description"]),
            }
            for t in data["technologies"]
        ],
    )
    a, b = _assess(data), _assess(trad)
    assert a.verdict is b.verdict  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_is_idempotent(s: str) -> None:
    once = normalise_term(s)
    assert normalise_term(once) == once
    n = normalise(s)
    assert len(n.spans) == len(n.text)
    for a, b in n.spans:
        assert 0 <= a <= b <= len(s)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_loader_never_crashes_on_arbitrary_text(s: str) -> None:
    """Fuzz the YAML layer: any text either loads or raises InputError with file and message."""
    try:
        load_yaml(s, "fuzz.yaml", Limits(max_nodes=5_000))
    except InputError as exc:
        assert exc.lines() and all(ln.startswith("fuzz.yaml") for ln in exc.lines())
