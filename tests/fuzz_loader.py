"""Fuzzing harness for the deal loader: bytes in, either a Deal or an InputError out; anything else is a bug.

CI runs it for a bounded time through tests/test_fuzz.py. Locally, run longer with e.g.
EXPORTCHECK_FUZZ_EXAMPLES=200000 pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from exportcheck.deal_loader import load_deal
from exportcheck.errors import InputError
from exportcheck.yamlsafe import Limits

LIMITS = Limits(max_bytes=64 * 1024, max_nodes=10_000, max_depth=30)

SEEDS = [
    b"title: x\ntechnologies:\n  - name: a\n    description: b\n",
    b"title: x\nrecipient: {name: A, country: NO}\ntechnologies: [{name: a}]\n",
    b"a: &a [1, 2]\nb: *a\n",
    b"\xef\xbb\xbftitle: \xe6\xb5\x8b\n",
    b"title: [\n",
    b"- x\n- y\n",
    b"date: 2020-02-30\n",
    b"title: x\ntechnologies:\n  - name: a\n    parameters: {p: '2.6 g/cc'}\n",
]


def check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.deal.yaml"
        path.write_bytes(data)
        try:
            load_deal(path, "fuzz.deal.yaml", LIMITS)
        except InputError as exc:
            lines = exc.lines()
            assert lines, "an InputError must say something"
            assert all(ln.startswith("fuzz.deal.yaml") for ln in lines), lines
            assert all("\n" not in ln for ln in lines), lines
