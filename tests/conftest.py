"""Shared fixtures: the tiny synthetic catalogue and helpers that write real YAML files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from exportcheck.catalogue import Catalogue, load_catalogue

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mini() -> Catalogue:
    return load_catalogue(DATA / "mini")


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini catalogue, for tests that break it."""
    target = tmp_path / "cat"
    shutil.copytree(DATA / "mini", target)
    return target


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's real cache folder from the tests."""
    import os

    os.environ["EXPORTCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    # the report language follows the locale: tests that expect English must not depend on the machine's
    os.environ["LC_ALL"] = "C.UTF-8"
