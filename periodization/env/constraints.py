"""Safety: the five hard rules (an action mask with reasons) and the soft penalties.

Hard rules (SPEC §6); each is switchable, REST is never masked:

| id | rule             | condition (this morning)                        | allowed          |
|----|------------------|-------------------------------------------------|------------------|
| 1  | low_recovery     | recovery < 30                                   | REST             |
| 2  | hrv_crash        | ln RMSSD < 28-day baseline − 2 SD               | not TEMPO, HIIT  |
| 3  | consecutive_hard | more than 3 consecutive high-intensity days     | not TEMPO/HIIT/STR |
| 4  | no_recent_rest   | no REST in the last 6 days                      | REST, ACTIVE_RECOVERY |
| 5  | ill              | ill or injured                                  | REST, ACTIVE_RECOVERY |

Soft penalties (the seed's): training (any non-REST action) with recovery < 40 → 1.0;
n > 3 consecutive hard days including today → 0.5·(n − 3); an HRV crash the next morning
(ln RMSSD below baseline − 2 SD) → 1.0.

The rules and the penalty are computed in ``env/kernels.py`` (``fired_rules``, the one
implementation, which the oracle's rollout calls too). The rules read only what a
wearable and a training log show (``MorningContext``) plus the
athlete's own report of illness, so they apply unchanged to real data.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from pydantic.dataclasses import dataclass

from periodization.core.validation import SCHEMA, Count, Real, StrictBool
from periodization.env import kernels as K
from periodization.features.daily import MorningContext
from periodization.sim.actions import ACTION_NAMES, HIGH_INTENSITY, N_ACTIONS, Action
from periodization.sim.records import config_record

RULE_NAMES = ("low_recovery", "hrv_crash", "consecutive_hard", "no_recent_rest", "ill")
RULE_TEXT = {
    "low_recovery": "recovery below {low_recovery_threshold:g}: rest only",
    "hrv_crash": "HRV more than {hrv_crash_sd:g} SD below your baseline: no tempo or HIIT",
    "consecutive_hard": "more than {max_consecutive_hard} hard days in a row: no hard session",
    "no_recent_rest": "no rest day in the last {max_days_without_rest} days: rest or recover",
    "ill": "ill or injured: rest or active recovery only",
}

# allowed[r] = actions a rule leaves allowed when it fires
_ALLOWED = np.ones((len(RULE_NAMES), N_ACTIONS), dtype=bool)
_ALLOWED[0] = np.arange(N_ACTIONS) == Action.REST
_ALLOWED[1, [Action.TEMPO, Action.HIIT]] = False
_ALLOWED[2, HIGH_INTENSITY] = False
_ALLOWED[3] = np.isin(np.arange(N_ACTIONS), [Action.REST, Action.ACTIVE_RECOVERY])
_ALLOWED[4] = _ALLOWED[3]
_BLOCKS = ~_ALLOWED  # (5, 6): rule r blocks action a
_RECORD_FIELDS = (*RULE_NAMES, "low_recovery_threshold", "hrv_crash_sd",
                  "max_consecutive_hard", "max_days_without_rest",
                  "penalty_recovery_threshold")


RULE_LIMITS = {
    "low_recovery_threshold": ("low_recovery", "≥", 20.0),
    "hrv_crash_sd": ("hrv_crash", "≤", 3.0),
    "max_consecutive_hard": ("consecutive_hard", "≤", 5),
    "max_days_without_rest": ("no_recent_rest", "≤", 10),
}
"""How far each rule's threshold may be weakened while the rule is on (``docs/security.md``):
a lower recovery threshold, a wider HRV band, more hard days or more days without rest
than this is refused; switching the rule off (``low_recovery: false``) is the explicit
way to disable it."""


@dataclass(frozen=True, kw_only=True, config=SCHEMA)
class SafetyConfig:
    """The hard rules (each on unless switched off) and their thresholds.

    Ranges (validated on construction; every float finite):

    * ``low_recovery_threshold`` ∈ [0, 100] (a recovery score); while ``low_recovery`` is
      on, at least 20.
    * ``hrv_crash_sd`` ∈ [0, 10] SD; while ``hrv_crash`` is on, at most 3.
    * ``max_consecutive_hard`` ∈ [0, 365] days; while ``consecutive_hard`` is on, at most 5.
    * ``max_days_without_rest`` ∈ [1, 365] days; while ``no_recent_rest`` is on, at most 10.
    * ``penalty_recovery_threshold`` ∈ [0, 100] (the soft penalty, not a rule).
    """

    low_recovery: StrictBool = True
    hrv_crash: StrictBool = True
    consecutive_hard: StrictBool = True
    no_recent_rest: StrictBool = True
    ill: StrictBool = True
    low_recovery_threshold: Real(0, 100) = 30.0  # recovery below which only REST is allowed
    hrv_crash_sd: Real(0, 10) = 2.0  # SDs of the 28-day ln RMSSD baseline
    max_consecutive_hard: Count(0, 365) = 3  # more than this many hard days blocks hard work
    max_days_without_rest: Count(1, 365) = 6  # this many days without REST forces recovery
    penalty_recovery_threshold: Real(0, 100) = 40.0  # soft: training below this costs 1.0
    strict: StrictBool = False  # raise on a masked action instead of replacing it with REST

    def __post_init__(self) -> None:
        for key, (rule, sign, limit) in RULE_LIMITS.items():
            value = getattr(self, key)
            weaker = value < limit if sign == "≥" else value > limit
            if getattr(self, rule) and weaker:
                raise ValueError(
                    f"{key} {value:g} would weaken the {rule} rule beyond its range "
                    f"({sign} {limit:g}); switch the rule off explicitly ({rule}: false) "
                    "to disable it")

    @property
    def enabled(self) -> np.ndarray:
        return np.array([getattr(self, r) for r in RULE_NAMES])

    @cached_property
    def packed(self) -> np.ndarray:
        """The named record ``env/kernels.py`` reads: every switch and threshold by name,
        the table of what each rule blocks and which sessions count as hard."""
        return config_record(self, _RECORD_FIELDS, blocks=_BLOCKS,
                             high_intensity=HIGH_INTENSITY)

    @classmethod
    def all_off(cls) -> SafetyConfig:
        return cls(**{r: False for r in RULE_NAMES})

    def describe(self, rule: str) -> str:
        return RULE_TEXT[rule].format(**self.__dict__)


def rules_and_mask(*, recovery: np.ndarray, ln_hrv: np.ndarray, hrv_baseline_mean: np.ndarray,
                   hrv_baseline_sd: np.ndarray, consecutive_hard: np.ndarray,
                   days_since_rest: np.ndarray, ill: np.ndarray, config: SafetyConfig
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(fired (N, 5) bool, mask (N, 6) bool, True = allowed) for this morning."""
    shape = np.shape(recovery)
    today = MorningContext(
        recovery=recovery, ln_hrv=ln_hrv, hrv_baseline_mean=hrv_baseline_mean,
        hrv_baseline_sd=hrv_baseline_sd, consecutive_hard=consecutive_hard,
        days_since_rest=days_since_rest, imputed=np.zeros(shape, dtype=bool))
    return rules_for_morning(today, ill=ill, config=config)


def rules_for_morning(context: MorningContext, *, ill: np.ndarray, config: SafetyConfig
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``rules_and_mask`` on what ``features.morning`` reported (and the illness flag)."""
    return K.rules(context.record, np.asarray(ill, dtype=np.int64), config.packed)


def reason_matrix(fired: np.ndarray) -> np.ndarray:
    """Fixed-shape reasons: bool (..., 5 rules, 6 actions), True where rule r fired and
    blocks action a (``RULE_NAMES`` × ``ACTION_NAMES``); ``fired`` is (..., 5)."""
    return fired[..., :, None] & _BLOCKS


def mask_reasons(fired_row: np.ndarray, config: SafetyConfig) -> dict[str, list[str]]:
    """For one athlete: masked action name → names of the rules that masked it."""
    out: dict[str, list[str]] = {}
    for r, name in enumerate(RULE_NAMES):
        if fired_row[r]:
            for a in np.flatnonzero(~_ALLOWED[r]):
                out.setdefault(ACTION_NAMES[a], []).append(name)
    return out
