"""Compiled per-athlete loops of the athlete model (numba), behind ``dynamics.py``.

The equations are documented in ``dynamics.py`` and ``docs/athlete-model.md``; this module
implements them once, as scalar code over one athlete, looped over the batch. Every kernel
reads named records (``records.py``): a parameter row ``p = P[i]`` (``p.fatigue_gain``,
``p.session_loads[a]``), the population constants ``q`` (``q.strain_decay``,
``q.fatigue_weight[a]``) and the state record ``S`` (``AthleteState.record``:
``S[i].fatigue``; the fields the dynamics evolve, as one athlete's scalars, are an
``AthleteRow``). The wearable's side (latent readings, recovery, observe) is in
``observe_kernels.py``.
Batch kernels take the population as its (1,) array ``pop_1`` (``q = pop_1[0]``): numba
dispatches an array in ~0.5 µs, a record scalar in ~7 µs.

Randomness is counter-based (``noise.py``): athlete i's draws depend only on its key and
counter, so results do not depend on the batch. ``transition`` uses ``TRANSITION_COUNTERS``
per athlete (two normal pairs: compliance and the two life-stress innovations; three
uniforms: illness onset, injury onset, episode length), ``observe`` ``OBSERVE_COUNTERS``
(three normal pairs).
"""

from __future__ import annotations

import math

import numpy as np

from periodization.core.jit import njit
from periodization.sim.actions import Action
from periodization.sim.records import AthleteRow, load_row, store_row
from periodization.sim.splitmix import GOLDEN, U53, mix

STRENGTH, AEROBIC = int(Action.STRENGTH), int(Action.AEROBIC_BASE)


@njit(inline="always")
def uniform(key: np.uint64, counter: np.uint64) -> float:
    """The counter-th uniform [0, 1) of stream ``key`` (``splitmix.mix``, as ``noise.py``)."""
    z = mix((counter * GOLDEN + key) & np.uint64(0xFFFFFFFFFFFFFFFF))
    return float(z >> np.uint64(11)) * U53


PAIR_COUNTERS = 18  # counters reserved per pair of normals
TRANSITION_COUNTERS = 2 * PAIR_COUNTERS + 3
OBSERVE_COUNTERS = 3 * PAIR_COUNTERS


@njit(inline="always")
def normal_pair(key: np.uint64, counter: np.uint64) -> tuple[float, float]:
    """Two independent standard normals from counters counter … counter + 17.

    Marsaglia's polar method (no trigonometry) with up to 8 attempts; if all 8 points fall
    outside the unit disc (probability ≈ 5e-6), Box–Muller on a fresh pair. Every pair
    consumes the same 18 counters, so streams stay aligned whatever is accepted.
    """
    for k in range(8):
        x = 2.0 * uniform(key, counter + np.uint64(2 * k)) - 1.0
        y = 2.0 * uniform(key, counter + np.uint64(2 * k + 1)) - 1.0
        r2 = x * x + y * y
        if 0.0 < r2 < 1.0:
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            return x * f, y * f
    radius = math.sqrt(-2.0 * math.log1p(-uniform(key, counter + np.uint64(16))))
    angle = 2.0 * math.pi * uniform(key, counter + np.uint64(17))
    return radius * math.cos(angle), radius * math.sin(angle)


@njit(inline="always")
def effective_m(m: float, sat: float) -> float:
    """Saturating effect size of maladaptation, sat·tanh(m/sat)."""
    if m == 0.0:  # the common case (never overreached): skip the tanh
        return 0.0
    return sat * math.tanh(m / sat)


@njit(inline="always")
def stress(x, q) -> float:
    """Today's life stress (SD units): the slow and fast components mixed."""
    s = q.slow_stress_share
    return math.sqrt(s) * x.stress_slow + math.sqrt(1.0 - s) * x.stress_fast


@njit(inline="always")
def acute_fatigue(x, p, q) -> float:
    """Recent sessions' HRV drop in units of a typical HIIT's (1 ≈ the morning after one)."""
    return (x.hrv_fast + x.hrv_slow) / (q.hrv_drop_reference * p.hrv_acute_sensitivity)


@njit(inline="always")
def efficacy(x, a: int, p, q) -> float:
    """Share of a session's stimulus that becomes adaptation: the volume efficacy of recent
    strain (the inverted U of daily load), times readiness (acute fatigue above its free
    level and life stress, weighted by how much readiness matters to this session;
    mean-one in stress), times what maladaptation blocks."""
    ratio = x.strain / p.optimal_load
    volume = 1.0 / (1.0 + (ratio / q.efficacy_knee) ** q.efficacy_steepness)
    iw = q.readiness_weight[a]
    bz = iw * p.stress_sensitivity
    acute = max(acute_fatigue(x, p, q) - q.acute_free, 0.0)
    log_ready = -iw * q.acute_penalty * acute - bz * stress(x, q) - 0.5 * bz * bz
    return volume * math.exp(log_ready - p.maladaptation_block
                             * effective_m(x.maladaptation, q.maladaptation_saturation))


