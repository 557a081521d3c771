"""Speed of exportcheck as ratios against anchors measured in the same run (machines are noisy).

    python benchmarks/run.py [--quick] [--runs 15]

Start-up: median wall time of `exportcheck assess examples/tiktok-recommendation-2020.deal.yaml`, with
`--format json` and as text, against the floor of the mandated stack, `python -c "import click, yaml,
pydantic; pydantic.BaseModel"`, and (as context) yamllint on the same file; the commands take turns, so a
slow spell of the machine hits all of them. Batch: `exportcheck scan --jobs 2` over 10,000 generated deals
against the floor of parsing the same files with PyYAML's C loader in one process; deals per second;
scaling (CPU time per deal, which neighbours on a shared machine do not inflate) at 1,000 / 10,000 / 50,000
deals (--quick: 1,000 / 5,000); peak memory of the 10,000-deal scan
(5,000 with --quick), and the same scan in one process (--no-cache) for comparison.
Cold and warm scans: the run has a cache folder of its own (EXPORTCHECK_CACHE_DIR, the catalogue warmed
in it first); each size's first scan is cold (no file's result kept yet: it assesses every deal and keeps
each result, as a CI's first run does), and at 10,000 deals (5,000) the same scan again is warm (every
result reused). The scan target is judged on the cold scan; the warm one is reported beside it.
Exits 1 when a target is missed:
  assess --format json <= 1.5 x the stack floor, text <= 1.7 x; cold scan <= 2.0 x the parse floor on 2
  processes; linear scaling (per-deal CPU time at the largest size within 1.25 x that at the smallest); peak
  memory < 200 MB.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
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


def median_walls(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command; the commands take turns, run after run."""
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def parse_floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def scan(folder: Path, jobs: int | None = None, cache: bool = True) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, all processes) and peak RSS (KiB, the largest single process:
    the scan's own or one of its workers) of one scan in a child process; `cache`: False adds --no-cache."""
    cmd = (
        [
            tool("exportcheck"),
            "scan",
            str(folder),
            "--format",
            "json",
            "--fail-on",
            "none",
            "--output",
            str(folder.parent / "report.json"),  # a regular file: scan refuses to write to a device
        ]
        + (["--jobs", str(jobs)] if jobs else [])
        + ([] if cache else ["--no-cache"])
    )
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
    # a cache folder of the run's own: cold scans find no result kept by an earlier run, and the user's
    # cache is left alone (the catalogue is cached in it below, before anything is timed)
    cache_home = tempfile.mkdtemp(prefix="exportcheck-bench-cache-")
    os.environ["EXPORTCHECK_CACHE_DIR"] = cache_home
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.platform()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )

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
    walls = median_walls(
        {
            "json": [tool("exportcheck"), "assess", str(EXAMPLE), "--format", "json"],
            "text": [tool("exportcheck"), "assess", str(EXAMPLE)],
            "floor": [sys.executable, "-c", "import click, yaml, pydantic; pydantic.BaseModel"],
            "yamllint": [tool("yamllint"), str(EXAMPLE)],
            "python": [sys.executable, "-c", "pass"],
        },
        args.runs,
    )
    stack = walls["floor"]
    print(
        f'anchors: stack floor (python -c "import click, yaml, pydantic; pydantic.BaseModel") '
        f"{stack * 1000:.0f} ms; yamllint {walls['yamllint'] * 1000:.0f} ms; python -c pass "
        f"{walls['python'] * 1000:.0f} ms"
    )
    for name, target in (("json", 1.5), ("text", 1.7)):
        ratio = walls[name] / stack
        label = "assess --format json" if name == "json" else "assess (text)"
        print(
            f"start-up: {label} {walls[name] * 1000:.0f} ms -> {ratio:.2f} x the stack floor (target <= "
            f"{target}), {walls[name] / walls['yamllint']:.2f} x yamllint"
        )
        if ratio > target:
            failures.append(f"{label} start-up {ratio:.2f} x the stack floor > {target}")

    sizes = [1000, 5000] if args.quick else [1000, 10000, 50000]
    jobs = 2  # the target is set for two processes, whatever this machine has
    per_deal: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"d{n}"
            files = generate(folder, n)
            floor = parse_floor(files)
            wall, cpu, rss = scan(folder, jobs)  # cold: no result of these files kept yet
            # scaling is judged on CPU time: on a shared machine the wall time also measures the neighbours
            per_deal[n] = cpu / n
            line = (
                f"scan {n:>6} deals, cold: {wall:7.2f} s ({n / wall:,.0f} deals/s, CPU {cpu:.2f} s in {jobs} "
                f"processes, {cpu / n * 1000:.2f} ms a deal); parse floor {floor:.2f} s -> ratio "
                f"{wall / floor:.1f} (target <= 2.0; CPU / {jobs} / floor {cpu / jobs / floor:.1f}); "
                f"peak memory {rss / 1024:.0f} MB"
            )
            print(line)
            if n == (5000 if args.quick else 10000):
                warm, warm_cpu, warm_rss = scan(folder, jobs)
                print(
                    f"  the same scan again, warm (every result kept): {warm:.2f} s ({n / warm:,.0f} deals/s, "
                    f"CPU {warm_cpu:.2f} s, {warm_cpu / n * 1000:.3f} ms a deal) -> ratio {warm / floor:.2f} "
                    f"(CPU / {jobs} / floor {warm_cpu / jobs / floor:.2f}); peak memory {warm_rss / 1024:.0f} MB"
                )
                one, one_cpu, _ = scan(folder, jobs=1, cache=False)
                print(
                    f"  the same scan in one process (--jobs 1 --no-cache): {one:.2f} s (CPU {one_cpu:.2f} s) "
                    f"-> ratio {one / floor:.1f}"
                )
                if wall / floor > 2.0:
                    failures.append(f"cold scan ratio {wall / floor:.1f} > 2.0 at {n} deals")
                if max(rss, warm_rss) / 1024 >= 200:
                    failures.append(f"peak memory {max(rss, warm_rss) / 1024:.0f} MB >= 200 MB at {n} deals")
            shutil.rmtree(folder)
    growth = per_deal[sizes[-1]] / per_deal[sizes[0]]
    print(
        f"scaling: per-deal CPU time at {sizes[-1]:,} is {growth:.2f} x that at {sizes[0]:,} (target <= 1.25)"
    )
    if growth > 1.25:
        failures.append(f"per-deal CPU time grows {growth:.2f} x")
    shutil.rmtree(cache_home, ignore_errors=True)
    for f in failures:
        print(f"MISSED: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
