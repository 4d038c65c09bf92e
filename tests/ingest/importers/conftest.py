"""Paths to the importer fixtures and helpers to repackage them at test time."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).parent
GOOD, BAD, ODD = HERE / "good", HERE / "bad", HERE / "odd"


def expected(name: str) -> pd.DataFrame:
    return pd.read_csv(GOOD / "expected" / f"{name}.csv", parse_dates=["date"])


def assert_matches(table: pd.DataFrame, want: pd.DataFrame) -> None:
    """Every column of ``want`` equals the imported one (NaN where ``want`` is empty)."""
    assert table["date"].tolist() == want["date"].tolist()
    for col in want.columns.drop("date"):
        got, exp = table[col].to_numpy(np.float64), want[col].to_numpy(np.float64)
        bad = ~np.isclose(got, exp, rtol=0, atol=1e-6, equal_nan=True)
        assert not bad.any(), (col, table["date"][bad].dt.date.tolist()[:3], got[bad][:3],
                               exp[bad][:3])


def zip_folder(folder: Path, dest: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return dest


@pytest.fixture
def copy_of(tmp_path):
    """Copy a fixture file or folder into tmp_path (to edit it) and return the copy."""
    def copy(src: Path, name: str | None = None) -> Path:
        dest = tmp_path / (name or src.name)
        if src.is_dir():
            shutil.copytree(src, dest)
        else:
            shutil.copy(src, dest)
        return dest
    return copy
