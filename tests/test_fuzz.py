"""Bounded fuzzing of the deal loader (hypothesis-driven; see tests/fuzz_loader.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz_loader import SEEDS, check

EXAMPLES = int(os.environ.get("EXPORTCHECK_FUZZ_EXAMPLES", "400"))

# Mutations of valid deals find more than random bytes: splice seeds with random bytes.
mutated = st.tuples(st.sampled_from(SEEDS), st.binary(max_size=64), st.integers(0, 200)).map(
    lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=512), mutated))
@example(b"\x00")
@example(b"\xff\xfe\x00t\x00i")
def test_loader_survives_arbitrary_bytes(data: bytes) -> None:
    check(data)
