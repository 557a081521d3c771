"""Concept groups added in issue 13's third round, each a family of wordings rather than a phrase: breeding
stock with the animal or crop an entry names, bulk-handling machines with design work, the element named by
its symbol, leaching of ionic ore, and a fungus whose name contains another's. Invented test wording on the
shipped catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from exportcheck.catalogue import shipped_catalogue
from exportcheck.engine.assess import assess, select_version
from exportcheck.models.assessment import Assessment, Verdict
from exportcheck.models.deal import Deal

CAT = shipped_catalogue()
TODAY = dt.date(2026, 11, 23)


def run(date: str, name: str, description: str, keywords: list[str] | None = None) -> Assessment:
    deal = Deal.model_validate(
        {
            "title": "Cooperation agreement",
            "date": date,
            "exporter": {"name": "E", "country": "CN"},
            "recipient": {"name": "R", "country": "KZ"},
            "forms": ["know_how_transfer", "technical_service"],
            "technologies": [{"name": name, "description": description, "keywords": keywords or []}],
        }
    )
    sel = select_version(CAT, deal_date=deal.date, as_of=None, pinned=None, today=TODAY)
    return assess(deal, CAT, sel, deal_file="c.yaml", today=TODAY)


def entries(a: Assessment) -> set[str]:
    return {f.entry_id for f in a.findings if f.strength.value == "match"}


@pytest.mark.parametrize(
    ("date", "name", "description", "entry", "verdict"),
    [
        ("2021-05-01", "Grainage", "家蚕纯系亲本四对及其保种规程交付对方蚕种场。", "M2", Verdict.PROHIBITED),
        ("2021-05-01", "Goat herd", "Elite Alashan goat sires, frozen semen and the herd's selection index.", "M24",
         Verdict.LICENCE_REQUIRED),
        ("2024-05-01", "Seed system", "Maintainer and restorer lines for indica rice plus the seed-production SOP.",
         "M61", Verdict.LICENCE_REQUIRED),
        ("2024-05-01", "Port machines", "Design drawings and calculations for a 3,000 t/h grab ship unloader.", "M62",
         Verdict.LICENCE_REQUIRED),
        ("2021-05-01", "Glass", "Melting and annealing of Nd-doped phosphate laser glass discs.", "M7",
         Verdict.PROHIBITED),
        ("2021-05-01", "Mine", "In-situ leaching of weathered-crust ionic clay with ammonium sulphate.", "M9",
         Verdict.PROHIBITED),
    ],
)  # fmt: skip
def test_concept_families_find_the_entry(
    date: str, name: str, description: str, entry: str, verdict: Verdict
) -> None:
    a = run(date, name, description)
    assert entry in entries(a)
    assert a.verdict is verdict


def test_a_fungus_named_inside_another_is_not_read_as_it() -> None:
    militaris = run("2024-06-01", "北冬虫夏草栽培", "北冬虫夏草子实体工厂化栽培工艺及菌种扩繁。")
    assert militaris.verdict is Verdict.LICENCE_REQUIRED
    assert "M50" in entries(militaris) and "M49" not in entries(militaris)
    sinensis = run("2024-06-01", "冬虫夏草", "冬虫夏草菌种分离、纯化与人工培养工艺。")
    assert sinensis.verdict is Verdict.PROHIBITED


def test_a_heading_in_both_parts_without_known_points_goes_to_review() -> None:
    a = run("2024-05-01", "Timber hall", "斗栱、榫卯大木作营造技艺传授及歇山顶木构架设计。")
    assert a.verdict is Verdict.REVIEW
    shared = [
        f for f in a.findings if any("both the prohibited and the restricted part" in r for r in f.reasons)
    ]
    assert {f.part.value for f in shared} == {"prohibited", "restricted"}


def test_information_processing_needs_software_in_the_text() -> None:
    advice = "A written report with personalised recommendations for each member farm on irrigation timing."
    a = run("2024-05-01", "Advisory report", advice)
    assert a.verdict is Verdict.REVIEW
    assert any("names nothing the entry's technology is made of" in r for f in a.findings for r in f.reasons)
    system = advice + " The recommendation model and its source code are delivered."
    assert run("2024-05-01", "Advisory report", system).verdict is Verdict.LICENCE_REQUIRED


def test_flight_autonomy_named_by_flight_itself() -> None:
    a = run(
        "2024-05-01",
        "Flight stack",
        "Source of the flight stack: autonomous flight with route planning and obstacle avoidance.",
    )
    assert "M19" in entries(a) and a.verdict is Verdict.LICENCE_REQUIRED
    car = run(
        "2024-05-01",
        "Autopilot",
        "Source of the car autopilot: lane keeping with route planning and obstacle avoidance.",
    )
    assert "M19" not in entries(car)


def test_orbit_determination_is_a_spacecraft_function() -> None:
    a = run("2021-05-01", "测控软件", "移交测控基带设计、遥控指令注入流程及精密定轨软件源码。")
    assert "M45" in entries(a) and a.verdict is Verdict.PROHIBITED


def test_voice_capture_with_understanding_is_ai_interaction() -> None:
    a = run("2022-03-01", "遠場語音方案", "6-mic 環形陣列波束成形、喚醒詞引擎與語意理解 SDK 原始碼授權。")
    assert a.verdict is Verdict.LICENCE_REQUIRED


def test_microbial_fertiliser_in_2008_by_organism_and_function() -> None:
    a = run(
        "2020-04-15", "菌剂", "转让枯草芽孢杆菌与固氮菌生产菌株、发酵工艺及吸附载体配方，用于微生物肥生产。"
    )
    assert a.verdict is Verdict.PROHIBITED


def test_a_subject_hint_yields_to_the_entrys_scope_limit() -> None:
    a = run("2024-05-01", "CAR-T", "CRISPR knock-out in donor T cells; only somatic cells are edited.")
    assert "M60" not in {f.entry_id for f in a.findings}
    assert any(m.entry_id == "M60" for m in a.near_misses)


def test_rare_earth_separation_by_symbols_and_method() -> None:
    a = run(
        "2021-05-01",
        "SX circuit",
        "Counter-current mixer-settler cascade splitting chloride liquor into PrNd, SEG and a Tb-Dy cut; P507 "
        "saponified with ammonia; stage-by-stage parameters.",
    )
    assert "M9" in entries(a) and a.verdict is Verdict.PROHIBITED


def test_newcastle_vaccine_in_2008_by_virus_and_vaccine_making() -> None:
    a = run(
        "2020-07-15",
        "ND vaccine",
        "LaSota seed virus, SPF-egg propagation, inactivation and oil-emulsion adjuvant SOPs.",
    )
    assert "M36" in entries(a) and a.verdict is Verdict.LICENCE_REQUIRED


def test_subjects_the_2023_information_entry_is_reported_to_cover() -> None:
    ocr = run("2024-06-01", "OCR 引擎", "授权印刷体汉字 OCR 引擎源代码、版面分析与字符切分模块及训练语料。")
    assert "M12" in entries(ocr) and ocr.verdict is Verdict.LICENCE_REQUIRED
    speech = run("2024-06-01", "语音", "中文语音识别 SDK 源代码授权。")
    assert not any(
        f.entry_id == "M12" and any("hanzi" in (e.concept or "") for e in f.evidence) for f in speech.findings
    )
