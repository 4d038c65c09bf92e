"""One export or a folder of athletes: what --data points at."""

from __future__ import annotations

import shutil

from periodization.ingest.inputs import folder_kind, read_inputs
from tests.ingest.importers.conftest import GOOD


def test_single_exports_are_single():
    for name in ("whoop", "oura", "apple", "apple/apple_health_export"):
        assert folder_kind(GOOD / name)[0] == "one", name


def test_folders_of_athletes(tmp_path):
    two = tmp_path / "two_whoops"
    shutil.copytree(GOOD / "whoop", two / "ann")
    shutil.copytree(GOOD / "whoop", two / "bob")
    assert folder_kind(two)[0] == "team"
    inputs = read_inputs(two)
    assert inputs.batch and sorted(inputs.rows["athlete_id"].unique()) == ["ann", "bob"]
    csvs = tmp_path / "csvs"
    csvs.mkdir()
    for name in ("ann.csv", "bob.csv"):
        shutil.copy(GOOD / "generic.csv", csvs / name)
    assert folder_kind(csvs)[0] == "team"


def test_a_folder_with_one_csv_and_notes_is_one_export(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(GOOD / "generic.csv", folder / "data.csv")
    (folder / "notes.md").write_text("my export")
    assert folder_kind(folder)[0] == "one"
    assert not read_inputs(folder).batch
