"""The per-user cache: used when current, rebuilt when the catalogue changes, never an error, and never a
way to run code (hostile, symlinked, committed, corrupted or foreign cache files are rebuilt, not read)."""

from __future__ import annotations

import os
import pickle
import random
import stat
from pathlib import Path

import pytest

from exportcheck import cache as blobs
from exportcheck.cache import cache_dir, remember
from exportcheck.engine.prepared import cached_catalogue

posix_only = pytest.mark.skipif(not blobs.supported(), reason="the cache is off without O_NOFOLLOW/dir_fd")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPORTCHECK_CACHE_DIR", str(folder))
    return folder


class Planted:
    """Unpickling this creates `marker`: proof that a cache file's code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def signed(folder: Path, name: str, payload: bytes) -> bytes:
    """A blob as exportcheck would write it, signed with the key of `folder` (what an attacker who could
    read the key would plant)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        key = blobs._mac_key(fd, create=False)
    finally:
        os.close(fd)
    assert key is not None
    return blobs.MAGIC + blobs._mac(key, name, payload) + payload


def only_blob(cache: Path, kind: str = "catalogue") -> Path:
    (path,) = cache.glob(f"{kind}-*.blob")
    return path


def test_second_load_comes_from_the_cache(mini_copy: Path, cache: Path) -> None:
    first = cached_catalogue(mini_copy)
    assert cache_dir() == cache and only_blob(cache)
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
    assert len(list(cache.glob("catalogue-*.blob"))) == 2


def test_corrupt_cache_is_ignored_and_switch_off_works(
    mini_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_catalogue(mini_copy)
    only_blob(cache).write_bytes(b"not a pickle")
    assert cached_catalogue(mini_copy).versions["2020"].entries["M1"].code == "056101X"
    monkeypatch.setenv("EXPORTCHECK_NO_CACHE", "1")
    for p in cache.glob("*.blob"):
        p.unlink()
    cached_catalogue(mini_copy)
    assert not list(cache.glob("*.blob"))


def test_key_covers_the_code(mini_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached_catalogue(mini_copy)
    monkeypatch.setattr(blobs, "code_digest", lambda: "0" * 64)
    cached_catalogue(mini_copy)
    assert len(list(cache.glob("catalogue-*.blob"))) == 2


def test_code_digest_changes_with_any_source_file() -> None:
    # the digest reads names, sizes and modification times, not contents (8 ms a run): an edited file,
    # which gets a new modification time, must still change it
    source = Path(blobs.__file__).resolve().parent / "engine" / "handcheck.py"
    st = source.stat()
    blobs.code_digest.cache_clear()
    before = blobs.code_digest()
    try:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        blobs.code_digest.cache_clear()
        assert blobs.code_digest() != before
    finally:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
        blobs.code_digest.cache_clear()
    assert blobs.code_digest() == before


def test_procedure_is_cached_and_reloaded_when_it_changes(tmp_path: Path, cache: Path) -> None:
    from exportcheck.procedure import cached_procedure, default_procedure_path

    path = tmp_path / "procedure.yaml"
    path.write_bytes(default_procedure_path().read_bytes())
    first = cached_procedure(path)
    assert only_blob(cache, "procedure")
    again = cached_procedure(path)
    assert again is not first and again == first
    path.write_text(path.read_text(encoding="utf-8") + "\nbogus_key: 1\n", encoding="utf-8")
    with pytest.raises(Exception, match="bogus_key"):
        cached_procedure(path)  # a changed file is validated again, not served from the cache


def test_the_cache_layer_knows_neither_the_engine_nor_the_procedure() -> None:
    """STYLE.md: a cache is a generic lower layer; the old catalogue_cache <-> procedure cycle is gone."""
    source = Path(blobs.__file__).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("from ", "import "))]
    assert [line for line in imports if line.startswith("from .")] == ["from . import __version__"]
    assert not (Path(blobs.__file__).parent / "catalogue_cache.py").exists()


# --- hostile cache files ---------------------------------------------------------------------------------


