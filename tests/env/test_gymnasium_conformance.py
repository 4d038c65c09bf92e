"""What third-party Gymnasium code expects of ``Periodization-v1`` and its vector env:
``make_vec`` in every mode, one time limit, Gymnasium's autoreset modes and info schema,
fixed-shape infos, clear errors before ``reset()``, small pickles."""

from __future__ import annotations

import pickle

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import periodization  # noqa: F401  (registers Periodization-v1)
from periodization.env import ENV_ID
from periodization.env.periodization_env import PeriodizationEnv
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.features.daily import N_FEATURES
from periodization.sim.actions import Action


@pytest.mark.parametrize("mode", ["vector_entry_point", "sync", "async"])
def test_make_vec_works_in_every_vectorization_mode(cohort_dir, mode):
    envs = gym.make_vec(ENV_ID, 3, vectorization_mode=mode, cohort=str(cohort_dir),
                        block_days=4)
    try:
        obs, info = envs.reset(seed=0)
        assert obs.shape == (3, N_FEATURES) and info["action_mask"].shape == (3, 6)
        for _ in range(4):
            obs, reward, terminated, truncated, info = envs.step(np.full(3, 2))
        assert truncated.all() and not terminated.any() and reward.shape == (3,)
    finally:
        envs.close()


def test_the_default_make_vec_is_the_batched_env(env_cohort):
    envs = gym.make_vec(ENV_ID, 4, cohort=env_cohort)
    assert isinstance(envs.unwrapped, PeriodizationVectorEnv)
    assert envs.unwrapped.world.block_days == 90


def _episode_length(env) -> int:
    env.reset(seed=0)
    for t in range(1, 400):
        if env.step(2)[3]:
            return t
    raise AssertionError("the episode never ended")


def test_block_days_and_max_episode_steps_are_one_limit(env_cohort):
    assert _episode_length(gym.make(ENV_ID, cohort=env_cohort)) == 90
    assert _episode_length(gym.make(ENV_ID, cohort=env_cohort, block_days=120)) == 120
    # make's own max_episode_steps is Gymnasium's TimeLimit around the env: the shorter wins
    assert _episode_length(gym.make(ENV_ID, cohort=env_cohort, max_episode_steps=7)) == 7
    assert _episode_length(gym.make(ENV_ID, cohort=env_cohort, block_days=6,
                                    max_episode_steps=8)) == 6
    for kwargs in ({"block_days": 5}, {"max_episode_steps": 5}):
        venv = gym.make_vec(ENV_ID, 2, cohort=env_cohort, **kwargs)
        venv.reset(seed=0)
        ends = [venv.step(np.zeros(2, dtype=int))[3].all() for _ in range(5)]
        assert ends == [False] * 4 + [True]
    with pytest.raises(ValueError, match="disagree"):
        gym.make_vec(ENV_ID, 2, cohort=env_cohort, block_days=5, max_episode_steps=6)


def _same_info(ours: dict, theirs: dict, where: str = "info") -> None:
    """Gymnasium's vector info: the same keys and masks; equal values where present."""
    assert set(ours) == set(theirs), (where, set(ours) ^ set(theirs))
    for key, value in theirs.items():
        if key.startswith("_"):
            assert np.array_equal(ours[key], value), (where, key)
        elif isinstance(value, dict):
            _same_info(ours[key], value, f"{where}.{key}")
        else:
            rows = theirs[f"_{key}"]
            mine = np.asarray(ours[key])[rows]
            if value.dtype == object and key == "final_obs":
                assert all(np.array_equal(a, b) for a, b in zip(mine, value[rows], strict=True))
            else:
                assert mine.dtype == value[rows].dtype or value.dtype == object, (where, key)
                assert np.array_equal(mine, value[rows]), (where, key)


@pytest.mark.parametrize("mode", [AutoresetMode.SAME_STEP, AutoresetMode.NEXT_STEP])
def test_vector_env_equals_gymnasiums_sync_vector_env(env_cohort, mode):
    n, days = 3, 4
    ours = PeriodizationVectorEnv(n, cohort=env_cohort, block_days=days, autoreset_mode=mode)
    theirs = gym.vector.SyncVectorEnv(
        [lambda: PeriodizationEnv(cohort=env_cohort, block_days=days)] * n,
        autoreset_mode=mode)
    assert ours.metadata["autoreset_mode"] == mode
    o1, i1 = ours.reset(seed=7)
    o2, i2 = theirs.reset(seed=7)
    assert np.array_equal(o1, o2)
    _same_info(i1, i2)
    actions = np.random.default_rng(1).integers(0, 6, size=(3 * days + 2, n))
    for t, a in enumerate(actions):
        o1, r1, te1, tr1, i1 = ours.step(a)
        o2, r2, te2, tr2, i2 = theirs.step(a)
        assert np.array_equal(o1, o2) and np.array_equal(r1, r2), t
        assert np.array_equal(te1, te2) and np.array_equal(tr1, tr2), t
        _same_info(i1, i2, f"step {t}")


