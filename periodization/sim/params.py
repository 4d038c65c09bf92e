"""Athlete parameters: per-athlete values (struct of arrays) and the shared constants.

The population prior they are drawn from is ``prior.py`` (YAML data, validated).

``AthleteParams`` is a frozen struct of arrays, one entry per athlete (shape ``(N,)``), plus
the shared ``Population`` constants. The Busso (2003) gains are not stored: they are derived
(``k1``, ``k3``) from interpretable quantities the prior is written in, the optimal daily load
``w*`` and the steady-state gain ``G`` at that load:

    steady state at constant daily load w:  p − p0 = k1·a1·w − k3·a2·a3·w²
    with a_i = 1 / (1 − exp(−1/τ_i)) the discrete geometric sums, so
    w* = k1·a1 / (2·k3·a2·a3)  and  p(w*) − p0 = G·p0
    ⇒  k1 = 2·G·p0 / (a1·w*),   k3 = G·p0 / (a2·a3·w*²).

Derived quantities are cached properties, never stored fields, so they cannot go stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from periodization.sim import records

DEFAULT_PRIOR = "prior.yaml"

# Per-athlete parameters, in the order of the dataclass below.
ATHLETE_KEYS = (
    "tau_fitness_days", "tau_fatigue_days", "tau_gain_days", "optimal_load", "gain_at_optimum",
    "overload_threshold", "maladaptation_rate", "tau_maladaptation_days", "maladaptation_cost",
    "illness_base_rate", "illness_mean_days", "durability_protection", "session_scale",
    "habitual_load_ratio", "hrv_baseline_ms", "hrv_noise_log", "hrv_acute_sensitivity",
    "hrv_fatigue_sensitivity", "rhr_baseline_bpm", "rhr_noise_bpm", "sleep_baseline_hours",
    "sleep_noise_hours", "sleep_efficiency_baseline", "sleep_efficiency_noise", "life_load",
)  # fmt: skip

# Parameters that must be strictly positive wherever they are drawn from.
POSITIVE_KEYS = frozenset(ATHLETE_KEYS) - {"hrv_fatigue_sensitivity", "habitual_load_ratio"}

PER_ACTION_KEYS = (
    "session_load", "fitness_weight", "fatigue_weight", "hrv_acute_drop", "rhr_acute_rise",
)  # fmt: skip


@dataclass(frozen=True)
class Population:
    """Constants shared by every athlete of a population (see ``prior.yaml`` for units)."""

    baseline_performance: float
    session_load: np.ndarray  # (6,) TSS per action
    reference_optimal_load: float
    capacity_exponent: float
    compliance_noise: float
    fitness_weight: np.ndarray  # (6,)
    fatigue_weight: np.ndarray  # (6,)
    hrv_acute_drop: np.ndarray  # (6,) ln RMSSD
    rhr_acute_rise: np.ndarray  # (6,) bpm
    tau_acute_days: float
    rhr_per_fatigue: float
    hrv_per_maladaptation: float
    rhr_per_maladaptation: float
    sleep_hours_per_maladaptation: float
    sleep_eff_per_maladaptation: float
    life_stress_share: float
    hrv_when_ill: float
    rhr_when_ill: float
    sleep_hours_when_ill: float
    sleep_eff_when_ill: float
    performance_cost_when_ill: float
    hazard_per_maladaptation: float
    hazard_per_spike: float
    spike_ratio: float
    hazard_per_fatigue: float
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
    def durability_decay(self) -> float:
        return float(np.exp(-1.0 / self.tau_durability_days))

    @cached_property
    def durability_reference(self) -> float:
        """Steady durability at two strength sessions per week (the 'protected' level)."""
        return (2.0 / 7.0) / (1.0 - self.durability_decay)


@dataclass(frozen=True)
class AthleteParams:
    """Per-athlete parameters, each an array of shape (N,); see ``prior.yaml`` for units."""

    tau_fitness_days: np.ndarray
    tau_fatigue_days: np.ndarray
    tau_gain_days: np.ndarray
    optimal_load: np.ndarray  # w*, TSS/day
    gain_at_optimum: np.ndarray  # G, fraction of p0
    overload_threshold: np.ndarray
    maladaptation_rate: np.ndarray
    tau_maladaptation_days: np.ndarray
    maladaptation_cost: np.ndarray
    illness_base_rate: np.ndarray
    illness_mean_days: np.ndarray
    durability_protection: np.ndarray
    session_scale: np.ndarray
    habitual_load_ratio: np.ndarray
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

    # --- decay factors and geometric sums of the daily recursions -------------------------
    @cached_property
    def fitness_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_fitness_days)

    @cached_property
    def fatigue_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_fatigue_days)

    @cached_property
    def gain_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_gain_days)

    @cached_property
    def maladaptation_decay(self) -> np.ndarray:
        return np.exp(-1.0 / self.tau_maladaptation_days)

    # --- Busso gains (see module docstring) ------------------------------------------------
    @cached_property
    def k1(self) -> np.ndarray:
        """Fitness gain, performance points per (TSS·day)."""
        a1 = 1.0 / (1.0 - self.fitness_decay)
        p0 = self.pop.baseline_performance
        return 2.0 * self.gain_at_optimum * p0 / (a1 * self.optimal_load)

    @cached_property
    def k3(self) -> np.ndarray:
        """Gain of the variable fatigue factor k2(i) = k3·Σ w(j)·exp(−(i−j)/τ3)."""
        a2 = 1.0 / (1.0 - self.fatigue_decay)
        a3 = 1.0 / (1.0 - self.gain_decay)
        p0 = self.pop.baseline_performance
        return self.gain_at_optimum * p0 / (a2 * a3 * self.optimal_load**2)

    @cached_property
    def fatigue_at_optimum(self) -> np.ndarray:
        """Steady-state fatigue term at the optimal load, h* = G·p0 (performance points)."""
        return self.gain_at_optimum * self.pop.baseline_performance

    @cached_property
    def session_loads(self) -> np.ndarray:
        """(N, 6) nominal load of each action for each athlete (TSS)."""
        relative = self.optimal_load / self.pop.reference_optimal_load
        capacity = relative**self.pop.capacity_exponent
        return (capacity * self.session_scale)[:, None] * self.pop.session_load[None, :]

    @cached_property
    def ln_hrv_baseline(self) -> np.ndarray:
        return np.log(self.hrv_baseline_ms)

    @cached_property
    def log_illness_base_rate(self) -> np.ndarray:
        return np.log(self.illness_base_rate)

    @property
    def n(self) -> int:
        return int(self.tau_fitness_days.shape[0])

    @cached_property
    def packed(self) -> np.ndarray:
        """(N,) named records the compiled kernels read (``records.param_record``)."""
        return records.param_record(self)
