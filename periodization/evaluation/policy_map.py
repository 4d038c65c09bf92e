"""The policy map: which session a policy prescribes across recovery × TSB.

A grid of mornings is built in raw units, every other feature held at a typical value of
the training athletes (their median), then normalised with the cohort's scaler exactly as
the environment does; every action is allowed. Features derived from recovery and TSB stay
consistent with them: ATL = CTL − TSB at the median CTL, recovery × fatigue, TSB ×
recovery, and days since a green (≥ 67) recovery. The weekday is fixed (a Wednesday),
since a mean weekday is no day at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from periodization.cohort.dataset import PreparedCohort
from periodization.features.daily import FEATURE_NAMES
from periodization.policies.base import BasePolicy
from periodization.sim.actions import N_ACTIONS

F = {name: i for i, name in enumerate(FEATURE_NAMES)}
RECOVERY = np.linspace(0.0, 100.0, 51)  # recovery score, 0–100, every 2 points
TSB = np.linspace(-40.0, 30.0, 36)  # TSS/day, every 2
WEEKDAY = 2  # Wednesday (Monday = 0)
GREEN = 67.0  # recovery at or above which a day counts as "high recovery"


@dataclass(frozen=True)
class PolicyMap:
    recovery: np.ndarray  # (nx,) recovery score
    tsb: np.ndarray  # (ny,) TSS/day
    actions: np.ndarray  # (ny, nx) action ids; row = TSB, column = recovery
    agreement: float = 1.0  # share of cells where every seed chose the mapped action


def typical_features(prepared: PreparedCohort) -> np.ndarray:
    """Median raw feature vector (F,) (every feature, F = 31) of the training athletes' days."""
    raw = prepared.features.raw[prepared.split_rows("train")]
    return np.median(raw, axis=0)


def grid_features(typical: np.ndarray, recovery: np.ndarray = RECOVERY,
                  tsb: np.ndarray = TSB) -> np.ndarray:
    """Raw features (ny·nx, F) of the grid, row-major over (TSB, recovery)."""
    tsb_g, rec_g = np.meshgrid(tsb, recovery, indexing="ij")
    rec, t = rec_g.ravel(), tsb_g.ravel()
    x = np.tile(typical, (len(rec), 1))
    ctl = typical[F["ctl"]]
    atl = np.maximum(ctl - t, 0.0)
    green = rec >= GREEN
    x[:, F["recovery"]] = rec
    x[:, F["tsb"]] = t
    x[:, F["atl"]] = atl
    x[:, F["recovery_x_fatigue"]] = rec / 100.0 * atl
    x[:, F["tsb_x_recovery"]] = t * rec / 100.0
    x[:, F["days_since_high_recovery"]] = np.where(
        green, 0.0, max(typical[F["days_since_high_recovery"]], 1.0))
    x[:, F["dow_sin"]] = np.sin(2 * np.pi * WEEKDAY / 7)
    x[:, F["dow_cos"]] = np.cos(2 * np.pi * WEEKDAY / 7)
    return x


def policy_map(policy: BasePolicy, prepared: PreparedCohort, *,
               recovery: np.ndarray = RECOVERY, tsb: np.ndarray = TSB) -> PolicyMap:
    """The action ``policy`` chooses on each grid morning (deterministic, nothing masked)."""
    raw = grid_features(typical_features(prepared), recovery, tsb)
    obs = prepared.scaler.transform(raw).astype(np.float32)
    mask = np.ones((len(obs), N_ACTIONS), dtype=bool)
    policy.reset(len(obs))  # a calendar policy starts on its first day
    actions = np.asarray(policy.act(obs, mask, deterministic=True), dtype=np.int64)
    return PolicyMap(recovery=recovery, tsb=tsb, actions=actions.reshape(len(tsb), len(recovery)))


def consensus(maps: list[PolicyMap]) -> PolicyMap:
    """The most frequent action per cell over several seeds' maps (ties: the lower id), and
    the share of cells on which all seeds agree."""
    stack = np.stack([m.actions for m in maps])  # (seeds, ny, nx)
    counts = np.stack([(stack == a).sum(axis=0) for a in range(N_ACTIONS)])
    mode = counts.argmax(axis=0)
    agreement = float((stack == mode).all(axis=0).mean())
    return PolicyMap(recovery=maps[0].recovery, tsb=maps[0].tsb, actions=mode,
                     agreement=agreement)