@posix_only
def test_a_planted_pickle_never_runs(mini_copy: Path, cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    cached_catalogue(mini_copy)
    blob = only_blob(cache)
    hostile = pickle.dumps(Planted(marker))
    for planted in (
        hostile,  # a bare pickle under the real name
        blobs.MAGIC + b"\0" * blobs.MAC_SIZE + hostile,  # the right header, a forged MAC
        blobs.MAGIC
        + signed(cache, "other-name.blob", hostile)[len(blobs.MAGIC) :],  # signed for another name
    ):
        blob.write_bytes(planted)
        os.chmod(blob, 0o600)
        cat = cached_catalogue(mini_copy)
        assert cat.versions["2020"].entries["M1"].code == "056101X"
        assert not marker.exists()
        assert blob.read_bytes() != planted  # rebuilt and rewritten
    # the file name the old cache read is never read either
    (cache / blob.name.replace(".blob", ".pickle")).write_bytes(hostile)
    cached_catalogue(mini_copy)
    assert not marker.exists()


@posix_only
def test_a_symlinked_cache_file_is_not_followed(mini_copy: Path, cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    cached_catalogue(mini_copy)
    blob = only_blob(cache)
    elsewhere = tmp_path / "elsewhere.blob"  # even validly signed, it is not read through a link
    elsewhere.write_bytes(signed(cache, blob.name, pickle.dumps(Planted(marker))))
    os.chmod(elsewhere, 0o600)
    blob.unlink()
    blob.symlink_to(elsewhere)
    assert cached_catalogue(mini_copy).versions["2020"].entries["M1"].code == "056101X"
    assert not marker.exists()
    assert not blob.is_symlink() and blob.is_file()  # replaced by renaming, not written through
    assert elsewhere.read_bytes().endswith(pickle.dumps(Planted(marker)))


@posix_only
def test_the_key_file_and_a_signed_blob_are_checked(cache: Path, tmp_path: Path) -> None:
    """Validly signed, yet refused: a blob readable by others, a FIFO in its place, a symlinked key."""
    marker = tmp_path / "pwned"
    assert remember("demo", ["k"], lambda: [1], lambda v: v == [1]) == [1]
    name = blobs.blob_name("demo", ["k"])
    hostile = signed(cache, name, pickle.dumps(Planted(marker)))
    (cache / name).write_bytes(hostile)
    os.chmod(cache / name, 0o644)
    assert remember("demo", ["k"], lambda: [1], lambda v: v == [1]) == [1]
    assert not marker.exists()
    (cache / name).unlink()
    os.mkfifo(cache / name)  # never blocks the run
    assert remember("demo", ["k"], lambda: [2], lambda v: v == [2]) == [2]
    key = cache / blobs.KEY_FILE
    key.rename(tmp_path / "key")
    key.symlink_to(tmp_path / "key")
    assert blobs.load_blob(name) is None  # a key read through a link signs nothing


@posix_only
def test_random_corruption_is_rebuilt_never_a_crash(cache: Path) -> None:
    value = {"entries": [f"M{i}" for i in range(200)], "nested": [[1.5, None, ("x", b"y")]] * 20}
    assert remember("fuzz", ["k"], lambda: value, lambda v: v == value) == value
    path = cache / blobs.blob_name("fuzz", ["k"])
    good = path.read_bytes()
    rng = random.Random(14)
    for _ in range(300):
        data = bytearray(good)
        how = rng.randrange(4)
        if how == 0:  # flip bytes anywhere, the payload included
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        elif how == 1:
            del data[rng.randrange(len(data)) :]
        elif how == 2:
            data[rng.randrange(len(data)) :] = rng.randbytes(rng.randint(1, 64))
        else:
            data += rng.randbytes(rng.randint(1, 64))
        path.write_bytes(bytes(data))
        rebuilt: list[int] = []

        def build(log: list[int] = rebuilt) -> dict[str, object]:
            log.append(1)
            return value

        assert remember("fuzz", ["k"], build, lambda v: v == value) == value
        assert rebuilt == [1]  # the corrupt blob was never taken for the value
        assert blobs.load_blob(path.name) is not None  # and the blob is whole again


@posix_only
def test_a_cache_committed_to_a_repository_does_not_run(
    mini_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XDG_CACHE_HOME pointing into a checkout that commits the key file and a blob signed with it."""
    marker = tmp_path / "pwned"
    attacker = tmp_path / "attacker" / "exportcheck"
    monkeypatch.setenv("EXPORTCHECK_CACHE_DIR", str(attacker))
    cached_catalogue(mini_copy)  # the attacker's own run makes a key and learns the blob's name
    name = only_blob(attacker).name
    committed = {
        blobs.KEY_FILE: (attacker / blobs.KEY_FILE).read_bytes(),
        name: signed(attacker, name, pickle.dumps(Planted(marker))),
    }
    repo = tmp_path / "repo"
    for mode in (0o644, 0o600):  # a checkout under umask 022, and under 077
        folder = repo / f"umask-{mode:o}" / ".cache" / "exportcheck"
        folder.mkdir(parents=True)
        os.chmod(folder, 0o700)
        for file, data in committed.items():
            (folder / file).write_bytes(data)
            os.chmod(folder / file, mode)
        monkeypatch.delenv("EXPORTCHECK_CACHE_DIR", raising=False)
        monkeypatch.setenv("XDG_CACHE_HOME", str(folder.parent))
        assert cached_catalogue(mini_copy).versions["2020"].entries["M1"].code == "056101X"
        assert not marker.exists()


@posix_only
def test_umask_000_still_gives_a_private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "xdg" / "deeper" / "exportcheck"
    monkeypatch.setenv("EXPORTCHECK_CACHE_DIR", str(folder))
    old = os.umask(0)
    try:
        remember("demo", ["k"], lambda: 1, lambda v: v == 1)
    finally:
        os.umask(old)
    for made in (folder, folder.parent, folder.parent.parent):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    assert len(list(folder.iterdir())) == 2  # the key and the blob


@posix_only
def test_an_unsafe_folder_is_refused(cache: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    remember("demo", ["k"], lambda: 1, lambda v: v == 1)
    name = blobs.blob_name("demo", ["k"])
    (cache / name).write_bytes(signed(cache, name, pickle.dumps(Planted(marker))))
    os.chmod(cache / name, 0o600)
    os.chmod(cache, 0o777)  # anyone could have swapped the files
    assert remember("demo", ["k"], lambda: 2, lambda v: v == 2) == 2
    assert not marker.exists()
    assert blobs.load_blob(name) is None
    os.chmod(cache, 0o700)
    if os.getuid() == 0:  # only root can give a folder away to test the owner check
        os.chown(cache, 54321, -1)
        assert blobs.load_blob(name) is None
        os.chown(cache, 0, -1)
        os.chown(cache / name, 54321, -1)
        assert blobs.load_blob(name) is None
        assert remember("demo", ["k"], lambda: 3, lambda v: v == 3) == 3
        assert not marker.exists()
