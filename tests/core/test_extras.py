"""A command that needs an extra that is not installed says which one, in one line."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from periodization.cli import app


@pytest.fixture
def runner():
    return CliRunner()


def _hide(monkeypatch, *modules):
    for m in modules:  # ``import m`` now raises ImportError, as when it is not installed
        monkeypatch.setitem(sys.modules, m, None)


def test_train_without_torch_names_the_train_extra(runner, monkeypatch, tmp_path):
    _hide(monkeypatch, "torch")
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "run"), "--episodes", "10"])
    assert result.exit_code == 2
    assert "error: training needs torch: pip install 'periodization[train]'" in result.output
    assert not (tmp_path / "run").exists() or not any((tmp_path / "run").iterdir())


def test_compare_without_matplotlib_names_the_report_extra(runner, monkeypatch, tmp_path):
    _hide(monkeypatch, "matplotlib")
    result = runner.invoke(app, ["compare", "--out", str(tmp_path / "r"), "--baselines",
                                 "rest", "--episodes", "10"])
    assert result.exit_code == 2
    assert "pip install 'periodization[report]'" in result.output


def test_the_cloning_baseline_without_torch_names_the_train_extra(runner, monkeypatch,
                                                                  env_cohort):
    from periodization.core.errors import UserError
    from periodization.policies.registry import make_policy

    _hide(monkeypatch, "torch")
    with pytest.raises(UserError, match=r"periodization\[train\]"):
        make_policy("cloning", prepared=env_cohort)
