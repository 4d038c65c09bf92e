"""``Periodization-v1``: one athlete, one 90-day training block, one session a day."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from periodization.cohort.dataset import PreparedCohort
from periodization.env import constraints as C
from periodization.env.constraints import SafetyConfig
from periodization.env.options import (
    CohortReference,
    block_length,
    build_world,
    reset_needed,
)
from periodization.env.reward import RewardConfig
from periodization.env.world import StepResult
from periodization.features.scaler import CLIP, FeatureScaler
from periodization.sim.actions import N_ACTIONS
from periodization.sim.prior import Prior


class PeriodizationEnv(CohortReference, gym.Env):
    """
    ## Description
    Prescribe one training session a day to a simulated athlete for a 90-day block. The
    athlete is World v2 (``docs/athlete-model.md``): adaptation that stalls past the
    optimal load, a saturating intensity channel, fatigue that grows faster than load,
    hidden non-functional overreaching, life stress, separate illness and injury,
    detraining; every action changes the physiology the next observation shows, and what a
    hard session does depends on the athlete's state that morning. The figure of merit is
    the block's change in test performance (``info["performance_change_pct"]`` on the last
    step).

    ## Action Space
    ``Discrete(6)``: 0 REST, 1 ACTIVE_RECOVERY (zone 1), 2 AEROBIC_BASE (zone 2),
    3 TEMPO (zones 3–4), 4 HIIT (zone 5), 5 STRENGTH. Some actions are masked each day by
    the safety rules; the mask is ``info["action_mask"]`` (bool, True = allowed) and
    ``env.action_masks()``, with reasons in ``info["mask_reasons"]`` (bool (5, 6): rule ×
    action, rules in ``constraints.RULE_NAMES`` order; ``mask_reason_names=True`` adds
    ``info["mask_reason_names"]``, action name → rule names). A masked action is replaced by
    REST and counted as a violation (``info["violation"]``; ``reward={"w_violation": w}``
    pays w for it, ``strict=True`` raises instead). Anything but an integer 0–5 raises
    ``ValueError``; ``step()`` or ``action_masks()`` before ``reset()`` raise
    ``gymnasium.error.ResetNeeded``.

    ## Observation Space
    ``Box(-10, 10, (17,), float32)``: the 17 features of ``periodization.features.daily``,
    normalised with the cohort's scaler (fitted on training athletes), clipped to ±10:

    | index | feature | unit (raw) |
    |---|---|---|
    | 0 | HRV (RMSSD) | ms |
    | 1 | resting HR | bpm |
    | 2 | recovery | 0–100 |
    | 3 | sleep duration | h |
    | 4 | sleep efficiency | % |
    | 5 | ATL | TSS/day |
    | 6 | CTL | TSS/day |
    | 7 | TSB | TSS/day |
    | 8 | 7-day HRV z-score | SD |
    | 9 | HRV trend | %/day |
    | 10 | recovery trend | points/day |
    | 11 | day of week, sin | – |
    | 12 | day of week, cos | – |
    | 13 | days since high recovery | days |
    | 14 | consecutive high-intensity days | days |
    | 15 | recovery × fatigue | – |
    | 16 | TSB × recovery | – |

    ## Rewards
    ``"shaped"`` (default, the reward the project trains with: ``reward.DEFAULT_REWARD``):
    the day's change in test performance under a 21-day-rest potential, soft penalties
    logged but not paid; ``"outcome"``: the day's realised change in test performance (sums
    to the block outcome) − w·penalty; ``"v2"``: the seed's 6 + 0.5·short + 0.3·medium +
    0.2·long + recovery bonus − 0.3·penalty; ``"v1"``: the seed's original.
    Components are in ``info["reward_components"]``; definitions in
    ``periodization.env.reward``.

    ## Starting State
    An athlete of the cohort's ``split`` ("train", "val", "test") on a random day of their
    history (≥ 28 days in), with their true parameters and hidden state that day; or, with
    ``prior=...``, a fresh athlete of that prior after 56 days of ordinary training.

    ## Episode End
    1. Termination: never (no absorbing state).
    2. Truncation: after ``block_days`` (90) days; bootstrap through it. The env is its own
       time limit (none is registered): ``gym.make(ENV_ID, block_days=120)`` runs 120 days;
       ``max_episode_steps`` given to ``make`` adds Gymnasium's ``TimeLimit`` (the shorter
       of the two ends the episode); given to ``make_vec`` it sets ``block_days``.

    ## Info
    Every step: ``action_mask``, ``mask_reasons``, ``athlete_id``, ``day_in_block``,
    ``violations``, ``episode_return``, ``days_overreached``, ``days_ill`` (reset gives
    these), plus ``reward_components``, ``performance``, ``performance_change_pct``,
    ``violation``, ``action_taken`` (int, the action carried out), ``overreached``, ``ill``,
    ``load`` and ``overreach_level`` (maladaptation / the overreached
    threshold). Keys, types and shapes never change from step to step.

    ## Arguments
    | argument | default | meaning |
    |---|---|---|
    | cohort | default cohort | cohort directory or ``PreparedCohort`` |
    | split | "train" | which athletes episodes start from |
    | prior | None | start from fresh athletes of this prior instead |
    | reward | "shaped" | version name, dict or ``RewardConfig`` |
    | safety | all rules on | dict or ``SafetyConfig`` |
    | strict | False | raise on a masked action |
    | block_days | 90 | episode length |
    | scaler | cohort's | ``FeatureScaler`` for observations |
    | mask_reason_names | False | add ``info["mask_reason_names"]`` (variable size) |

    Pickling keeps a reference to the cohort (its directory, or the cached default), not the
    cohort: a pickled env is small and rebuilds its start sampler when loaded.

    ## Version History
    * v1: World v2 (the athlete model of ``docs/athlete-model.md``: session effects that
      depend on readiness, saturating intensity, separate injury), ``info["days_injured"]``
      and ``injured``; the default reward is the one the project trains with ("shaped").
    * v0: first version (World v1; no longer provided).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": []}

    def __init__(self, *, cohort: str | Path | PreparedCohort | None = None, split: str = "train",
                 prior: str | Path | Prior | None = None,
                 reward: RewardConfig | dict | str | None = None,
                 safety: SafetyConfig | dict | None = None, strict: bool | None = None,
                 block_days: int | None = None, scaler: FeatureScaler | None = None,
                 mask_reason_names: bool = False) -> None:
        self.world, self.starts, self.prepared = build_world(
            cohort=cohort, split=split, prior=prior, reward=reward, safety=safety,
            strict=strict, block_days=block_length(block_days, None), scaler=scaler)
        self._remember_source(cohort=cohort, split=split, prior=prior)
        self.mask_reason_names = mask_reason_names
        self.action_space = gym.spaces.Discrete(N_ACTIONS)
        width = self.world.scaler.n_features  # the scaler's observation space (v1 17, v2 31)
        self.observation_space = gym.spaces.Box(-CLIP, CLIP, (width,), np.float32)

    def reset(self, *, seed: int | None = None, options: dict | None = None
              ) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.world.start(self.starts.sample([self.np_random]))
        return self.world.obs[0].copy(), self._info(None)

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        if self.world.n == 0:
            raise reset_needed("step()")
        if isinstance(action, np.ndarray | np.generic) and np.ndim(action) == 0:
            action = action.item() if np.issubdtype(np.asarray(action).dtype, np.integer) \
                else action
        result = self.world.step(action if type(action) is int else np.asarray([action]))
        return (self.world.obs[0].copy(), float(result.reward[0]), False,
                bool(result.truncated[0]), self._info(result))

    def action_masks(self) -> np.ndarray:
        """Bool (6,), True = allowed (the method sb3-contrib's MaskablePPO calls)."""
        if self.world.n == 0:
            raise reset_needed("action_masks()")
        return self.world.mask[0].copy()

    def _info(self, result: StepResult | None) -> dict[str, Any]:
        """The same keys, types and shapes every step (reset: the morning keys only)."""
        w = self.world
        info: dict[str, Any] = {
            "action_mask": w.mask[0].copy(),
            "mask_reasons": C.reason_matrix(w.fired[0]),
            "athlete_id": str(w.athlete_id[0]),
            "day_in_block": int(w.day_in_block[0]),
            "violations": int(w.violations[0]),
            "episode_return": float(w.episode_return[0]),
            "days_overreached": int(w.days_overreached[0]),
            "days_ill": int(w.days_ill[0]),
            "days_injured": int(w.days_injured[0]),
        }
        if self.mask_reason_names:
            info["mask_reason_names"] = w.mask_reasons(0)
        if result is not None:
            info.update(
                reward_components={k: float(v[0]) for k, v in result.components.items()},
                performance=float(result.performance[0]),
                performance_change_pct=float(result.performance_change_pct[0]),
                violation=bool(result.violation[0]),
                action_taken=int(result.action[0]),
                overreached=bool(result.overreached[0]),
                ill=bool(result.ill[0]),
                injured=bool(result.injured[0]),
                load=float(result.load[0]),
                overreach_level=float(result.overreach_level[0]),
            )
        return info
