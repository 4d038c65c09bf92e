"""The oracle with calibrated parameters against the oracle with the true ones and against
the population's median parameters, in the true world on the same noise.

Measured (``benchmarks/calibration_planning.py``; 30 athletes, 180 recorded days, 90-day
block): calibrated / true = 0.89–0.94 of the true oracle's mean gain, population / true =
0.82–0.93 (seeds 0 and 1).
"""

from __future__ import annotations

import pytest

from periodization.evaluation.calibration_check import compare_planners, summarize_comparison


def test_small_comparison_runs_and_the_true_oracle_leads():
    df = compare_planners(athletes=8, history_days=90, block_days=40, seed=2)
    s = summarize_comparison(df)
    assert len(df) == 8 and s["athletes"] == 8
    assert s["outcome_pct_true"] >= s["outcome_pct_calibrated"] - 0.5
    assert s["ratio_calibrated_to_true"] > 0.7


@pytest.mark.slow
def test_calibrated_planning_is_nearly_as_good_as_knowing_the_truth():
    s = summarize_comparison(compare_planners(athletes=30, history_days=180, seed=0))
    assert s["ratio_calibrated_to_true"] >= 0.85
    assert s["outcome_pct_calibrated"] > s["outcome_pct_population"]
