"""Lagrangian budgets: the multiplier's direction, its clipping, the penalty's sign and the
cost flags the env's info carries."""

from __future__ import annotations

import numpy as np

from periodization.agents import lagrangian as L
from periodization.agents.replay import ReplayBuffer


def test_multiplier_rises_when_costs_exceed_the_budget():
    lam = L.dual_step(np.array([0.2, 0.2]), cost_C=np.array([3.0, 5.0]),
                      budget_C=np.array([1.0, 3.0]), lr=0.1, lam_max=10.0)
    np.testing.assert_allclose(lam, [0.4, 0.4])


def test_multiplier_falls_under_budget_and_clips_at_zero_and_max():
    lam = L.dual_step(np.array([0.3, 0.05]), cost_C=np.array([0.0, 1.0]),
                      budget_C=np.array([1.0, 3.0]), lr=0.1, lam_max=10.0)
    np.testing.assert_allclose(lam, [0.2, 0.0])  # 0.05 − 0.2 clips at 0
    high = L.dual_step(np.array([1.9, 0.0]), cost_C=np.array([50.0, 0.0]),
                       budget_C=np.array([1.0, 0.0]), lr=1.0, lam_max=2.0)
    np.testing.assert_allclose(high, [2.0, 0.0])


def test_penalty_lowers_the_reward_of_costly_days_only():
    reward = np.array([1.0, 1.0, 1.0], dtype=np.float32)
    cost = np.array([[0, 0], [1, 0], [1, 1]], dtype=np.float32)
    out = L.penalised_reward(reward, cost, np.array([0.5, 0.25]))
    np.testing.assert_allclose(out, [1.0, 0.5, 0.25])
    assert out.dtype == np.float32


def test_day_costs_read_the_overreached_and_ill_flags_and_final_info_for_ended_rows():
    info = {"overreached": np.array([True, False, False]), "_overreached": np.array(
                [True, True, False]),
            "ill": np.array([False, True, True]), "_ill": np.array([True, True, False]),
            "injured": np.array([True, True, True]), "_injured": np.array([True, True, True]),
            "final_info": {"overreached": np.array([False, False, True]),
                           "_overreached": np.array([False, False, True]),
                           "ill": np.array([True, True, False]),
                           "_ill": np.array([False, False, True])}}
    cost = L.day_costs(info, 3)
    np.testing.assert_array_equal(cost, [[1, 0], [0, 1], [1, 0]])  # injured is not a cost


def test_the_env_flags_are_the_world_states_and_sum_to_the_episode_counts():
    from periodization.env.vector_env import PeriodizationVectorEnv
    from periodization.policies.baselines import RandomPolicy

    env = PeriodizationVectorEnv(8, block_days=30)
    obs, info = env.reset(seed=3)
    policy, total = RandomPolicy(0), np.zeros((8, L.N_COSTS))
    for _ in range(30):
        obs, _, _, _, info = env.step(policy.act(obs, info["action_mask"], deterministic=True))
        total += L.day_costs(info, 8)
    final = info["final_info"]
    np.testing.assert_array_equal(total[:, 0], final["days_overreached"])
    np.testing.assert_array_equal(total[:, 1], final["days_ill"])
    assert total.sum() > 0  # the check has something to compare


def test_replay_stores_costs_and_loads_a_buffer_saved_without_them():
    buf = ReplayBuffer(capacity=8, obs_dim=2, n_actions=3)
    mask = np.ones((2, 3), dtype=bool)
    buf.add(obs_BO=np.zeros((2, 2)), action_B=np.array([0, 1]), reward_B=np.zeros(2),
            next_obs_BO=np.zeros((2, 2)), terminated_B=np.zeros(2, bool),
            truncated_B=np.zeros(2, bool), action_mask_BA=mask, next_action_mask_BA=mask,
            cost_BC=np.array([[1, 0], [0, 1]]))
    batch = buf.sample(16, np.random.default_rng(0))
    assert set(map(tuple, batch.cost_BC.numpy().tolist())) == {(1.0, 0.0), (0.0, 1.0)}
    state = buf.state_dict()
    del state["cost"]
    fresh = ReplayBuffer(capacity=8, obs_dim=2, n_actions=3)
    fresh.load_state_dict(state)
    assert len(fresh) == 2 and not fresh.sample(4, np.random.default_rng(0)).cost_BC.any()


def test_eval_costs_are_the_evaluations_bad_days_in_cost_order():
    evaluation = {"outcome_pct": 4.0, "days_ill": 2.5, "days_overreached": 0.75}
    np.testing.assert_allclose(L.eval_costs(evaluation), [0.75, 2.5])
    lam = L.dual_step(np.array([0.5, 0.5]), L.eval_costs(evaluation),
                      budget_C=np.array([0.5, 3.0]), lr=1.0, lam_max=10.0)
    np.testing.assert_allclose(lam, [0.75, 0.0])  # over budget rises, under budget falls


def test_a_graded_overreached_cost_warns_before_the_flag_and_never_undercuts_it():
    info = {"overreached": np.array([False, False, False, True]),
            "_overreached": np.array([True, True, True, True]),
            "ill": np.zeros(4, dtype=bool), "_ill": np.ones(4, dtype=bool),
            "overreach_level": np.array([0.2, 0.75, 1.0, 3.0]),
            "_overreach_level": np.ones(4, dtype=bool)}
    graded = L.day_costs(info, 4, warning_from=0.5)
    np.testing.assert_allclose(graded[:, 0], [0.0, 0.5, 1.0, 1.0])  # 0 below half, ramp, 1
    np.testing.assert_array_equal(L.day_costs(info, 4)[:, 0], [0, 0, 0, 1])  # flag only
    assert (graded[:, 0] >= L.day_costs(info, 4)[:, 0]).all()


def test_the_overreach_level_crosses_one_exactly_when_the_flag_is_raised():
    from periodization.env.vector_env import PeriodizationVectorEnv
    from periodization.policies.baselines import RandomPolicy

    env = PeriodizationVectorEnv(8, block_days=60)
    obs, info = env.reset(seed=5)
    policy, seen = RandomPolicy(1), []
    for _ in range(59):  # before the block's last day (whose row values go to final_info)
        obs, _, _, _, info = env.step(policy.act(obs, info["action_mask"], deterministic=True))
        np.testing.assert_array_equal(info["overreach_level"] > 1.0, info["overreached"])
        seen.append(info["overreach_level"])
    assert np.ptp(np.concatenate(seen)) > 0  # the level moves: the check is not vacuous
