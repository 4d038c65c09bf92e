"""Does calibration pay? The oracle planning with calibrated vs true vs population parameters.

Simulated athletes live ``history_days`` recorded days under the behaviour policy; each is
calibrated from that record alone (``calibration/calibrate.py``), then lives a
``block_days`` block in the *true* world five times, on the same noise, planned by the
oracle (``policies/planner.py``) with the true parameters and state; by the same planner
with the calibrated parameters and the replayed state (``CalibratedPlanner``: its belief
moves with the logged loads only); by it reading each morning's wearable for life stress
as well (``ReadingPlanner``: what ``recommend`` does on fresh data every morning); and by
both with the population's median parameters and the state those imply. The outcome is the
change of test performance (``World.performance``: performance after the standard taper)
over the block.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from periodization.calibration.calibrate import calibrate
from periodization.calibration.history import EPOCH_MONDAY
from periodization.calibration.replay import replay
from periodization.calibration.stress import recent_stress
from periodization.cohort.synth import START_DATE, synthesize
from periodization.env.constraints import SafetyConfig
from periodization.env.reward import RewardConfig
from periodization.env.starts import EpisodeStart
from periodization.env.world import World
from periodization.features.daily import FEATURE_NAMES, N_FEATURES
from periodization.features.scaler import FeatureScaler
from periodization.features.table import features_for_table
from periodization.ingest.preprocess import preprocess
from periodization.policies.base import BasePolicy
from periodization.policies.calibrated_planner import CalibratedPlanner
from periodization.policies.planner import OraclePolicy
from periodization.sim import dynamics
from periodization.sim.noise import derive_keys
from periodization.sim.params import AthleteParams
from periodization.sim.prior import Prior, load_prior
from periodization.sim.state import HIDDEN_FIELDS, INT_FIELDS, AthleteState

F_HRV, F_RHR, F_SLEEP = (FEATURE_NAMES.index(c) for c in ("hrv_rmssd_ms", "resting_hr",
                                                           "sleep_hours"))
PLANNERS = ("true", "calibrated", "calibrated_reading", "population", "population_reading")
READING_DAYS = 28  # mornings the reading planner's stress estimate looks back over


class ReadingPlanner(CalibratedPlanner):
    """The calibrated planner that also reads each morning's wearable, as ``recommend``
    does when it runs on fresh data every morning: its belief's life stress is re-estimated
    from the last ``READING_DAYS`` mornings' HRV, resting HR and sleep against what the
    belief expects without stress (``calibration.stress.recent_stress``)."""

    name = "calibrated-reading"

    def reset(self, n: int) -> None:
        super().reset(n)
        self.window = np.full((n, READING_DAYS, 3), np.nan)
        self.read_day = np.full(n, -1, dtype=np.int64)

    def planning_inputs(self) -> tuple[AthleteParams, AthleteState]:
        params, belief = super().planning_inputs()
        world = self.world
        if (world.day_in_block != self.read_day).any():
            ln_hrv, rhr, sleep, _ = dynamics.latent_physiology(belief, params)
            raw = world.raw
            with np.errstate(divide="ignore", invalid="ignore"):
                today = np.stack([np.log(raw[:, F_HRV]) - ln_hrv, raw[:, F_RHR] - rhr,
                                  raw[:, F_SLEEP] - sleep], axis=1)
            self.window = np.concatenate([self.window[:, 1:], today[:, None]], axis=1)
            sd = np.stack([params.hrv_noise_log, params.rhr_noise_bpm,
                           params.sleep_noise_hours], axis=1)
            x = recent_stress(self.window, sd, np.isfinite(self.window), params.pop)
            self.belief = dataclasses.replace(belief, stress_slow=x[:, 0], stress_fast=x[:, 1])
            self.read_day = world.day_in_block.copy()
        return params, self.belief


def compare_planners(*, athletes: int = 30, history_days: int = 180, block_days: int = 90,
                     seed: int = 0, prior: Prior | None = None) -> pd.DataFrame:
    """One row per athlete: the block's outcome (%) under each planner, plus the days
    overreached and ill, and the calibration's error in w* (ln ratio)."""
    prior = prior or load_prior()
    cohort = synthesize(athletes=athletes, days=history_days + 1, seed=seed, prior=prior)
    obs = cohort.observations  # the last row of each athlete is the block's first morning
    cal = calibrate(obs, prior=prior)
    typical = prior.typical(athletes)
    population_state = replay(typical, cal.history).state
    start = _episode_start(cohort, obs, history_days, prior, seed)
    policies: dict[str, BasePolicy] = {
        "true": OraclePolicy(),
        "calibrated": CalibratedPlanner(cal.params, cal.state),
        "calibrated_reading": ReadingPlanner(cal.params, cal.state),
        "population": CalibratedPlanner(typical, population_state),
        "population_reading": ReadingPlanner(typical, population_state),
    }
    out = pd.DataFrame({"athlete_id": start.athlete_id})
    for name, policy in policies.items():
        outcome, overreached, ill = _run(policy, start, block_days)
        out[f"outcome_{name}"] = outcome
        out[f"overreached_{name}"] = overreached
        out[f"ill_{name}"] = ill
    out["optimal_load_log_error"] = np.log(cal.params.optimal_load / start.params.optimal_load)
    return out


