"""The command line as a shell sees it: ``--version``, ``python -m``, completion, Ctrl-C at
any moment, tables within 80 columns, status on stderr and results on stdout."""

from __future__ import annotations

import importlib.metadata
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import periodization

BIN = Path(sys.executable).parent
PERIODIZE = BIN / "periodize"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PERIODIZE), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_version_from_the_script_and_from_python_m():
    expected = f"periodize {periodization.__version__}"
    assert periodization.__version__ == importlib.metadata.version("periodization")
    assert run("--version").stdout.strip() == expected
    module = subprocess.run([sys.executable, "-m", "periodization", "--version"],
                            capture_output=True, text=True, timeout=120)
    assert module.returncode == 0 and module.stdout.strip() == expected


def test_shell_completion_is_offered():
    assert "--install-completion" in run("--help").stdout
    # typer detects the shell from the parent process: bash, kept as the parent by "; exit"
    script = subprocess.run(["bash", "-c", f"'{PERIODIZE}' --show-completion; exit $?"],
                            capture_output=True, text=True, timeout=120)
    assert script.returncode == 0, script.stderr
    assert "complete" in script.stdout and "_periodize_completion" in script.stdout


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.15, 0.4, 1.0, 3.0])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path, delay):
    """A fresh numba cache and a big cohort: start-up imports, then seconds of JIT
    compilation, then simulation; wherever the Ctrl-C lands, nothing is half written."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    out_dir = tmp_path / "cohort"
    process = subprocess.Popen(
        [str(PERIODIZE), "data", "synth", "--athletes", "3000", "--days", "365", "--out",
         str(out_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # a shell's background job ignores SIGINT; a terminal's foreground job does not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(delay)
    assert process.poll() is None, "the command ended before the Ctrl-C"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err == "interrupted\n" and out == ""
    assert not out_dir.exists() or not any(out_dir.iterdir())


def _table(*args: str) -> str:
    result = run(*args, COLUMNS="80")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_evaluate_table_fits_80_columns():
    names = ["random", "oracle", "fixed", "tests.policies.sample_policies:HardestAllowed"]
    out = _table("evaluate", *[f"--policy={p}" for p in names], "--episodes", "2")
    lines = out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    header = next(line for line in lines if "policy" in line)
    for column in ("outcome %", "95 % CI", "overr. d", "ill d", "viol.", "top action"):
        assert column in header
    for name in ("random", "oracle", "fixed", "HardestAllowed"):
        assert any(line.split()[:1] == [name] for line in lines), name


def test_status_goes_to_stderr_and_results_to_stdout():
    # FORCE_COLOR makes rich draw its spinner as on a terminal
    result = run("evaluate", "--policy", "rest", "--episodes", "2", FORCE_COLOR="1",
                 COLUMNS="80")
    assert result.returncode == 0
    assert "evaluating" in result.stderr
    assert "evaluating" not in result.stdout and "outcome %" in result.stdout
