"""The CLI's start-up settings (startup.py): pydantic's plugin loader replaced, the collector paused until
the catalogue is loaded. Structural checks, never timings."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pydantic.plugin._loader as real_loader
import pydantic.plugin._schema_validator as schema_validator

from exportcheck.startup import LOADER

EXAMPLE = Path(__file__).parents[1] / "examples" / "tiktok-recommendation-2020.deal.yaml"


def test_pydantic_still_loads_plugins_the_way_startup_replaces() -> None:
    # startup.py swaps the module pydantic imports `get_plugins` from; if pydantic moved it, the swap would
    # silently stop saving time (never break): this says so
    assert real_loader.__name__ == LOADER
    assert callable(real_loader.get_plugins)
    assert "from ._loader import get_plugins" in inspect.getsource(schema_validator)


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[-1].split()


def test_assess_never_imports_importlib_metadata_and_resumes_the_collector() -> None:
    code = (
        "import gc, sys\n"
        "import exportcheck.startup as startup\n"
        "seen = []\n"
        "settle = startup.settle\n"
        "def spy():\n"
        "    seen.append(gc.isenabled())\n"
        "    settle()\n"
        "    seen.append(gc.isenabled() and gc.get_freeze_count() > 0)\n"
        "startup.settle = spy\n"
        "from exportcheck.cli import main\n"
        "try:\n"
        f"    main(['assess', {str(EXAMPLE)!r}, '--format', 'json', '--output', '-'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('importlib.metadata' in sys.modules, *seen, gc.isenabled(), gc.get_freeze_count())\n"
    )
    # paused until the catalogue was loaded, then frozen and on; after the command, still on (what was frozen
    # stays frozen: unfreezing it would make Python's collection at exit walk it all)
    out = _run(code)
    assert out[:4] == ["False", "False", "True", "True"] and int(out[4]) > 0


def test_a_command_that_loads_no_catalogue_keeps_the_collector_on() -> None:
    code = (
        "import gc\n"
        "from exportcheck.cli import main\n"
        "try:\n"
        "    main(['schema'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
    )
    assert _run(code) == ["True", "0"]


def test_an_embedding_program_keeps_its_plugins() -> None:
    code = (
        "import sys, pydantic.plugin._loader as real\n"
        "from exportcheck.startup import quick_start\n"
        "quick_start(pause_gc=False)\n"
        "print(sys.modules['pydantic.plugin._loader'] is real)\n"
    )
    assert _run(code) == ["True"]


def test_the_collector_is_as_it_was_after_a_command_in_process(tmp_path: Path) -> None:
    # click's test runner (or any program calling main) keeps its process: a command that stopped before
    # loading the catalogue (an invalid deal) must not leave the collector paused
    import gc

    from click.testing import CliRunner

    from exportcheck.cli import main

    broken = tmp_path / "broken.deal.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    for args, code in ((["assess", str(broken)], 2), (["assess", str(EXAMPLE), "--format", "json"], 1)):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == code, result.output
        assert gc.isenabled()


def test_config_keys_are_the_models_fields() -> None:
    # config.py lists the keys so that a run without a configuration file never defines the model
    from exportcheck.config import KEYS
    from exportcheck.models.config import Config

    assert tuple(Config.model_fields) == KEYS


def test_assess_defines_only_what_its_format_needs(tmp_path: Path) -> None:
    # lazy imports by command and format (issue 20): a JSON assessment to standard output, with no
    # configuration file, loads neither the configuration model, the HTML or console renderers, rich,
    # the terminal-size or temporary-file helpers, nor the "did you mean" matcher
    code = (
        "import sys\n"
        "from exportcheck.cli import main\n"
        "try:\n"
        f"    main(['assess', {str(EXAMPLE)!r}, '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "names = ['exportcheck.models.config', 'exportcheck.formats.html', 'rich', 'shutil', 'tempfile',"
        " 'difflib']\n"
        "print(*[n for n in names if n in sys.modules] or ['none'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.splitlines()
    assert out[-1].split() == ["none"]
