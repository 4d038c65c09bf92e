"""Masked PPO (sb3-contrib ``MaskablePPO``) with the same run directory as SAC.

``num_envs`` single ``PeriodizationEnv`` s (each offers ``action_masks()``) run in an SB3
``DummyVecEnv``; all rows end a block on the same day, so rounds, callbacks, metrics and
checkpoints work as for SAC. The policy uses ReLU, so its actor exports to ``actor.npz``
and the run is served by the torch-free ``NumpyActor`` like a SAC run.

``--resume`` is exact (the same final weights and metrics as an uninterrupted run) because
a resumable checkpoint is taken only where nothing is in flight: at the end of a round that
is also the end of a rollout, after that rollout's update (SB3 calls ``on_rollout_start``
of the next one). There the rollout buffer is empty, every environment has just started a
new block — whose seed is a function of (run seed, round) like SAC's, so it is re-created
from the round number — and what remains is the policy and optimiser, the global torch,
numpy and Python generators SB3 samples from, its counters and its logged losses, all in
``checkpoints/last.pt``. Hence PPO needs ``ppo.n_steps`` to divide the env steps between
checkpoints (``configs/ppo.yaml``: 270 = 3 blocks of 90 days, checkpoints every 3 rounds);
``last.zip`` is the SB3 model at the latest checkpoint, for SB3's own tools.
"""

from __future__ import annotations

import functools
import io
import random
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
from periodization.training.config import RunConfig, to_dict
from periodization.training.population import run_scaler, training_prior
from periodization.training.rundir import RunDir

try:  # the optional extra; this module is imported only when algo is ppo
    from sb3_contrib import MaskablePPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv
except ImportError:
    raise UserError("algo ppo needs sb3-contrib: pip install periodization[ppo]") from None


def resumable(config: RunConfig) -> bool:
    """Whether checkpoints fall on rollout ends (so ``--resume`` can be exact)."""
    steps_between = config.train.checkpoint_every_episodes // config.env.num_envs \
        * config.env.block_days
    return steps_between % config.ppo.n_steps == 0


