"""Findings of the third hostile-input audit, each reproduced and now refused cleanly:
an actor whose finite weights overflow, a run's actor for another action count, YAML
nested past Python's recursion or holding a 5000-digit integer, escape sequences in ids
and file names, an unclosed quote in a CSV, and a ``module:attr`` policy that is no
``fn(obs, mask)``."""

from __future__ import annotations

import numpy as np
import pytest

from periodization.agents.numpy_policy import NumpyActor
from periodization.core.errors import UserError
from tests.hostile.helpers import assert_refused, invoke
from tests.stand_in import export_rows, write_export


def _scaled_weights(run, factor: float, drop_action: bool = False) -> None:
    with np.load(run / "actor.npz") as data:
        weights = {k: data[k] for k in data.files}
    last = max(int(k.split("_")[1]) for k in weights)
    if drop_action:
        weights[f"weight_{last}"] = weights[f"weight_{last}"][:-1]
        weights[f"bias_{last}"] = weights[f"bias_{last}"][:-1]
    weights["weight_1"] = weights["weight_1"].astype(np.float64) * factor  # float64 allowed
    np.savez(run / "actor.npz", **weights)


def test_weights_that_overflow_are_refused_not_served_as_rest(run_copy, cohort_dir):
    """Finite weights × 1e200: logits inf, NaN or far below the masked logit, whose argmax
    was a silent REST or a masked action."""
    _scaled_weights(run_copy, 1e200)
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, "actor.npz", "logits overflow")


def test_a_morning_that_overflows_an_actor_is_refused(run_copy):
    """Weights that pass the load-time probe can still overflow on an extreme input: the
    forward pass refuses it rather than return action 0."""
    with np.load(run_copy / "actor.npz") as data:
        actor = NumpyActor.from_weights({k: data[k] for k in data.files})
    actor.check_logits()
    mask = np.ones((1, actor.n_actions), dtype=bool)
    assert actor.act(np.zeros((1, actor.obs_dim)), mask, deterministic=True).shape == (1,)
    for extreme in (1e306, 1e9):  # overflows; finite but far below the masked logit
        with pytest.raises(UserError, match="not finite or beyond"):
            actor.act(np.full((1, actor.obs_dim), extreme), mask, deterministic=True)


def test_a_run_whose_actor_has_another_action_count_is_one_line(run_copy, cohort_dir):
    _scaled_weights(run_copy, 1.0, drop_action=True)
    r = invoke("evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir)
    assert_refused(r, "to 5 actions", "the run directory is inconsistent")


@pytest.mark.parametrize("text, fragment", [
    ("[" * 5000, "nested deeper than 50 levels"),
    ("sac:\n  " + "a: {" * 60 + "}" * 60 + "\n", "nested deeper than 50 levels"),
    ("seed: " + "9" * 5000 + "\n", "an integer of more than 100 digits"),
    ("sac:\n  hidden: [-" + "1" * 4400 + "]\n", "an integer of more than 100 digits"),
])
def test_yaml_past_recursion_or_integer_limits_is_one_line(tmp_path, text, fragment):
    (tmp_path / "c.yaml").write_text(text)
    r = invoke("train", "--config", tmp_path / "c.yaml", "--out", tmp_path / "run")
    assert_refused(r, fragment)
    assert not (tmp_path / "run").exists()


def test_escape_sequences_in_ids_and_file_names_never_reach_the_terminal(tmp_path,
                                                                         model_dir):
    rows = export_rows(athletes=2, days=40, seed=3)
    rows["athlete_id"] = rows["athlete_id"].map({"A0000": "\x1b[31mred\x1b]0;pwn\x07",
                                                 "A0001": "plain"})
    team_csv = write_export(tmp_path / "team.csv", rows, with_id=True)
    folder = tmp_path / "team"
    folder.mkdir()
    for i, (_, part) in enumerate(rows.groupby("athlete_id")):
        name = "\x1b]0;PWNED\x07bob.csv" if i == 0 else "ann.csv"
        write_export(folder / name, part)
    for data in (team_csv, folder):
        r = invoke("recommend", "--data", data, "--model", model_dir)
        assert r.exit_code == 0, r.stderr
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout
        assert "\x1b" not in r.stderr and "\x07" not in r.stderr


def test_a_quote_never_closed_is_refused_not_a_swallowed_file(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=60, seed=5)
    path = write_export(tmp_path / "export.csv", rows)
    lines = path.read_text().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0] + ',"REST'  # line 7 opens a quote
    path.write_text("\n".join(lines) + "\n")
    r = invoke("recommend", "--data", path, "--model", model_dir)
    assert_refused(r, "a quote opened on line 7 is never closed")


