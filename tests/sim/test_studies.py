"""The published findings the simulated athlete must reproduce (issue 10), at fast sizes,
and the pieces of the harness that compute them.

Each finding runs through ``periodize simulate``'s Python function on 300 athletes of the
packaged prior (the benchmark uses 1000) with a seed the prior was not searched on.
"""

from __future__ import annotations

import numpy as np
import pytest

from periodization.evaluation import session_model as SM
from periodization.evaluation.simulate import run
from periodization.evaluation.simulate_start import lived_in
from periodization.evaluation.studies import FINDINGS, make_context
from periodization.evaluation.studies.common import (
    AE,
    HI,
    MODERATE_WEEK,
    TE,
    Check,
    Row,
    load_factor,
    minutes_at,
    time_factor,
)
from periodization.evaluation.studies.hrv import weekly_budget
from periodization.evaluation.studies.intensity import STOGGL_ARMS, all_weeks, feasible_weeks
from periodization.evaluation.studies.report import document, table
from periodization.sim.actions import SESSION_MINUTES, Action


@pytest.fixture(scope="module")
def ctx():
    return make_context(300, seed=11)


@pytest.fixture(scope="module")
def results(ctx):
    return {}


@pytest.mark.parametrize("number", [pytest.param(k, id=f"finding-{k}") for k in FINDINGS])
def test_finding_holds(ctx, results, number):
    finding = FINDINGS[number](ctx)
    results[number] = finding
    failing = [f"{r.protocol}: {r.value:.3g} (needs {r.check.text(r.unit)})"
               for r in finding.rows if not r.passed]
    assert finding.passed, f"finding {number} ({finding.study}) fails: {failing}"


def test_the_table_shows_each_computed_verdict(ctx, results):
    findings = [results.get(k) or FINDINGS[k](ctx) for k in (4, 9)]
    text = table(findings)
    rows = text.splitlines()[2:]
    flat = [r for f in findings for r in f.rows]
    assert len(rows) == len(flat)
    for line, row in zip(rows, flat, strict=True):
        assert line.rstrip(" |").endswith("pass" if row.passed else "**fail**")
    doc = document(findings, header="# Validation")
    assert all(f.method in doc for f in findings)


def test_checks_read_the_thresholds():
    assert Check(low=1.5, high=4.0).passes(4.0, None)
    assert not Check(low=1.5, high=4.0).passes(4.01, None)
    assert not Check(low=0.0, strict=True).passes(0.0, None)
    assert Check(low=0.0, ci_excludes_zero=True).passes(0.2, (0.1, 0.3))
    assert not Check(low=0.0, ci_excludes_zero=True).passes(0.2, (-0.1, 0.5))
    assert not Check(high=0.0).passes(float("nan"), None)
    row = Row("x", "y", 3.0, None, "points", Check(low=2.0))
    assert row.passed and row.as_dict()["criterion"] == "≥ 2 points"


def test_stoggl_arms_have_the_studies_intensity_shares():
    shares = {}
    for name, cycle in STOGGL_ARMS.items():
        sessions = cycle[cycle != Action.REST]
        assert len(cycle) == 28 and len(sessions) == 20
        shares[name] = tuple(int(100 * np.mean(sessions == a)) for a in (AE, TE, HI))
    assert shares == {"polarized": (70, 5, 25), "HIIT-heavy": (55, 0, 45),
                      "threshold-heavy": (45, 55, 0), "high-volume": (85, 15, 0)}


def test_matched_time_and_matched_load_hit_their_targets(ctx):
    ath = ctx.athletes
    for cycle in STOGGL_ARMS.values():
        weekly = minutes_at(cycle, time_factor(ath, cycle)).sum(axis=1) * 7 / len(cycle)
        np.testing.assert_allclose(weekly, ath.usual_weekly_minutes)
        minutes = minutes_at(cycle, load_factor(ath, cycle, 7 * ath.usual_load))
        load = SM.expected_load(ath.params, np.broadcast_to(cycle, minutes.shape), minutes)
        np.testing.assert_allclose(load.sum(axis=1) * 7 / len(cycle), 7 * ath.usual_load)


def test_the_weekly_search_keeps_sessions_within_their_minutes():
    weeks, factor = feasible_weeks(all_weeks(), 285.0)
    assert 0 < len(weeks) < 6 ** 7
    minutes = SM.TYPICAL_MINUTES[weeks] * factor[:, None]
    np.testing.assert_allclose(minutes.sum(axis=1), 285.0)
    for a in Action:
        if a == Action.REST:
            continue
        low, high = SESSION_MINUTES[a]
        m = minutes[weeks == a]
        assert (m >= low - 1e-9).all() and (m <= high + 1e-9).all()
    one_hiit = np.array([[HI, 0, 0, 0, 0, 0, 0]])
    assert len(feasible_weeks(one_hiit, 285.0)[0]) == 0


def test_both_readiness_placements_do_the_same_hard_sessions():
    quiet = lived_in(20, seed=4, noise=False)  # no illness: exact counts
    factor = np.ones(quiet.n)
    week = np.array([0, AE, HI, AE, AE, HI, AE])
    out = {p: run(quiet, week, days=28, decide=weekly_budget(p, factor), record=True)
           for p in ("calendar", "hrv")}
    for o in out.values():
        assert (o.hard_sessions == 8).all()
        assert (o.record.day["action"][::7] == Action.REST).all()
    calendar = out["calendar"].record.day["action"]
    assert (calendar[[2, 5, 9, 12]] == HI).all()
    assert not np.array_equal(calendar, out["hrv"].record.day["action"])


def test_the_moderate_week_is_two_hard_sessions_of_six():
    assert np.isin(MODERATE_WEEK, [TE, HI]).sum() == 2 and (MODERATE_WEEK != 0).sum() == 6
