"""Generate N realistic deal files for the scan benchmark, deterministic for a given seed.

    python benchmarks/generate.py OUT_DIR N [--seed 1]

Deals mix English, Simplified and Traditional Chinese, controlled and ordinary technologies, one to three
technologies each, some with threshold parameters and licence records, spread over folders the way a
contracts repository is. Every description carries deal-specific details, so no two texts are identical.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

COUNTRIES = ["US", "DE", "JP", "SG", "BR", "IN", "GB", "FR", "KR", "VN", "NO", "AE", "CN", "HU", "MX"]
TECHS = [
    ("Recommendation engine", "Source code and training pipeline of the engine that learns each user's preferences "
     "and ranks a personalised feed for {n} million users, plus {m} months of technical services."),
    ("个性化推荐系统", "提供个性化推荐算法的源代码、用户兴趣建模方法和实时计算平台的技术资料，并派{m}名工程师提供技术服务。"),
    ("語音助理", "授權語音喚醒、麥克風陣列與語音辨識引擎的原始碼，並提供{m}個月調校服務。"),
    ("Accounting ERP module", "Source code and configuration know-how of a general-ledger, invoicing and payroll "
     "module for {n} subsidiaries, plus {m} months of implementation support for the finance team."),
    ("Drone autopilot", "Flight control software with autonomous navigation, path planning and obstacle avoidance "
     "algorithms for a {n} kg airframe, delivered as source code with {m} weeks of flight-test support."),
    ("Textile dyeing process", "Reactive dyeing recipes, liquor ratios and washing-off parameters for cotton "
     "knitwear at {n} tonnes a day, with {m} weeks of commissioning support at the customer's mill."),
    ("LFP cathode process", "Process package for lithium iron phosphate cathode material at {n} kt a year: "
     "sintering profile, carbon coating, milling and quality control, {m} engineers on site."),
    ("Office HVAC controls", "Building-automation control logic for {n} variable-air-volume boxes in offices, "
     "commissioning scripts and {m} days of operator training."),
    ("钕铁硼磁体", "烧结钕铁硼磁体的制备工艺文件、配方和设备参数，年产{n}吨，并派驻{m}名工程师指导量产。"),
    ("E-commerce checkout", "Cart, checkout and payment-gateway integration module source code for {n} stores, "
     "no product recommendations included, with {m} weeks of integration support."),
    ("Injection moulding", "Mould design rules, cycle-time settings and quality plans for {n} polypropylene "
     "housings, with {m} days of process support."),
    ("Brewing recipe", "Recipes, mash schedules and fermentation profiles for {n} lager styles brewed at "
     "{m} hectolitres per batch."),
]  # fmt: skip
PARAMS = [
    {"compaction density at 220 MPa": "2.62 g/cm3", "discharge gram capacity at 0.1C": "161 mAh/g",
     "first coulombic efficiency": "97.5 %"},
    {"compaction density at 220 MPa": "2.40 g/cm3", "discharge gram capacity at 0.1C": "150 mAh/g",
     "first coulombic efficiency": "95.0 %"},
]  # fmt: skip


def deal_text(rnd: random.Random, i: int) -> str:
    techs = rnd.sample(TECHS, rnd.choice([1, 1, 1, 2, 3]))
    year = rnd.choice([2021, 2022, 2023, 2024, 2025, 2026])
    lines = [
        f"title: {json.dumps(f'Deal {i}: licence of {techs[0][0]}', ensure_ascii=False)}",
        f"date: {year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        f'exporter: {{name: "Example {i} (Shanghai) Co., Ltd.", country: CN}}',
        f"recipient: {{name: Example Partner {i}, country: {rnd.choice(COUNTRIES)}}}",
        f"channel: {rnd.choice(['trade', 'investment', 'cooperation'])}",
        "forms: [know_how_transfer, technical_service]",
        f"stage: {rnd.choice(['planning', 'negotiating', 'signed'])}",
        "technologies:",
    ]
    for name, desc in techs:
        text = desc.format(n=rnd.randint(2, 900), m=rnd.randint(1, 36))
        lines.append(f"  - name: {json.dumps(name, ensure_ascii=False)}")
        lines.append(f"    description: {json.dumps(text, ensure_ascii=False)}")
        if "LFP" in name:
            lines.append(f"    parameters: {json.dumps(rnd.choice(PARAMS))}")
    if rnd.random() < 0.1:
        lines += ["licences:", f"  - licence_number: L-{i}", "    licence_issued: 2021-01-01"]
    return "\n".join(lines) + "\n"


def generate(out: Path, n: int, seed: int = 1) -> list[Path]:
    rnd = random.Random(seed)
    paths = []
    for i in range(n):
        folder = out / f"unit{i % 50:02d}" / f"contract{i // 50:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "deal.yaml"
        path.write_text(deal_text(rnd, i), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
