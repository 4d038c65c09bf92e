"""Parquet with an explicit Arrow schema: types any reader sees, exact round trips, old
files, bad files, and ``recommend`` on the project's own Parquet."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from periodization.advice.recommend import recommend_any
from periodization.cohort.synth import load_cohort, save_cohort, synthesize
from periodization.core.errors import DataError
from periodization.ingest.parquet import OBSERVATIONS, read_table, write_table
from tests.stand_in import LAST_DAY, export_rows, write_export


@pytest.fixture(scope="module")
def cohort():
    return synthesize(athletes=4, days=60, seed=5)


def test_cohort_files_have_the_documented_types_and_round_trip_exactly(cohort, tmp_path):
    save_cohort(cohort, tmp_path / "c")
    schema = pq.read_schema(tmp_path / "c" / "observations.parquet")
    assert schema.field("date").type == pa.date32()
    assert schema.field("athlete_id").type == pa.string()
    assert schema.field("action").type == pa.int8()
    assert schema.field("hrv_rmssd_ms").metadata[b"unit"] == b"ms"
    assert pq.read_schema(tmp_path / "c" / "hidden_state.parquet").field("date").type \
        == pa.date32()
    back = load_cohort(tmp_path / "c")
    for name in ("observations", "hidden", "params"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(cohort, name))


def test_files_with_timestamp_dates_still_read(cohort, tmp_path):
    cohort.observations.to_parquet(tmp_path / "old.parquet", index=False)  # pandas' own
    assert pq.read_schema(tmp_path / "old.parquet").field("date").type != pa.date32()
    pd.testing.assert_frame_equal(read_table(tmp_path / "old.parquet", OBSERVATIONS),
                                  cohort.observations)


def test_a_wrong_type_or_a_missing_column_names_it(cohort, tmp_path):
    bad = cohort.observations.assign(date=cohort.observations["date"].astype(str))
    bad.to_parquet(tmp_path / "text_dates.parquet", index=False)
    with pytest.raises(DataError, match=r"column 'date' is (large_)?string, expected date32"):
        read_table(tmp_path / "text_dates.parquet", OBSERVATIONS)
    cohort.observations.drop(columns="recovery").to_parquet(tmp_path / "no_rec.parquet")
    with pytest.raises(DataError, match="missing column 'recovery'"):
        read_table(tmp_path / "no_rec.parquet", OBSERVATIONS)
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_table(tmp_path / "junk.parquet", OBSERVATIONS)


def test_recommend_reads_the_projects_parquet_as_it_reads_the_csv(tmp_path):
    rows = export_rows(athletes=1, days=120, seed=8)
    csv = write_export(tmp_path / "one.csv", rows)
    table = rows.assign(date=pd.to_datetime(rows["date"]),
                        action=rows["action"].map({n: i for i, n in enumerate(
                            ["REST", "ACTIVE_RECOVERY", "AEROBIC_BASE", "TEMPO", "HIIT",
                             "STRENGTH"])}).astype(np.int8))
    numbers = table.select_dtypes("float").columns
    table[numbers] = table[numbers].round(3)  # what the CSV holds (3 decimals)
    write_table(table, tmp_path / "one.parquet", OBSERVATIONS)
    today = LAST_DAY.date() + dt.timedelta(days=1)
    (from_csv,), batch_csv = recommend_any(csv, today=today)
    (from_parquet,), batch_parquet = recommend_any(tmp_path / "one.parquet", today=today)
    assert not batch_csv and not batch_parquet
    assert from_parquet["source_format"] == "parquet"
    for key in ("date", "action", "minutes", "probabilities", "masked", "plan", "drivers"):
        assert from_parquet[key] == from_csv[key], key


def test_recommend_takes_a_cohort_directory_as_a_batch(cohort, tmp_path):
    save_cohort(cohort, tmp_path / "c")
    today = (cohort.observations["date"].max() + pd.Timedelta(days=1)).date()
    results, batch = recommend_any(tmp_path / "c", today=today)
    assert batch and [r["athlete_id"] for r in results] == sorted(
        cohort.observations["athlete_id"].unique())
    assert all("action" in r for r in results)
