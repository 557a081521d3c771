"""A newcomer's first hour (issue 21): the schema agrees with the loader, `init` writes a right deal,
explanations show the real reason, scan reports keep their context. Real files, shipped catalogue."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from exportcheck.cli import main
from exportcheck.deal_loader import load_deal
from exportcheck.errors import InputError

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.deal.yaml"))


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as an editor's language server does (YAML 1.2 core): dates stay strings, `NO` is text."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":timestamp", ":bool"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    code, out, _ = cli("schema")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def schema_errors(schema: dict[str, Any], path: Path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)  # noqa: S506 - safe subclass
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


# --- item 2: the published schema and the loader agree ------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.removesuffix(".deal.yaml"))
def test_every_shipped_example_validates_against_the_schema(schema: dict[str, Any], path: Path) -> None:
    assert schema_errors(schema, path) == []
    load_deal(path)


def test_examples_quote_names_with_a_comma() -> None:
    unquoted = [
        f"{p.name}: {line.strip()}"
        for p in EXAMPLES
        for line in p.read_text(encoding="utf-8").splitlines()
        if re.search(r"\{name: [^\"'].*,.*, country:", line)
    ]
    assert unquoted == []


@pytest.mark.parametrize(
    ("party", "name"),
    [
        ("{name: Example Co., Ltd., country: CN}", "Example Co., Ltd."),
        ("{name: Example Pte. Ltd., country: SG}", "Example Pte. Ltd."),
        ("{name: Example Holding, GmbH, country: DE}", "Example Holding, GmbH"),
        ("{name: Example Co., country: CN, Ltd.}", "Example Co., Ltd."),
        ('{name: "Example Co., Ltd.", country: CN}', "Example Co., Ltd."),
    ],
)
def test_schema_admits_what_the_loader_repairs(
    schema: dict[str, Any], tmp_path: Path, party: str, name: str
) -> None:
    path = tmp_path / "x.deal.yaml"
    path.write_text(
        f"title: t\nexporter: {party}\ntechnologies:\n  - name: ERP\n    description: ledger\n",
        encoding="utf-8",
    )
    assert schema_errors(schema, path) == []
    deal, _ = load_deal(path)
    assert deal.exporter is not None and deal.exporter.name == name


@pytest.mark.parametrize(
    "party",
    [
        "{name: Example, country: CN, colour: red}",
        "{name: Example, country: CN, colour}",
        "{name: Example Co., Ltd.: yes, country: CN}",
    ],
)
def test_schema_and_loader_both_refuse_other_keys(
    schema: dict[str, Any], tmp_path: Path, party: str
) -> None:
    path = tmp_path / "x.deal.yaml"
    path.write_text(
        f"title: t\nexporter: {party}\ntechnologies:\n  - name: ERP\n    description: ledger\n",
        encoding="utf-8",
    )
    assert schema_errors(schema, path)
    with pytest.raises(InputError):
        load_deal(path)