def summarize_comparison(df: pd.DataFrame) -> dict[str, float]:
    """Mean outcomes, the ratios to the true-parameter oracle and the paired differences."""
    mean = {p: float(df[f"outcome_{p}"].mean()) for p in PLANNERS}
    others = [p for p in PLANNERS if p != "true"]
    return {
        "athletes": len(df),
        **{f"outcome_pct_{p}": v for p, v in mean.items()},
        **{f"ratio_{p}_to_true": mean[p] / mean["true"] for p in others},
        **{f"regret_pct_{p}": float((df["outcome_true"] - df[f"outcome_{p}"]).mean())
           for p in others},
        "calibrated_beats_population_share": float(
            (df["outcome_calibrated"] > df["outcome_population"]).mean()),
        "calibrated_reading_beats_population_reading_share": float(
            (df["outcome_calibrated_reading"] > df["outcome_population_reading"]).mean()),
        **{f"days_overreached_{p}": float(df[f"overreached_{p}"].mean()) for p in PLANNERS},
        **{f"days_ill_{p}": float(df[f"ill_{p}"].mean()) for p in PLANNERS},
    }


def _episode_start(cohort, obs: pd.DataFrame, day: int, prior: Prior, seed: int
                   ) -> EpisodeStart:
    """The true athletes on the morning of recorded day ``day`` (the last row)."""
    date = START_DATE + pd.Timedelta(days=day)
    hidden = cohort.hidden[cohort.hidden["date"] == date].sort_values("athlete_id")
    before = obs[obs["date"] == date - pd.Timedelta(days=1)].sort_values("athlete_id")
    ids = hidden["athlete_id"].to_numpy()
    n = len(ids)
    state = AthleteState(
        day=np.full(n, (date - EPOCH_MONDAY).days, dtype=np.int64),
        **{f: hidden[f].to_numpy().astype(np.int64 if f in INT_FIELDS else np.float64)
           for f in HIDDEN_FIELDS},
        last_load=before["load"].to_numpy(dtype=np.float64),
        last_action=before["action"].to_numpy(dtype=np.int64))
    pre = preprocess(obs, max_missing_share=1.0)
    feats = features_for_table(pre.table, pop=prior.population, keep_states=True)
    return EpisodeStart(params=cohort.athlete_params(list(ids), prior), state=state,
                        features=feats.states[day], athlete_id=ids.astype(object),
                        noise_key=derive_keys(np.arange(n), stream=seed + 17))


def _run(policy: BasePolicy, start: EpisodeStart, block_days: int
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    identity = FeatureScaler(mean=np.zeros(N_FEATURES), scale=np.ones(N_FEATURES))
    world = World(scaler=identity, reward=RewardConfig(), safety=SafetyConfig(),
                  block_days=block_days)
    world.start(start)
    policy.reset(world.n)
    policy.bind(world)
    for _ in range(block_days):
        world.step(policy.act(world.obs, world.mask))
    outcome = 100.0 * (world.performance - world.start_performance) / world.start_performance
    return outcome, world.days_overreached.copy(), world.days_ill.copy()
