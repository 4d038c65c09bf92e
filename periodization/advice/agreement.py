"""Advice that agrees with itself: what the drivers say limits what is prescribed.

When the calibrated model's maladaptation this morning reaches ``OVERREACHING_LEVEL``,
the drivers tell the athlete their HRV and resting HR suggest non-functional
overreaching and to back off; a hard session next to that sentence would contradict it.
So on those mornings (today and every simulated day of the plan) the high-intensity
sessions (TEMPO, HIIT, STRENGTH: ``sim.actions.HIGH_INTENSITY``) are masked before the
coach decides, and ``masked`` names the reason. REST always stays allowed.
"""

from __future__ import annotations

import numpy as np

from periodization.sim.actions import ACTION_NAMES, HIGH_INTENSITY

OVERREACHING_LEVEL = 0.25  # maladaptation at which the drivers say "back off"
BACK_OFF_REASON = ("your HRV and resting HR suggest non-functional overreaching: no hard "
                   "session until they return to normal")


def overreaching(maladaptation: np.ndarray) -> np.ndarray:
    """(N,) bool: the drivers will say 'back off' for these athletes."""
    return np.nan_to_num(np.asarray(maladaptation, dtype=np.float64)) >= OVERREACHING_LEVEL


def back_off(mask: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """``mask`` (N, 6; True = allowed) with high-intensity sessions masked where flagged."""
    out = np.array(mask, dtype=bool, copy=True)
    out[np.ix_(np.asarray(flagged, dtype=bool), HIGH_INTENSITY)] = False
    return out


def back_off_reasons(flagged: bool, mask_before: np.ndarray) -> dict[str, str]:
    """Action name → reason, for the sessions this module masked (not masked before)."""
    if not flagged:
        return {}
    return {ACTION_NAMES[a]: BACK_OFF_REASON for a in np.flatnonzero(HIGH_INTENSITY)
            if mask_before[a]}
