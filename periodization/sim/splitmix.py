"""The SplitMix64 finaliser: the one implementation of the mixer behind every random stream.

``mix`` is the scalar form, inlined into the compiled kernels (``kernels.uniform``);
``mix_array`` applies the same function to a uint64 array of any shape, for the numpy
streams of ``noise.py``. Both wrap modulo 2**64, so a counter-based draw is the same bits
whichever side makes it.
"""

from __future__ import annotations

import numpy as np

from periodization.core.jit import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: the counter stride
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
U53 = 1.0 / 9007199254740992.0  # 2**-53: the top 53 bits as a uniform [0, 1)
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(inline="always")
def mix(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser of one uint64 (wrapping arithmetic)."""
    z = ((z ^ (z >> np.uint64(30))) * M1) & _MASK
    z = ((z ^ (z >> np.uint64(27))) * M2) & _MASK
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _mix_flat(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        out[i] = mix(z[i])
    return out


def mix_array(z: np.ndarray) -> np.ndarray:
    """``mix`` of every entry of a uint64 array, same shape."""
    z = np.asarray(z, dtype=np.uint64)
    return _mix_flat(np.ascontiguousarray(z).reshape(-1)).reshape(z.shape)
