"""Uniform replay: a preallocated numpy ring buffer of masked transitions.

Shapes: B = batch (transitions added or sampled at once), O = observation features,
A = actions. Masks are bool, True = allowed.

Memory: one transition takes 2·O·4 (obs, next_obs) + 8 + 4 + 2 + 2·A + 4·C + 1 (teacher) bytes:
171 B at O = 17, A = 6, C = 2 cost flags, so the default 1M capacity is ≈ 170 MB. ``np.zeros``
obtains zeroed pages from the OS lazily, so the resident size grows with what has actually
been stored.
``next_obs`` is stored rather than derived from the following row because vectorised
collection interleaves athletes and autoreset puts a new episode's first observation
where the old episode's last ``next_obs`` would be.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch

from periodization.agents.lagrangian import N_COSTS
from periodization.agents.masks import check_mask


class ReplayBatch(NamedTuple):
    """A sampled batch of transitions as torch tensors (CPU, no copies beyond the gather)."""

    obs_BO: torch.Tensor  # float32
    action_B: torch.Tensor  # int64
    reward_B: torch.Tensor  # float32
    next_obs_BO: torch.Tensor  # float32
    terminated_B: torch.Tensor  # bool: a true end of the MDP, no bootstrap
    truncated_B: torch.Tensor  # bool: a time limit, bootstrapped through
    action_mask_BA: torch.Tensor  # bool, mask of the state the action was taken in
    next_action_mask_BA: torch.Tensor  # bool, mask of the next state
    # float32 (B, C): the day's cost flags (agents/lagrangian.COSTS); None in batches built
    # by hand (the SAC losses never read it: the trainer folds it into the reward)
    cost_BC: torch.Tensor | None = None
    # int8 (B,): the teacher's action in this state (``training/imitation.py``), −1 where
    # none was asked; None in batches built by hand
    teacher_B: torch.Tensor | None = None


# Storage name → (dtype, trailing shape as a function of (O, A)), in ReplayBatch order.
_FIELDS: dict[str, tuple[type, Any]] = {
    "obs": (np.float32, lambda o, a: (o,)),
    "action": (np.int64, lambda o, a: ()),
    "reward": (np.float32, lambda o, a: ()),
    "next_obs": (np.float32, lambda o, a: (o,)),
    "terminated": (np.bool_, lambda o, a: ()),
    "truncated": (np.bool_, lambda o, a: ()),
    "action_mask": (np.bool_, lambda o, a: (a,)),
    "next_action_mask": (np.bool_, lambda o, a: (a,)),
    "cost": (np.float32, lambda o, a: (N_COSTS,)),
    "teacher": (np.int8, lambda o, a: ()),
}
NO_TEACHER = -1  # the teacher field of a transition no teacher labelled


class ReplayBuffer:
    """Ring buffer over ``capacity`` transitions; the oldest are overwritten first."""

    def __init__(self, *, capacity: int, obs_dim: int, n_actions: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity, self.obs_dim, self.n_actions = capacity, obs_dim, n_actions
        self._data = {name: np.zeros((capacity, *tail(obs_dim, n_actions)), dtype=dtype)
                      for name, (dtype, tail) in _FIELDS.items()}
        self._pos = 0  # next row to write
        self._size = 0  # rows holding data

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes the full buffer occupies once every row has been written."""
        return sum(a.nbytes for a in self._data.values())

    def add(self, *, obs_BO: np.ndarray, action_B: np.ndarray, reward_B: np.ndarray,
            next_obs_BO: np.ndarray, terminated_B: np.ndarray, truncated_B: np.ndarray,
            action_mask_BA: np.ndarray, next_action_mask_BA: np.ndarray,
            cost_BC: np.ndarray | None = None, teacher_B: np.ndarray | None = None) -> None:
        """Store B transitions at once (one per athlete of a vectorised step).

        ``next_obs_BO`` must be the observation the action led to, also on the last step of
        an episode (the final observation, not the first one of the next episode).
        ``cost_BC`` (B, C) holds the day's cost flags of a constrained run (zeros if None),
        ``teacher_B`` (B,) the teacher's action in each state (``NO_TEACHER`` if None).
        Raises ``ValueError`` on wrong shapes, non-finite values, an empty mask row or an
        action (the teacher's included) that its own state's mask forbids.
        """
        n = len(action_B)
        given = {"obs": obs_BO, "action": action_B, "reward": reward_B, "next_obs": next_obs_BO,
                 "terminated": terminated_B, "truncated": truncated_B,
                 "action_mask": action_mask_BA, "next_action_mask": next_action_mask_BA,
                 "cost": np.zeros((n, N_COSTS), np.float32) if cost_BC is None else cost_BC,
                 "teacher": np.full(n, NO_TEACHER) if teacher_B is None else teacher_B}
        rows: dict[str, np.ndarray] = {}
        for name, (dtype, tail) in _FIELDS.items():
            shape = (n, *tail(self.obs_dim, self.n_actions))
            if np.shape(given[name]) != shape:
                raise ValueError(f"{name}: expected shape {shape}, got {np.shape(given[name])}")
            rows[name] = np.asarray(given[name], dtype=None if dtype is np.bool_ else dtype)
        for name in ("action_mask", "next_action_mask"):
            check_mask(rows[name], n_actions=self.n_actions, name=name)
        for name in ("obs", "reward", "next_obs", "cost"):
            if not np.isfinite(rows[name]).all():
                raise ValueError(f"{name} contains NaN or inf")
        if ((rows["action"] < 0) | (rows["action"] >= self.n_actions)).any() or not \
                rows["action_mask"][np.arange(n), rows["action"]].all():
            raise ValueError("an action is out of range or masked in its own state")
        taught = rows["teacher"] != NO_TEACHER
        if ((rows["teacher"] < NO_TEACHER) | (rows["teacher"] >= self.n_actions)).any() or \
                not rows["action_mask"][taught, rows["teacher"][taught]].all():
            raise ValueError("a teacher's action is out of range or masked in its own state")
        if n > self.capacity:  # only the newest `capacity` rows would survive anyway
            rows = {name: a[-self.capacity:] for name, a in rows.items()}
            n = self.capacity
        idx = (self._pos + np.arange(n)) % self.capacity
        for name, a in rows.items():
            self._data[name][idx] = a
        self._pos = (self._pos + n) % self.capacity
        self._size = min(self._size + n, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator) -> ReplayBatch:
        """``batch_size`` transitions drawn uniformly with replacement using ``rng``."""
        if self._size == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        idx = rng.integers(0, self._size, size=batch_size)
        return ReplayBatch(*(torch.from_numpy(self._data[name][idx]) for name in _FIELDS))

    def state_dict(self) -> dict[str, Any]:
        """Copies of the stored rows plus ring position and size: enough to resume exactly."""
        state: dict[str, Any] = {name: a[: self._size].copy() for name, a in self._data.items()}
        state.update(capacity=self.capacity, pos=self._pos, size=self._size)
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` made by a buffer of the same capacity and dimensions."""
        size, pos = int(state["size"]), int(state["pos"])
        if int(state["capacity"]) != self.capacity or not 0 <= pos < self.capacity:
            raise ValueError(f"replay state is for capacity {state['capacity']}, "
                             f"this buffer holds {self.capacity}")
        for name, a in self._data.items():
            if name == "cost" and name not in state:  # saved before costs were stored
                state = {**state, name: np.zeros((size, N_COSTS), np.float32)}
            if name == "teacher" and name not in state:  # saved before teachers were
                state = {**state, name: np.full(size, NO_TEACHER, np.int8)}
            stored = np.asarray(state[name])
            if stored.shape != (size, *a.shape[1:]):
                raise ValueError(f"replay state field {name} has shape {stored.shape}")
            a[:size] = stored  # rows past `size` are never read before being rewritten
        self._pos, self._size = pos, size
