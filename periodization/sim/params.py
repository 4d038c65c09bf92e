"""Athlete parameters: per-athlete values (struct of arrays) and the shared constants.

The population prior they are drawn from is ``prior.py`` (YAML data, validated, schema 2).

``AthleteParams`` is a frozen struct of arrays, one entry per athlete (shape ``(N,)``), plus
the shared ``Population`` constants. The prior is written in interpretable quantities (the
optimal daily load w*, the base-fitness gain at it, the fatigue it leaves, the capacity and
half-saturating dose of the intensity channel); the gains of the daily recursions are
derived from them as cached properties, never stored, so they cannot go stale:

    fatigue     F* = f·p0 = k_F·ψ_AE·w*·a_F            (aerobic base daily at w*)
    base        G·p0 = k_B·φ_AE·w*·η(1)·(s·a_f + (1 − s)·a_s)
    intensity   I = I_max·x/(1 + x),  x = k_I·a_I·d/I_max: half of I_max at d = d½/7 a day

with a = 1/(1 − e^{−1/τ}) the discrete geometric sums and η(1) the volume efficacy at w*
(``docs/athlete-model.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from periodization.sim import records
from periodization.sim.actions import TYPICAL_MINUTES, Action

DEFAULT_PRIOR = "prior.yaml"
PRIOR_SCHEMA = 2  # version of prior.yaml's layout; a prior of another version is refused

# Per-athlete parameters, in the order of the dataclass below.
ATHLETE_KEYS = (
    "optimal_load", "habitual_load_ratio", "session_scale",
    "tau_base_days", "tau_fast_days", "fast_share", "tau_fatigue_days", "tau_intensity_days",
    "base_gain_at_optimum", "intensity_capacity", "intensity_half_dose",
    "fatigue_share_at_optimum", "overload_threshold", "intensity_threshold",
    "maladaptation_rate", "tau_maladaptation_days", "maladaptation_cost",
    "maladaptation_block", "stress_sensitivity",
    "illness_base_rate", "illness_mean_days", "injury_base_rate", "injury_mean_days",
    "durability_protection", "strength_economy",
    "hrv_baseline_ms", "hrv_noise_log", "hrv_acute_sensitivity", "hrv_fatigue_sensitivity",
    "rhr_baseline_bpm", "rhr_noise_bpm", "sleep_baseline_hours", "sleep_noise_hours",
    "sleep_efficiency_baseline", "sleep_efficiency_noise", "life_load",
)  # fmt: skip

# Parameters that may be zero or negative for someone; every other one must be positive.
POSITIVE_KEYS = frozenset(ATHLETE_KEYS) - {"hrv_fatigue_sensitivity", "habitual_load_ratio"}
# Parameters that are fractions in [0, 1].
FRACTION_KEYS = frozenset({"fast_share", "fatigue_share_at_optimum", "base_gain_at_optimum",
                           "intensity_capacity", "maladaptation_cost", "strength_economy"})

# Per-action population tables (REST, ACTIVE_RECOVERY, AEROBIC_BASE, TEMPO, HIIT, STRENGTH).
PER_ACTION_KEYS = (
    "load_per_minute", "base_weight", "intensity_weight", "fatigue_weight", "strain_weight",
    "readiness_weight", "hrv_drop_fast", "hrv_drop_slow", "rhr_acute_rise",
)  # fmt: skip

AE, HI = int(Action.AEROBIC_BASE), int(Action.HIIT)


@dataclass(frozen=True)
class Population:
    """Constants shared by every athlete of a population (see ``prior.yaml`` for units)."""

    baseline_performance: float
    reference_optimal_load: float
    capacity_exponent: float
    compliance_noise: float
    load_per_minute: np.ndarray  # (6,) TSS per minute of each session
    base_weight: np.ndarray  # (6,) base-fitness stimulus per TSS
    intensity_weight: np.ndarray  # (6,) intensity stimulus per TSS (HIIT = 1)
    fatigue_weight: np.ndarray  # (6,) fatigue per TSS
    strain_weight: np.ndarray  # (6,) volume strain per TSS
    readiness_weight: np.ndarray  # (6,) how much readiness changes a session's effect
    hrv_drop_fast: np.ndarray  # (6,) next-morning ln RMSSD drop that clears within a day
    hrv_drop_slow: np.ndarray  # (6,) next-morning ln RMSSD drop that clears over days
    rhr_acute_rise: np.ndarray  # (6,) next-morning resting-HR rise, bpm
    tau_hrv_fast_days: float
    tau_hrv_slow_days: float
    tau_acute_days: float
    tau_strain_days: float
    tau_pending_days: float
    acwr_free: float
    acwr_gain: float
    acwr_cap: float
    session_exponent: float
    efficacy_knee: float
    efficacy_steepness: float
    acute_free: float
    acute_penalty: float
    unrecovered_fatigue: float
    stress_persistence_slow: float
    stress_persistence_fast: float
    slow_stress_share: float
    stress_maladaptation: float
    life_stress_share: float
    rhr_per_fatigue: float
    hrv_per_maladaptation: float
    rhr_per_maladaptation: float
    sleep_hours_per_maladaptation: float
    sleep_eff_per_maladaptation: float
    hrv_when_ill: float
    rhr_when_ill: float
    sleep_hours_when_ill: float
    sleep_eff_when_ill: float
    performance_cost_when_ill: float
    hazard_per_maladaptation: float
    hazard_per_fatigue: float
    fatigue_hazard_free: float
    hazard_per_stress: float
    hazard_per_hard_stress: float
    injury_per_spike: float
    spike_ratio: float
    injury_per_fatigue: float
    tau_durability_days: float
    maladaptation_if_trained_ill: float
    atl_days: float
    ctl_days: float
    recovery_bias: float
    recovery_weight_hrv: float
    recovery_weight_rhr: float
    recovery_weight_sleep: float
    strain_scale: float
    strain_offset: float
    strain_noise: float
    overreached_threshold: float
    maladaptation_saturation: float

    @cached_property
    def packed(self) -> np.ndarray:
        """The named record the compiled kernels read (``records.population_record``)."""
        return records.population_record(self)

    def effective_maladaptation(self, m: np.ndarray) -> np.ndarray:
        """Saturating effect size of maladaptation: S·tanh(M/S) (≈ M for small M)."""
        s = self.maladaptation_saturation
        return s * np.tanh(m / s)

    def volume_efficacy(self, strain_ratio: np.ndarray | float) -> np.ndarray | float:
        """η_V(l) = 1 / (1 + (l/knee)^steepness): how much of a session's stimulus adapts
        at volume strain l = L/w* (1 ≈ training at the optimal load every day)."""
        return 1.0 / (1.0 + (np.asarray(strain_ratio) / self.efficacy_knee)
                      ** self.efficacy_steepness)

    # --- decays of the daily recursions (x ← x·decay + input) ------------------------------
    @cached_property
    def atl_decay(self) -> float:
        """GoldenCheetah form: ATL_d = ATL_{d−1}·λ + load_d·(1 − λ), λ = exp(−1/atl_days).

        The one home of the PMC decays: the model's ATL/CTL and the features' read these."""
        return float(np.exp(-1.0 / self.atl_days))

    @cached_property
    def ctl_decay(self) -> float:
        return float(np.exp(-1.0 / self.ctl_days))

    @cached_property
    def acute_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_acute_days))

    @cached_property
    def hrv_fast_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_hrv_fast_days))

    @cached_property
    def hrv_slow_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_hrv_slow_days))

    @cached_property
    def strain_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_strain_days))

    @cached_property
    def pending_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_pending_days))

    @cached_property
    def durability_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_durability_days))

    @cached_property
    def durability_reference(self) -> float:
        """Steady durability at two strength sessions per week (the 'protected' level)."""
        return (2.0 / 7.0) / (1.0 - self.durability_decay)

    @cached_property
    def hard_unit_load(self) -> float:
        """TSS of a typical HIIT session (typical minutes × TSS per minute): one hard unit of
        intensity stimulus; the intensity channel's dose is counted in these."""
        return float(TYPICAL_MINUTES[HI] * self.load_per_minute[HI])

    @cached_property
    def hrv_drop_reference(self) -> float:
        """The slow ln RMSSD drop of a typical HIIT: one unit of 'acute fatigue'."""
        return float(self.hrv_drop_slow[HI])


