"""The six daily prescriptions, in the fixed order every part of the project uses.

| id | name            | meaning                                   |
|----|-----------------|-------------------------------------------|
| 0  | REST            | complete rest                             |
| 1  | ACTIVE_RECOVERY | zone 1, < 60 % HRmax, 20–40 min           |
| 2  | AEROBIC_BASE    | zone 2, 60–70 % HRmax, 45–90 min          |
| 3  | TEMPO           | zones 3–4, 70–85 % HRmax, 30–60 min       |
| 4  | HIIT            | zone 5, > 85 % HRmax, 20–40 min           |
| 5  | STRENGTH        | resistance training                       |

The physiological effect of each action (its load, fatigue weight, acute HRV drop …) is data
in ``prior.yaml``; this module only fixes identities and the descriptions users see.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Action(IntEnum):
    REST = 0
    ACTIVE_RECOVERY = 1
    AEROBIC_BASE = 2
    TEMPO = 3
    HIIT = 4
    STRENGTH = 5


N_ACTIONS = len(Action)
ACTION_NAMES: tuple[str, ...] = tuple(a.name for a in Action)

# Sessions counted as "high intensity" by the consecutive-hard-days rule and penalty
# (the seed's table marks TEMPO, HIIT and STRENGTH as high intensity).
HIGH_INTENSITY = np.array([False, False, False, True, True, True])

# What a user is told to do, per action: (zone, minutes) for a typical session.
SESSION_GUIDE: dict[Action, tuple[str, int]] = {
    Action.REST: ("off", 0),
    Action.ACTIVE_RECOVERY: ("zone 1 (< 60 % HRmax)", 30),
    Action.AEROBIC_BASE: ("zone 2 (60–70 % HRmax)", 60),
    Action.TEMPO: ("zones 3–4 (70–85 % HRmax)", 45),
    Action.HIIT: ("zone 5 (> 85 % HRmax) intervals", 30),
    Action.STRENGTH: ("resistance training", 50),
}

# The range of minutes each session may last (the table above); strength: a typical gym hour.
SESSION_MINUTES: dict[Action, tuple[int, int]] = {
    Action.REST: (0, 0),
    Action.ACTIVE_RECOVERY: (20, 40),
    Action.AEROBIC_BASE: (45, 90),
    Action.TEMPO: (30, 60),
    Action.HIIT: (20, 40),
    Action.STRENGTH: (30, 75),
}


# Typical minutes of each session (the guide above), float (6,): the length a session lasts
# when a plan does not say otherwise; an athlete's own sessions scale it (``session_minutes``).
TYPICAL_MINUTES = np.array([SESSION_GUIDE[a][1] for a in Action], dtype=np.float64)


def action_from_name(name: str) -> Action:
    """Parse an action name tolerantly (case, spaces, hyphens); raises ``ValueError``."""
    key = name.strip().upper().replace("-", "_").replace(" ", "_")
    try:
        return Action[key]
    except KeyError:
        raise ValueError(
            f"unknown action {name!r}; expected one of {', '.join(ACTION_NAMES)}") from None
