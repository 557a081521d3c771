"""scan's per-file result cache (scan_cache.py): a second scan of the same bytes with the same settings
reuses each file's piece and gives the very same report; any change of bytes, catalogue, dates or options
assesses again; hostile, planted or symlinked cache files are never used; --no-cache and
EXPORTCHECK_NO_CACHE=1 turn it off; old pieces are pruned."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import exportcheck.runner as runner
from exportcheck import cache as blobs
from exportcheck.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
posix_only = pytest.mark.skipif(not blobs.supported(), reason="the cache is off without O_NOFOLLOW/dir_fd")
pytestmark = posix_only


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPORTCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("EXPORTCHECK_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Path:
    """Every shipped example under contracts/, run from the folder holding it."""
    (tmp_path / "contracts").mkdir()
    for path in EXAMPLES.glob("*.deal.yaml"):
        shutil.copy(path, tmp_path / "contracts" / path.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def assessed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files each scan in this process really assesses (not taken from the cache)."""
    seen: list[str] = []
    real = runner.try_assess

    def counting(path, display, catalogue, options, raw=None):  # type: ignore[no-untyped-def]
        seen.append(display)
        return real(path, display, catalogue, options, raw)

    monkeypatch.setattr(runner, "try_assess", counting)
    yield seen


def scan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", "contracts", "--jobs", "1", *args])
    return result.exit_code, result.stdout, result.stderr


def results(cache: Path) -> list[Path]:
    return sorted(cache.glob("result-*.blob"))


DEALS = len(list(EXAMPLES.glob("*.deal.yaml")))


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "text", "html"])
def test_a_second_scan_reuses_every_piece_and_gives_the_same_report(
    repo: Path, cache: Path, assessed: list[str], fmt: str
) -> None:
    args = ("--format", fmt, "--as-of", "2026-11-23")
    first = scan(*args)
    assert len(assessed) == DEALS and len(results(cache)) == DEALS
    second = scan(*args)
    assert len(assessed) == DEALS  # nothing assessed again
    assert second == first
    assert scan(*args, "--no-cache") == first and len(assessed) == 2 * DEALS


def test_a_changed_file_is_assessed_again_and_only_it(repo: Path, assessed: list[str]) -> None:
    args = ("--format", "json", "--as-of", "2026-11-23", "--fail-on", "none")
    scan(*args)
    erp = repo / "contracts" / "erp-software-free-2021.deal.yaml"
    text = erp.read_text(encoding="utf-8")
    # the same deal now also transfers a recommendation engine: its verdict must change
    erp.write_text(
        text.replace(
            "technologies:",
            "technologies:\n  - name: 个性化推荐算法\n    description: 基于用户画像的个性化信息推送服务技术的源代码\n",
            1,
        ),
        encoding="utf-8",
    )
    before = len(assessed)
    code, out, _ = scan(*args)
    assert assessed[before:] == ["contracts/erp-software-free-2021.deal.yaml"]
    fresh = CliRunner().invoke(main, ["scan", "contracts", "--jobs", "1", *args, "--no-cache"])
    assert out == fresh.stdout and code == fresh.exit_code
    assert '"file": "contracts/erp-software-free-2021.deal.yaml"' in out


@pytest.mark.parametrize(
    "changed",
    [
        ("--as-of", "2021-06-01"),
        ("--strict",),
        ("--no-rulings",),
        ("--catalogue-version", "2020"),
        ("--fail-on", "prohibited"),
        ("--fail-on-deadline", "overdue"),
        ("--deadline-window", "90"),
        ("--lang", "zh"),
        ("--format", "sarif"),
        ("--max-nodes", "100000"),
        ("--sarif-output", "extra.sarif"),
    ],
)
def test_any_changed_setting_assesses_again(
    repo: Path, assessed: list[str], changed: tuple[str, ...]
) -> None:
    base = ["--format", "json", "--as-of", "2026-11-23"]
    scan(*base)
    before = len(assessed)
    args = list(base)
    if changed[0] in args:
        args[args.index(changed[0]) + 1] = changed[1]
    else:
        args += changed
    scan(*args)
    assert len(assessed) - before == DEALS


def test_another_catalogue_assesses_again(repo: Path, assessed: list[str], mini_copy: Path) -> None:
    scan("--format", "json", "--as-of", "2026-11-23")
    before = len(assessed)
    scan("--format", "json", "--as-of", "2026-11-23", "--catalogue", str(mini_copy))
    assert len(assessed) - before == DEALS


