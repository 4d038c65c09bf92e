"""``docs/athlete-model.md`` shows the packaged prior's values: its tables are generated
from ``sim/prior.yaml`` (``evaluation/prior_table.py``) and must equal what the generator
produces now, so a value changed in one place and not the other fails here (the review
found a resting-HR slope at 1.0 on the page and 1.5 in the prior)."""

from __future__ import annotations

from pathlib import Path

from periodization.evaluation.prior_table import BEGIN, END, replace_section, section
from periodization.sim.params import ATHLETE_KEYS
from periodization.sim.prior import load_prior

DOC = Path(__file__).resolve().parents[2] / "docs" / "athlete-model.md"


def test_the_page_holds_the_prior_tables_of_the_packaged_prior():
    text = DOC.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert replace_section(text) == text, (
        "run: python -m periodization.evaluation.prior_table --write")


def test_every_parameter_is_in_the_tables():
    tables = section()
    for key in ATHLETE_KEYS:
        assert f"`{key}`" in tables
    pop = load_prior().population
    assert f"| `recovery_bias` | {pop.recovery_bias:.3g} |" in tables
