from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import periodization  # noqa: F401  (registers Periodization-v1)
from periodization.env.constraints import RULE_NAMES
from periodization.env.periodization_env import PeriodizationEnv
from periodization.env.reward import COMPONENTS, RewardConfig
from periodization.env.world import SafetyViolation
from periodization.features.daily import N_FEATURES
from periodization.sim.actions import Action


def test_registered_env_passes_the_gymnasium_checker(env_cohort):
    env = gym.make("Periodization-v1", cohort=env_cohort)
    check_env(env.unwrapped)
    obs, info = env.reset(seed=0)
    assert obs.shape == (N_FEATURES,) and obs.dtype == np.float32
    assert info["action_mask"].dtype == bool and info["action_mask"][Action.REST]


def test_actions_change_the_world(env_cohort):
    rest, hiit = (PeriodizationEnv(cohort=env_cohort, safety={"low_recovery": False,
                  "hrv_crash": False, "consecutive_hard": False, "no_recent_rest": False})
                  for _ in range(2))
    o_rest, _ = rest.reset(seed=4)
    o_hiit, _ = hiit.reset(seed=4)
    assert np.array_equal(o_rest, o_hiit)
    for day in range(90):
        o_rest, _, _, t_rest, i_rest = rest.step(int(Action.REST))
        o_hiit, _, _, t_hiit, i_hiit = hiit.step(int(Action.HIIT))
        assert not np.array_equal(o_rest, o_hiit), f"same observation on day {day + 2}"
    assert t_rest and t_hiit
    assert i_rest["performance_change_pct"] != i_hiit["performance_change_pct"]


@pytest.mark.parametrize("bad", [7, -1, 2.0, True, "2", None, np.float32(1.0)])
def test_invalid_actions_raise_value_error(env_cohort, bad):
    env = PeriodizationEnv(cohort=env_cohort)
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(bad)


def test_numpy_integer_actions_are_accepted(env_cohort):
    """A numpy integer or 0-d array acts exactly as the same Python int."""
    numpy_env, int_env = PeriodizationEnv(cohort=env_cohort), PeriodizationEnv(cohort=env_cohort)
    numpy_env.reset(seed=0)
    int_env.reset(seed=0)
    for numpy_action, action in ((np.int64(2), 2), (np.array(1), 1), (np.int32(0), 0)):
        o1, r1, _, _, i1 = numpy_env.step(numpy_action)
        o2, r2, _, _, i2 = int_env.step(action)
        assert i1["action_taken"] == i2["action_taken"] == action
        assert np.array_equal(o1, o2) and r1 == r2


def _find_masked_day(env, seed=0, max_days=400):
    env.reset(seed=seed)
    for _ in range(max_days):
        mask = env.action_masks()
        if not mask.all():
            return mask
        _, _, _, trunc, _ = env.step(int(Action.HIIT))
        if trunc:
            env.reset()
    raise AssertionError("no masked day found")


def test_masked_action_becomes_rest_and_counts_a_violation(env_cohort):
    env = PeriodizationEnv(cohort=env_cohort, mask_reason_names=True)
    mask = _find_masked_day(env)
    info = env._info(None)
    reasons, names = info["mask_reasons"], info["mask_reason_names"]
    bad = int(np.flatnonzero(~mask)[0])
    assert Action(bad).name in names and names[Action(bad).name]
    # the fixed-shape form says the same: rule r blocks action a
    assert reasons.shape == (5, 6) and reasons.dtype == bool
    assert np.array_equal(~reasons.any(axis=0), mask)
    assert [RULE_NAMES[r] for r in np.flatnonzero(reasons[:, bad])] == names[Action(bad).name]
    before = env.world.violations[0]
    _, _, _, _, info = env.step(bad)
    assert info["violation"] and info["action_taken"] == Action.REST
    assert env.world.violations[0] == before + 1


def test_strict_mode_raises_on_a_masked_action(env_cohort):
    env = PeriodizationEnv(cohort=env_cohort, strict=True)
    mask = _find_masked_day(env)
    with pytest.raises(SafetyViolation):
        env.step(int(np.flatnonzero(~mask)[0]))


def test_reward_is_built_from_its_components(env_cohort):
    for version in ("v2", "v1", "outcome", "shaped"):
        config = RewardConfig(version=version, w_short=0.7, base=4.0)
        env = PeriodizationEnv(cohort=env_cohort, reward=config)
        env.reset(seed=1)
        for a in (0, 2, 4, 3, 1, 5):
            _, r, _, _, info = env.step(a)
            c = info["reward_components"]
            assert set(c) == set(COMPONENTS)
            if version == "v2":
                expected = (4.0 + 0.7 * c["short"] + 0.3 * c["medium"] + 0.2 * c["long"]
                            + c["recovery_bonus"] - 0.3 * c["penalty"])
            elif version == "v1":
                expected = (0.2 * c["short"] / 10 + 0.3 * c["medium"] / 5 + 0.5 * c["long"] / 10
                            - c["penalty"])
            elif version == "outcome":
                expected = c["gain"] - 0.3 * c["penalty"]
            else:
                expected = c["shaped_gain"] - 0.3 * c["penalty"]
            assert r == pytest.approx(expected)


