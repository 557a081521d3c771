"""How the command line and the scan formats are split into modules: every command still reachable under
its name, the sibling command modules imported only when used, no import running the wrong way, no module
reaching into another's private names. Structural checks on the real source, never timings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click

from exportcheck.cli import COMMANDS_ELSEWHERE, main

SRC = Path(__file__).resolve().parents[1] / "src" / "exportcheck"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tiktok-recommendation-2020.deal.yaml"
SIBLINGS = ("exportcheck.cli_catalogue", "exportcheck.cli_project", "exportcheck.cli_scan")


def test_every_command_resolves_under_its_own_name() -> None:
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert names == sorted(
        ["assess", "catalogue", "checklist", "config", "due", "init", "log", "rule", "scan", "schema"]
    )
    for name in names:
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
    # each entry of the registry names a module that exists and the command it defines
    assert {where.split(":")[0] for where in COMMANDS_ELSEWHERE.values()} == set(SIBLINGS)


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import sys\n"
        "from exportcheck.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(*[n for n in {SIBLINGS!r} if n in sys.modules] or ['none'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[-1].split()


def test_assess_imports_none_of_the_other_command_modules() -> None:
    # the split must not make the common run load more: assess, checklist and rule live in cli.py
    assert _loaded_after(["assess", str(EXAMPLE), "--format", "json"]) == ["none"]
    assert _loaded_after(["checklist", str(EXAMPLE), "--format", "json"]) == ["none"]


def test_a_sibling_command_imports_its_own_module_only() -> None:
    assert _loaded_after(["catalogue", "list", "--format", "json"]) == ["exportcheck.cli_catalogue"]
    assert _loaded_after(["schema"]) == ["exportcheck.cli_project"]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (function-level imports too), as an absolute name."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = ".".join(p for p in (base, node.module or "") if p)
            out.add(name)
            out.update(f"{name}.{alias.name}" for alias in node.names)
    return out


def test_cli_never_imports_its_sibling_modules() -> None:
    # the siblings import cli.py; cli.py names them only as strings in COMMANDS_ELSEWHERE (no import cycle)
    assert not _imports(SRC / "cli.py") & set(SIBLINGS)
    for sibling in SIBLINGS:
        assert "exportcheck.cli" in _imports(SRC / (sibling.split(".")[1] + ".py"))


def test_formats_need_only_models_never_the_runner() -> None:
    for path in sorted((SRC / "formats").glob("*.py")):
        imported = _imports(path)
        assert "exportcheck.runner" not in imported, path.name
        assert not any(n.startswith("exportcheck.cli") for n in imported), path.name


def test_no_module_of_the_cli_or_formats_uses_another_modules_private_names() -> None:
    files = sorted([*SRC.glob("cli*.py"), *(SRC / "formats").glob("*.py")])
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = set()  # names bound to modules: `from . import checklist as cl`, `import json`
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                private = [
                    a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
                ]
                assert not private, f"{path.name} imports {private} from {node.module}"
                if node.module is None:
                    modules.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                modules.update(a.asname or a.name.split(".")[0] for a in node.names)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                raise AssertionError(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")


def test_the_scan_formats_public_names_are_still_importable_from_formats_scan() -> None:
    import exportcheck.formats.scan as scan
    from exportcheck.models.assessment import FileResult
    from exportcheck.runner import FileResult as RunnerFileResult

    for name in scan.__all__:
        assert getattr(scan, name) is not None, name
    assert RunnerFileResult is FileResult  # the runner still offers the class it makes