@njit(inline="always")
def adapt_day(x, p, q, base_stimulus: float, intensity_stimulus: float):
    """Yesterday's pending stimulus is realised into fitness (a delayed adaptation, τ_P) and
    today's joins the queue: (base_slow, base_fast, intensity, pending_base,
    pending_intensity). Intensity fitness saturates at the athlete's capacity."""
    release = 1.0 - q.pending_decay
    rb, ri = x.pending_base * release, x.pending_intensity * release
    base_fast = x.base_fast * p.fast_decay + p.base_gain * p.fast_share * rb
    base_slow = x.base_slow * p.base_decay + p.base_gain * (1.0 - p.fast_share) * rb
    room = max(1.0 - x.intensity / p.intensity_points, 0.0)
    intensity = x.intensity * p.intensity_decay + p.intensity_gain * ri * room
    return (base_slow, base_fast, intensity,
            x.pending_base * q.pending_decay + base_stimulus,
            x.pending_intensity * q.pending_decay + intensity_stimulus)


@njit(inline="always")
def overreach(m: float, strain: float, hard_load: float, p) -> float:
    """Maladaptation after a day: it decays over weeks and builds while recent volume is
    above the overload threshold or recent intensity above the intensity threshold."""
    excess = (max(strain / p.optimal_load - p.overload_threshold, 0.0)
              + max(hard_load - p.intensity_threshold, 0.0) / p.intensity_threshold)
    return m * p.maladaptation_decay + p.maladaptation_rate * excess


@njit(inline="always")
def episode(days_left: int, healthy: bool, hazard: float, u_onset: float, u_length: float,
            mean_days: float) -> int:
    """Days of an illness or injury left tomorrow: one fewer, or a new episode (≥ 2 days,
    mean ``mean_days``) with probability 1 − e^{−hazard} on a healthy day."""
    if days_left > 0:
        return days_left - 1
    if healthy and u_onset < -math.expm1(-hazard):
        return 1 + math.ceil(-math.log1p(-u_length) * (mean_days - 1.5))
    return 0


@njit(inline="always")
def expected_days_lost(x, ill_hazard: float, injury_hazard: float, p) -> float:
    """Days an illness or an injury starting today is expected to cost, from the morning
    row ``x`` and the day's hazards: each onset probability × its episode's mean length,
    0 when the athlete is already ill or injured (no new episode can start). The
    probability, not the event: what a day's choices do to the risk, without the noise of
    whether an episode happened."""
    if x.ill_days > 0 or x.injured_days > 0:
        return 0.0
    return (-math.expm1(-ill_hazard) * p.illness_mean_days
            - math.expm1(-injury_hazard) * p.injury_mean_days)


@njit(inline="always")
def unrecovered_factor(x, p, q) -> float:
    """How much more a session fatigues when done unrecovered (positive life stress and
    acute fatigue above its free level): 1 + unrecovered_fatigue·unrecovered."""
    unrecovered = max(stress(x, q), 0.0) + max(acute_fatigue(x, p, q) - q.acute_free, 0.0)
    return 1.0 + q.unrecovered_fatigue * unrecovered


@njit(inline="always")
def fatigue_next(fatigue: float, a: int, w: float, atl: float, ctl: float, fatigued: float,
                 optimal_load: float, fatigue_decay: float, fatigue_gain: float, q) -> float:
    """Tomorrow's fatigue after session ``a`` at load ``w`` TSS, with ATL/CTL after today
    (``atl``, ``ctl``) and the unrecovered factor ``fatigued``. Fatigue grows faster than
    load: a long or hard session more than its share, and load that jumps above what the
    athlete is used to (ATL against CTL) more again. Scalars, so that personal calibration
    can run this recursion for candidate (w*, τ_F) without a whole parameter row."""
    acwr = atl / max(ctl, 0.3 * optimal_load)
    spike = min(math.exp(q.acwr_gain * max(acwr - q.acwr_free, 0.0)), q.acwr_cap)
    session = (w / optimal_load) ** q.session_exponent if w > 0.0 else 0.0
    return fatigue * fatigue_decay + (fatigue_gain * q.fatigue_weight[a] * w
                                      * session * spike * fatigued)