def _decay(tau: np.ndarray) -> np.ndarray:
    return np.exp(-1.0 / tau)


def _geometric(decay: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 - decay)


@dataclass(frozen=True)
class AthleteParams:
    """Per-athlete parameters, each an array of shape (N,); see ``prior.yaml`` for units."""

    optimal_load: np.ndarray  # w*, TSS/day: the daily load of the inverted U's top
    habitual_load_ratio: np.ndarray  # usual load before the record, × w*
    session_scale: np.ndarray  # multiplies the athlete's session minutes
    tau_base_days: np.ndarray  # slow base fitness, days
    tau_fast_days: np.ndarray  # fast base fitness, days
    fast_share: np.ndarray  # share of the base stimulus that goes to the fast component
    tau_fatigue_days: np.ndarray
    tau_intensity_days: np.ndarray
    base_gain_at_optimum: np.ndarray  # G, fraction of p0
    intensity_capacity: np.ndarray  # I_max, fraction of p0
    intensity_half_dose: np.ndarray  # d½, hard sessions a week for half of I_max
    fatigue_share_at_optimum: np.ndarray  # f, fatigue at w*, fraction of p0
    overload_threshold: np.ndarray  # volume strain above which maladaptation builds, × w*
    intensity_threshold: np.ndarray  # hard sessions a week above which it builds
    maladaptation_rate: np.ndarray
    tau_maladaptation_days: np.ndarray
    maladaptation_cost: np.ndarray  # performance lost per unit, fraction of p0
    maladaptation_block: np.ndarray  # log-efficacy lost per unit
    stress_sensitivity: np.ndarray  # log-efficacy of a hard session per SD of life stress
    illness_base_rate: np.ndarray  # daily hazard at no risk factor
    illness_mean_days: np.ndarray
    injury_base_rate: np.ndarray
    injury_mean_days: np.ndarray
    durability_protection: np.ndarray  # log injury hazard lost at 2 strength sessions/week
    strength_economy: np.ndarray  # performance from strength at 2 sessions/week, × p0
    hrv_baseline_ms: np.ndarray
    hrv_noise_log: np.ndarray
    hrv_acute_sensitivity: np.ndarray
    hrv_fatigue_sensitivity: np.ndarray
    rhr_baseline_bpm: np.ndarray
    rhr_noise_bpm: np.ndarray
    sleep_baseline_hours: np.ndarray
    sleep_noise_hours: np.ndarray
    sleep_efficiency_baseline: np.ndarray
    sleep_efficiency_noise: np.ndarray
    life_load: np.ndarray
    pop: Population

    @property
    def n(self) -> int:
        return int(self.optimal_load.shape[0])

    # --- decays ----------------------------------------------------------------------------
    @cached_property
    def base_decay(self) -> np.ndarray:
        return _decay(self.tau_base_days)

    @cached_property
    def fast_decay(self) -> np.ndarray:
        return _decay(self.tau_fast_days)

    @cached_property
    def fatigue_decay(self) -> np.ndarray:
        return _decay(self.tau_fatigue_days)

    @cached_property
    def intensity_decay(self) -> np.ndarray:
        return _decay(self.tau_intensity_days)

    @cached_property
    def maladaptation_decay(self) -> np.ndarray:
        return _decay(self.tau_maladaptation_days)

    # --- gains (module docstring) ----------------------------------------------------------
    @cached_property
    def fatigue_at_optimum(self) -> np.ndarray:
        """F*: the steady fatigue of aerobic base at w* every day, performance points."""
        return self.fatigue_share_at_optimum * self.pop.baseline_performance

    @cached_property
    def fatigue_gain(self) -> np.ndarray:
        """k_F: fatigue points per (weighted TSS) of a session at w*."""
        return self.fatigue_at_optimum / (self.pop.fatigue_weight[AE] * self.optimal_load
                                          * _geometric(self.fatigue_decay))

    @cached_property
    def base_gain(self) -> np.ndarray:
        """k_B: base-fitness points per unit of realised stimulus."""
        s = self.fast_share
        sums = s * _geometric(self.fast_decay) + (1.0 - s) * _geometric(self.base_decay)
        eta = self.pop.volume_efficacy(1.0)
        return (self.base_gain_at_optimum * self.pop.baseline_performance
                / (self.pop.base_weight[AE] * self.optimal_load * eta * sums))

    @cached_property
    def intensity_points(self) -> np.ndarray:
        """I_max in performance points."""
        return self.intensity_capacity * self.pop.baseline_performance

    @cached_property
    def intensity_gain(self) -> np.ndarray:
        """k_I: intensity points per hard unit realised (far from saturation)."""
        return self.intensity_points / (_geometric(self.intensity_decay)
                                        * self.intensity_half_dose / 7.0)

    # --- sessions --------------------------------------------------------------------------
    @cached_property
    def session_minutes(self) -> np.ndarray:
        """(N, 6) the athlete's usual minutes of each session: the typical minutes × their
        capacity ((w*/reference)^exponent, fitter athletes train longer) × session scale."""
        relative = self.optimal_load / self.pop.reference_optimal_load
        scale = relative ** self.pop.capacity_exponent * self.session_scale
        return scale[:, None] * TYPICAL_MINUTES[None, :]

    @cached_property
    def session_loads(self) -> np.ndarray:
        """(N, 6) nominal load of each of the athlete's sessions, TSS."""
        return self.session_minutes * self.pop.load_per_minute[None, :]

    @cached_property
    def durability_reference(self) -> np.ndarray:
        return np.full(self.n, self.pop.durability_reference)

    @cached_property
    def ln_hrv_baseline(self) -> np.ndarray:
        return np.log(self.hrv_baseline_ms)

    @cached_property
    def log_illness_base_rate(self) -> np.ndarray:
        return np.log(self.illness_base_rate)

    @cached_property
    def log_injury_base_rate(self) -> np.ndarray:
        return np.log(self.injury_base_rate)

    @cached_property
    def packed(self) -> np.ndarray:
        """(N,) named records the compiled kernels read (``records.param_record``)."""
        return records.param_record(self)
