"""The notebooks run top to bottom (nbclient, a real kernel), at small sizes: the values of
the cell tagged ``parameters`` are replaced before execution."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SMALL = {"ATHLETES": 40, "DAYS": 120, "TRAIN_EPISODES": 10, "EVAL_EPISODES": 4}


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    (params,) = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    lines = params.source.splitlines()
    for name, value in SMALL.items():
        lines = [f"{name} = {value!r}" if line.split("=")[0].strip() == name else line
                 for line in lines]
    params.source = "\n".join(lines)
    assert all(f"{k} = {v!r}" in params.source for k, v in SMALL.items())
    # the kernel's temporary files (the tutorial's working folder) go with the test's
    # directory, not into /tmp for every run
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