class _RoundSeeded(PeriodizationEnv):
    """A ``PeriodizationEnv`` whose k-th block starts from ``seeds(k)[index]``, whatever seed
    the vector env passes: SB3 resets a finished environment itself, and a resumed run must
    re-create the block in flight from the round number alone."""

    def __init__(self, *, index: int, seeds: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index, self.seeds, self.blocks_started = index, seeds, 0

    def reset(self, *, seed: int | None = None, options: dict | None = None
              ) -> tuple[np.ndarray, dict]:
        block_seed = self.seeds(self.blocks_started)[self.index]
        self.blocks_started += 1
        return super().reset(seed=block_seed, options=options)


class PPOTrainer:
    """Trains ``MaskablePPO``; offers callbacks what ``SACTrainer`` offers."""

    def __init__(self, config: RunConfig, *, run: RunDir, prepared: PreparedCohort,
                 callbacks: CallbackList) -> None:
        import torch

        self.config, self.run, self.prepared, self.callbacks = config, run, prepared, callbacks
        env, p = config.env, config.ppo

        self._episode_seed = int(np.random.SeedSequence(config.train.seed).generate_state(1)[0])

        prior = training_prior(env)
        self.scaler = run_scaler(prepared, config)

        def make(index: int) -> PeriodizationEnv:
            return _RoundSeeded(index=index, seeds=self.round_seeds, cohort=prepared,
                                split=env.split, prior=prior,
                                reward=env.reward, safety=env.safety,
                                block_days=env.block_days, scaler=self.scaler)

        self.vec_env = DummyVecEnv([functools.partial(make, i) for i in range(env.num_envs)])
        self.model = MaskablePPO(
            "MlpPolicy", self.vec_env, learning_rate=p.lr,
            n_steps=p.n_steps, batch_size=p.batch_size, n_epochs=p.n_epochs, gamma=p.gamma,
            gae_lambda=p.gae_lambda, clip_range=p.clip_range, ent_coef=p.ent_coef,
            policy_kwargs={"net_arch": {"pi": list(p.hidden), "vf": list(p.hidden)},
                           "activation_fn": torch.nn.ReLU},
            seed=config.train.seed, device="cpu", verbose=0)
        self.episodes = self.env_steps = self.rounds = 0
        self.stopped_early = False
        self._wall_before = 0.0  # wall seconds of earlier sessions (resume)
        self._start = time.perf_counter()
        self._pending_last: dict[str, Any] | None = None  # callback state to save after update
        self._logged: dict[str, float] = {}  # SB3's logged losses to restore on resume

    def round_seeds(self, round_: int) -> list[int]:
        """The block seeds of one round: a function of the run seed and the round only."""
        words = np.random.SeedSequence([self._episode_seed, round_]).generate_state(
            self.config.env.num_envs)
        return [int(w) for w in words]

    def train(self) -> None:
        total = self.config.train.episodes * self.config.env.block_days
        self._start = time.perf_counter()
        self.callbacks.on_training_start(self)
        try:
            # from a checkpoint: the blocks of round ``rounds`` start when SB3 resets the env
            self.model.learn(total_timesteps=total - self.env_steps, callback=_Rounds(self),
                             reset_num_timesteps=self.env_steps == 0)
            self._save_pending()  # the final rollout's update has run
        finally:
            self.callbacks.on_training_end(self)

    @property
    def updates(self) -> int:
        return int(self.model._n_updates)

    @property
    def wall_s(self) -> float:
        return self._wall_before + time.perf_counter() - self._start

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

    def at_rollout_end(self) -> bool:
        return (self.env_steps // self.config.env.num_envs) % self.config.ppo.n_steps == 0

    def save_last(self, callback_state: dict[str, Any]) -> None:
        """``last.zip`` now; ``last.pt`` (resumable) after this rollout's update, if the
        round ends a rollout (else a resume continues from the previous one)."""
        self._save_zip("last")
        self.run.update_info(**self.progress(), wall_s=round(self.wall_s, 3))
        if self.at_rollout_end():
            self._pending_last = callback_state

    def _save_pending(self) -> None:
        """Write the deferred ``last.pt``: SB3 has updated on the rollout that just ended."""
        if self._pending_last is None:
            return
        import torch

        policy = self.model.policy
        logged = {k: float(v) for k, v in self.model.logger.name_to_value.items()
                  if k.startswith("train/")}
        rng = {"torch": torch.get_rng_state(), "numpy": _numpy_state(),
               "python": _python_state()}
        ckpt.save_checkpoint(
            self.run.checkpoint("last"), kind="last", config=to_dict(self.config),
            agent={"policy": policy.state_dict(), "optimizer": policy.optimizer.state_dict()},
            progress=self.progress(),
            trainer={"rng": rng, "wall_s": self.wall_s, "callbacks": self._pending_last,
                     "logged": logged})
        self._pending_last = None

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from a ``last`` checkpoint (see the module docstring)."""
        import torch

        policy, rng = self.model.policy, state["trainer"]["rng"]
        missing = [k for k in ("policy", "optimizer") if k not in state["agent"]] + \
            [k for k in ("torch", "numpy", "python") if k not in rng]
        if missing:  # e.g. a SAC checkpoint copied into a PPO run
            raise UserError(f"cannot resume {self.run.root}: checkpoints/last.pt is not a PPO "
                            f"checkpoint (no {missing[0]!r}); start it again with --force")
        try:
            policy.load_state_dict(state["agent"]["policy"])
            policy.optimizer.load_state_dict(state["agent"]["optimizer"])
        except (RuntimeError, KeyError, ValueError) as exc:  # torch's shape/key mismatches
            raise UserError(f"cannot resume {self.run.root}: its PPO checkpoint does not fit "
                            f"the config's networks ({type(exc).__name__})") from None
        progress = {k: int(v) for k, v in state["progress"].items()}
        self.episodes, self.env_steps, self.rounds = (progress[k] for k in (
            "episodes", "env_steps", "rounds"))
        self.model.num_timesteps = self.env_steps
        self.model._n_updates = progress["updates"]
        for env in self.vec_env.envs:  # the next reset starts round ``rounds``' blocks
            env.unwrapped.blocks_started = self.rounds
        torch.set_rng_state(rng["torch"])
        np.random.set_state(_numpy_tuple(rng["numpy"]))
        random.setstate(_python_tuple(rng["python"]))
        self._logged = dict(state["trainer"].get("logged", {}))
        self._wall_before = float(state["trainer"]["wall_s"])
        self.callbacks.load_state_dict(state["trainer"]["callbacks"])


def _numpy_state() -> dict[str, Any]:
    """numpy's global generator (SB3 shuffles minibatches with it), as plain values."""
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    return {"name": name, "keys": [int(k) for k in keys], "pos": int(pos),
            "has_gauss": int(has_gauss), "gauss": float(gauss)}


def _numpy_tuple(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state["name"], np.asarray(state["keys"], dtype=np.uint32), state["pos"],
            state["has_gauss"], state["gauss"])


def _python_state() -> dict[str, Any]:
    version, internal, gauss = random.getstate()
    return {"version": version, "internal": list(internal), "gauss": gauss}


def _python_tuple(state: dict[str, Any]) -> tuple[Any, ...]:
    return (state["version"], tuple(state["internal"]), state["gauss"])


class _Rounds(BaseCallback):
    """SB3 callback turning collection steps into our rounds and callback calls."""

    def __init__(self, trainer: PPOTrainer) -> None:
        super().__init__()
        self.trainer = trainer
        n = trainer.config.env.num_envs
        self._reset_round(n)

    def _on_training_start(self) -> None:
        # SB3 starts a fresh logger in learn(): a resumed run's first rounds report the
        # losses of the update before the checkpoint, as the uninterrupted run does
        for key, value in self.trainer._logged.items():
            self.model.logger.record(key, value)

    def _on_rollout_start(self) -> None:
        self.trainer._save_pending()

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
            return False
        # A budget that ends with a rollout lets SB3 update on it (learn() then stops by
        # itself), so a run extended later equals one trained for the longer budget.
        return not final or t.at_rollout_end()
