"""Hostile repositories and runs (issue 14, input/output half): what a committed file, a crafted file name
or a signal can do to the person running exportcheck. Every repository is built for real in tmp_path:
symlinks, FIFOs, device links, case-variant and undecodable names."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from exportcheck.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FREE = EXAMPLES / "erp-software-free-2021.deal.yaml"
RESTRICTED = EXAMPLES / "tiktok-recommendation-2020.deal.yaml"
LINUX = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A contracts repository with one free and one restricted deal, run from its root."""
    (tmp_path / "contracts").mkdir()
    shutil.copy(FREE, tmp_path / "contracts" / "erp.deal.yaml")
    shutil.copy(RESTRICTED, tmp_path / "contracts" / "feed.deal.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# 1. Writing reports ------------------------------------------------------------------------------------


def test_a_committed_symlink_is_replaced_never_written_through(repo: Path) -> None:
    """The attack: `exportcheck.sarif -> <an executable the next CI step runs>` committed to the repo."""
    tool = repo / "tool"
    tool.write_text("#!/bin/sh\necho genuine\n")
    tool.chmod(0o755)
    (repo / "exportcheck.sarif").symlink_to(tool)
    code, _, err = run("scan", "contracts", "--format", "sarif", "--output", "exportcheck.sarif")
    assert code == 1, err
    assert tool.read_text() == "#!/bin/sh\necho genuine\n"
    report = repo / "exportcheck.sarif"
    assert not report.is_symlink() and json.loads(report.read_text())["version"] == "2.1.0"
    assert leftovers(repo) == []


@POSIX
def test_a_fifo_or_device_as_output_is_refused(repo: Path) -> None:
    fifo = repo / "report.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that a writer could open it (and not hang)
    try:
        code, out, err = run("scan", "contracts", "--format", "json", "--output", str(fifo))
        assert os.read(reader, 100) == b""
    finally:
        os.close(reader)
    assert (code, out) == (2, "")
    assert err == f"error: {fifo}: cannot write the output: it is a named pipe (FIFO), not a regular file\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    code, _, err = run("assess", "contracts/erp.deal.yaml", "--output", os.devnull)
    assert code == 2 and "it is a character device, not a regular file" in err
    code, _, err = run("scan", "contracts", "--output", "contracts")
    assert code == 2 and "is a directory" in err


def test_the_output_may_not_be_an_input(repo: Path) -> None:
    deal = repo / "contracts" / "erp.deal.yaml"
    before = deal.read_bytes()
    code, _, err = run("assess", str(deal), "--format", "json", "--output", str(deal))
    assert code == 2
    assert err == f"error: {deal}: cannot write the output: it is the input {deal}\n"
    os.link(deal, repo / "hardlink.json")  # the same file under another name
    code, _, err = run("scan", "contracts", "--format", "json", "--output", "hardlink.json")
    assert code == 2 and "cannot write the output: it is the input contracts/erp.deal.yaml" in err
    code, _, err = run("checklist", str(deal), "--output", str(deal))
    assert code == 2 and "it is the input" in err
    assert deal.read_bytes() == before and leftovers(repo / "contracts") == []


def test_permissions_kept_for_an_existing_report_umask_for_a_new_one(repo: Path) -> None:
    old = repo / "old.json"
    old.write_text("previous\n")
    old.chmod(0o640)
    mask = os.umask(0o027)
    try:
        assert run("scan", "contracts", "--format", "json", "--output", "old.json")[0] == 1
        assert run("scan", "contracts", "--format", "json", "--output", "new.json")[0] == 1
    finally:
        os.umask(mask)
    assert stat.S_IMODE(old.stat().st_mode) == 0o640 and json.loads(old.read_text())["deals"]
    assert stat.S_IMODE((repo / "new.json").stat().st_mode) == 0o640


def test_init_never_writes_through_a_dangling_symlink(repo: Path) -> None:
    (repo / "deal.yaml").symlink_to(repo / "elsewhere" / "planted.yaml")
    (repo / "elsewhere").mkdir()
    code, _, err = run("init", "deal.yaml", "--no-interactive", "--title", "t")
    assert code == 2 and err == "error: deal.yaml: already exists; pass --force to overwrite\n"
    assert run("init", "deal.yaml", "--no-interactive", "--title", "t", "--force")[0] == 0
    assert (
        not (repo / "deal.yaml").is_symlink() and "exportcheck deal file" in (repo / "deal.yaml").read_text()
    )
    assert list((repo / "elsewhere").iterdir()) == []


def test_dash_is_standard_output(repo: Path) -> None:
    code, out, _ = run("scan", "contracts", "--format", "json", "--output", "-")
    assert code == 1 and json.loads(out)["totals"]["files"] == 2
    code, out, _ = run("assess", "contracts/erp.deal.yaml", "--format", "json", "--output", "-")
    assert code == 0 and json.loads(out)["verdict"] == "free"
    assert not (repo / "-").exists()


def test_a_failed_rename_leaves_no_temporary_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    (repo / "report.json").write_text("previous\n")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setenv("EXPORTCHECK_NO_CACHE", "1")
    monkeypatch.setattr(os, "replace", full)
    code, out, err = run("scan", "contracts", "--format", "json", "--output", "report.json")
    assert (code, out) == (2, "")
    assert err == f"error: report.json: cannot write the output: {os.strerror(errno.ENOSPC)}\n"
    assert (repo / "report.json").read_text() == "previous\n" and leftovers(repo) == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource limits")
def test_a_full_disk_while_writing_is_one_line_and_no_temporary_file(repo: Path) -> None:
    """A real write failure: the file-size limit makes the report's write fail like a full disk does."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    env = {**os.environ, "EXPORTCHECK_NO_CACHE": "1"}
    args = ["scan", "contracts", "--format", "json", "--jobs", "1", "--output", "report.json"]
    proc = subprocess.run(
        [sys.executable, "-m", "exportcheck", *args],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=small_files,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "error: report.json: cannot write the output: File too large\n"
    assert not (repo / "report.json").exists() and leftovers(repo) == []


# 4. Inputs ---------------------------------------------------------------------------------------------


@POSIX
def test_devices_fifos_and_links_to_them_are_refused_by_name(repo: Path) -> None:
    """`deal.yaml -> /dev/zero` used to read until memory ran out; a FIFO hung the scan."""
    contracts = repo / "contracts"
    (contracts / "zero.deal.yaml").symlink_to("/dev/zero")
    os.mkfifo(contracts / "pipe.deal.yaml")
    (contracts / "pipe-link.deal.yaml").symlink_to(contracts / "pipe.deal.yaml")
    code, out, err = run("scan", "contracts", "--format", "json", "--fail-on", "none")
    assert code == 2
    assert sorted(err.splitlines()) == [
        "error: contracts/pipe-link.deal.yaml: is a named pipe (FIFO), not a regular file; refused",
        "error: contracts/pipe.deal.yaml: is a named pipe (FIFO), not a regular file; refused",
        "error: contracts/zero.deal.yaml: is a character device, not a regular file; refused",
    ]
    assert json.loads(out)["totals"]["files"] == 5  # the good deals are still assessed
    code, _, err = run("scan", "contracts/pipe.deal.yaml")  # named on the command line
    assert code == 2 and "is a named pipe (FIFO), not a regular file" in err
    code, _, err = run("assess", "contracts/zero.deal.yaml")
    assert err == "error: contracts/zero.deal.yaml: is a character device, not a regular file; refused\n"


@LINUX
def test_the_size_bound_does_not_trust_st_size(repo: Path) -> None:
    """/proc files report size 0 whatever they hold: the bound must count the bytes actually read."""
    maps = Path("/proc/self/maps")
    assert maps.stat().st_size == 0
    (repo / "maps.deal.yaml").symlink_to(maps)
    code, _, err = run("assess", "maps.deal.yaml", "--max-bytes", "64")
    assert code == 2
    assert err == "error: maps.deal.yaml: file is over the limit of 64 bytes; split it or raise --max-bytes\n"


def test_a_directory_given_as_a_file(repo: Path) -> None:
    (repo / "folder.deal.yaml").mkdir()
    code, _, err = run("assess", "folder.deal.yaml")
    assert code == 2 and err == "error: folder.deal.yaml: is a directory, not a YAML file\n"


# 5. Discovery ------------------------------------------------------------------------------------------


def test_deal_files_are_found_in_any_case(repo: Path) -> None:
    names = ["Deal.yaml", "x.DEAL.yaml", "deal.YAML", "sub/Deal.Yml", "y.deal.yaml"]
    for name in names:
        (repo / "case" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FREE, repo / "case" / name)
    (repo / "case" / "notes.yaml").write_text("not: a deal\n")
    code, out, err = run("scan", "case", "--format", "json")
    assert code == 0, err
    assert [d["file"] for d in json.loads(out)["deals"]] == sorted(f"case/{n}" for n in names)


def test_pre_commit_passes_files_after_a_double_dash(repo: Path) -> None:
    """pre-commit appends the changed files to `entry`: a file named `--output=x.deal.yaml` must be
    assessed, not taken as an option (it would write the report over a deal file)."""
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = hook["entry"].split()
    assert entry[0] == "exportcheck" and entry[-1] == "--" and hook["pass_filenames"] is True
    hostile = "--output=contracts" + os.sep + "feed.deal.yaml"
    shutil.copy(FREE, repo / "--output=x.deal.yaml")
    files = ["--output=x.deal.yaml", "contracts/erp.deal.yaml", "Deal.YAML", "a/b.DEAL.yml", "notes.yaml"]
    matched = [f for f in files if re.search(hook["files"], f)]
    assert matched == files[:4]
    feed = (repo / "contracts" / "feed.deal.yaml").read_bytes()
    code, _, err = run(*entry[1:], "--output=x.deal.yaml", "contracts/erp.deal.yaml")
    assert code == 0, err
    assert (repo / "contracts" / "feed.deal.yaml").read_bytes() == feed and not (
        repo / "x.deal.yaml"
    ).exists()
    assert hostile not in err


SCAN_FORMATS = ["text", "json", "sarif", "junit", "github"]


@pytest.fixture
def hostile_names(repo: Path) -> Path:
    """Deal files whose names hold an undecodable byte, a terminal escape and a newline."""
    folder = os.fsencode(repo / "names")
    os.mkdir(folder)
    for raw in (b"bad\xff.deal.yaml", b"esc\x1b[2J.deal.yaml", b"new\nline.deal.yaml"):
        with open(os.path.join(folder, raw), "wb") as handle:
            handle.write(RESTRICTED.read_bytes())  # findings: every format names the file
    return repo


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
@pytest.mark.parametrize("fmt", SCAN_FORMATS)
def test_undecodable_and_control_names_never_crash_a_format(
    hostile_names: Path, fmt: str, to_file: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(hostile_names / "summary.md"))
    output = ["--output", "r.out"] if to_file else []
    code, out, err = run("scan", "names", "--format", fmt, "--fail-on", "none", *output)
    assert code == 0, err
    report = (hostile_names / "r.out").read_text(encoding="utf-8") if to_file else out
    assert "\x1b" not in report and "new\nline" not in report
    name = "names/bad\\xff.deal.yaml"  # the undecodable byte, shown; control characters: see escape.py
    assert (json.dumps(name)[1:-1] if fmt in ("json", "sarif") else name) in report
    if fmt == "github":
        summary = (hostile_names / "summary.md").read_text(encoding="utf-8")
        assert "names/bad" in summary and "\x1b" not in summary  # Markdown escapes the backslash too


def test_an_unreadable_name_in_an_error_is_escaped(hostile_names: Path) -> None:
    with open(os.path.join(os.fsencode(hostile_names / "names"), b"broken\xfe.deal.yaml"), "wb") as handle:
        handle.write(b"title: [unclosed\n")
    code, _, err = run("scan", "names", "--format", "json")
    assert code == 2 and err.startswith("error: names/broken\\xfe.deal.yaml:2: YAML syntax error")


# 6. Signals --------------------------------------------------------------------------------------------

# Runs the real CLI with the assessment of each deal blocked until a signal arrives; each blocked
# process first drops a marker file holding its pid, so the test knows the work has started.
BLOCKED = """
import os, sys, time
import exportcheck.runner as runner
MARKERS = sys.argv.pop(1)
def blocked(path, display, catalogue, options, raw=None):
    with open(os.path.join(MARKERS, str(os.getpid())), "w"):
        pass
    time.sleep(3600)
runner.try_assess = blocked
from exportcheck.cli import main
sys.argv[0] = "exportcheck"
main()
"""


@pytest.fixture
def blocked_scan(repo: Path) -> Iterator[Callable[[int], tuple[subprocess.Popen[bytes], Path]]]:
    """Starts the blocked scan in a session of its own; whatever the test's outcome, every process of that
    session (the scan and any worker left behind) is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(jobs: int) -> tuple[subprocess.Popen[bytes], Path]:
        for i in range(70 if jobs > 1 else 1):  # enough files for worker processes
            shutil.copy(FREE, repo / "contracts" / f"n{i:02d}.deal.yaml")
        markers = repo / "markers"
        markers.mkdir()
        cmd = [sys.executable, "-c", BLOCKED, str(markers), "scan", "contracts", "--jobs", str(jobs)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        started.append(proc)
        return proc, markers

    yield start
    for proc in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def _handled(pid: int, signum: int) -> bool:
    """Whether process `pid` has a handler for `signum` (not ignored, not the default)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return bool(int(fields["SigCgt"], 16) & (1 << (signum - 1)))


def _wait_until(condition: object, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60  # a bound on a hang, not a measurement
    while not condition():  # type: ignore[operator]
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the scan never started its work"
        time.sleep(0.02)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # a zombie has died; only its parent (or init) has yet to reap it


def _alive_after_a_while(pids: list[int]) -> list[int]:
    """The processes still running once the dying ones have had time to finish dying (they close their
    pipes a moment before they become zombies)."""
    deadline = time.monotonic() + 30
    while any(not _gone(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in pids if not _gone(pid)]


@LINUX
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_exits_130_with_one_line(blocked_scan: Any, jobs: int) -> None:
    proc, markers = blocked_scan(jobs)
    _wait_until(lambda: len(list(markers.iterdir())) >= jobs and _handled(proc.pid, signal.SIGINT), proc)
    workers = [int(p.name) for p in markers.iterdir() if int(p.name) != proc.pid]
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: to the whole process group
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode()) == (130, "error: interrupted\n")
    assert _alive_after_a_while(workers) == []


@LINUX
def test_sigterm_ends_the_workers(blocked_scan: Any) -> None:
    proc, markers = blocked_scan(2)
    _wait_until(lambda: len(list(markers.iterdir())) >= 2 and _handled(proc.pid, signal.SIGTERM), proc)
    workers = [int(p.name) for p in markers.iterdir()]
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode()) == (143, "error: terminated\n")
    assert _alive_after_a_while(workers) == []


@LINUX
def test_workers_die_with_a_killed_parent(blocked_scan: Any) -> None:
    proc, markers = blocked_scan(2)
    _wait_until(lambda: len(list(markers.iterdir())) >= 2, proc)
    workers = [int(p.name) for p in markers.iterdir()]
    proc.kill()  # no handler can run: only the kernel (PR_SET_PDEATHSIG) can end the workers
    proc.communicate(timeout=60)  # returns once the workers, which hold the pipes, are gone
    assert _alive_after_a_while(workers) == []


@pytest.mark.parametrize(
    "args",
    [["scan", str(EXAMPLES), "--jobs", "1", "--fail-on", "none"], ["catalogue", "list", "--format", "json"]],
    ids=["scan", "catalogue"],
)
def test_a_closed_pipe_exits_quietly(args: list[str]) -> None:
    """`exportcheck ... | head`: no "internal error", no traceback, a non-zero code (the gate fails closed)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "exportcheck", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader has gone before anything is written
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (141, b"")


# 7. action.yml -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def action() -> dict[str, object]:
    data = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(action: dict[str, object]) -> list[dict[str, object]]:
    runs = action["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    return list(runs["steps"])


def test_action_keeps_inputs_out_of_scripts(action: dict[str, object]) -> None:
    scripts = [str(s["run"]) for s in _steps(action) if "run" in s]
    assert scripts and all("${{" not in script for script in scripts)
    for step in _steps(action):
        if "run" in step:
            assert step["shell"] == "bash"
            env = step.get("env") or {}
            assert isinstance(env, dict)
            for name in env:  # every value an input feeds in is quoted where it is used
                script = str(step["run"])
                assert f'"${name}' in script or f'"${{{name}}}' in script or f'"${name}/' in script, name


def test_action_scans_once_into_runner_temp_and_leaves_python_alone(action: dict[str, object]) -> None:
    steps = _steps(action)
    assert not any("setup-python" in str(s.get("uses", "")) for s in steps)
    scripts = "\n".join(str(s["run"]) for s in steps if "run" in s)
    assert scripts.count('exportcheck" scan') == 1 and "--sarif-output" in scripts
    assert "$RUNNER_TEMP/exportcheck.sarif" in scripts and "$RUNNER_TEMP/exportcheck-venv" in scripts
    assert "pip install" in scripts and "-m venv" in scripts


def test_action_sarif_upload_is_opt_in_and_cannot_fail_the_job(action: dict[str, object]) -> None:
    inputs = action["inputs"]
    assert isinstance(inputs, dict) and inputs["upload-sarif"]["default"] == "false"
    (upload,) = [s for s in _steps(action) if "upload-sarif" in str(s.get("uses", ""))]
    assert upload["continue-on-error"] is True
    assert "inputs.upload-sarif == 'true'" in str(upload["if"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_scan_writes_annotations_and_the_same_sarif(repo: Path, jobs: str) -> None:
    """The action's single scan: --sarif-output must hold exactly what `--format sarif` prints, also when
    worker processes make the pieces and a file is invalid."""
    for i in range(64 if jobs == "2" else 0):
        shutil.copy(RESTRICTED, repo / "contracts" / f"n{i:02d}.deal.yaml")
    (repo / "contracts" / "broken.deal.yaml").write_text("title: [unclosed\n")
    code, out, _ = run("scan", "contracts", "--format", "github", "--sarif-output", "s.sarif", "--jobs", jobs)
    assert code == 2 and "::error file=contracts/broken.deal.yaml" in out
    alone = run("scan", "contracts", "--format", "sarif", "--jobs", jobs)[1]
    assert (repo / "s.sarif").read_text(encoding="utf-8") == alone
    code, _, err = run("scan", "contracts", "--sarif-output", "contracts/erp.deal.yaml")
    assert code == 2 and "cannot write the output: it is the input contracts/erp.deal.yaml" in err
    code, _, err = run("scan", "contracts", "--output", "s.sarif", "--sarif-output", "./s.sarif")
    assert code == 2 and "is the same file as --output" in err


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_scan_step_runs_with_hostile_paths(action: dict[str, object], repo: Path) -> None:
    """The scan step's own script, run by bash as the runner would: a path with spaces is one path, and
    command substitution in the input is never executed."""
    (scan_step,) = [s for s in _steps(action) if s.get("id") == "scan"]
    (repo / "deals with spaces").mkdir()
    shutil.copy(FREE, repo / "deals with spaces" / "deal.yaml")
    temp, out = repo / "runner-temp", repo / "github-output"
    temp.mkdir()

    def step(paths: str) -> tuple[int, dict[str, str]]:
        out.write_text("")
        env = {
            **os.environ,
            "EXPORTCHECK_BIN": str(Path(sys.executable).parent),
            "EXPORTCHECK_PATHS": paths,
            "EXPORTCHECK_FAIL_ON": "review",
            "RUNNER_TEMP": str(temp),
            "GITHUB_OUTPUT": str(out),
            "GITHUB_STEP_SUMMARY": str(repo / "summary.md"),
        }
        bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]  # as the runner starts it
        proc = subprocess.run([*bash, str(scan_step["run"])], env=env, capture_output=True, check=False)
        outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
        return proc.returncode, outputs

    code, outputs = step("deals with spaces\n")
    assert code == 0 and outputs["exit-code"] == "0"
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert Path(outputs["sarif-file"]).parent == temp and sarif["version"] == "2.1.0"
    code, outputs = step('contracts\n$(touch pwned)\n"; touch pwned2; "\n')
    assert code == 2 and outputs["exit-code"] == "2"
    assert not (repo / "pwned").exists() and not (repo / "pwned2").exists()


# 8. YAML tags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            'title: !!python/object/apply:os.system ["echo pwned"]\n',
            "deal.yaml:1: title: YAML tag !!python/object/apply:os.system is not allowed; remove it",
        ),
        ("title: x\ntechnologies: !foo\n  - {name: a}\n", "deal.yaml:2: technologies: YAML tag !foo"),
        ("title: x\ntechnologies:\n  - !!set {a}\n", "deal.yaml:3: technologies[0]: YAML tag !!set"),
        ("title: !!binary aGVsbG8=\n", "deal.yaml:1: title: YAML tag !!binary is not allowed"),
        ("!!python/name:os.system x: 1\n", "deal.yaml:1: YAML tag !!python/name:os.system is not allowed"),
    ],
    ids=["python-apply", "local-tag-on-list", "set", "binary", "tagged-key"],
)
def test_explicit_yaml_tags_are_refused(repo: Path, body: str, error: str) -> None:
    (repo / "deal.yaml").write_text(body)
    code, out, err = run("assess", "deal.yaml")
    assert (code, out) == (2, "") and err.startswith(f"error: {error}") and err.count("\n") == 1
