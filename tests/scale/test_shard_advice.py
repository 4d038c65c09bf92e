"""Inside a worker a shard is advised a few athletes at a time (``advise_in_parts``): the
same results as the shard advised whole, errors included; without Ray."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest

from periodization.advice.recommend import advise
from periodization.agents.artifacts import load_model
from periodization.core.errors import DataError
from periodization.env.constraints import SafetyConfig
from periodization.scale.batch import advise_in_parts
from periodization.scale.shards import Shard
from tests.stand_in import export_rows, write_export


def test_advice_in_parts_equals_advice_whole(tmp_path, model_dir):
    from periodization.scale.batch import read_shard

    rows = export_rows(athletes=7, days=120, seed=3)
    first = rows["athlete_id"] == rows["athlete_id"].min()
    rows.loc[first & (rows.index % 5 != 0), "hrv_rmssd_ms"] = np.nan  # not advised: gaps
    data = write_export(tmp_path / "team.csv", rows.sample(frac=1.0, random_state=2),
                        with_id=True)
    inputs = read_shard(Shard(index=0, kind="csv", athletes=(), path=data))
    inputs = dataclasses.replace(inputs, errors={"zz-unreadable": "its own error"})
    options = {"model": load_model(model_dir), "plan_days": 5, "ill": False,
               "today": dt.date(2026, 3, 2), "safety": SafetyConfig(), "details": False}
    whole = advise(inputs, **options)
    parts = advise_in_parts(inputs, 3, advise, **options)
    assert json.dumps(parts) == json.dumps(whole)
    assert len(whole) == 8 and "error" in whole[0] and whole[-1]["error"] == "its own error"


def test_a_part_unusable_as_a_whole_gives_the_whole_shards_error(tmp_path, model_dir):
    import pandas as pd

    from periodization.ingest.inputs import Inputs

    calls = []

    def fussy(inputs, **options):  # unusable whatever the part, with the part's size
        calls.append(inputs.rows["athlete_id"].nunique())
        raise DataError(f"{calls[-1]} athletes unusable")

    rows = pd.DataFrame({"athlete_id": list("abcde")})
    with pytest.raises(DataError, match=r"^5 athletes unusable$"):
        advise_in_parts(Inputs(rows=rows, batch=True), 2, fussy)
    assert calls == [2, 5]
