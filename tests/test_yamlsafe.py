"""The strict YAML reader: duplicate keys, YAML 1.1 booleans, bombs, depth, encodings, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportcheck.errors import InputError
from exportcheck.yamlsafe import Limits, load_file, load_yaml


def test_norway_stays_a_string() -> None:
    doc = load_yaml("country: NO\nflag: yes\nok: true\n", "f.yaml")
    assert doc.data == {"country": "NO", "flag": "yes", "ok": True}


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("title: a\nother: 1\ntitle: b\n", "deal.yaml")
    assert exc.value.lines() == ["deal.yaml:3: title: duplicate key (first at line 1); keep one"]


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("title: [unclosed\nx: 1\n", "deal.yaml")
    (line,) = exc.value.lines()
    assert line.startswith("deal.yaml:") and "YAML syntax error, column" in line


def test_alias_bomb_is_bounded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    with pytest.raises(InputError) as exc:
        load_yaml(bomb, "bomb.yaml", Limits(max_nodes=10_000))
    assert "more than 10,000 YAML values" in exc.value.lines()[0]


def test_depth_is_bounded() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("a: " + "[" * 60 + "]" * 60 + "\n", "deep.yaml")
    assert "nested deeper than 40 levels" in exc.value.lines()[0]


def test_impossible_date_is_an_error() -> None:
    with pytest.raises(InputError) as exc:
        load_yaml("date: 2020-02-30\n", "d.yaml")
    assert exc.value.lines()[0].startswith("d.yaml:1: date: invalid value '2020-02-30'")


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: 测试\n".encode())
    assert load_file(path).data == {"title": "测试"}


def test_gbk_file_rejected_with_fix_then_read_with_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("title: 个性化推荐引擎\n".encode("gbk"))
    with pytest.raises(InputError) as exc:
        load_file(path, "gbk.yaml")
    assert "--encoding gb18030" in exc.value.lines()[0]
    assert load_file(path, "gbk.yaml", encoding="gb18030").data == {"title": "个性化推荐引擎"}


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("x: " + "a" * 5000 + "\n")
    with pytest.raises(InputError) as exc:
        load_file(path, "big.yaml", Limits(max_bytes=1000))
    assert "over the limit of 1,000" in exc.value.lines()[0]


def test_binary_and_directory(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\x00\x01\x02\x03binary")
    with pytest.raises(InputError, match="binary file"):
        load_file(path)
    with pytest.raises(InputError, match="is a directory"):
        load_file(tmp_path)


def test_lines_recorded_for_nested_keys() -> None:
    doc = load_yaml("title: t\ntechnologies:\n  - name: a\n    description: b\n", "f.yaml")
    assert doc.line_of(("technologies", 0, "description")) == 4
    assert doc.line_of(("technologies", 0, "missing")) == 3
