"""Which episodes an evaluation plays: fresh athletes of the prior (the default) or episodes
of a cohort split, each row seeded from a stream no other use of the seed can reach.

Every episode's seed is drawn from ``np.random.SeedSequence(seed, spawn_key=(TAG, athlete,
block))``: the tag separates evaluation from validation during training (the stream of
``core/seeds.py``, ``validation_seeds``) and from training's own episode seeds
(``SeedSequence([episode_seed, round])`` words below 2**32),
and spawning gives every athlete and block an independent stream, so seed 0 and seed 1
share no athlete and no noise (the old scheme, row i = seed + i, shared 98 % of them).
The seed handed to the environment is that stream's 128-bit state offset by
``TAG * 2**128``: integers of different tags never coincide, and none is a training word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from periodization.core.errors import UserError
from periodization.core.seeds import validation_seeds  # noqa: F401  (the one definition)

EVALUATION_TAG = 0x6576616C  # "eval": ``periodize evaluate`` and ``compare``
STREAM_BITS = 128
MAX_ATHLETES = 100_000  # episodes per policy: bounds the time and the tables
BYTES_PER_EPISODE = 80_000
"""Peak memory per evaluated 90-day episode, with margin: measured 66 kB per episode over
a fixed 400 MB (``evaluate --policy rest``: 5000 athletes 734 MB, 20 000 1.73 GB)."""
MAX_BLOCKS = 100
PRIOR = "prior"
COHORT = "cohort"


def stream_seeds(seed: int, athletes: int, *, blocks: int | None = None,
                 tag: int = EVALUATION_TAG) -> list[int]:
    """Environment seeds of ``athletes`` × ``blocks`` rows, athlete-major (row = athlete ×
    blocks + block): distinct Python ints, disjoint between tags and from training's words.
    ``blocks=None``: one row per stream, the stream itself (cohort episodes); an int: the
    blocks' streams spawned from each athlete's (fresh athletes, whose identity is
    ``athlete_words``)."""
    base = np.random.SeedSequence(seed, spawn_key=(tag,))
    out = []
    for athlete in base.spawn(athletes):
        for block in [athlete] if blocks is None else athlete.spawn(blocks):
            words = block.generate_state(STREAM_BITS // 32, np.uint32)
            out.append((tag << STREAM_BITS) | int.from_bytes(words.tobytes(), "little"))
    return out


def athlete_words(seed: int, athletes: int, *, tag: int = EVALUATION_TAG) -> np.ndarray:
    """One uint64 per athlete from its own stream: who the athlete is
    (``env.starts.BlockStarts``), whatever the number of blocks; blocks differ only in
    their noise."""
    base = np.random.SeedSequence(seed, spawn_key=(tag,))
    return np.array([a.generate_state(2, np.uint64)[1] for a in base.spawn(athletes)],
                    dtype=np.uint64)


@dataclass(frozen=True)
class EpisodePlan:
    """The rows every policy of an evaluation plays, in the same order for every policy.

    ``mode`` is ``prior`` (fresh athletes, ``blocks`` each; athlete a is ``words[a]``, the
    same athlete for any number of blocks) or ``cohort`` (``episodes`` rows on athletes of
    ``split``; an athlete may come up several times). ``seeds[i]`` starts row i.
    """

    mode: str
    seed: int
    seeds: list[int]
    athletes: int = 0  # prior mode: fresh athletes; cohort mode: 0 until played
    blocks: int = 1
    split: str = "test"
    prior: Any = None  # a Prior, a path, or None (the packaged prior) in prior mode
    words: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))

    @property
    def rows(self) -> int:
        return len(self.seeds)

    def describe(self) -> str:
        if self.mode == PRIOR:
            per = "" if self.blocks == 1 else f", {self.blocks} blocks each"
            return f"{self.athletes} fresh athletes{per}, seed {self.seed}"
        return f"{self.rows} episodes, {self.split} athletes, seed {self.seed}"

    def settings(self) -> dict:
        """What ``summary.json`` and the report say about the episodes."""
        if self.mode == PRIOR:
            return {"mode": PRIOR, "athletes": self.athletes, "blocks_per_athlete": self.blocks,
                    "episodes": self.rows, "seed": self.seed,
                    "prior": "the packaged prior" if self.prior is None
                    else (str(self.prior) if isinstance(self.prior, str | Path)
                          else "(in memory)")}
        return {"mode": COHORT, "episodes": self.rows, "seed": self.seed, "split": self.split}


def _check_count(option: str, value: int, most: int) -> None:
    if value < 1:
        raise UserError(f"{option} must be at least 1, got {value}")
    if value > most:
        raise UserError(f"{option} must be at most {most}, got {value}")


def _check_memory(episodes: int) -> None:
    from periodization.core.resources import require_memory

    require_memory(episodes * BYTES_PER_EPISODE, what=f"evaluating {episodes} episodes")


def plan_episodes(*, seed: int, athletes: int | None = None, blocks: int | None = None,
                  episodes: int | None = None, split: str | None = None, prior: Any = None,
                  tag: int = EVALUATION_TAG) -> EpisodePlan:
    """Fresh athletes (default 1000, one block each) unless ``episodes`` or ``split`` asks
    for the cohort mode; ``UserError`` for a mix of both or a count out of range."""
    cohort_mode = episodes is not None or split is not None
    if cohort_mode and (athletes is not None or blocks is not None):
        raise UserError("--athletes/--blocks-per-athlete (fresh athletes) and --episodes/"
                        "--split (cohort episodes) exclude each other")
    if cohort_mode:
        n = 100 if episodes is None else episodes
        _check_count("--episodes", n, MAX_ATHLETES)
        _check_memory(n)
        return EpisodePlan(mode=COHORT, seed=seed, seeds=stream_seeds(seed, n, tag=tag),
                           split=split or "test")
    n = 1000 if athletes is None else athletes
    k = 1 if blocks is None else blocks
    _check_count("--athletes", n, MAX_ATHLETES)
    _check_count("--blocks-per-athlete", k, MAX_BLOCKS)
    if n * k > MAX_ATHLETES:
        raise UserError(f"--athletes × --blocks-per-athlete must be at most {MAX_ATHLETES}, "
                        f"got {n} × {k}")
    _check_memory(n * k)
    return EpisodePlan(mode=PRIOR, seed=seed, seeds=stream_seeds(seed, n, blocks=k, tag=tag),
                       athletes=n, blocks=k, prior=prior, words=athlete_words(seed, n, tag=tag))
