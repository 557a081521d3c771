"""The per-user catalogue cache: used when current, rebuilt when the catalogue changes, never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.catalogue_cache import cache_dir, cached_catalogue


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPORTCHECK_CACHE_DIR", str(folder))
    return folder


def test_second_load_comes_from_the_cache(mini_copy: Path, cache: Path) -> None:
    first = cached_catalogue(mini_copy)
    files = list(cache.glob("*.pickle"))
    assert len(files) == 1 and cache_dir() == cache
    second = cached_catalogue(mini_copy)
    assert second is not first and second.sha256 == first.sha256
    assert second.versions["2023"].compiled is not None  # the matcher travels with it
    assert sorted(second.versions["2020"].entries) == sorted(first.versions["2020"].entries)


def test_a_changed_catalogue_is_reloaded(mini_copy: Path, cache: Path) -> None:
    before = cached_catalogue(mini_copy)
    m3 = mini_copy / "2020" / "entries" / "M3.yaml"
    m3.write_text(m3.read_text().replace("plant growth regulator]", "plant growth regulator, 生长素]"))
    after = cached_catalogue(mini_copy)
    assert after.sha256 != before.sha256
    assert "生长素" in after.versions["2020"].entries["M3"].aids.terms
    assert len(list(cache.glob("*.pickle"))) == 2


def test_corrupt_cache_is_ignored_and_switch_off_works(
    mini_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_catalogue(mini_copy)
    (path,) = cache.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    assert cached_catalogue(mini_copy).versions["2020"].entries["M1"].code == "056101X"
    monkeypatch.setenv("EXPORTCHECK_NO_CACHE", "1")
    for p in cache.glob("*.pickle"):
        p.unlink()
    cached_catalogue(mini_copy)
    assert not list(cache.glob("*.pickle"))


def test_key_covers_the_code(mini_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import exportcheck.catalogue_cache as cc

    cached_catalogue(mini_copy)
    monkeypatch.setattr(cc, "code_digest", lambda: "0" * 64)
    cached_catalogue(mini_copy)
    assert len(list(cache.glob("*.pickle"))) == 2


def test_procedure_is_cached_and_reloaded_when_it_changes(tmp_path: Path, cache: Path) -> None:
    from exportcheck.catalogue_cache import cached_procedure
    from exportcheck.procedure import default_procedure_path

    path = tmp_path / "procedure.yaml"
    path.write_bytes(default_procedure_path().read_bytes())
    first = cached_procedure(path)
    assert len(list(cache.glob("procedure-*.pickle"))) == 1
    again = cached_procedure(path)
    assert again is not first and again == first
    path.write_text(path.read_text(encoding="utf-8") + "\nbogus_key: 1\n", encoding="utf-8")
    with pytest.raises(Exception, match="bogus_key"):
        cached_procedure(path)  # a changed file is validated again, not served from the cache
