"""Replay buffer: ring order, validation, state round trip and seeded sampling."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from periodization.agents.replay import NO_TEACHER, ReplayBuffer
from tests.agents.helpers import N_ACTIONS, OBS_DIM, transitions


def test_buffer_wraps_around_keeping_the_newest():
    rng = np.random.default_rng(2)
    buffer = ReplayBuffer(capacity=10, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    chunks = [transitions(n, rng) for n in (4, 4, 4)]
    for t in chunks:
        buffer.add(**t)
    assert len(buffer) == 10
    rewards = np.concatenate([t["reward_B"] for t in chunks])
    state = buffer.state_dict()
    assert state["pos"] == 2
    np.testing.assert_array_equal(np.sort(state["reward"]), np.sort(rewards[2:]))
    buffer.add(**transitions(25, rng))  # more than the capacity: only the newest 10 stay
    assert len(buffer) == 10 and buffer.state_dict()["pos"] == 2


def test_buffer_round_trip_and_seeded_sampling():
    rng = np.random.default_rng(3)
    buffer = ReplayBuffer(capacity=50, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    for _ in range(3):
        buffer.add(**transitions(20, rng))
    f = io.BytesIO()
    np.savez(f, **buffer.state_dict())  # numpy arrays and ints: the npz format fits
    f.seek(0)
    restored = ReplayBuffer(capacity=50, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    restored.load_state_dict(dict(np.load(f)))
    more = transitions(7, rng)
    for b in (buffer, restored):
        b.add(**more)  # the ring position was restored too
    a = buffer.sample(32, np.random.default_rng(9))
    b = restored.sample(32, np.random.default_rng(9))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    assert a.action_B.dtype == torch.int64 and a.action_mask_BA.dtype == torch.bool
    assert a.obs_BO.shape == (32, OBS_DIM) and a.next_action_mask_BA.shape == (32, N_ACTIONS)
    with pytest.raises(ValueError, match="capacity"):
        ReplayBuffer(capacity=40, obs_dim=OBS_DIM, n_actions=N_ACTIONS).load_state_dict(
            buffer.state_dict())


def test_buffer_rejects_bad_transitions():
    rng = np.random.default_rng(4)
    buffer = ReplayBuffer(capacity=10, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    t = transitions(3, rng)
    masked = dict(t, action_mask_BA=t["action_mask_BA"].copy())
    masked["action_mask_BA"][0, t["action_B"][0]] = False
    masked["action_mask_BA"][0, (t["action_B"][0] + 1) % N_ACTIONS] = True
    cases = {"masked": masked, "shape": dict(t, obs_BO=t["obs_BO"][:, :5]),
             "NaN": dict(t, reward_B=np.array([0.0, np.nan, 1.0])),
             "empty": dict(t, next_action_mask_BA=np.zeros((3, N_ACTIONS), dtype=bool))}
    for name, bad in cases.items():
        with pytest.raises(ValueError):
            buffer.add(**bad)
        assert len(buffer) == 0, name
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(4, rng)


def test_buffer_keeps_teacher_labels_and_refuses_a_masked_one():
    rng = np.random.default_rng(5)
    buffer = ReplayBuffer(capacity=10, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    t = transitions(3, rng)
    allowed = np.array([np.flatnonzero(row)[-1] for row in t["action_mask_BA"]])
    buffer.add(**t)  # no teacher: every label is NO_TEACHER
    buffer.add(**t, teacher_B=allowed)
    np.testing.assert_array_equal(buffer.state_dict()["teacher"],
                                  np.r_[np.full(3, NO_TEACHER), allowed])
    only_taken = t["action_mask_BA"].copy()  # row 0 allows the action taken and nothing else
    only_taken[0] = np.arange(N_ACTIONS) == t["action_B"][0]
    other = (t["action_B"][0] + 1) % N_ACTIONS
    cases = {"masked": (dict(t, action_mask_BA=only_taken), np.r_[other, allowed[1:]]),
             "too large": (t, np.r_[N_ACTIONS, allowed[1:]]),
             "negative": (t, np.r_[-2, allowed[1:]])}
    for name, (given, labels) in cases.items():
        with pytest.raises(ValueError, match="teacher"):
            buffer.add(**given, teacher_B=labels)
        assert len(buffer) == 6, name


def test_a_replay_state_saved_before_teachers_loads_unlabelled():
    rng = np.random.default_rng(6)
    buffer = ReplayBuffer(capacity=10, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    buffer.add(**transitions(4, rng))
    old = {k: v for k, v in buffer.state_dict().items() if k != "teacher"}
    restored = ReplayBuffer(capacity=10, obs_dim=OBS_DIM, n_actions=N_ACTIONS)
    restored.load_state_dict(old)
    assert (restored.state_dict()["teacher"] == NO_TEACHER).all()
