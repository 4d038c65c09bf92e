"""The coefficients ``docs/athlete-model.md`` shows are the packaged prior's.

The observables table, the hazard formula and the acute effects are read from the page
and compared with ``sim/prior.yaml``; a coefficient changed in one place and not the other
fails here (the review found resting HR's fatigue slope at 1.0 in the docs, 1.5 in the
prior).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from periodization.sim.prior import load_prior

DOC = Path(__file__).resolve().parents[2] / "docs" / "athlete-model.md"
POP = load_prior().population
TERM = re.compile(r"([+−-])\s*([0-9]*\.?[0-9]+)·(M|ill|ρ|z_hrv|z_rhr|z_sleep)\b")

# table row (its first cell starts with this) → {symbol: population constant}
ROWS = {
    "HRV, RMSSD": {"M": "hrv_per_maladaptation", "ill": "hrv_when_ill"},
    "resting HR": {"ρ": "rhr_per_fatigue", "M": "rhr_per_maladaptation", "ill": "rhr_when_ill"},
    "sleep duration": {"M": "sleep_hours_per_maladaptation", "ill": "sleep_hours_when_ill"},
    "sleep efficiency": {"M": "sleep_eff_per_maladaptation", "ill": "sleep_eff_when_ill"},
    "recovery": {"z_hrv": "recovery_weight_hrv", "z_rhr": "recovery_weight_rhr",
                 "z_sleep": "recovery_weight_sleep"},
}


def table_row(start: str) -> str:
    rows = [ln for ln in DOC.read_text().splitlines() if ln.startswith(f"| {start}")]
    assert len(rows) == 1, f"no single table row for {start!r}"
    return rows[0].split("|")[2]


def terms(text: str) -> dict[str, float]:
    """Signed coefficients of the ``c·symbol`` terms of a formula."""
    return {sym: (-1.0 if sign in "−-" else 1.0) * float(value)
            for sign, value, sym in TERM.findall(text)}


@pytest.mark.parametrize("row", ROWS)
def test_observables_table_matches_the_prior(row):
    found = terms(table_row(row))
    for symbol, key in ROWS[row].items():
        want = getattr(POP, key)
        if row == "recovery" and symbol == "z_rhr":
            want = -want  # the score subtracts the RHR term
        assert found.get(symbol) == pytest.approx(want), (row, symbol, key)


def test_recovery_and_strain_constants_match_the_prior():
    recovery = table_row("recovery")
    assert f"sigmoid({POP.recovery_bias:g} " in recovery
    strain = table_row("strain")
    assert f"{POP.strain_scale:g}·ln(1 + (load + life load)/{POP.strain_offset:g})" in strain


def test_hazard_formula_matches_the_prior():
    text = " ".join(DOC.read_text().split())
    hazard = re.search(r"λ = λ0·exp\((.*?)\)`", text).group(1)
    assert f"{POP.hazard_per_maladaptation:g}·M" in hazard
    assert f"{POP.hazard_per_spike:g}·max(0, ATL/(CTL+10) − {POP.spike_ratio:g})" in hazard
    assert f"{POP.hazard_per_fatigue:g}·max(0, ρ − 1)" in hazard


def test_acute_effects_and_pmc_match_the_prior():
    text = " ".join(DOC.read_text().split())
    drop = POP.hrv_acute_drop
    assert f"by {drop[2]:g} (aerobic) to {drop[4]:.2f} (HIIT)" in text
    assert f"raises RHR by up to {max(POP.rhr_acute_rise):g} bpm" in text
    assert f"τ = {POP.tau_acute_days:g} day" in text
    assert f"τ = {POP.atl_days:g} and {POP.ctl_days:g} days" in text
