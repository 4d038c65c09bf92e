"""The configuration of a training run: one frozen dataclass per concern, YAML as their
serialisation.

``RunConfig`` holds ``EnvConfig`` (the simulated world the agent trains in), ``SACConfig``
(the learner, ``agents/config.py``), ``PPOConfig`` (the second algorithm),
``TrainConfig`` (budget, schedule, evaluation, checkpoints), ``ConstraintConfig``
(Lagrangian budgets on bad days) and ``ImitationConfig`` (learning from the oracle). The
defaults *are* the default run, ``periodization/configs/sac.yaml`` (``--config sac``; a
test keeps the two equal). Every dataclass is a pydantic schema (``core/validation.py``):
constructing one checks types, finiteness and ranges, and reading YAML names the key at
fault: ``sac.yaml: sac.lr_actor must be a number, got 'fast'``. The ranges bound every
loop a run makes (rounds, days, updates per step).
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import ValidationError
from pydantic.dataclasses import dataclass

from periodization.agents.config import MAX_THREADS, Hidden, LearningRate, SACConfig
from periodization.core.errors import UserError
from periodization.core.validation import (
    SCHEMA,
    Count,
    Real,
    Seed,
    StrictBool,
    StrictStr,
    describe,
    validate,
)
from periodization.core.yaml_io import load_yaml
from periodization.env.constraints import SafetyConfig
from periodization.env.reward import TRAINING_REWARD, RewardConfig
from periodization.sim.actions import ACTION_NAMES, N_ACTIONS

ALGOS = ("sac", "ppo")  # train.algo's Literal, spelled out for messages and checks


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class EnvConfig:
    reward: RewardConfig = field(default_factory=lambda: TRAINING_REWARD)
    """Reward version and weights (``env/reward.py``); the outcome is judged the same way
    whatever the reward. Training defaults to ``shaped`` (the environment's own default
    stays the seed's v2): see ``periodization/configs/sac.yaml`` for the measurements
    behind it."""

    safety: SafetyConfig = field(default_factory=SafetyConfig)
    """Hard safety rules, each switchable (``env/constraints.py``)."""

    num_envs: Count(1, 1024) = 10
    """Athletes stepped in lockstep. Every round runs ``num_envs`` episodes of one block
    each; 10 gives 30 rounds for 300 episodes, so the policy that collects is refreshed
    often while collection stays batched."""

    block_days: Count(1, 365) = 90
    """Days per episode (a training block; its end is a truncation, not a termination)."""

    split: Literal["train", "val", "test"] = "train"
    """Cohort split episodes start from; evaluation always uses ``val``."""

    cohort: StrictStr | None = None
    """Cohort directory (None: the cached default cohort). Its training athletes' scaler
    normalises observations whatever ``prior`` is."""

    prior: StrictStr | None = None
    """Train on fresh athletes of a prior instead of the cohort's ``split``: ``default``
    (the packaged prior) or a prior YAML file. Every episode is a new athlete drawn from it
    after a lived-in burn-in (``env/starts.py``), so a run sees thousands of athletes, not
    the cohort's 140 (``training/population.py``)."""

    prior_spread: Real(1.0, 4.0) = 1.0
    """Multiplies every per-athlete spread of ``prior`` (sigma, sd, uniform half-width and
    the bounds' distance from the centre): domain randomisation beyond the population."""

    prior_tail_share: Real(0.0, 1.0) = 0.0
    """Share of training athletes drawn from ``prior`` widened by ``prior_tail_spread``
    instead of ``prior_spread`` (a two-part mixture, chosen athlete by athlete): more
    athletes far from the centre in several parameters at once, while the rest stay as
    ``prior_spread`` makes them (``training/population.py``). 0: no mixture."""

    prior_tail_spread: Real(1.0, 4.0) = 2.5
    """The spread of the mixture's second part (``prior_tail_share``)."""

    features_version: Literal[1, 2, 3] = 1
    """The observation space the agent sees (``features/scaler.py``): 1, the 17 features of
    one morning (every config before the history features, so they train as they did); 2,
    those and the 14 history features (``configs/sac-history.yaml``); 3, those and the
    recent strength work (``configs/sac-strength.yaml``)."""


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class PPOConfig:
    """sb3-contrib ``MaskablePPO`` settings (SB3's defaults, ReLU instead of tanh so the
    actor exports to the torch-free ``NumpyActor``)."""

    lr: LearningRate = 3e-4
    n_steps: Count(2, 1_000_000) = 2048
    """Env steps per rollout."""
    batch_size: Count(2, 65_536) = 64
    n_epochs: Count(1, 1000) = 10
    gamma: Real(gt=0.0, le=1.0) = 0.99
    gae_lambda: Real(0.0, 1.0) = 0.95
    clip_range: Real(gt=0.0, le=10.0) = 0.2
    ent_coef: Real(0.0, 100.0) = 0.0
    hidden: Hidden = (64, 64)
    """Hidden widths of the policy and value nets (separate nets, ReLU)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class TrainConfig:
    algo: Literal["sac", "ppo"] = "sac"
    """Learner: masked discrete SAC (ours) or sb3-contrib MaskablePPO (extra ``[ppo]``)."""

    episodes: Count(1, 1_000_000) = 300
    """Training budget in episodes (blocks), the seed's 300; a multiple of ``num_envs``."""

    seed: Seed = 0
    """Seeds the networks, the episodes, replay sampling and exploration."""

    updates_per_env_step: Real(0.0, 64.0) = 0.25
    """SAC gradient updates per collected transition (env step of one athlete). A quarter:
    at ≈ 9–14 ms per update with the seed's 256×256 nets on 2 cores, one update per step
    (27 000 for 300 blocks of 90 days) would take 4–6 minutes and 0.5 leaves no margin on a
    busy machine; 0.25 (6 300 updates) fits the 3-minute goal with the seed's nets."""

    learning_starts: Count(0, 100_000_000) = 1800
    """Env steps of uniformly random valid actions before the first update: two rounds of
    10 athletes × 90 days, so the first batches span 20 athletes and every month of a block."""

    eval_every_episodes: Count(1, 1_000_000) = 30
    """Evaluate on validation athletes after every this many training episodes (and at the
    end)."""

    eval_prior: StrictStr | None = None
    """Validate on fresh athletes of a prior (``default`` or a file; the same athletes for
    every run, seeds ``core/seeds.py`` ``VALIDATION_SEED``…, never test or training athletes)
    instead of the cohort's ``val`` split (None)."""

    eval_episodes: Count(1, 100_000) = 100
    """Validation episodes per evaluation (the same episodes every time, so evaluations are
    comparable and 'best' is chosen on paired episodes). 100: the 95 % CI of a mean outcome
    is about ±0.8 points, against ±1.2 at 50, for ≈ 0.3 s per evaluation."""

    early_stopping: StrictBool = False
    """Stop when the validation outcome has not improved for ``patience`` evaluations."""

    patience: Count(1, 100_000) = 5
    """Evaluations without improvement before early stopping stops the run."""

    checkpoint_every_episodes: Count(1, 1_000_000) = 30
    """Write ``checkpoints/last.pt`` (with the replay buffer, for ``--resume``) this often."""

    torch_threads: Count(1, MAX_THREADS) | None = 1
    """``torch.set_num_threads`` for the run (None: torch's default). One: the nets are small
    and a second thread helps little and collapses under contention (rl-notes §4.3)."""


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class ConstraintConfig:
    """Lagrangian SAC (``agents/lagrangian.py``): per-block budgets on bad days, priced by
    multipliers that dual ascent updates after every round. Off by default; the hard masks
    apply either way. SAC only."""

    enabled: StrictBool = False
    overreached_days: Real(0.0, 365.0) = 1.0
    """Budget: mean days per block the athlete may wake up non-functionally overreached."""
    ill_days: Real(0.0, 365.0) = 3.0
    """Budget: mean days per block ill. Illness has a base rate no plan removes (about
    2.5–3 days a block even resting every day), so a budget below that only drives λ to
    ``lambda_max``."""
    lr: Real(0.0, 100.0) = 0.01
    """Multiplier step per round per day over (or under) budget; λ is in reward units (≈
    points of 21-day test performance) per bad day."""
    lambda_init: Real(0.0, 1000.0) = 0.0
    lambda_max: Real(0.0, 1000.0) = 2.0
    """λ is clipped to [0, lambda_max]: an infeasible budget cannot blow the reward up."""
    warning_from: Real(0.01, 0.99) | None = None
    """Grade the overreached cost (``lagrangian.day_costs``): 0 below this share of the
    overreached threshold of maladaptation, 1 at it. None: the day's flag only. The
    budget is still in flagged days when ``signal`` is ``eval``."""
    signal: Literal["train", "eval"] = "train"
    """Which bad days the multipliers answer to. ``train``: the round's training episodes
    (the sampling policy, on the training population), one dual step per round. ``eval``:
    the greedy policy's days per block on the validation athletes, one dual step per
    evaluation (``lr`` is then per evaluation), so a budget is in the units it is judged
    in: the coach that is shipped, on the athletes it is picked on."""


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class ImitationConfig:
    """Learning from the oracle (``training/imitation.py``): in the first ``episodes``
    training episodes the oracle, which knows each training athlete's true parameters and
    state, says what it would do in every state the agent visits (DAgger), and the actor's
    loss adds ``weight`` · −log π(oracle's action|s), β falling linearly to 0 over those
    episodes. What the agent sees and is served stays its own features. Off by default
    (weight 0). SAC only."""

    weight: Real(0.0, 100.0) = 0.0
    """β at the start of training, in units of the actor loss (nats)."""
    episodes: Count(0, 1_000_000) = 0
    """Training episodes the oracle labels; β is 0 from then on. The oracle costs about
    0.45 ms per athlete-day on one thread of this machine (a round of 10 athletes: 0.4 s)."""
    actions: tuple[Literal[ACTION_NAMES], ...] | None = None
    """Sessions imitated one by one; the others are imitated as one choice, "another
    session" (``agents/sac.imitation_nll``). ``[STRENGTH]``: imitate only whether to train
    strength today. None: all six."""

    def imitated(self) -> np.ndarray:
        """(6,) bool: which actions are imitated one by one."""
        if self.actions is None:
            return np.ones(N_ACTIONS, dtype=bool)
        return np.isin(np.array(ACTION_NAMES), self.actions)

    @property
    def enabled(self) -> bool:
        return self.weight > 0.0 and self.episodes > 0


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class RunConfig:
    env: EnvConfig = field(default_factory=EnvConfig)
    sac: SACConfig = field(default_factory=SACConfig)
    ppo: PPOConfig = field(default_factory=PPOConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    constraints: ConstraintConfig = field(default_factory=ConstraintConfig)
    imitation: ImitationConfig = field(default_factory=ImitationConfig)

    def __post_init__(self) -> None:
        if self.constraints.enabled and self.train.algo != "sac":
            raise ValueError("constraints.enabled needs train.algo sac (Lagrangian SAC)")
        if self.imitation.enabled and self.train.algo != "sac":
            raise ValueError("imitation needs train.algo sac")
        for name in ("episodes", "eval_every_episodes", "checkpoint_every_episodes"):
            if getattr(self.train, name) % self.env.num_envs:
                raise ValueError(
                    f"train.{name} ({getattr(self.train, name)}) must be a multiple of "
                    f"env.num_envs ({self.env.num_envs}): every round runs num_envs episodes")

    def agent_config(self) -> SACConfig:
        """The learner's config with the run's thread setting (``train.torch_threads``)."""
        return dataclasses.replace(self.sac, torch_threads=self.train.torch_threads)

    def with_overrides(self, *, episodes: int | None = None, seed: int | None = None,
                       algo: str | None = None) -> RunConfig:
        """A copy with the command line's ``--episodes`` / ``--seed`` / ``--algo`` applied
        (UserError if the result is invalid)."""
        changes = {k: v for k, v in (("episodes", episodes), ("seed", seed), ("algo", algo))
                   if v is not None}
        if not changes:
            return self
        try:
            return dataclasses.replace(self, train=dataclasses.replace(self.train, **changes))
        except ValidationError as exc:
            raise UserError(f"--{describe(exc).removeprefix('train.')}") from None


# Fields that exist on a dataclass but are not part of the run's YAML: the learner's
# thread count comes from ``train.torch_threads`` (one process-wide setting, one key).
_NOT_IN_YAML: dict[type, frozenset[str]] = {SACConfig: frozenset({"torch_threads"})}


def to_dict(config: Any) -> dict[str, Any]:
    """Plain nested dict (lists for tuples) of a config dataclass, in field order."""
    skip = _NOT_IN_YAML.get(type(config), frozenset())
    out: dict[str, Any] = {}
    for f in dataclasses.fields(config):
        if f.name in skip:
            continue
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            value = to_dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def from_dict(data: Any, *, source: str = "config") -> RunConfig:
    """A ``RunConfig`` from a nested dict; ``UserError`` naming the key for any problem."""
    data = {} if data is None else data
    if isinstance(data, dict) and isinstance(data.get("sac"), dict):
        for key in _NOT_IN_YAML[SACConfig] & set(data["sac"]):
            known = [k for k in to_dict(SACConfig())]
            raise UserError(f"{source}: unknown key 'sac.{key}' (known: {', '.join(known)})")
    return validate(RunConfig, data, source=source)


def packaged_configs() -> dict[str, Path]:
    """Name → file of the configs shipped in ``periodization/configs/`` (``sac``, ``ppo``,
    ``ablation-v2`` …), search spaces left out."""
    root = Path(__file__).resolve().parent.parent / "configs"
    # ``NAME.space.yaml`` is the search space of ``NAME`` (``periodize tune``), not a config
    return {p.stem: p for p in sorted(root.rglob("*.yaml")) if not p.name.endswith(".space.yaml")}


def resolve_config(spec: str | Path) -> Path:
    """A config file, or the packaged config of that name (``sac`` →
    ``periodization/configs/sac.yaml``); a file on disk wins over a name."""
    path = Path(spec)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    shipped = packaged_configs()
    if str(spec) in shipped:
        return shipped[str(spec)]
    raise UserError(f"config not found: {spec} (neither a file nor a packaged config: "
                    f"{', '.join(shipped)})")


def load_config(path: str | Path) -> RunConfig:
    """Read a run config from YAML (missing sections and keys take their defaults; a key
    given twice is an error); a bare name reads the packaged config of that name
    (``resolve_config``)."""
    path = resolve_config(path)
    return from_dict(load_yaml(path, what="config"), source=str(path))


def dump_config(config: RunConfig) -> str:
    """The config as YAML text (``load_config`` reads it back to an equal config)."""
    return yaml.safe_dump(to_dict(config), sort_keys=False, default_flow_style=None)
