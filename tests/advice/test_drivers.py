"""Drivers: the largest deviations from the athlete's own normal, in plain words."""

from __future__ import annotations

import numpy as np

from periodization.advice.drivers import NOTHING, Normals, driver_sentences
from periodization.features.daily import FEATURE_NAMES

F = {name: i for i, name in enumerate(FEATURE_NAMES)}


def normals(**changes) -> Normals:
    base = dict(ln_hrv_7d=np.log([63.0]), ln_hrv_sd=np.array([0.08]), rhr=np.array([52.0]),
                rhr_sd=np.array([2.0]), sleep=np.array([7.2]), sleep_sd=np.array([0.6]),
                efficiency=np.array([88.0]), efficiency_sd=np.array([3.0]),
                days_since_rest=np.array([1]), maladaptation=np.array([0.0]),
                ill=np.array([False]))
    return Normals(**{**base, **changes})


def ordinary(**values) -> np.ndarray:
    raw = np.zeros((1, len(FEATURE_NAMES)))
    usual = dict(hrv_rmssd_ms=63.0, resting_hr=52.0, recovery=55.0, sleep_hours=7.2,
                 sleep_efficiency=88.0, atl=50.0, ctl=50.0, tsb=0.0, dow_cos=1.0)
    for name, value in {**usual, **values}.items():
        raw[0, F[name]] = value
    return raw


def test_an_ordinary_morning_has_nothing_to_say():
    assert driver_sentences(ordinary(), normals()) == [[NOTHING]]


def test_low_hrv_and_fatigue_are_phrased_for_a_person():
    raw = ordinary(hrv_rmssd_ms=63.0 * 0.82, tsb=-22.0, resting_hr=58.0)
    sentences = driver_sentences(raw, normals(ln_hrv_sd=np.array([0.06])))[0]
    assert sentences[0] == "HRV 18 % below your 7-day baseline (52 ms vs 63 ms)."
    assert "Resting HR 6 bpm above your 4-week average (58 vs 52 bpm)." in sentences
    assert "TSB -22: carrying fatigue." in sentences
    assert len(sentences) == 3


def test_at_most_three_largest_first_and_counts_only_when_high():
    raw = ordinary(sleep_hours=5.0, recovery=20.0, consecutive_hard_days=0.0,
                   days_since_high_recovery=0.0, hrv_rmssd_ms=66.0)
    sentences = driver_sentences(raw, normals(days_since_rest=np.array([0])))[0]
    assert sentences[0].startswith("Slept 5.0 h, 2.2 h less")
    assert "Recovery 20 (red)." in sentences
    assert not any("days" in s and "rest day" in s for s in sentences)


def test_a_reported_illness_comes_first():
    sentences = driver_sentences(ordinary(tsb=-30.0), normals(ill=np.array([True])))[0]
    assert sentences[0].startswith("You reported being ill")


def test_the_sentences_that_mask_lead_however_large_the_other_deviations():
    raw = ordinary(days_since_high_recovery=40.0, consecutive_hard_days=12.0, tsb=-80.0)
    sentences = driver_sentences(raw, normals(maladaptation=np.array([0.6]),
                                              days_since_rest=np.array([30])))[0]
    assert sentences[0].startswith("Your HRV and resting HR over recent weeks suggest")
    both = driver_sentences(raw, normals(maladaptation=np.array([0.6]),
                                         ill=np.array([True])))[0]
    assert both[0].startswith("You reported being ill") and both[1].startswith("Your HRV")


def test_a_normal_without_recent_days_is_not_called_yours():
    """One morning of data has no 4-week average: the calibration's estimate stands in,
    and the sentence says so instead of "your 4-week average"."""
    raw = ordinary(resting_hr=46.0, sleep_hours=5.0, sleep_efficiency=96.0)
    no = np.array([False])
    sentences = driver_sentences(raw, normals(rhr_own=no, sleep_own=no,
                                              efficiency_own=no))[0]
    assert "Resting HR 6 bpm below what is expected for you (46 vs 52 bpm; too little " \
           "history for your own average)." in sentences
    assert not any("your 4-week average" in s or "your usual" in s for s in sentences)
    yours = driver_sentences(raw, normals(rhr_own=~no, sleep_own=~no,
                                          efficiency_own=~no))[0]
    assert "Resting HR 6 bpm below your 4-week average (46 vs 52 bpm)." in yours
