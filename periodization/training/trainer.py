"""The masked discrete SAC training loop: vectorised collection, replay, updates.

Training runs in *rounds*: ``num_envs`` athletes live one block (``block_days`` days) in
lockstep, so every row ends on the same day. Each round starts its episodes from seeds
derived from (run seed, round number): a resumed run re-creates the environment exactly
from the round number, and checkpoints are taken between rounds, when no episode is in
flight. What else decides the future — networks, optimiser, temperature, the action
sampler, the replay buffer and the generator that samples batches and warm-up actions —
is saved in ``checkpoints/last.pt`` (+ replay ``.npz``), so an interrupted-and-resumed run
ends with the same numbers as an uninterrupted one.

Collection follows the vector env's ``SAME_STEP`` autoreset: for a row that ended this
step, the stored next observation is ``info["final_obs"]`` and the next mask
``info["final_info"]["action_mask"]`` (not the new episode's). Terminated and truncated
are stored separately: a block's end is a truncation, bootstrapped through.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from periodization.agents import lagrangian as L
from periodization.agents.artifacts import ACTOR
from periodization.agents.replay import ReplayBuffer
from periodization.cohort.dataset import PreparedCohort
from periodization.env.reward import COMPONENTS
from periodization.env.vector_env import PeriodizationVectorEnv
from periodization.policies.learned import AgentPolicy
from periodization.sim.actions import N_ACTIONS
from periodization.training import checkpoint as ckpt
from periodization.training.callbacks import CallbackList, RoundReport
from periodization.training.config import RunConfig, to_dict
from periodization.training.imitation import OracleTeacher
from periodization.training.population import run_scaler, training_prior
from periodization.training.rundir import RunDir


class SACTrainer:
    """Trains a ``SACAgent`` on a ``PeriodizationVectorEnv``; see the module docstring."""

    def __init__(self, config: RunConfig, *, run: RunDir, prepared: PreparedCohort,
                 callbacks: CallbackList) -> None:
        from periodization.agents.sac import SACAgent

        self.config, self.run, self.prepared, self.callbacks = config, run, prepared, callbacks
        env = config.env
        # Independent streams: network init + action sampling, batches + warm-up actions,
        # episode starts.
        agent_seed, sample_seed, self._episode_seed = (
            int(s) for s in np.random.SeedSequence(config.train.seed).generate_state(3))
        self.scaler = run_scaler(prepared, config)
        obs_dim = self.scaler.n_features
        self.agent = SACAgent(obs_dim=obs_dim, n_actions=N_ACTIONS,
                              config=config.agent_config(), seed=agent_seed)
        self.buffer = ReplayBuffer(capacity=config.sac.buffer_size, obs_dim=obs_dim,
                                   n_actions=N_ACTIONS)
        self.rng = np.random.default_rng(sample_seed)
        self.env = PeriodizationVectorEnv(env.num_envs, cohort=prepared, split=env.split,
                                          prior=training_prior(env), reward=env.reward,
                                          safety=env.safety, scaler=self.scaler,
                                          block_days=env.block_days)
        # terms the training reward does not pay are not computed (logged as absent)
        self.env.world.all_terms = False
        self.teacher = OracleTeacher(config.imitation, block_days=env.block_days,
                                     threads=config.train.torch_threads)
        self.agent.imitated_A = torch_from(config.imitation.imitated())
        self.episodes = self.env_steps = self.updates = self.rounds = 0
        cons = config.constraints
        # Lagrange multipliers of the per-block budgets (zero and never updated when off)
        self.lam = np.full(L.N_COSTS, cons.lambda_init if cons.enabled else 0.0)
        self.budget = np.array([cons.overreached_days, cons.ill_days])
        self.stopped_early = False
        self._wall_before = 0.0  # wall seconds of earlier sessions (resume)
        self._session_start = time.perf_counter()

    # ---- the loop ---------------------------------------------------------------------

    def train(self) -> None:
        """Run rounds until the episode budget is spent or a callback stops training."""
        total_rounds = self.config.train.episodes // self.config.env.num_envs
        self._session_start = time.perf_counter()
        self.callbacks.on_training_start(self)
        try:
            while self.rounds < total_rounds:
                report = self._round(final=self.rounds + 1 == total_rounds)
                self.callbacks.on_round_end(self, report)
                if report.stop and not report.final:
                    self.stopped_early = True
                    break
        finally:
            self.callbacks.on_training_end(self)

    def round_seeds(self, round_: int) -> list[int]:
        """The episode seeds of one round: a function of the run seed and the round only."""
        words = np.random.SeedSequence([self._episode_seed, round_]).generate_state(
            self.env.num_envs)
        return [int(w) for w in words]

    def _round(self, *, final: bool) -> RoundReport:
        """One block for every row: collect, store, update; the round's figures."""
        n, t0 = self.env.num_envs, time.perf_counter()
        updates0, update_s = self.updates, 0.0
        stats: list[tuple[float, ...]] = []
        reward = {c: np.zeros(n) for c in COMPONENTS}
        costs = np.zeros((n, L.N_COSTS))  # bad days of each row's episode
        obs, info = self.env.reset(seed=self.round_seeds(self.rounds))
        mask = info["action_mask"]
        taught = self.teacher.teaches(self.episodes)
        if taught:
            self.teacher.start_round(self.env.world)
        ended = np.zeros(n, dtype=bool)
        final_info: dict[str, np.ndarray] = {}
        for _ in range(self.config.env.block_days):
            teacher = self.teacher.labels(obs, mask) if taught else None
            action = self._act(obs, mask)
            next_obs, r, terminated, truncated, info = self.env.step(action)
            next_mask = info["action_mask"]
            store_obs, store_mask = next_obs, next_mask
            if "_final_obs" in info:  # rows whose episode ended: the last state, not the next
                done = info["_final_obs"]
                store_obs = next_obs.copy()
                store_obs[done] = np.stack(info["final_obs"][done])
                store_mask = np.where(done[:, None], info["final_info"]["action_mask"],
                                      next_mask)
                ended |= done
                final_info = info["final_info"]
            cost = L.day_costs(info, n, warning_from=self.config.constraints.warning_from
                               if self.config.constraints.enabled else None)
            costs += cost
            self.buffer.add(obs_BO=obs, action_B=action, reward_B=r, next_obs_BO=store_obs,
                            terminated_B=terminated, truncated_B=truncated,
                            action_mask_BA=mask, next_action_mask_BA=store_mask, cost_BC=cost,
                            teacher_B=teacher)
            for part in (info, info.get("final_info", {})):  # ended rows: in final_info
                if "reward_components" in part:
                    rows = part["_reward_components"]
                    for c in COMPONENTS:
                        reward[c] += np.where(rows, part["reward_components"][c], 0.0)
            self.env_steps += n
            t = time.perf_counter()
            stats += self._update_due()
            update_s += time.perf_counter() - t
            obs, mask = next_obs, next_mask
            self.callbacks.on_step(self)
        if not ended.all():  # every row ran one block: they must have ended together
            raise RuntimeError("a round ended with episodes still running")
        self.rounds += 1
        self.episodes += n
        round_s = time.perf_counter() - t0
        lam_used = self.lam.copy()
        cons = self.config.constraints
        if cons.enabled and cons.signal == "train":  # dual ascent on this round's episodes
            self.lam = L.dual_step(self.lam, costs.mean(axis=0), self.budget, lr=cons.lr,
                                   lam_max=cons.lambda_max)
        constraint = {f"cost_{c}": float(costs[:, i].mean()) for i, c in enumerate(L.COSTS)}
        if cons.enabled:
            constraint.update({f"lambda_{c}": float(lam_used[i])
                               for i, c in enumerate(L.COSTS)})
        return RoundReport(
            episodes=self.episodes, env_steps=self.env_steps, updates=self.updates,
            wall_s=self.wall_s, train_return=float(final_info["episode_return"].mean()),
            train_outcome_pct=float(final_info["performance_change_pct"].mean()),
            train_violations=float(final_info["violations"].mean()),
            reward={c: float(v.mean()) for c, v in reward.items() if np.isfinite(v).all()},
            losses={**_mean_stats(stats), **constraint},
            env_steps_per_s=n * self.config.env.block_days / round_s,
            updates_per_s=(self.updates - updates0) / update_s if update_s > 0 else 0.0,
            final=final)

    def _act(self, obs: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Uniformly random allowed actions before ``learning_starts``, then π's samples."""
        if self.env_steps < self.config.train.learning_starts:
            scores = np.where(mask, self.rng.random(mask.shape), -1.0)
            return scores.argmax(axis=1).astype(np.int64)
        return self.agent.act(obs, mask, deterministic=False)

    def _update_due(self) -> list[tuple[float, ...]]:
        """Updates owed by the env steps so far (``updates_per_env_step`` after
        ``learning_starts``); a running count, so fractional ratios are exact overall."""
        train = self.config.train
        due = int(max(0, self.env_steps - train.learning_starts) * train.updates_per_env_step)
        stats = []
        while self.updates < due:
            batch = self.buffer.sample(self.config.sac.batch_size, self.rng)
            if self.lam.any():  # Lagrangian: the reward less the bad days at today's prices
                batch = batch._replace(reward_B=torch_from(L.penalised_reward(
                    batch.reward_B.numpy(), batch.cost_BC.numpy(), self.lam)))
            stats.append(tuple(self.agent.update(
                batch, imitation_weight=self.teacher.weight_at(self.env_steps))))
            self.updates += 1
        return stats

    # ---- what callbacks use -----------------------------------------------------------

    @property
    def wall_s(self) -> float:
        """Wall seconds of training so far, earlier sessions included."""
        return self._wall_before + time.perf_counter() - self._session_start

    def progress(self) -> dict[str, int]:
        return {"episodes": self.episodes, "env_steps": self.env_steps,
                "updates": self.updates, "rounds": self.rounds}

    def on_evaluation(self, evaluation: dict[str, float]) -> None:
        """Called by ``EvalCallback`` with the greedy policy's validation figures: with
        ``constraints.signal: eval`` one dual step on its bad days per block, so the next
        rounds train at prices set by the policy that would be shipped."""
        cons = self.config.constraints
        if cons.enabled and cons.signal == "eval":
            self.lam = L.dual_step(self.lam, L.eval_costs(evaluation), self.budget,
                                   lr=cons.lr, lam_max=cons.lambda_max)

    def eval_policy(self) -> AgentPolicy:
        return AgentPolicy(self.agent, name="sac")

    def save_best(self, report: RoundReport) -> None:
        """``checkpoints/best.pt`` and ``actor.npz`` (its numpy export)."""
        ckpt.save_checkpoint(self.run.checkpoint("best"), kind="best",
                             config=to_dict(self.config), agent=self.agent.state_dict(),
                             progress=self.progress(), trainer={"eval": report.eval})
        ckpt.save_arrays(self.run / ACTOR, self.agent.export_actor())
        self.run.update_info(best={"episodes": report.episodes, **(report.eval or {})})

    def save_last(self, callback_state: dict[str, Any]) -> None:
        """``checkpoints/last.pt`` + its replay file: everything a resume needs."""
        replay = f"replay-{self.env_steps}.npz"
        ckpt.save_replay(self.run.checkpoints / replay, self.buffer.state_dict(),
                         tag=self.env_steps)
        ckpt.save_checkpoint(
            self.run.checkpoint("last"), kind="last", config=to_dict(self.config),
            agent=self.agent.state_dict(), progress=self.progress(),
            trainer={"rng": self.rng.bit_generator.state, "wall_s": self.wall_s,
                     "lagrange": self.lam.tolist(),
                     "callbacks": callback_state}, replay_file=replay)
        for old in self.run.checkpoints.glob("replay-*.npz"):
            if old.name != replay:
                old.unlink()
        self.run.update_info(**self.progress(), wall_s=round(self.wall_s, 3))

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from a ``last`` checkpoint (as returned by ``load_checkpoint``)."""
        replay = ckpt.load_replay(self.run.checkpoints / str(state.get("replay_file")),
                                  tag=state["progress"]["env_steps"],
                                  max_rows=self.buffer.capacity)
        self.agent.load_state_dict(state["agent"])
        self.buffer.load_state_dict(replay)
        self.rng.bit_generator.state = state["trainer"]["rng"]
        for key, value in state["progress"].items():
            setattr(self, key, int(value))
        self._wall_before = float(state["trainer"]["wall_s"])
        if "lagrange" in state["trainer"]:
            self.lam = np.asarray(state["trainer"]["lagrange"], dtype=np.float64)
        self.callbacks.load_state_dict(state["trainer"]["callbacks"])


def torch_from(x: np.ndarray) -> Any:
    import torch

    return torch.from_numpy(x)


def _mean_stats(stats: list[tuple[float, ...]]) -> dict[str, float]:
    """Mean of each ``UpdateStats`` field over the round's updates ({} if none)."""
    from periodization.agents.sac import UpdateStats

    if not stats:
        return {}
    means = np.mean(np.asarray(stats), axis=0)
    return dict(zip(UpdateStats._fields, map(float, means), strict=True))
