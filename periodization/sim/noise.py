"""Per-athlete random streams that do not depend on how athletes are batched.

``numpy.random.Generator`` draws for a whole batch from one stream, so athlete 3 of a batch
of 1024 sees different noise than the same athlete simulated alone. ``KeyedRandom`` is a
counter-based generator (the SplitMix64 finaliser of ``splitmix.py`` over (key, counter),
as in JAX's design): athlete i's k-th draw depends only on ``key[i]`` and its own counter,
the same bits the compiled kernels draw (``kernels.uniform``), so a vector
environment reproduces N single environments bit for bit, and every policy evaluated on an
episode meets the same noise (common random numbers, for paired comparisons).

Both ``KeyedRandom`` and ``NoNoise`` offer the two methods the dynamics use,
``random(size)`` and ``standard_normal(size)``, with the athlete axis last.
"""

from __future__ import annotations

import numpy as np

from periodization.sim.splitmix import GOLDEN, M2, U53, mix_array

_TWO_PI = 2.0 * np.pi


def derive_keys(seeds: np.ndarray | int, stream: int = 0) -> np.ndarray:
    """Well-mixed uint64 keys from integer seeds (and a stream id)."""
    s = np.atleast_1d(np.asarray(seeds)).astype(np.uint64)
    with np.errstate(over="ignore"):
        return mix_array(mix_array(s * GOLDEN + np.uint64(stream) * M2) + GOLDEN)


class KeyedRandom:
    """Counter-based uniform and normal draws, one stream per athlete.

    ``keys`` and the counters have shape (N,). A call with ``size=(k, N)`` (or ``N``) gives
    each athlete its next k values and advances only that athlete's counter.
    """

    def __init__(self, keys: np.ndarray, counters: np.ndarray | None = None) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64).copy()
        self.counters = (np.zeros_like(self.keys) if counters is None
                         else np.asarray(counters, dtype=np.uint64).copy())

    @classmethod
    def for_athletes(cls, n: int, seed: int, stream: int = 0) -> KeyedRandom:
        """Streams for athletes 0…n−1 of a population drawn with ``seed``."""
        return cls(derive_keys(np.arange(n, dtype=np.uint64) + np.uint64(stream) * np.uint64(
            1 << 40), stream=seed))

    @property
    def n(self) -> int:
        return int(self.keys.shape[0])

    def _bits(self, k: int) -> np.ndarray:
        offsets = np.arange(k, dtype=np.uint64)[:, None]
        with np.errstate(over="ignore"):
            z = mix_array((self.counters[None, :] + offsets) * GOLDEN + self.keys[None, :])
        self.counters = self.counters + np.uint64(k)
        return z

    def _shape(self, size: int | tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        shape = (size,) if isinstance(size, int | np.integer) else tuple(size)
        if shape[-1] != self.n:
            raise ValueError(f"last axis must be the {self.n} athletes, got shape {shape}")
        k = int(np.prod(shape[:-1], dtype=np.int64)) if len(shape) > 1 else 1
        return k, shape

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Uniform [0, 1) of ``size`` (athlete axis last)."""
        k, shape = self._shape(size)
        return ((self._bits(k) >> np.uint64(11)).astype(np.float64) * U53).reshape(shape)

    def standard_normal(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normals of ``size`` by Box–Muller; normal j uses counters 2j and 2j+1
        (the same mapping as ``kernels.normal``)."""
        k, shape = self._shape(size)
        u = (self._bits(2 * k) >> np.uint64(11)).astype(np.float64) * U53
        radius = np.sqrt(-2.0 * np.log1p(-u[0::2]))
        return (radius * np.cos(_TWO_PI * u[1::2])).reshape(shape)

    def take(self, index: np.ndarray) -> KeyedRandom:
        return KeyedRandom(self.keys[index], self.counters[index])

    def replace(self, rows: np.ndarray, keys: np.ndarray) -> None:
        """Start fresh streams for ``rows`` (e.g. new episodes after an autoreset)."""
        self.keys[rows] = keys
        self.counters[rows] = 0


class NoNoise:
    """The expected world for planning: no compliance or wearable noise, no illness onset."""

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        return np.ones(size)  # a uniform at 1: no event with probability ≤ 1 fires

    def standard_normal(self, size: int | tuple[int, ...]) -> np.ndarray:
        return np.zeros(size)
