"""What the SAC trainer stores: with SAME_STEP autoreset, an episode's last transition must
hold the episode's final observation and mask, not the next episode's first ones.

The stored transitions are checked against the same episodes replayed with the same
actions in an environment without autoreset, so nothing here depends on the model's
numbers, only on the bookkeeping.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from periodization.env.constraints import SafetyConfig
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.training.callbacks import CallbackList
from periodization.training.rundir import RunDir
from periodization.training.trainer import SACTrainer
from tests.training.conftest import tiny_config

N, DAYS = 4, 8


def test_the_last_transition_holds_the_final_observation_and_mask(tmp_path, prepared_small):
    config = tiny_config(None, episodes=N, learning_starts=10_000, eval_every_episodes=N,
                         checkpoint_every_episodes=N)  # random valid actions, no updates
    # a rest day is due after every training day: final mornings are often masked
    safety = SafetyConfig(max_days_without_rest=1)
    config = dataclasses.replace(config, env=dataclasses.replace(
        config.env, num_envs=N, block_days=DAYS, safety=safety))
    trainer = SACTrainer(config, run=RunDir(tmp_path), prepared=prepared_small,
                         callbacks=CallbackList([]))
    trainer._round(final=True)
    data = {k: v[:N * DAYS].reshape(DAYS, N, *v.shape[1:])
            for k, v in trainer.buffer._data.items()}

    # within an episode, the next observation and mask are those of the next transition
    np.testing.assert_array_equal(data["next_obs"][:-1], data["obs"][1:])
    np.testing.assert_array_equal(data["next_action_mask"][:-1], data["action_mask"][1:])
    assert not data["truncated"][:-1].any() and data["truncated"][-1].all()
    assert not data["terminated"].any()

    # the last one: the episode's own final morning, replayed without autoreset
    replay = PeriodizationVectorEnv(N, cohort=prepared_small, split=config.env.split,
                                    reward=config.env.reward, safety=safety,
                                    block_days=DAYS, autoreset=False, scaler=trainer.scaler)
    obs, info = replay.reset(seed=trainer.round_seeds(0))
    np.testing.assert_array_equal(obs, data["obs"][0])
    for t in range(DAYS):
        obs, _, _, _, info = replay.step(data["action"][t])
    np.testing.assert_array_equal(data["next_obs"][-1], obs.astype(np.float32))
    np.testing.assert_array_equal(data["next_action_mask"][-1], info["action_mask"])

    # ... which the trainer's environment has already replaced by new episodes' starts,
    # so storing those instead would differ
    after_reset = trainer.env.world
    assert not np.array_equal(after_reset.obs, obs)
    assert not np.array_equal(after_reset.mask, info["action_mask"])