def test_the_key_holds_today_and_every_option() -> None:
    """The scan's key is made of the runner's Options whole (today included) and of the reduce's keywords
    whole: an option added later is in the key without anyone remembering to add it."""
    import datetime as dt
    from functools import partial

    from exportcheck.catalogue import shipped_catalogue
    from exportcheck.scan_cache import ResultCache

    cat = shipped_catalogue()
    reduce = partial(print, sep="x")
    today = ResultCache.for_scan(cat, runner.Options(today=dt.date(2026, 11, 23)), reduce)
    tomorrow = ResultCache.for_scan(cat, runner.Options(today=dt.date(2026, 11, 24)), reduce)
    other = ResultCache.for_scan(cat, runner.Options(today=dt.date(2026, 11, 23)), partial(print, sep="y"))
    assert today and tomorrow and other and len({today.base, tomorrow.base, other.base}) == 3
    assert today.name("a", b"x") != today.name("b", b"x") != today.name("a", b"y")
    assert ResultCache.for_scan(cat, runner.Options(), lambda r: r) is None  # settings not inspectable


def test_invalid_files_are_never_kept(repo: Path, cache: Path, assessed: list[str]) -> None:
    for f in (repo / "contracts").iterdir():
        f.unlink()
    (repo / "contracts" / "broken.deal.yaml").write_text("title: x\ntechnologies: 3\n")
    first = scan("--format", "json")
    assert first[0] == 2 and results(cache) == []
    assert scan("--format", "json") == first and len(assessed) == 2


def test_off_with_the_environment_variable(repo: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPORTCHECK_NO_CACHE", "1")
    scan("--format", "json")
    assert results(cache) == []


class Planted:
    """Unpickling this creates `marker`: proof that a cache file's code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_planted_forged_and_symlinked_pieces_are_never_used(
    repo: Path, cache: Path, tmp_path: Path, assessed: list[str]
) -> None:
    marker = tmp_path / "pwned"
    args = ("--format", "json", "--as-of", "2026-11-23")
    first = scan(*args)
    blobs_now = results(cache)
    hostile = pickle.dumps((Planted(marker),))
    elsewhere = tmp_path / "elsewhere.blob"
    fd = os.open(cache, os.O_RDONLY)
    try:
        key = blobs._mac_key(fd, create=False)
    finally:
        os.close(fd)
    assert key is not None
    for i, blob in enumerate(blobs_now):
        kind = i % 4
        if kind == 0:  # a bare pickle under the real name
            blob.write_bytes(hostile)
        elif kind == 1:  # the right header, a forged MAC
            blob.write_bytes(blobs.MAGIC + b"\0" * blobs.MAC_SIZE + hostile)
        elif kind == 2:  # validly signed for another name
            blob.write_bytes(blobs.MAGIC + blobs._mac(key, "other.blob", hostile) + hostile)
        else:  # validly signed, but reached through a symlink
            elsewhere.write_bytes(blobs.MAGIC + blobs._mac(key, blob.name, hostile) + hostile)
            os.chmod(elsewhere, 0o600)
            blob.unlink()
            blob.symlink_to(elsewhere)
        if kind != 3:
            os.chmod(blob, 0o600)
    before = len(assessed)
    assert scan(*args) == first
    assert not marker.exists()
    assert len(assessed) - before == len(blobs_now)  # every one assessed again, and kept anew
    assert not any(b.is_symlink() for b in results(cache))
    assert scan(*args) == first and len(assessed) - before == len(blobs_now)


def test_parallel_workers_use_and_fill_the_cache(repo: Path, cache: Path) -> None:
    from exportcheck.runner import PARALLEL_MIN_FILES

    for i in range(PARALLEL_MIN_FILES):
        src = sorted(EXAMPLES.glob("*.deal.yaml"))[i % DEALS]
        shutil.copy(src, repo / "contracts" / f"copy{i:03d}.deal.yaml")
    args = ("contracts", "--format", "json", "--as-of", "2026-11-23", "--jobs", "2")
    cold = CliRunner().invoke(main, ["scan", *args])
    assert len(results(cache)) == DEALS + PARALLEL_MIN_FILES
    warm = CliRunner().invoke(main, ["scan", *args])
    fresh = CliRunner().invoke(main, ["scan", *args, "--no-cache", "--jobs", "1"])
    assert cold.stdout == warm.stdout == fresh.stdout and cold.exit_code == warm.exit_code == fresh.exit_code


def test_old_pieces_are_pruned_other_kinds_kept(repo: Path, cache: Path) -> None:
    from exportcheck.scan_cache import KEEP_DAYS

    scan("--format", "json", "--as-of", "2026-11-23")
    kept = results(cache)
    catalogue_blobs = sorted(cache.glob("catalogue-*.blob"))
    old = time.time() - (KEEP_DAYS + 1) * 86400
    stale = cache / "result-0.0.0-stale.blob"
    stale.write_bytes(b"x")
    os.utime(stale, (old, old))
    for blob in (*catalogue_blobs, *kept):  # the kept pieces are reused by the scan below: touched, kept
        os.utime(blob, (old, old))
    scan("--format", "json", "--as-of", "2026-11-23")
    assert not stale.exists()
    assert results(cache) == kept and all(b.stat().st_mtime > old + 86400 for b in kept)
    assert sorted(cache.glob("catalogue-*.blob")) == catalogue_blobs