def test_observation_vector_wrappers_work_with_next_step_autoreset(env_cohort):
    env = PeriodizationVectorEnv(4, cohort=env_cohort, block_days=5,
                                 autoreset_mode=AutoresetMode.NEXT_STEP)
    env = gym.wrappers.vector.RecordEpisodeStatistics(
        gym.wrappers.vector.NormalizeObservation(env))
    obs, _ = env.reset(seed=0)
    episodes = []
    for _ in range(12):
        obs, _, _, _, info = env.step(np.full(4, 2))
        assert np.isfinite(obs).all()
        if "episode" in info:
            episodes.append(info["episode"]["l"][info["_episode"]])
    assert episodes and all((lengths == 5).all() for lengths in episodes)
    with pytest.raises(ValueError, match="NEXT_STEP"):  # Gymnasium refuses SAME_STEP
        gym.wrappers.vector.NormalizeObservation(PeriodizationVectorEnv(2, cohort=env_cohort))


def test_single_and_vector_infos_have_the_same_types_and_fixed_shapes(env_cohort):
    single = PeriodizationEnv(cohort=env_cohort, block_days=10)
    vector = PeriodizationVectorEnv(2, cohort=env_cohort, block_days=10)
    single.reset(seed=0)
    vector.reset(seed=0)
    shapes: dict | None = None
    for a in np.random.default_rng(2).integers(0, 6, size=25):
        _, _, _, truncated, info = single.step(int(a))
        _, _, _, vtruncated, vinfo = vector.step(np.full(2, a))
        if vtruncated.all():  # SAME_STEP: the ended step's info is the final info
            vinfo = vinfo["final_info"]
        assert type(info["action_taken"]) is int
        assert vinfo["action_taken"].dtype == np.int64
        now = {k: np.shape(v) for k, v in info.items() if k != "reward_components"}
        assert now["mask_reasons"] == (5, 6) and now["action_mask"] == (6,)
        assert shapes is None or now == shapes  # the same keys and shapes every step
        shapes = now
        if truncated:
            single.reset()


def test_action_masks_and_step_before_reset_say_so(env_cohort):
    for env in (PeriodizationEnv(cohort=env_cohort), PeriodizationVectorEnv(2, cohort=env_cohort)):
        with pytest.raises(gym.error.ResetNeeded, match="reset"):
            env.action_masks()
        with pytest.raises(gym.error.ResetNeeded, match="reset"):
            env.step(np.zeros(env.num_envs, dtype=int) if hasattr(env, "num_envs") else 0)


@pytest.mark.parametrize("make", [
    lambda path: PeriodizationEnv(cohort=str(path)),
    lambda path: PeriodizationVectorEnv(3, cohort=str(path)),
])
def test_envs_pickle_small_and_continue_identically(cohort_dir, make):
    env = make(cohort_dir)
    n = getattr(env, "num_envs", None)
    env.reset(seed=3)
    action = 3 if n is None else np.full(n, 3)
    for _ in range(5):
        env.step(action)
    blob = pickle.dumps(env)
    whole = len(pickle.dumps(env.starts)) + len(pickle.dumps(env.prepared))
    assert len(blob) < whole / 20  # the cohort stays behind; the episode state travels
    copy = pickle.loads(blob)
    for _ in range(30):
        a = env.step(action)
        b = copy.step(action)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert np.array_equal(env.action_masks(), copy.action_masks())


def test_a_violation_penalty_makes_an_unmasked_agent_see_it(env_cohort):
    plain = PeriodizationEnv(cohort=env_cohort)
    paid = PeriodizationEnv(cohort=env_cohort, reward={"w_violation": 5.0})
    plain.reset(seed=0)
    paid.reset(seed=0)
    seen = 0
    for _ in range(90):
        _, r0, _, _, info = plain.step(int(Action.HIIT))
        _, r1, _, _, _ = paid.step(int(Action.HIIT))
        assert r1 == pytest.approx(r0 - 5.0 * info["violation"])
        seen += info["violation"]
    assert seen > 0


def test_the_default_reward_is_one_constant_and_shaped_is_the_training_reward(env_cohort):
    from periodization.env.reward import DEFAULT_REWARD, TRAINING_REWARD, RewardConfig
    from periodization.training.config import EnvConfig

    assert PeriodizationEnv(cohort=env_cohort).world.reward is DEFAULT_REWARD
    assert DEFAULT_REWARD == TRAINING_REWARD == RewardConfig()  # v1: the training reward
    assert RewardConfig(version="v2", w_penalty=0.3) == PeriodizationEnv(
        cohort=env_cohort, reward="v2").world.reward  # the seed's, by name
    shaped = PeriodizationEnv(cohort=env_cohort, reward="shaped").world.reward
    assert shaped == TRAINING_REWARD == EnvConfig().reward and shaped.w_penalty == 0.0