@pytest.mark.parametrize("spec", ["json:loads", "os:getcwd"])
def test_a_python_policy_of_the_wrong_signature_is_one_line(spec):
    r = invoke("evaluate", "--policy", spec, "--athletes", "2")
    assert_refused(r, "cannot be called as fn(obs, mask)")


@pytest.mark.parametrize("column, scale, fragment", [
    ("recovery", 0.01, "a fraction, not a 0–100 score"),
    ("sleep_hours", 1 / 3600, "too small for hours"),
    ("sleep_hours", 1 / 24, "too small for hours"),
])
def test_a_plausible_value_in_the_wrong_unit_is_refused(tmp_path, model_dir, column, scale,
                                                        fragment):
    """Each value lies in its plausible range, the series does not: recovery as a 0–1
    fraction (every morning red), or nights in hours divided again (as if seconds, or a
    spreadsheet's fraction of a day)."""
    rows = export_rows(athletes=1, days=40, seed=6)
    rows[column] = rows[column] * scale
    r = invoke("recommend", "--data", write_export(tmp_path / "e.csv", rows),
               "--model", model_dir)
    assert_refused(r, fragment)


def test_unmeasured_nights_written_as_zero_are_not_a_unit_error(tmp_path, model_dir):
    rows = export_rows(athletes=1, days=40, seed=6)
    rows.loc[rows.index[::2], "sleep_hours"] = 0.0
    r = invoke("recommend", "--data", write_export(tmp_path / "e.csv", rows),
               "--model", model_dir, "--json")
    assert r.exit_code == 0, r.stderr


@pytest.mark.parametrize("column, value, fragment", [
    ("tau_base_days", -5.0, "tau_base_days = -5 is out of range (must be positive"),
    ("tau_fatigue_days", 0.0, "tau_fatigue_days = 0 is out of range"),
    ("fast_share", 1.5, "fast_share = 1.5 is out of range (must be in (0, 1]"),
    ("optimal_load", 1e300, "optimal_load = 1e+300 is out of range"),
])
def test_cohort_parameters_no_prior_could_give_are_one_line(tmp_path, cohort_dir, column,
                                                           value, fragment):
    """Finite but impossible true parameters ran and reported outcomes of a billion %."""
    import shutil

    import pandas as pd

    hostile = tmp_path / "cohort"
    shutil.copytree(cohort_dir, hostile)
    table = pd.read_parquet(hostile / "true_params.parquet")
    table.loc[table.index[0], column] = value
    table.to_parquet(hostile / "true_params.parquet")
    r = invoke("evaluate", "--policy", "rest", "--episodes", "1", "--cohort", hostile)
    assert_refused(r, "true_params.parquet", fragment)


def _cap_address_space(nbytes: int):
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_AS, (nbytes, nbytes))


@pytest.mark.parametrize("args, what", [
    (("simulate", "--plan", "REST,AE", "--athletes", "100000", "--days", "2"),
     "simulating 100000 athletes needs about"),
    (("evaluate", "--policy", "rest", "--athletes", "100000"),
     "evaluating 100000 episodes needs about"),
])
def test_sizes_in_range_that_cannot_fit_are_refused_before_they_are_allocated(args, what):
    """100 000 athletes are allowed, and need 3.6 GB (simulate) or 6.4 GB (evaluate):
    under a 2 GB address space they are refused up front, not killed half-way."""
    from tests.hostile.helpers import cli

    r = cli(*args, preexec_fn=_cap_address_space(2 << 30))
    assert_refused(r, what)


@pytest.mark.parametrize("row", ['2024-01-01,"easy" ,60', '2024-01-01,"felt "ok" today",60'])
def test_quoting_only_a_strict_reader_refuses_is_still_read(row):
    """Only the unclosed quote is refused; a space after a closing quote or an unescaped
    quote inside a quoted note was always read, and still is."""
    from periodization.ingest.csvtable import parse_csv_text

    table = parse_csv_text(f"date,notes,load\n{row}\n", "f.csv")
    assert table.frame["load"].tolist() == ["60"]


def test_the_quote_is_placed_on_its_line_after_blank_lines():
    from periodization.core.errors import DataError
    from periodization.ingest.csvtable import parse_csv_text

    with pytest.raises(DataError, match="a quote opened on line 3 is never closed"):
        parse_csv_text('\n\ndate,"notes\n1,2\n', "f.csv")


def test_text_that_only_looks_invisible_is_kept():
    """No-break spaces and joiners are text (names, emoji, Persian); controls, line
    separators and bidi overrides are not."""
    from periodization.core.console import esc
    from periodization.serve.calendar import _escape

    name = "Jean\u00a0Pierre \U0001f468\u200d\U0001f469 \u0645\u06cc\u200c\u062e"
    assert esc(name) == name and _escape(name) == name
    assert esc("a\x1b[31m\u202eb\u2028c") == "a?[31m?b?c"
    assert _escape("a\x1b\u202eb\u2028c") == "abc"
