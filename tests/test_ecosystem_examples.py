"""Every example of ``docs/ecosystem.md`` runs, at a tiny size.

An example is a ```python block after ``<!-- example: NAME (venv: main|clients) -->``. Each
``NAME = value  # test: tiny`` line is set to ``tiny``; the script runs in a fresh folder
with the main virtual environment's Python or, for RLlib and Tianshou, with
``.venv-clients`` (``make clients``). ``make test`` sets ``PERIODIZATION_CLIENTS`` so that a
missing client environment fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ecosystem.md"
EXAMPLE = re.compile(r"<!-- example: (\w+) \(venv: (\w+)\) -->\n```python\n(.*?)```", re.S)
TINY = re.compile(r"^(\s*\w+\s*=\s*)[^#\n]+#\s*test:\s*(.+)$", re.M)


def examples() -> dict[str, tuple[str, str]]:
    return {name: (venv, code) for name, venv, code in EXAMPLE.findall(DOC.read_text())}


def tiny(code: str) -> str:
    return TINY.sub(lambda m: f"{m.group(1)}{m.group(2).strip()}", code)


def clients_python() -> Path | None:
    wanted = os.environ.get("PERIODIZATION_CLIENTS")
    python = Path(wanted or ROOT / ".venv-clients") / "bin" / "python"
    if python.is_file():
        return python
    if wanted:
        pytest.fail(f"PERIODIZATION_CLIENTS={wanted} has no bin/python: run make clients")
    return None


def test_the_page_has_every_client():
    assert set(examples()) == {"sb3", "cleanrl", "tianshou", "rllib"}
    for name, (_, code) in examples().items():
        assert tiny(code) != code, f"{name}: no '# test:' size to shrink"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sb3", "cleanrl", "tianshou", "rllib"])
def test_example_runs(name, tmp_path):
    venv, code = examples()[name]
    python = Path(sys.executable) if venv == "main" else clients_python()
    if python is None:
        pytest.skip("no .venv-clients (make clients) for the RLlib and Tianshou examples")
    script = tmp_path / f"example_{name}.py"  # not tianshou.py: it would shadow the package
    script.write_text(tiny(code))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_DEDUP_LOGS": "0"}
    run = subprocess.run([str(python), str(script)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    # each example ends by evaluating what it trained next to the rule baseline
    assert re.search(r"^rule\s+outcome [+-]\d+\.\d\d % over 4 test blocks", run.stdout, re.M), \
        run.stdout
