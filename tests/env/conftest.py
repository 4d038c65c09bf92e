"""A small cohort on disk, for environments built from a directory (pickling, subprocesses)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cohort_dir(tmp_path_factory, small_cohort):
    from periodization.cohort.synth import save_cohort

    path = tmp_path_factory.mktemp("cohort") / "small"
    save_cohort(small_cohort, path)
    return path
