"""Speed of exportcheck as ratios against reference runs measured in the same process (noisy machines).

    python benchmarks/run.py [--quick] [--runs 15]

Start-up: median wall time of `exportcheck assess examples/tiktok-recommendation-2020.deal.yaml --format
json` against `yamllint` on the same file and against `python -c pass`. Batch: `exportcheck scan` over
10,000 generated deals against the floor of parsing the same files with PyYAML's C loader in one process;
deals per second; scaling at 1,000 / 10,000 / 50,000 deals (--quick: 1,000 / 5,000); peak memory of the
10,000-deal scan, and the same scan in one process for comparison (scan uses every CPU by default).
Exits 1 when a target is missed:
  start-up ratio vs yamllint <= 1.0; scan <= 1.5 x the parse floor; linear scaling (per-deal time at the
  largest size within 1.25 x that at the smallest); peak memory < 200 MB.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tiktok-recommendation-2020.deal.yaml"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        sys.exit(f"benchmark needs {name!r}: pip install '.[bench]'")
    return found


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def scan(folder: Path, jobs: int | None = None) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, all processes) and peak RSS (KiB, the largest single process:
    the scan's own or one of its workers) of one scan in a child process."""
    cmd = [
        tool("exportcheck"),
        "scan",
        str(folder),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--output",
        os.devnull,
    ] + (["--jobs", str(jobs)] if jobs else [])
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"subprocess.run({cmd!r}, check=False); w = time.perf_counter() - t; "
        "r = resource.getrusage(resource.RUSAGE_CHILDREN); print(w, r.ru_utime + r.ru_stime, r.ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller batches (1,000 and 5,000 deals)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    failures: list[str] = []
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")

    # pip byte-compiles an installed package; an editable install with PYTHONDONTWRITEBYTECODE set (as on
    # some CI machines) would compile exportcheck's modules from source on every run, which no user sees
    package = subprocess.run(
        [sys.executable, "-c", "import exportcheck, os; print(os.path.dirname(exportcheck.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    compileall.compile_dir(package, quiet=1)
    # warm the catalogue cache once: start-up is what a user sees on every run after the first
    subprocess.run(
        [tool("exportcheck"), "assess", str(EXAMPLE), "--format", "json"],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    ours = median_wall([tool("exportcheck"), "assess", str(EXAMPLE), "--format", "json"], args.runs)
    lint = median_wall([tool("yamllint"), str(EXAMPLE)], args.runs)
    bare = median_wall([sys.executable, "-c", "pass"], args.runs)
    # what the mandated stack costs before any work: importing pydantic's BaseModel, and the base imports
    pyd = median_wall([sys.executable, "-c", "from pydantic import BaseModel"], args.runs)
    base = median_wall(
        [sys.executable, "-c", "import click, yaml, pydantic; from pydantic import BaseModel"], args.runs
    )
    ratio = ours / lint
    print(
        f"start-up: assess {ours * 1000:.0f} ms, yamllint {lint * 1000:.0f} ms, python -c pass "
        f"{bare * 1000:.0f} ms -> ratio vs yamllint {ratio:.2f} (target <= 1.0), vs python {ours / bare:.1f}"
    )
    print(
        f"  floor of the stack: python + pydantic BaseModel import {pyd * 1000:.0f} ms "
        f"({pyd / lint:.2f} x yamllint); + click and PyYAML {base * 1000:.0f} ms ({base / lint:.2f} x yamllint)"
    )
    if ratio > 1.0:
        failures.append(f"start-up ratio {ratio:.2f} > 1.0")

    sizes = [1000, 5000] if args.quick else [1000, 10000, 50000]
    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    per_deal: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"d{n}"
            files = generate(folder, n)
            floor = parse_floor(files)
            wall, cpu, rss = scan(folder)
            per_deal[n] = wall / n
            line = (
                f"scan {n:>6} deals: {wall:7.2f} s ({n / wall:,.0f} deals/s, CPU {cpu:.2f} s in {jobs} "
                f"processes); parse floor {floor:.2f} s -> ratio {wall / floor:.1f} (target <= 1.5); "
                f"peak memory {rss / 1024:.0f} MB"
            )
            print(line)
            if n == (5000 if args.quick else 10000):
                one, _, _ = scan(folder, jobs=1)
                print(f"  same scan in one process (--jobs 1): {one:.2f} s -> ratio {one / floor:.1f}")
                if wall / floor > 1.5:
                    failures.append(f"scan ratio {wall / floor:.1f} > 1.5 at {n} deals")
                if rss / 1024 >= 200:
                    failures.append(f"peak memory {rss / 1024:.0f} MB >= 200 MB at {n} deals")
            shutil.rmtree(folder)
    growth = per_deal[sizes[-1]] / per_deal[sizes[0]]
    print(f"scaling: per-deal time at {sizes[-1]:,} is {growth:.2f} x that at {sizes[0]:,} (target <= 1.25)")
    if growth > 1.25:
        failures.append(f"per-deal time grows {growth:.2f} x")
    for f in failures:
        print(f"MISSED: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
