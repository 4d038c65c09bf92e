"""The synthetic cohort: athletes from a prior, living under the behaviour policy, with gaps.

``synthesize`` returns three tables:

* observations: the canonical daily schema (``schema.py``), what a wearable and a training
  log would hold, with missing wearable days as NaN;
* hidden: the true state on each morning (performance, maladaptation, illness …), for
  evaluation and for starting environment episodes only;
* params: each athlete's true parameters, for evaluation only.

Athletes live ``burn_in_days`` unrecorded days first so that the recorded period starts from
a lived-in state, not the idealised steady state of ``initial``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from periodization.cohort.behaviour import behaviour_action, sample_traits
from periodization.core.errors import DataError, UserError
from periodization.core.io import atomic_write_json, fault_point, staged_directory
from periodization.ingest import schema
from periodization.ingest.parquet import HIDDEN, OBSERVATIONS, PARAMS, write_table
from periodization.sim import day, dynamics
from periodization.sim.noise import KeyedRandom
from periodization.sim.params import (
    ATHLETE_KEYS,
    FRACTION_KEYS,
    POSITIVE_KEYS,
    AthleteParams,
    Population,
)
from periodization.sim.prior import Prior, load_prior
from periodization.sim.state import HIDDEN_FIELDS

START_DATE = pd.Timestamp("2026-01-05")  # a Monday; recorded day 0
COHORT_VERSION = 1
_GAP_COLUMNS = ("hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery",
                "strain")  # fmt: skip


@dataclass(frozen=True)
class Cohort:
    observations: pd.DataFrame
    hidden: pd.DataFrame
    params: pd.DataFrame
    meta: dict

    def population(self, prior: Prior | None = None) -> Population:
        """The constants the cohort was simulated with: ``prior``'s, else those of the prior
        file recorded in the cohort's meta (the packaged prior when none is)."""
        return (prior or load_prior(self.meta.get("prior_path"))).population

    def athlete_params(self, athlete_ids: list[str] | None = None,
                       prior: Prior | None = None) -> AthleteParams:
        """True parameters of the given athletes (all by default) as ``AthleteParams``."""
        table = self.params.set_index("athlete_id")
        if athlete_ids is not None:
            table = table.loc[athlete_ids]
        return AthleteParams(
            **{k: table[k].to_numpy(dtype=np.float64) for k in ATHLETE_KEYS},
            pop=self.population(prior))


def _gap_mask(n: int, days: int, rng: np.random.Generator) -> np.ndarray:
    """(n, days) bool, True = wearable not worn. ~20 % of athletes miss more than 20 %."""
    heavy = rng.random(n) < 0.2
    rate = np.where(heavy, rng.uniform(0.22, 0.38, n), rng.uniform(0.0, 0.1, n))
    mean_len = 2.75  # 90 %: 1 + Geometric(0.5) days; 10 %: 5–14 days
    start_p = rate / (mean_len * (1.0 - rate))
    missing = np.zeros((n, days), dtype=bool)
    left = np.zeros(n, dtype=np.int64)
    u = rng.random((4, days, n))
    for d in range(days):
        start = (left == 0) & (u[0, d] < start_p)
        long_gap = u[1, d] < 0.1
        short_len = 1 + (np.log1p(-u[3, d]) / np.log(0.5)).astype(np.int64)  # Geometric(0.5)
        length = np.where(long_gap, 5 + (u[2, d] * 10).astype(np.int64), short_len)
        left = np.where(start, length, left)
        missing[:, d] = left > 0
        left = np.maximum(left - 1, 0)
    return missing


MAX_ATHLETES, MAX_DAYS = 100_000, 3650
BYTES_PER_ATHLETE_DAY = 1200
"""Peak memory of ``synthesize`` + ``save_cohort`` per recorded athlete-day, with margin:
measured 755 B at 2000 athletes × 180 days (peak RSS growth, fixed costs included) and
≈ 400 B per additional athlete-day."""


def check_cohort_size(*, athletes: int, days: int) -> None:
    """``UserError`` unless 1 ≤ athletes ≤ 100 000, 1 ≤ days ≤ 3650 and the cohort fits in
    the memory available."""
    from periodization.core.resources import require_memory

    if not 1 <= athletes <= MAX_ATHLETES:
        raise UserError(f"--athletes must be between 1 and {MAX_ATHLETES}, got {athletes}")
    if not 1 <= days <= MAX_DAYS:
        raise UserError(f"--days must be between 1 and {MAX_DAYS}, got {days}")
    require_memory(athletes * days * BYTES_PER_ATHLETE_DAY,
                   what=f"a cohort of {athletes} athletes × {days} days")