@njit(inline="always")
def transition_row(x, a: int, w: float, minutes: float, e_slow: float, e_fast: float,
                   u_ill: float, u_injury: float, u_length: float, p, q):
    """One athlete's day: ``AthleteRow`` x, action ``a`` done at realised load ``w`` TSS for
    ``minutes``, life-stress innovations ``e_slow``, ``e_fast`` and uniforms for the day's
    episodes (see ``dynamics.transition``). Returns (the next morning's row, the day's
    illness hazard, injury hazard)."""
    eta = efficacy(x, a, p, q)
    z = stress(x, q)
    fatigued = unrecovered_factor(x, p, q)
    hard_units = q.intensity_weight[a] * w / q.hard_unit_load
    base_slow, base_fast, intensity, pending_b, pending_i = adapt_day(
        x, p, q, q.base_weight[a] * w * eta, hard_units * eta)
    atl = x.atl * q.atl_decay + w * (1.0 - q.atl_decay)
    ctl = x.ctl * q.ctl_decay + w * (1.0 - q.ctl_decay)
    fatigue = fatigue_next(x.fatigue, a, w, atl, ctl, fatigued, p.optimal_load,
                           p.fatigue_decay, p.fatigue_gain, q)
    sd = q.strain_decay
    strain = x.strain * sd + q.strain_weight[a] * w * (1.0 - sd)
    hard_load = x.hard_load * sd + 7.0 * hard_units * (1.0 - sd)
    m = overreach(x.maladaptation, strain, hard_load, p)
    m += q.stress_maladaptation * q.readiness_weight[a] * max(z, 0.0)
    ill_now = x.ill_days > 0 or x.injured_days > 0
    trained_ill = ill_now and a >= AEROBIC
    if trained_ill:
        m += q.maladaptation_if_trained_ill
    dur = x.durability * q.durability_decay + (minutes / 50.0 if a == STRENGTH else 0.0)
    # Acute next-morning responses: bigger after a longer session and when unrecovered.
    nominal = p.session_loads[a]
    size = math.sqrt(w / nominal) if nominal > 0.0 else 0.0
    drop = p.hrv_acute_sensitivity * size * fatigued
    hrv_fast = x.hrv_fast * q.hrv_fast_decay + q.hrv_drop_fast[a] * drop
    hrv_slow = x.hrv_slow * q.hrv_slow_decay + q.hrv_drop_slow[a] * drop
    acute_rhr = x.acute_rhr * q.acute_decay + q.rhr_acute_rise[a] * size
    rs, rf = q.stress_persistence_slow, q.stress_persistence_fast
    stress_slow = rs * x.stress_slow + math.sqrt(1.0 - rs * rs) * e_slow
    stress_fast = rf * x.stress_fast + math.sqrt(1.0 - rf * rf) * e_fast
    # Illness: maladaptation, accumulated fatigue, life stress and hard work under stress.
    me = effective_m(m, q.maladaptation_saturation)
    ratio = fatigue / p.fatigue_at_optimum
    z_next = math.sqrt(q.slow_stress_share) * stress_slow \
        + math.sqrt(1.0 - q.slow_stress_share) * stress_fast
    ill_hazard = math.exp(p.log_illness_base_rate + q.hazard_per_maladaptation * me
                          + q.hazard_per_fatigue * max(ratio - q.fatigue_hazard_free, 0.0)
                          + q.hazard_per_stress * max(z_next, 0.0)
                          + q.hazard_per_hard_stress * q.readiness_weight[a] * max(z, 0.0))
    # Injury: load spikes against the chronic load, fatigue; strength protects.
    injury_hazard = math.exp(p.log_injury_base_rate
                             + q.injury_per_spike * max(atl / (ctl + 10.0) - q.spike_ratio, 0.0)
                             + q.injury_per_fatigue * max(ratio - 1.0, 0.0)
                             - p.durability_protection * min(dur / q.durability_reference, 1.5))
    healthy = not ill_now
    ill = episode(x.ill_days, healthy, ill_hazard, u_ill, u_length, p.illness_mean_days)
    injured = episode(x.injured_days, healthy and ill == 0, injury_hazard, u_injury, u_length,
                      p.injury_mean_days)
    if trained_ill:  # training through it prolongs it
        if x.ill_days > 0:
            ill += 1
        else:
            injured += 1
    row = AthleteRow(base_slow, base_fast, intensity, pending_b, pending_i, fatigue, strain,
                     hard_load, m, dur, hrv_fast, hrv_slow, acute_rhr, stress_slow,
                     stress_fast, ill, injured, atl, ctl)
    return row, ill_hazard, injury_hazard


@njit(inline="always")
def performance_row(x, p, q, illness: bool = True) -> float:
    """Modelled performance (points; the untrained baseline is p0): base and intensity
    fitness and strength's economy, less fatigue, maladaptation and (with ``illness``)
    being ill or injured."""
    sick = q.performance_cost_when_ill if (
        illness and (x.ill_days > 0 or x.injured_days > 0)) else 0.0
    me = effective_m(x.maladaptation, q.maladaptation_saturation)
    d = x.durability / q.durability_reference
    economy = p.strength_economy * q.baseline_performance * 2.0 * d / (1.0 + d)
    return (q.baseline_performance * (1.0 - p.maladaptation_cost * me - sick)
            + x.base_slow + x.base_fast + x.intensity + economy - x.fatigue)


