"""Masked PPO (sb3-contrib ``MaskablePPO``) with the same run directory as SAC.

``num_envs`` single ``PeriodizationEnv`` s (each offers ``action_masks()``) run in an SB3
``DummyVecEnv``; all rows end a block on the same day, so rounds, callbacks, metrics and
checkpoints work as for SAC. The policy uses ReLU, so its actor exports to ``actor.npz``
and the run is served by the torch-free ``NumpyActor`` like a SAC run. ``--resume`` is not
offered: SB3 does not restore its rollout state exactly, and a PPO run is short.
"""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np

from periodization.agents.artifacts import ACTOR
from periodization.agents.numpy_policy import NumpyActor
from periodization.cohort.dataset import PreparedCohort
from periodization.core.errors import UserError
from periodization.core.io import atomic_write_bytes
from periodization.env.periodization_env import PeriodizationEnv
from periodization.env.reward import COMPONENTS
from periodization.policies.learned import ActorPolicy
from periodization.training import checkpoint as ckpt
from periodization.training.callbacks import CallbackList, RoundReport
from periodization.training.config import RunConfig
from periodization.training.rundir import RunDir

try:  # the optional extra; this module is imported only when algo is ppo
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv
except ImportError:
    raise UserError("algo ppo needs sb3-contrib: pip install periodization[ppo]") from None


class PPOTrainer:
    """Trains ``MaskablePPO``; offers callbacks what ``SACTrainer`` offers."""

    def __init__(self, config: RunConfig, *, run: RunDir, prepared: PreparedCohort,
                 callbacks: CallbackList) -> None:
        import torch

        self.config, self.run, self.prepared, self.callbacks = config, run, prepared, callbacks
        env, p = config.env, config.ppo

        def make() -> PeriodizationEnv:
            return PeriodizationEnv(cohort=prepared, split=env.split, reward=env.reward,
                                    safety=env.safety, block_days=env.block_days)

        self.model = MaskablePPO(
            "MlpPolicy", DummyVecEnv([make] * env.num_envs), learning_rate=p.lr,
            n_steps=p.n_steps, batch_size=p.batch_size, n_epochs=p.n_epochs, gamma=p.gamma,
            gae_lambda=p.gae_lambda, clip_range=p.clip_range, ent_coef=p.ent_coef,
            policy_kwargs={"net_arch": {"pi": list(p.hidden), "vf": list(p.hidden)},
                           "activation_fn": torch.nn.ReLU},
            seed=config.train.seed, device="cpu", verbose=0)
        self.episodes = self.env_steps = self.rounds = 0
        self.stopped_early = False
        self._start = time.perf_counter()

    def train(self) -> None:
        total = self.config.train.episodes * self.config.env.block_days
        self._start = time.perf_counter()
        self.callbacks.on_training_start(self)
        try:
            self.model.learn(total_timesteps=total, callback=_Rounds(self))
        finally:
            self.callbacks.on_training_end(self)

    @property
    def updates(self) -> int:
        return int(self.model._n_updates)

    @property
    def wall_s(self) -> float:
        return time.perf_counter() - self._start

    def progress(self) -> dict[str, int]:
        return {"episodes": self.episodes, "env_steps": self.env_steps,
                "updates": self.updates, "rounds": self.rounds}

    def eval_policy(self) -> ActorPolicy:
        return ActorPolicy(NumpyActor.from_weights(self.export_actor()), name="ppo")

    def export_actor(self) -> dict[str, np.ndarray]:
        """Policy MLP + action head as ``weight_i``/``bias_i`` (ReLU between layers)."""
        from torch import nn

        policy = self.model.policy
        layers = [m for m in policy.mlp_extractor.policy_net if isinstance(m, nn.Linear)]
        layers.append(policy.action_net)
        out: dict[str, np.ndarray] = {}
        for i, layer in enumerate(layers):
            out[f"weight_{i}"] = layer.weight.detach().numpy().copy()
            out[f"bias_{i}"] = layer.bias.detach().numpy().copy()
        return out

    def _save_zip(self, kind: str) -> None:
        buffer = io.BytesIO()
        self.model.save(buffer)
        atomic_write_bytes(self.run.checkpoint(kind, ".zip"), buffer.getvalue())

    def save_best(self, report: RoundReport) -> None:
        self._save_zip("best")
        ckpt.save_arrays(self.run / ACTOR, self.export_actor())
        self.run.update_info(best={"episodes": report.episodes, **(report.eval or {})})

    def save_last(self, callback_state: dict[str, Any]) -> None:
        self._save_zip("last")
        self.run.update_info(**self.progress(), wall_s=round(self.wall_s, 3))

    def restore(self, state: dict[str, Any]) -> None:  # pragma: no cover - guarded in launch
        raise UserError("--resume is implemented for sac runs")


class _Rounds(BaseCallback):
    """SB3 callback turning collection steps into our rounds and callback calls."""

    def __init__(self, trainer: PPOTrainer) -> None:
        super().__init__()
        self.trainer = trainer
        n = trainer.config.env.num_envs
        self._reset_round(n)

    def _reset_round(self, n: int) -> None:
        self.t0, self.updates0 = time.perf_counter(), self.trainer.updates
        self.returns, self.ended = np.zeros(n), np.zeros(n, dtype=bool)
        self.outcome, self.violations = np.zeros(n), np.zeros(n)
        self.reward = {c: np.zeros(n) for c in COMPONENTS}

    def _on_step(self) -> bool:
        t = self.trainer
        t.env_steps = int(self.num_timesteps)
        infos, dones = self.locals["infos"], self.locals["dones"]
        self.returns += self.locals["rewards"]
        for i, info in enumerate(infos):
            for c, v in info["reward_components"].items():
                self.reward[c][i] += v
            if dones[i]:
                self.ended[i] = True
                self.outcome[i] = info["performance_change_pct"]
                self.violations[i] = info["violations"]
        t.callbacks.on_step(t)
        if not self.ended.all():
            return True
        return self._round_end()

    def _round_end(self) -> bool:
        t, n = self.trainer, self.trainer.config.env.num_envs
        t.rounds += 1
        t.episodes += n
        final = t.episodes >= t.config.train.episodes
        logged = self.model.logger.name_to_value
        losses = {"critic_loss": logged.get("train/value_loss"),
                  "actor_loss": logged.get("train/policy_gradient_loss"),
                  "entropy": -logged["train/entropy_loss"]
                  if "train/entropy_loss" in logged else None,
                  "approx_kl": logged.get("train/approx_kl"),
                  "clip_fraction": logged.get("train/clip_fraction")}
        report = RoundReport(
            episodes=t.episodes, env_steps=t.env_steps, updates=t.updates, wall_s=t.wall_s,
            train_return=float(self.returns.mean()), train_outcome_pct=float(self.outcome.mean()),
            train_violations=float(self.violations.mean()),
            reward={c: float(v.mean()) for c, v in self.reward.items()},
            losses={k: float(v) for k, v in losses.items() if v is not None},
            env_steps_per_s=n * t.config.env.block_days / (time.perf_counter() - self.t0),
            updates_per_s=(t.updates - self.updates0) / (time.perf_counter() - self.t0),
            final=final)
        t.callbacks.on_round_end(t, report)
        self._reset_round(n)
        if report.stop and not final:
            t.stopped_early = True
        return not (final or report.stop)
