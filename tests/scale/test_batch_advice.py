"""``periodize recommend --ray`` on a real local Ray cluster: sharded advice equals serial
batch advice (long CSV, observations Parquet, team folder), in athlete-id order, streamed
to JSON Lines or Parquet; a bad --out or a single export is one line."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from periodization.advice.recommend import recommend_batch
from periodization.cli import app
from periodization.core.errors import DataError, UserError
from periodization.scale.batch import recommend_on_ray
from periodization.scale.writers import read_results
from tests.stand_in import export_rows, write_export

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def team_rows():
    rows = export_rows(athletes=13, days=150, seed=5)
    gaps = rows.sample(frac=0.1, random_state=0).index
    rows.loc[gaps, "hrv_rmssd_ms"] = np.nan  # missing mornings, as real exports have
    short = rows["athlete_id"] == rows["athlete_id"].min()
    rows = rows[~short | (rows["date"] >= "2026-02-20")]  # one athlete with 10 days only
    return rows.sample(frac=1.0, random_state=1)  # athletes' rows interleaved


def as_json(results):
    return json.loads(json.dumps(results))


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_long_csv_sharded_equals_serial(ray_cluster, tmp_path, team_rows, model_dir, suffix):
    data = write_export(tmp_path / "team.csv", team_rows, with_id=True)
    serial = recommend_batch(data, model=model_dir, today=TODAY)
    out = tmp_path / f"advice{suffix}"
    lines = []
    summary = recommend_on_ray(data, out=out, model=model_dir, today=TODAY, shard_athletes=4,
                               progress=lines.append)
    assert summary["shards"] == 4 and summary["athletes"] == 13 == len(serial)
    assert read_results(out) == as_json(serial)  # same objects, same (athlete-id) order
    short = next(r for r in serial if r["athlete_id"] == team_rows["athlete_id"].min())
    assert "error" in short or short["policy"] == "rule-based baseline"
    assert lines[-1].startswith("13 athletes in 4 shards (split in ")
    assert summary["restarted"]  # the rows are interleaved: the two passes were needed
    assert not out.with_name(out.name + ".partial").exists()
    assert {s["pid"] for s in summary["per_shard"]} and all(
        s["peak_rss"] > 0 for s in summary["per_shard"])


def test_parquet_and_team_folder_sharded_equal_serial(ray_cluster, tmp_path, team_rows,
                                                      model_dir):
    from periodization.cohort.synth import save_cohort, synthesize

    cohort = tmp_path / "cohort"
    save_cohort(synthesize(athletes=9, days=120, seed=8), cohort, force=True)
    serial = recommend_batch(cohort, model=model_dir, today=TODAY)
    recommend_on_ray(cohort, out=tmp_path / "p.jsonl", model=model_dir, today=TODAY,
                     shard_athletes=4)
    assert read_results(tmp_path / "p.jsonl") == as_json(serial)

    team = tmp_path / "team"
    team.mkdir()
    ids = sorted(team_rows["athlete_id"].unique())[:6]
    for athlete in ids:
        part = team_rows[team_rows["athlete_id"] == athlete].sort_values("date")
        write_export(team / f"{athlete}.csv", part)
    serial = recommend_batch(team, model=model_dir, today=TODAY)
    recommend_on_ray(team, out=tmp_path / "f.jsonl", model=model_dir, today=TODAY,
                     shard_athletes=4)
    got = read_results(tmp_path / "f.jsonl")
    for a, b in zip(got, as_json(serial), strict=True):
        assert a == b, {k: (a.get(k), b.get(k)) for k in a if a.get(k) != b.get(k)}
    assert [r["athlete_id"] for r in serial] == ids


def test_refusals_are_one_line_and_leave_no_file(ray_cluster, tmp_path, team_rows,
                                                 model_dir, year_export):
    data = write_export(tmp_path / "team.csv", team_rows, with_id=True)
    with pytest.raises(UserError, match=r"\.jsonl or \.parquet"):
        recommend_on_ray(data, out=tmp_path / "advice.txt", model=model_dir)
    with pytest.raises(DataError, match="one athlete's export"):
        recommend_on_ray(year_export, out=tmp_path / "one.jsonl", model=model_dir)
    assert not list(tmp_path.glob("one.jsonl*"))

    runner = CliRunner()
    r = runner.invoke(app, ["recommend", "--data", str(data), "--model", str(model_dir),
                            "--ray"])
    assert r.exit_code == 2 and "give --out" in r.stderr
    r = runner.invoke(app, ["recommend", "--data", str(data), "--model", str(model_dir),
                            "--ray", "--out", str(tmp_path / "cli.jsonl"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["athletes"] == 13
    assert len(read_results(tmp_path / "cli.jsonl")) == 13


def test_a_missing_ray_is_one_line_and_writes_nothing(tmp_path, team_rows, model_dir,
                                                      monkeypatch):
    data = write_export(tmp_path / "team.csv", team_rows, with_id=True)
    monkeypatch.setitem(__import__("sys").modules, "ray", None)  # ray not installed
    r = CliRunner().invoke(app, ["recommend", "--data", str(data), "--model", str(model_dir),
                                 "--ray", "--out", str(tmp_path / "advice.jsonl")])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("error: periodize recommend --ray needs ray: pip install "
                                "'periodization[ray]'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.csv"]


@pytest.mark.parametrize("late", [False, True])
def test_rows_grouped_by_athlete_are_split_in_one_pass(ray_cluster, tmp_path, team_rows,
                                                       model_dir, monkeypatch, late):
    """Rows grouped in sorted-id order: one pass, shards submitted while it reads. A row
    out of order near the end: the shards already advised are dropped, the two passes
    start over, and the output is still serial advice's."""
    from periodization.scale import shards

    monkeypatch.setattr(shards, "BLOCK_BYTES", 4096)  # many blocks for a small file
    rows = team_rows.sort_values(["athlete_id", "date"])
    if late:  # the first athlete's first row moved to the end of the file
        rows = rows.iloc[[*range(1, len(rows)), 0]]
    data = write_export(tmp_path / "team.csv", rows, with_id=True)
    serial = recommend_batch(data, model=model_dir, today=TODAY)
    out = tmp_path / "advice.jsonl"
    lines = []
    summary = recommend_on_ray(data, out=out, model=model_dir, today=TODAY, shard_athletes=3,
                               progress=lines.append)
    assert summary["restarted"] is late and summary["shards"] == 5
    assert any("indexing the ids first" in line for line in lines) is late
    assert read_results(out) == as_json(serial)
    assert not list(tmp_path.glob("periodize-shards-*"))
