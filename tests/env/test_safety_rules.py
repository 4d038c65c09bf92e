"""The five hard rules at their thresholds: just below, at and just above each one, each
switched off, the exact actions each blocks, and REST never masked.

The rules read only a morning's context (no model numbers), so these hold whatever the
athlete model is.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from periodization.env import kernels as K
from periodization.env.constraints import RULE_NAMES, SafetyConfig, mask_reasons, rules_and_mask
from periodization.sim.actions import Action

R, AR, AE, TE, HI, ST = (int(a) for a in Action)
EPS = 1e-9
BASE_MEAN, BASE_SD = np.log(60.0), 0.1  # a 28-day ln RMSSD baseline
CALM = dict(recovery=80.0, ln_hrv=BASE_MEAN, consecutive_hard=0, days_since_rest=0, ill=0)
# What each rule leaves allowed when it fires (constraints module docstring, SPEC §6).
ALLOWED = {
    "low_recovery": {R},
    "hrv_crash": {R, AR, AE, ST},
    "consecutive_hard": {R, AR, AE},
    "no_recent_rest": {R, AR},
    "ill": {R, AR},
}


DEFAULT = SafetyConfig()


def morning(config: SafetyConfig = DEFAULT, **changes) -> tuple[np.ndarray, np.ndarray]:
    """(fired (5,), mask (6,)) of one athlete whose morning is CALM but for ``changes``."""
    m = {**CALM, **changes}
    fired, mask = rules_and_mask(
        recovery=np.array([m["recovery"]]), ln_hrv=np.array([m["ln_hrv"]]),
        hrv_baseline_mean=np.array([BASE_MEAN]), hrv_baseline_sd=np.array([BASE_SD]),
        consecutive_hard=np.array([m["consecutive_hard"]]),
        days_since_rest=np.array([m["days_since_rest"]]), ill=np.array([m["ill"]]),
        config=config)
    return fired[0], mask[0]


def fires(rule: str, **changes) -> bool:
    fired, _ = morning(**changes)
    assert set(np.array(RULE_NAMES)[fired]) <= {rule}, "another rule fired too"
    return bool(fired[RULE_NAMES.index(rule)])


def test_a_calm_morning_masks_nothing():
    fired, mask = morning()
    assert not fired.any() and mask.all()


@pytest.mark.parametrize("recovery, fired", [(30.0 - 1e-6, True), (30.0, False),
                                             (30.0 + 1e-6, False), (0.0, True)])
def test_low_recovery_below_30(recovery, fired):
    assert fires("low_recovery", recovery=recovery) is fired


@pytest.mark.parametrize("offset, fired", [(-1e-6, True), (0.0, False), (1e-6, False)])
def test_hrv_crash_below_baseline_minus_two_sd(offset, fired):
    line = BASE_MEAN - 2.0 * BASE_SD
    assert fires("hrv_crash", ln_hrv=line + offset) is fired


@pytest.mark.parametrize("hard, fired", [(2, False), (3, False), (4, True), (10, True)])
def test_consecutive_hard_more_than_3(hard, fired):
    assert fires("consecutive_hard", consecutive_hard=hard) is fired


@pytest.mark.parametrize("days, fired", [(5, False), (6, True), (7, True)])
def test_no_recent_rest_from_6_days(days, fired):
    assert fires("no_recent_rest", days_since_rest=days) is fired


@pytest.mark.parametrize("ill_days, fired", [(0, False), (1, True), (5, True)])
def test_ill_or_injured(ill_days, fired):
    assert fires("ill", ill=ill_days) is fired


TRIGGER = {"low_recovery": dict(recovery=10.0), "hrv_crash": dict(ln_hrv=BASE_MEAN - 1.0),
           "consecutive_hard": dict(consecutive_hard=5), "no_recent_rest": dict(days_since_rest=9),
           "ill": dict(ill=3)}


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_each_rule_blocks_exactly_its_actions(rule):
    fired, mask = morning(**TRIGGER[rule])
    assert list(np.array(RULE_NAMES)[fired]) == [rule]
    assert set(np.flatnonzero(mask)) == ALLOWED[rule]
    reasons = mask_reasons(fired, SafetyConfig())
    assert {Action[name].value for name in reasons} == set(range(6)) - ALLOWED[rule]
    assert all(r == [rule] for r in reasons.values())


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_each_rule_switched_off_never_fires(rule):
    off = SafetyConfig(**{rule: False})
    fired, mask = morning(off, **TRIGGER[rule])
    assert not fired.any() and mask.all()
    fired_all, _ = morning(SafetyConfig.all_off(), **{k: v for t in TRIGGER.values()
                                                     for k, v in t.items()})
    assert not fired_all.any()


@pytest.mark.parametrize("threshold", [
    dict(low_recovery_threshold=50.0, recovery=49.0),
    dict(hrv_crash_sd=1.0, ln_hrv=BASE_MEAN - 1.5 * BASE_SD),
    dict(max_consecutive_hard=1, consecutive_hard=2),
    dict(max_days_without_rest=3, days_since_rest=3),
])
def test_thresholds_come_from_the_config(threshold):
    keys = {k: v for k, v in threshold.items() if k not in CALM}
    reading = {k: v for k, v in threshold.items() if k in CALM}
    assert morning(SafetyConfig(), **reading)[0].sum() == 0  # the default would not fire
    assert morning(SafetyConfig(**keys), **reading)[0].sum() == 1


def test_rest_is_never_masked_whatever_fires():
    for on in itertools.product([False, True], repeat=len(RULE_NAMES)):
        changes = {k: v for rule, hit in zip(RULE_NAMES, on, strict=True) if hit
                   for k, v in TRIGGER[rule].items()}
        fired, mask = morning(**changes)
        assert fired.sum() == sum(on)
        assert mask[R]
        expected = set.intersection(set(range(6)), *(ALLOWED[r] for r, hit
                                                       in zip(RULE_NAMES, on, strict=True)
                                                       if hit))
        assert set(np.flatnonzero(mask)) == expected


def test_rules_are_per_athlete_in_a_batch():
    n = 5
    fired, mask = rules_and_mask(
        recovery=np.array([80.0, 10.0, 80.0, 80.0, 80.0]), ln_hrv=np.full(n, BASE_MEAN),
        hrv_baseline_mean=np.full(n, BASE_MEAN), hrv_baseline_sd=np.full(n, BASE_SD),
        consecutive_hard=np.array([0, 0, 4, 0, 0]), days_since_rest=np.array([0, 0, 0, 6, 0]),
        ill=np.array([0, 0, 0, 0, 2]), config=SafetyConfig())
    assert [list(np.array(RULE_NAMES)[f]) for f in fired] == [
        [], ["low_recovery"], ["consecutive_hard"], ["no_recent_rest"], ["ill"]]
    assert mask[0].all() and mask[:, R].all()
    assert set(np.flatnonzero(mask[2])) == ALLOWED["consecutive_hard"]


def test_safety_config_is_keyword_only_and_frozen():
    with pytest.raises((TypeError, ValueError)):  # pydantic: a ValidationError
        SafetyConfig(False)  # a positional switch would silently turn the wrong rule off
    config = SafetyConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.ill = False  # the packed record the kernels read would go stale


# --- the soft penalty (reward, not mask): recovery < 40, hard days > 3, a crash tomorrow ---

def penalty(a, recovery=80.0, hard_before=0, crash=False, config=DEFAULT):
    return K.soft_penalty(a, recovery, hard_before, crash, config.packed[0])


@pytest.mark.parametrize("recovery, expected", [(40.0 - 1e-6, 1.0), (40.0, 0.0),
                                                (40.0 + 1e-6, 0.0)])
def test_soft_penalty_for_training_below_recovery_40(recovery, expected):
    assert penalty(AE, recovery=recovery) == expected
    assert penalty(R, recovery=recovery) == 0.0  # resting is never penalised


@pytest.mark.parametrize("hard_before, expected", [(1, 0.0), (2, 0.0), (3, 0.5), (5, 1.5)])
def test_soft_penalty_per_hard_day_beyond_3(hard_before, expected):
    """n hard days including today cost 0.5·(n − 3); an easy day resets the count."""
    assert penalty(HI, hard_before=hard_before) == expected
    assert penalty(AE, hard_before=hard_before) == 0.0


def test_soft_penalty_for_a_crash_next_morning_adds_up():
    assert penalty(AE, crash=True) == 1.0
    assert penalty(HI, recovery=10.0, hard_before=4, crash=True) == 1.0 + 1.0 + 1.0
    lenient = SafetyConfig(penalty_recovery_threshold=20.0, max_consecutive_hard=5)
    assert penalty(HI, recovery=30.0, hard_before=4, config=lenient) == 0.0
