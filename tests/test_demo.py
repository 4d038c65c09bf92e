"""``periodize demo --quick`` runs the main job end to end and writes the report."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_quick_demo_writes_a_report(tmp_path):
    r = subprocess.run([sys.executable, "-m", "periodization.cli", "demo", "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "report" / "index.html").is_file()
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert "sac" in summary["policies"] and "oracle" in summary["policies"]
    assert (tmp_path / "runs" / "sac" / "actor.npz").is_file()
    assert "report:" in r.stdout
