"""The configuration of a training run: one frozen dataclass per concern, YAML as their
serialisation.

``RunConfig`` holds ``EnvConfig`` (the simulated world the agent trains in), ``SACConfig``
(the learner, ``agents/config.py``), ``PPOConfig`` (the second algorithm) and
``TrainConfig`` (budget, schedule, evaluation, checkpoints). The defaults *are* the default
run, ``periodization/configs/sac.yaml`` (``--config sac``; a test keeps the two equal).
Reading YAML checks every key and type and names the one at fault: ``sac.yaml: sac.lr_actor
must be a number, got 'fast'``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from periodization.agents.config import SACConfig
from periodization.core.errors import UserError
from periodization.env.constraints import SafetyConfig
from periodization.env.reward import TRAINING_REWARD, RewardConfig

ALGOS = ("sac", "ppo")


@dataclass(frozen=True, kw_only=True)
class EnvConfig:
    reward: RewardConfig = field(default_factory=lambda: TRAINING_REWARD)
    """Reward version and weights (``env/reward.py``); the outcome is judged the same way
    whatever the reward. Training defaults to ``shaped`` (the environment's own default
    stays the seed's v2): see ``periodization/configs/sac.yaml`` for the measurements
    behind it."""

    safety: SafetyConfig = field(default_factory=SafetyConfig)
    """Hard safety rules, each switchable (``env/constraints.py``)."""

    num_envs: int = 10
    """Athletes stepped in lockstep. Every round runs ``num_envs`` episodes of one block
    each; 10 gives 30 rounds for 300 episodes, so the policy that collects is refreshed
    often while collection stays batched."""

    block_days: int = 90
    """Days per episode (a training block; its end is a truncation, not a termination)."""

    split: str = "train"
    """Cohort split episodes start from; evaluation always uses ``val``."""

    cohort: str | None = None
    """Cohort directory (None: the cached default cohort)."""

    def __post_init__(self) -> None:
        if self.num_envs < 1 or self.block_days < 1:
            raise ValueError("num_envs and block_days must be at least 1")


@dataclass(frozen=True, kw_only=True)
class PPOConfig:
    """sb3-contrib ``MaskablePPO`` settings (SB3's defaults, ReLU instead of tanh so the
    actor exports to the torch-free ``NumpyActor``)."""

    lr: float = 3e-4
    n_steps: int = 2048
    """Env steps per rollout."""
    batch_size: int = 64
    n_epochs: int = 10
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip_range: float = 0.2
    ent_coef: float = 0.0
    hidden: tuple[int, ...] = (64, 64)
    """Hidden widths of the policy and value nets (separate nets, ReLU)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(self.hidden))
        if self.n_steps < 2 or self.batch_size < 2 or self.n_epochs < 1 or self.lr <= 0:
            raise ValueError("need n_steps ≥ 2, batch_size ≥ 2, n_epochs ≥ 1 and lr > 0")


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    algo: Literal["sac", "ppo"] = "sac"
    """Learner: masked discrete SAC (ours) or sb3-contrib MaskablePPO (extra ``[ppo]``)."""

    episodes: int = 300
    """Training budget in episodes (blocks), the seed's 300; a multiple of ``num_envs``."""

    seed: int = 0
    """Seeds the networks, the episodes, replay sampling and exploration."""

    updates_per_env_step: float = 0.25
    """SAC gradient updates per collected transition (env step of one athlete). A quarter:
    at ≈ 9–14 ms per update with the seed's 256×256 nets on 2 cores, one update per step
    (27 000 for 300 blocks of 90 days) would take 4–6 minutes and 0.5 leaves no margin on a
    busy machine; 0.25 (6 300 updates) fits the 3-minute goal with the seed's nets."""

    learning_starts: int = 1800
    """Env steps of uniformly random valid actions before the first update: two rounds of
    10 athletes × 90 days, so the first batches span 20 athletes and every month of a block."""

    eval_every_episodes: int = 30
    """Evaluate on validation athletes after every this many training episodes (and at the
    end)."""

    eval_episodes: int = 100
    """Validation episodes per evaluation (the same episodes every time, so evaluations are
    comparable and 'best' is chosen on paired episodes). 100: the 95 % CI of a mean outcome
    is about ±0.8 points, against ±1.2 at 50, for ≈ 0.3 s per evaluation."""

    early_stopping: bool = False
    """Stop when the validation outcome has not improved for ``patience`` evaluations."""

    patience: int = 5
    """Evaluations without improvement before early stopping stops the run."""

    checkpoint_every_episodes: int = 30
    """Write ``checkpoints/last.pt`` (with the replay buffer, for ``--resume``) this often."""

    torch_threads: int | None = 1
    """``torch.set_num_threads`` for the run (None: torch's default). One: the nets are small
    and a second thread helps little and collapses under contention (rl-notes §4.3)."""

    def __post_init__(self) -> None:
        if self.algo not in ALGOS:
            raise ValueError(f"algo must be one of {', '.join(ALGOS)}, got {self.algo!r}")
        for name in ("episodes", "eval_every_episodes", "eval_episodes", "patience",
                     "checkpoint_every_episodes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.updates_per_env_step < 0 or self.learning_starts < 0:
            raise ValueError("updates_per_env_step and learning_starts must be ≥ 0")
        if self.torch_threads is not None and self.torch_threads < 1:
            raise ValueError("torch_threads must be at least 1 (or null)")


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    env: EnvConfig = field(default_factory=EnvConfig)
    sac: SACConfig = field(default_factory=SACConfig)
    ppo: PPOConfig = field(default_factory=PPOConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
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
        except ValueError as exc:
            raise UserError(str(exc)) from None


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
    return _build(RunConfig, {} if data is None else data, prefix="", source=source)


def packaged_configs() -> dict[str, Path]:
    """Name → file of the configs shipped in ``periodization/configs/`` (``sac``, ``ppo``,
    ``ablation-v2`` …)."""
    root = Path(__file__).resolve().parent.parent / "configs"
    return {p.stem: p for p in sorted(root.rglob("*.yaml"))}


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
    """Read a run config from YAML (missing sections and keys take their defaults); a bare
    name reads the packaged config of that name (``resolve_config``)."""
    path = resolve_config(path)
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise UserError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"cannot read config {path}: {reason}") from None
    return from_dict(data, source=str(path))


def dump_config(config: RunConfig) -> str:
    """The config as YAML text (``load_config`` reads it back to an equal config)."""
    return yaml.safe_dump(to_dict(config), sort_keys=False, default_flow_style=None)


def _build(cls: type, data: Any, *, prefix: str, source: str) -> Any:
    where = prefix.rstrip(".") or "the top level"
    if not isinstance(data, dict):
        raise UserError(f"{source}: {where} must be a mapping, got {_show(data)}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)
             if f.name not in _NOT_IN_YAML.get(cls, frozenset())]
    for key in data:
        if key not in names:
            raise UserError(f"{source}: unknown key '{prefix}{key}' "
                            f"(known: {', '.join(names)})")
    kwargs = {key: _coerce(hints[key], value, key=f"{prefix}{key}", source=source)
              for key, value in data.items()}
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise UserError(f"{source}: {where}: {exc}") from None


def _coerce(tp: Any, value: Any, *, key: str, source: str) -> Any:
    """``value`` checked against the annotation ``tp`` (and converted where YAML is lax)."""
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, prefix=f"{key}.", source=source)
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(inner, value, key=key, source=source)
    if typing.get_origin(tp) is Literal:
        if value not in args:
            raise UserError(f"{source}: {key} must be one of {', '.join(map(str, args))}, "
                            f"got {_show(value)}")
        return value
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, list | tuple):
            raise UserError(f"{source}: {key} must be a list, got {_show(value)}")
        return tuple(_coerce(args[0], v, key=f"{key}[{i}]", source=source)
                     for i, v in enumerate(value))
    if tp is bool and isinstance(value, bool):
        return value
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is float and not isinstance(value, bool):
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):  # PyYAML reads 3e-4 (no dot) as a string
            try:
                return float(value)
            except ValueError:
                pass
    if tp is str and isinstance(value, str):
        return value
    kind = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    raise UserError(f"{source}: {key} must be {kind.get(tp, tp)}, got {_show(value)}")


def _show(value: Any) -> str:
    return "nothing" if value is None else repr(value)
