from __future__ import annotations

import numpy as np

from periodization.env.periodization_env import PeriodizationEnv
from periodization.env.vector_env import PeriodizationVectorEnv


def test_vector_env_equals_single_envs_with_the_same_seeds(env_cohort):
    n, seed = 5, 21
    venv = PeriodizationVectorEnv(n, cohort=env_cohort, block_days=30)
    singles = [PeriodizationEnv(cohort=env_cohort, block_days=30) for _ in range(n)]
    obs, info = venv.reset(seed=seed)
    for i, env in enumerate(singles):
        o, inf = env.reset(seed=seed + i)
        assert np.array_equal(obs[i], o)
        assert np.array_equal(info["action_mask"][i], inf["action_mask"])
    actions = np.random.default_rng(0).integers(0, 6, size=(75, n))  # crosses 2 resets
    for t in range(75):
        obs, rew, term, trunc, info = venv.step(actions[t])
        for i, env in enumerate(singles):
            o, r, te, tr, inf = env.step(int(actions[t, i]))
            assert tr == trunc[i] and te is False and not term[i]
            assert r == rew[i]
            if tr:  # SAME_STEP autoreset: the episode's last observation and mask ride along
                assert np.array_equal(info["final_obs"][i], o)
                assert info["final_info"]["performance_change_pct"][i] \
                    == inf["performance_change_pct"]
                assert np.array_equal(info["final_info"]["action_mask"][i], inf["action_mask"])
                o, inf = env.reset()
            assert np.array_equal(obs[i], o), (t, i)
            assert np.array_equal(info["action_mask"][i], inf["action_mask"])
            assert np.array_equal(venv.action_masks()[i], env.action_masks())


def test_vector_env_reports_episode_summaries(env_cohort):
    venv = PeriodizationVectorEnv(3, cohort=env_cohort, block_days=10)
    venv.reset(seed=0)
    for _ in range(9):
        *_, trunc, info = venv.step(np.full(3, 2))
        assert not trunc.any() and "final_info" not in info
    *_, trunc, info = venv.step(np.full(3, 2))
    assert trunc.all() and info["_final_info"].all()
    summary = info["final_info"]
    assert set(summary) >= {"episode_return", "performance_change_pct", "violations",
                            "days_overreached", "days_ill", "action_mask"}