def synthesize(*, athletes: int, days: int, seed: int, prior: Prior | None = None,
               burn_in_days: int = 56) -> Cohort:
    """Simulate ``athletes`` × ``days`` recorded days (batched over athletes)."""
    check_cohort_size(athletes=athletes, days=days)
    prior = prior or load_prior()
    seeds = np.random.SeedSequence(seed).spawn(4)
    rng_params, rng_traits, rng_act, rng_gaps = (np.random.default_rng(s) for s in seeds[:4])
    rng_world = KeyedRandom.for_athletes(athletes, seed)
    params = prior.sample(athletes, rng_params)
    traits = sample_traits(params.optimal_load, days, rng_traits)
    # Burn-in: lived, unrecorded days (behaviour as usual, no camps or breaks), numbered
    # −burn_in_days … −1 so that the behaviour's calendar runs on into the record.
    quiet = dataclasses.replace(traits, camp_start=np.full(athletes, -1),
                                break_start=np.full(athletes, -1))
    morning = day.wake(dynamics.initial(params, day=0), params, rng_world)
    for d in range(burn_in_days):
        s = morning.state
        a = behaviour_action(quiet, day=d - burn_in_days, weekday=s.weekday,
                             recovery=morning.obs.recovery, ill=s.ill, rng=rng_act)
        morning = day.live(s, a, params, rng_world)
    first_day = int(morning.state.day[0])

    cols = {c: np.empty((days, athletes)) for c in (*schema.WEARABLE_COLUMNS, "strain", "load",
                                                   "atl", "ctl")}
    action = np.empty((days, athletes), dtype=np.int64)
    hidden = {f: np.empty((days, athletes)) for f in (*HIDDEN_FIELDS, "performance")}
    for d in range(days):  # row d: the morning of d and d's session (``sim.day``)
        state, obs = morning.state, morning.obs
        for f in HIDDEN_FIELDS:
            hidden[f][d] = getattr(state, f)
        hidden["performance"][d] = dynamics.performance(state, params)
        for c in schema.WEARABLE_COLUMNS:
            cols[c][d] = getattr(obs, c)
        action[d] = behaviour_action(traits, day=d, weekday=state.weekday,
                                     recovery=obs.recovery, ill=state.ill, rng=rng_act)
        morning = day.live(state, action[d], params, rng_world)
        # the next morning reports day d's strain and load; ATL/CTL are after day d
        cols["strain"][d], cols["load"][d] = morning.obs.strain, morning.obs.load
        cols["atl"][d], cols["ctl"][d] = morning.state.atl, morning.state.ctl

    missing = _gap_mask(athletes, days, rng_gaps).T  # (days, athletes)
    for c in _GAP_COLUMNS:
        cols[c][missing] = np.nan

    ids = np.array([f"A{i:04d}" for i in range(athletes)])
    dates = START_DATE + pd.to_timedelta(np.arange(days), unit="D")
    key = {"athlete_id": np.tile(ids, days), "date": np.repeat(dates.values, athletes)}
    observations = pd.DataFrame({**key, **{c: v.ravel() for c, v in cols.items()},
                                 "action": action.ravel().astype(np.int8)})
    observations = observations[[*schema.REQUIRED_COLUMNS, "strain", "atl", "ctl"]]
    hidden_df = pd.DataFrame({**key, **{f: v.ravel() for f, v in hidden.items()}})
    hidden_df["overreached"] = hidden_df["maladaptation"] > params.pop.overreached_threshold
    hidden_df["ill"] = hidden_df["ill_days"] > 0
    hidden_df["injured"] = hidden_df["injured_days"] > 0
    order = ["athlete_id", "date"]
    observations = observations.sort_values(order, kind="stable").reset_index(drop=True)
    hidden_df = hidden_df.sort_values(order, kind="stable").reset_index(drop=True)
    params_df = pd.DataFrame({"athlete_id": ids, **{k: getattr(params, k) for k in ATHLETE_KEYS}})
    meta = {
        "cohort_version": COHORT_VERSION, "seed": seed, "athletes": athletes, "days": days,
        "burn_in_days": burn_in_days, "first_sim_day": first_day,
        "start_date": str(START_DATE.date()), "prior": prior.source,
        "prior_path": None if prior.source.startswith("<package>") else prior.source,
    }
    return Cohort(observations=observations, hidden=hidden_df, params=params_df, meta=meta)


