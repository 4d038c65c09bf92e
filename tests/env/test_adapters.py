"""The SB3 ``VecEnv`` over the batched env and the Dict-observation mask wrapper."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from periodization.env.periodization_env import PeriodizationEnv
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.env.wrappers import DictMaskObservation
from periodization.features.daily import N_FEATURES


def test_sb3_vec_env_gives_the_vector_envs_numbers_in_sb3s_protocol(env_cohort):
    from periodization.env.sb3 import SB3VecEnv

    n, days = 3, 6
    ours = SB3VecEnv(PeriodizationVectorEnv(n, cohort=env_cohort, block_days=days))
    raw = PeriodizationVectorEnv(n, cohort=env_cohort, block_days=days)
    ours.seed(5)
    assert np.array_equal(ours.reset(), raw.reset(seed=5)[0])
    actions = np.random.default_rng(0).integers(0, 6, size=(2 * days, n))
    for t, a in enumerate(actions):
        obs, reward, done, infos = ours.step(a)
        o, r, _, trunc, info = raw.step(a)
        assert np.array_equal(obs, o) and np.allclose(reward, r) and np.array_equal(done, trunc)
        assert len(infos) == n and all("action_mask" in i for i in infos)
        if done.any():
            assert t % days == days - 1
            for i in range(n):
                assert np.array_equal(infos[i]["terminal_observation"], info["final_obs"][i])
                assert infos[i]["TimeLimit.truncated"] is True
                assert infos[i]["episode"]["l"] == days
        assert np.array_equal(np.stack(ours.env_method("action_masks")), raw.action_masks())


def test_maskable_ppo_trains_on_the_sb3_vec_env_without_violations(env_cohort):
    from sb3_contrib import MaskablePPO
    from sb3_contrib.common.maskable.utils import is_masking_supported

    from periodization.env.sb3 import SB3VecEnv

    env = SB3VecEnv(PeriodizationVectorEnv(4, cohort=env_cohort, block_days=10))
    assert is_masking_supported(env)
    model = MaskablePPO("MlpPolicy", env, n_steps=20, batch_size=40, seed=0, device="cpu")
    model.learn(80)
    assert len(model.ep_info_buffer) >= 8
    obs = env.reset()
    for _ in range(10):
        action, _ = model.predict(obs, action_masks=env.action_masks())
        obs, _, _, infos = env.step(action)
        assert not any(i["violation"] for i in infos if "violation" in i)


@pytest.mark.filterwarnings("ignore:.*different from the unwrapped version")
@pytest.mark.parametrize("keys", [("observations", "action_mask"), ("obs", "mask")])
def test_dict_mask_observation_passes_the_checker_and_carries_the_mask(env_cohort, keys):
    env = DictMaskObservation(PeriodizationEnv(cohort=env_cohort), obs_key=keys[0],
                              mask_key=keys[1])
    check_env(env, skip_render_check=True)
    obs, info = env.reset(seed=0)
    assert set(obs) == set(keys)
    for _ in range(20):
        assert np.array_equal(obs[keys[1]] == 1.0, env.unwrapped.action_masks())
        assert np.array_equal(obs[keys[1]] == 1.0, info["action_mask"])
        obs, _, _, _, info = env.step(int(np.flatnonzero(obs[keys[1]]).max()))
        assert env.observation_space.contains(obs)


def test_dict_mask_observation_via_make(env_cohort):
    env = DictMaskObservation(gym.make("Periodization-v1", cohort=env_cohort))
    obs, _ = env.reset(seed=1)
    assert obs["observations"].shape == (N_FEATURES,) and obs["action_mask"].dtype == np.float32
