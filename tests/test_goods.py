"""Goods, not technology (issue 13): a supply or distribution contract for products made with a controlled
technology transfers none of it when it says so and no form of the deal transfers technology; the same
wording with a transfer form, or a sentence that passes know-how, stays controlled. Invented test wording
on the shipped catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from exportcheck.catalogue import shipped_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.models.assessment import Assessment, Verdict
from exportcheck.models.deal import Deal

CAT = shipped_catalogue()
TODAY = dt.date(2026, 11, 23)
SALE = (
    "Sale and delivery of sintered NdFeB permanent magnets (grade 48H) to the Buyer's drawings, with "
    "material certificates. {extra}"
)
WITHHELD = "The Seller's melting, jet milling, pressing and sintering processes remain confidential and are not disclosed."


def run(
    description: str,
    forms: list[str],
    *,
    name: str = "Magnets",
    title: str = "Magnet supply agreement",
    date: str = "2024-06-01",
    recipient: str = "US",
    keywords: list[str] | None = None,
) -> Assessment:
    deal = Deal.model_validate(
        {
            "title": title,
            "date": date,
            "exporter": {"name": "E", "country": "CN"},
            "recipient": {"name": "R", "country": recipient},
            "forms": forms,
            "technologies": [{"name": name, "description": description, "keywords": keywords or []}],
        }
    )
    sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
    return assess(deal, CAT, sel, deal_file="g.yaml", today=TODAY)


def test_goods_with_no_technology_statement_is_free_and_says_why() -> None:
    a = run(SALE.format(extra=WITHHELD), ["other"])
    assert a.verdict is Verdict.FREE
    assert any("transfers no technology" in m.reason for m in a.near_misses)


@pytest.mark.parametrize(
    ("description", "forms"),
    [
        # a form that transfers technology
        (SALE.format(extra=WITHHELD), ["other", "know_how_transfer"]),
        # a sentence that passes know-how, next to the goods
        (
            SALE.format(extra=WITHHELD + " The Seller also licenses its grain-boundary diffusion know-how."),
            ["other"],
        ),
        # goods, but no statement that technology stays behind
        (SALE.format(extra="Sintering and grain-boundary diffusion are done in Ningbo."), ["other"]),
    ],
)
def test_goods_reading_needs_every_condition(description: str, forms: list[str]) -> None:
    assert run(description, forms).verdict is not Verdict.FREE


def _drone(description: str) -> Assessment:
    return run(description, ["other"], name="植保无人机", title="经销协议", recipient="BR")


def test_chinese_goods_reading() -> None:
    goods = "销售成品植保无人机整机，经销商仅获得用户手册和固件升级包；不提供源代码、设计资料或任何制造技术。"
    assert _drone(goods).verdict is Verdict.FREE
    # 无人机 holds no negation: a sentence that passes the flight-control source code keeps the finding
    passes = "销售成品植保无人机整机；不提供任何制造技术。向经销商提供无人机飞控源代码及避障算法。"
    assert _drone(passes).verdict is Verdict.LICENCE_REQUIRED


def test_goods_framing_in_term_sheet_words() -> None:
    lta = (
        "LTA: delivery of finished, coated and magnetised NdFeB segments to drawing. The supplier's sintering "
        "parameters and alloy recipes remain confidential and are not disclosed."
    )
    assert run(lta, ["other"]).verdict is Verdict.FREE
    # the same with the recipes supplied is a transfer of the magnet-making technology
    supplied = lta.replace("remain confidential and are not disclosed", "are supplied to the buyer")
    assert run(supplied, ["other"]).verdict is not Verdict.FREE


def test_an_exception_that_lets_no_technology_through_leaves_the_statement() -> None:
    hosted = (
        "Hosted endpoint returns ranked ads per impression using our personalised CTR prediction; the customer "
        "receives API keys only. No source code, model weights or documentation beyond the public API reference "
        "are provided."
    )
    assert run(hosted, ["other"]).verdict is Verdict.FREE
    reopened = hosted.replace("beyond the public API reference", "but the model weights")
    assert run(reopened, ["other"]).verdict is not Verdict.FREE


def test_chinese_statement_written_after_the_thing() -> None:
    assert (
        _drone("经销成品植保无人机整机；飞控源代码及设计资料不对经销商或第三方披露。").verdict is Verdict.FREE
    )


def test_hosted_service_whose_technology_stays_on_our_servers() -> None:
    hosted = (
        "Subscription: the customer calls our hosted recommendation API and pays per call. Models, weights and "
        "source code stay on our servers; the customer receives API keys and ranked lists only."
    )
    assert run(hosted, ["other"]).verdict is Verdict.FREE


def test_an_operated_service_that_hands_over_nothing() -> None:
    service = (
        "Our own stations track the customer's satellite and relay its telemetry, billed pay-per-pass. No "
        "software, equipment, documents or training pass to the customer."
    )
    a = run(
        service,
        ["technical_service"],
        name="Pass-based TT&C service",
        title="Ground-station service",
        date="2023-04-25",
        recipient="CL",
    )
    assert a.verdict is Verdict.FREE


def test_a_negated_list_split_by_commas_stays_negated() -> None:
    def verdict(description: str) -> Verdict:
        title = "Framework supply agreement: sintered NdFeB rotor magnets"
        a = run(
            description, ["other"], name="Arc segments", title=title, date="2021-04-09", keywords=["NdFeB"]
        )
        return a.verdict

    text = (
        "Supply of finished, coated and magnetised arc magnets to drawing, 40 t/year. Supplier delivers "
        "material certificates only; no process data, sintering parameters or alloy recipes are disclosed."
    )
    assert verdict(text) is Verdict.FREE
    reopened = text.replace("are disclosed.", "are disclosed, but the sintering recipes are disclosed.")
    assert verdict(reopened) is not Verdict.FREE