def save_cohort(cohort: Cohort, out: str | Path, *, force: bool = False) -> Path:
    expected = (schema.OBSERVATIONS_FILE, schema.HIDDEN_FILE, schema.PARAMS_FILE, schema.META_FILE)
    with staged_directory(out, force=force, expected=expected) as stage:
        write_table(cohort.observations, stage / schema.OBSERVATIONS_FILE, OBSERVATIONS)
        fault_point("cohort: observations written")
        write_table(cohort.hidden, stage / schema.HIDDEN_FILE, HIDDEN)
        fault_point("cohort: hidden state written")
        write_table(cohort.params, stage / schema.PARAMS_FILE, PARAMS)
        atomic_write_json(stage / schema.META_FILE, cohort.meta)
    return Path(out)


def load_cohort(path: str | Path) -> Cohort:
    """Read a cohort directory written by ``save_cohort`` (DataError if it is not one, or if
    any file fails its checks in ``cohort/files.py``)."""
    from periodization.cohort.files import check_meta, read_table
    from periodization.core.io import read_json_object

    path = Path(path)
    if not path.is_dir():
        raise DataError(f"cohort directory not found: {path}")
    needed = (schema.OBSERVATIONS_FILE, schema.HIDDEN_FILE, schema.PARAMS_FILE, schema.META_FILE)
    absent = [f for f in needed if not (path / f).is_file()]
    if absent:
        raise DataError(f"{path} is not a cohort directory (missing {absent[0]})")
    try:
        meta = read_json_object(path / schema.META_FILE, what="cohort meta")
    except UserError as exc:
        raise DataError(str(exc)) from None
    meta = check_meta(meta, path=path / schema.META_FILE)
    params = read_table(path / schema.PARAMS_FILE, numeric=ATHLETE_KEYS, finite=True,
                        keys=("athlete_id",), schema=PARAMS)
    check_param_ranges(params, where=str(path / schema.PARAMS_FILE))
    return Cohort(
        observations=read_table(path / schema.OBSERVATIONS_FILE, numeric=(), finite=False,
                                schema=OBSERVATIONS),
        hidden=read_table(path / schema.HIDDEN_FILE, numeric=(*HIDDEN_FIELDS, "performance"),
                          finite=True, schema=HIDDEN),
        params=params,
        meta=meta,
    )


PARAM_MAGNITUDE_LIMIT = 1e5  # no parameter, in its unit, comes near: w* ≤ 1000, τ ≤ 1000 d


def check_param_ranges(params: pd.DataFrame, *, where: str) -> None:
    """``DataError`` unless every athlete's parameters could have come from a prior:
    time constants, rates and noise levels positive, shares within (0, 1], and nothing
    beyond ±``PARAM_MAGNITUDE_LIMIT`` (a tampered table otherwise runs, and reports
    outcomes of a billion per cent)."""
    for key in ATHLETE_KEYS:
        values = params[key].to_numpy(dtype=np.float64)
        bad = ((values <= 0) if key in POSITIVE_KEYS else np.zeros(len(values), bool))
        if key in FRACTION_KEYS:
            bad |= values > 1.0
        bad |= np.abs(values) > PARAM_MAGNITUDE_LIMIT
        if bad.any():
            rule = ("in (0, 1]" if key in FRACTION_KEYS and key in POSITIVE_KEYS else
                    "in [0, 1]" if key in FRACTION_KEYS else
                    "positive" if key in POSITIVE_KEYS else "a number")
            raise DataError(f"{where}: {key} = {values[bad][0]:g} is out of range (must be "
                            f"{rule}, within ±{PARAM_MAGNITUDE_LIMIT:g})")


def cohort_summary(cohort: Cohort) -> dict[str, float]:
    """Headline numbers: size, missingness, recovery zones, overreached and ill days."""
    obs, hid = cohort.observations, cohort.hidden
    missing = obs["recovery"].isna()
    per_athlete = missing.groupby(obs["athlete_id"]).mean()
    rec = obs["recovery"].dropna()
    return {
        "athletes": int(obs["athlete_id"].nunique()),
        "days": int(obs.groupby("athlete_id").size().iloc[0]),
        "missing_pct": 100.0 * float(missing.mean()),
        "athletes_over_20pct_missing": int((per_athlete > 0.2).sum()),
        "recovery_red_pct": 100.0 * float((rec <= 33).mean()),
        "recovery_yellow_pct": 100.0 * float(((rec > 33) & (rec < 67)).mean()),
        "recovery_green_pct": 100.0 * float((rec >= 67).mean()),
        "overreached_pct": 100.0 * float(hid["overreached"].mean()),
        "ill_pct": 100.0 * float(hid["ill"].mean()),
        "detrained_pct": 100.0 * float(_detrained(cohort).mean()),
    }


def _detrained(cohort: Cohort) -> pd.Series:
    """Days on which performance is more than 5 % below the athlete's recorded median."""
    perf = cohort.hidden["performance"]
    median = perf.groupby(cohort.hidden["athlete_id"]).transform("median")
    return perf < 0.95 * median

