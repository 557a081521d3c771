"""Measure exportcheck against a labelled set of deals (e.g. a held-out set written by others).

    python tools/evaluate.py DEALS_DIR EXPECTED.yaml [--show-misses]

EXPECTED.yaml maps a deal's slug (file name without .deal.yaml) to {verdict, entry}: `entry` is a code,
an entry ID or the entry's Chinese name expected among the findings (or null). Prints verdict accuracy, the
confusion table, how many controlled deals came out `free` (must be 0), and entry recall.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

from exportcheck.catalogue import shipped_catalogue
from exportcheck.runner import Options, try_assess

CONTROLLED = {"prohibited", "licence_required"}


_CODE = re.compile(r"\b\d{6}[JX]\b")

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("deals", type=Path)
    parser.add_argument("expected", type=Path)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    expected = yaml.safe_load(args.expected.read_text(encoding="utf-8"))
    cat = shipped_catalogue()
    right = 0
    confusion: Counter[tuple[str, str]] = Counter()
    controlled_free: list[str] = []
    entry_hits = entry_total = 0
    misses: list[str] = []
    for slug, exp in sorted(expected.items()):
        path = args.deals / f"{slug}.deal.yaml"
        result = try_assess(path, path.name, cat, Options())
        got = result.assessment.verdict.value if result.assessment else "error"
        want = exp["verdict"]
        confusion[(want, got)] += 1
        if got == want:
            right += 1
        else:
            misses.append(f"{slug}: expected {want}, got {got}")
        if want in CONTROLLED and got == "free":
            controlled_free.append(slug)
        if want in CONTROLLED and exp.get("entry"):
            entry_total += 1
            a = result.assessment
            names = set()
            if a:
                for f in a.findings:
                    names |= {f.code or "", f.entry_id, f.name.zh or ""}
            # an author's entry may carry a note: "信息处理技术 (086501X)", "中医医疗技术 (restricted entry)"
            raw = str(exp["entry"])
            wanted = {raw, raw.split(" (")[0].strip(), str(exp.get("code") or "")} | set(_CODE.findall(raw))
            if wanted & (names - {""}):
                entry_hits += 1
            else:
                misses.append(f"{slug}: expected entry {exp['entry']} not among findings")
    n = len(expected)
    print(f"deals: {n}")
    print(f"verdict accuracy: {right}/{n} = {right / n:.1%}")
    print(f"controlled deals judged free: {len(controlled_free)} {controlled_free}")
    if entry_total:
        print(f"expected entry among findings (controlled deals): {entry_hits}/{entry_total} = "
              f"{entry_hits / entry_total:.1%}")
    print("confusion (expected -> got):")
    for (want, got), k in sorted(confusion.items()):
        print(f"  {want:>16} -> {got:<16} {k}")
    if args.show_misses:
        print("\n".join(misses))
    return 0 if not controlled_free else 1


if __name__ == "__main__":
    sys.exit(main())