def test_expected_days_lost_are_charged_only_by_the_outcome_and_shaped_rewards(env_cohort):
    """``w_days_lost`` prices the day's expected days lost (``days_lost``) in the outcome
    and shaped rewards, and nowhere else; the component is logged whatever the weight."""
    for version in ("v2", "v1", "outcome", "shaped"):
        rewards = {}
        for w in (0.0, 0.7):
            env = PeriodizationEnv(cohort=env_cohort,
                                   reward=RewardConfig(version=version, w_days_lost=w))
            env.reset(seed=4)
            rewards[w] = [env.step(int(a))[1:5:3] for a in (2, 4, 0, 5, 3, 1, 2)]
        days = []
        for (r0, info0), (r1, info1) in zip(rewards[0.0], rewards[0.7], strict=True):
            lost = info1["reward_components"]["days_lost"]
            assert lost == info0["reward_components"]["days_lost"] >= 0.0
            charged = 0.7 * lost if version in ("outcome", "shaped") else 0.0
            assert r1 == pytest.approx(r0 - charged)
            days.append(lost)
        assert max(days) > 1e-3  # a healthy athlete always risks something


def test_the_shaping_taper_sets_how_far_the_shaped_gain_looks(env_cohort):
    """``shaping_taper_days`` is the rest behind the shaped reward's test: at the outcome's
    own 7 days the shaped gain is the gain; shorter and longer tapers move it, and it is the
    same world either way (the taper changes the reward, never the athlete)."""
    gains = {}
    for taper in (5, 7, 14, 21):
        env = PeriodizationEnv(cohort=env_cohort, reward=RewardConfig(shaping_taper_days=taper))
        env.reset(seed=3)
        rows = [env.step(int(a))[4] for a in (Action.HIIT, Action.REST, Action.STRENGTH,
                                                Action.AEROBIC_BASE, Action.REST)]
        gains[taper] = np.array([[r["reward_components"]["gain"],
                                  r["reward_components"]["shaped_gain"]] for r in rows])
    assert np.allclose(gains[7][:, 1], gains[7][:, 0])
    for taper in (5, 14, 21):
        assert np.array_equal(gains[taper][:, 0], gains[7][:, 0])
        assert np.abs(gains[taper][:, 1] - gains[taper][:, 0]).max() > 1e-3
    assert np.abs(gains[14][:, 1] - gains[21][:, 1]).max() > 1e-3


def test_medium_and_long_terms_depend_on_the_action(env_cohort):
    out = {}
    for a in (Action.REST, Action.HIIT):
        env = PeriodizationEnv(cohort=env_cohort)
        env.reset(seed=2)
        out[a] = env.step(int(a))[4]["reward_components"]
    assert out[Action.HIIT]["medium"] > out[Action.REST]["medium"]
    assert out[Action.HIIT]["long"] != out[Action.REST]["long"]


def test_outcome_reward_sums_to_the_block_outcome(env_cohort):
    env = PeriodizationEnv(cohort=env_cohort, reward=RewardConfig(version="outcome",
                                                                  w_penalty=0.0))
    env.reset(seed=3)
    total, truncated = 0.0, False
    while not truncated:
        _, r, terminated, truncated, info = env.step(int(Action.AEROBIC_BASE))
        assert not terminated
        total += r
    assert info["day_in_block"] == 90
    assert total == pytest.approx(info["performance_change_pct"], abs=1e-9)


def test_prior_starts_give_fresh_athletes(env_cohort):
    env = PeriodizationEnv(cohort=env_cohort, prior=periodization_prior())
    obs, info = env.reset(seed=5)
    assert info["athlete_id"].startswith("prior-") and np.isfinite(obs).all()
    env.step(2)


def periodization_prior():
    from periodization.sim.prior import load_prior

    return load_prior()


def test_no_nan_reaches_an_observation_from_a_cohort_full_of_gaps():
    from periodization.cohort.dataset import prepare_cohort
    from periodization.cohort.synth import synthesize

    cohort = synthesize(athletes=30, days=90, seed=9)
    obs = cohort.observations
    rng = np.random.default_rng(0)
    wearable = ["hrv_rmssd_ms", "resting_hr", "sleep_hours", "sleep_efficiency", "recovery"]
    # Gaps everywhere (just under the 20 % drop threshold), including whole early stretches.
    holes = rng.random(len(obs)) < 0.12
    obs.loc[holes, wearable] = np.nan
    obs.loc[obs.groupby("athlete_id").cumcount() < 5, wearable] = np.nan
    prepared = prepare_cohort(cohort)
    for split in ("train", "val", "test"):
        env = PeriodizationEnv(cohort=prepared, split=split)
        for seed in range(5):
            o, _ = env.reset(seed=seed)
            assert np.isfinite(o).all()
            for _ in range(20):
                o, r, _, _, _ = env.step(int(rng.integers(0, 6)))
                assert np.isfinite(o).all() and np.isfinite(r)