@njit(inline="always")
def recovered(x):
    """The same row with no illness or injury (projections and tests are "illness aside")."""
    return AthleteRow(x.base_slow, x.base_fast, x.intensity, x.pending_base,
                      x.pending_intensity, x.fatigue, x.strain, x.hard_load, x.maladaptation,
                      x.durability, x.hrv_fast, x.hrv_slow, x.acute_rhr, x.stress_slow,
                      x.stress_fast, 0, 0, x.atl, x.ctl)


@njit(inline="always")
def rest_day(x, p, q):
    """One day of complete rest, in the expected world (no noise, no new episode)."""
    row, _, _ = transition_row(x, 0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.5, p, q)
    return row


@njit(inline="always")
def test_performance_row(x, days: int, p, q) -> float:
    """Performance after ``days`` of complete rest from this state, illness aside (what a
    test after a standard taper shows; ``dynamics.test_performance``)."""
    x = recovered(x)
    for _ in range(days):
        x = rest_day(x, p, q)
    return performance_row(x, p, q, False)


@njit(cache=True)
def test_performance(S, days, P, pop_1):
    """(len(days), N): test performance after each number of rest days in ``days``
    (ascending), one pass of rest days per athlete."""
    q = pop_1[0]
    n = S.shape[0]
    out = np.empty((days.shape[0], n))
    for i in range(n):
        p, x, done = P[i], recovered(load_row(S, i)), 0
        for j in range(days.shape[0]):
            for _ in range(days[j] - done):
                x = rest_day(x, p, q)
            done = days[j]
            out[j, i] = performance_row(x, p, q, False)
    return out


@njit(cache=True)
def transition(S, action, load, minutes, use_load, use_minutes, P, pop_1, keys, counters,
               noisy, out, days_lost):
    """Fill the state record ``out`` with the next morning (see ``dynamics.transition``)
    and ``days_lost`` (N,) with each athlete's ``expected_days_lost`` of the day."""
    q = pop_1[0]
    for i in range(S.shape[0]):
        p, a, c, key = P[i], action[i], counters[i], keys[i]
        if noisy:
            z, _ = normal_pair(key, c)  # the pair's second normal is left unused
            e_slow, e_fast = normal_pair(key, c + np.uint64(PAIR_COUNTERS))
            base = c + np.uint64(2 * PAIR_COUNTERS)
            u_ill, u_injury = uniform(key, base), uniform(key, base + np.uint64(1))
            u_length = min(uniform(key, base + np.uint64(2)), 0.999999)
        else:
            z = e_slow = e_fast = 0.0
            u_ill = u_injury = 1.0
            u_length = 0.5
        mins = minutes[i] if use_minutes else p.session_minutes[a]
        if a == 0:
            mins = 0.0
        w = load[i] if use_load else mins * q.load_per_minute[a] * math.exp(
            q.compliance_noise * z)
        x0 = load_row(S, i)
        x, ill_hazard, injury_hazard = transition_row(x0, a, w, mins, e_slow, e_fast, u_ill,
                                                      u_injury, u_length, p, q)
        days_lost[i] = expected_days_lost(x0, ill_hazard, injury_hazard, p)
        store_row(out, i, x)
        o = out[i]
        o.day, o.last_load, o.last_action = S[i].day + 1, w, a


@njit(cache=True)
def performance(S, P, pop_1):
    """Modelled performance per athlete (see ``dynamics.performance``)."""
    q = pop_1[0]
    out = np.empty(S.shape[0])
    for i in range(S.shape[0]):
        out[i] = performance_row(load_row(S, i), P[i], q)
    return out


@njit(cache=True)
def project(S, action, load, days_perf, days_ctl, P, pop_1):
    """(performance now, performance after ``days_perf`` and CTL after ``days_ctl`` days of
    repeating ``action`` at ``load`` every day), deterministic and illness aside. An empty
    ``load`` means each action's nominal load."""
    q = pop_1[0]
    n = S.shape[0]
    now, perf, ctl_out = np.empty(n), np.empty(n), np.empty(n)
    lam = q.ctl_decay ** days_ctl
    nominal = load.shape[0] == 0
    for i in range(n):
        p, a = P[i], action[i]
        w = p.session_loads[a] if nominal else load[i]
        mins = p.session_minutes[a]
        x = recovered(load_row(S, i))
        now[i] = performance_row(x, p, q, False)
        for _ in range(days_perf):
            x, _, _ = transition_row(x, a, w, mins, 0.0, 0.0, 1.0, 1.0, 0.5, p, q)
        perf[i] = performance_row(x, p, q, False)
        ctl_out[i] = S[i].ctl * lam + w * (1.0 - lam)
    return now, perf, ctl_out
