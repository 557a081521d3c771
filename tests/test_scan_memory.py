"""A parallel scan lets go of each result once it has been read: a 50,000-deal scan must not hold them all
(peak memory < 200 MB, issue 20). Checked with weak references, not by measuring memory."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path

from exportcheck.catalogue import shipped_catalogue
from exportcheck.runner import FileResult, Options, assess_files

EXAMPLES = Path(__file__).parents[1] / "examples"


class Held:
    """What a worker hands back for one file; weakly referable, so the test sees when it is freed."""

    def __init__(self, file: str) -> None:
        self.file = file


def keep(result: FileResult) -> Held:
    return Held(result.file)


def test_parallel_results_are_released_once_read() -> None:
    cat = shipped_catalogue()
    files = sorted(EXAMPLES.glob("*.deal.yaml"))
    work = [(p, f"{i:04d}-{p.name}") for i, p in enumerate(files * (128 // len(files) + 1))][:128]
    results = assess_files(work, cat, Options(today=dt.date(2026, 11, 23)), keep, jobs=2)
    try:
        first = next(results)
        assert first.file == work[0][1]
        ref = weakref.ref(first)
        del first
        read = [next(results).file for _ in range(40)]  # well past the first chunk (8 files a chunk here)
        gc.collect()
        assert ref() is None
        assert read == [display for _path, display in work[1:41]]
    finally:
        results.close()
