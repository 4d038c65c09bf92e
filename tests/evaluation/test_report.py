"""The report: a self-contained page that reads top-down, and summary.json behind it."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape

from periodization.core.errors import UserError
from periodization.report.build import compare_and_report, write_report

SECTIONS = ["headline", "verdict", "differences", "statistics", "plots", "ablations", "method"]


@pytest.fixture(scope="module")
def with_runs(comparison, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    summary = write_report(comparison, out, command="periodize compare --test")
    return out, summary


def test_files_and_summary_keys(with_runs):
    out, _ = with_runs
    assert {p.name for p in out.iterdir()} == {"index.html", "summary.json", "episodes.csv",
                                               "figures"}
    on_disk = json.loads((out / "summary.json").read_text())
    assert set(on_disk) >= {"alpha", "best_heuristic", "policies", "agents", "ablations",
                            "headline", "sentences", "method", "figures"}
    assert on_disk["headline"][0] == "sac" and on_disk["best_heuristic"] in ("rule", "whoop",
                                                                             "hrv", "fixed")
    sac = on_disk["agents"]["sac"]
    assert sac["seeds"] == ["sac/s0", "sac/s1"]
    assert set(sac["vs"]) == {"random", "rest", "rule", "whoop", "hrv", "fixed", "oracle"}
    assert {"p_value", "mean_diff", "verdict"} <= set(sac["vs"]["whoop"])
    assert {"share_of_oracle", "gap_closed", "beats_every_heuristic"} <= set(sac)
    metrics = on_disk["policies"]["sac"]["metrics"]
    assert {"outcome_pct", "return", "reward_gain", "days_overreached", "days_ill",
            "violations"} <= set(metrics)
    assert len(metrics["outcome_pct"]["ci95"]) == 2
    assert on_disk["ablations"]["rows"]["ablation-no-bonus"]["delta"]["outcome_pct"]["p_value"]
    assert on_disk["method"]["versions"]["periodization"]
    assert on_disk["method"]["command"] == "periodize compare --test"


def test_html_reads_top_down_and_is_self_contained(with_runs):
    out, summary = with_runs
    html = (out / "index.html").read_text()
    positions = [html.index(f"id='{s}'") for s in SECTIONS]
    assert positions == sorted(positions)
    headline = html[html.index("id='headline'"):html.index("id='verdict'")]
    for name in ("sac", "sac/s0", "oracle", "whoop", "rest"):
        assert f">{name}<" in headline or f">{name} (best heuristic)<" in headline \
            or f"\u2003{name}<" in headline
    assert [f["key"] for f in summary["figures"]] == [
        "learning_curves", "pmc", "policy_map", "actions", "outcome_vs_overreached"]
    assert all((out / f["file"]).read_bytes().startswith(b"\x89PNG") for f in summary["figures"])
    assert "sac/s0" in summary["figures"][1]["caption"]  # the agent's median episode
    assert html.count('src="data:image/png;base64,') == len(summary["figures"])
    assert not re.search(r"(src|href)=[\"'](?!data:)", html)  # nothing loaded from elsewhere
    assert "http" not in html.replace("http-equiv", "") and "<script" not in html
    for sentence in summary["sentences"]["sac"]:
        assert escape(sentence) in html
    assert "ablation-no-bonus" in html[html.index("id='ablations'"):]


def test_report_with_baselines_only(prepared_small, tmp_path):
    summary, index = compare_and_report(out=tmp_path / "r", baselines=["rest", "whoop", "hrv"],
                                        episodes=4, seed=0, cohort=prepared_small)
    html = index.read_text()
    assert summary["agents"] == {} and summary["best_heuristic"] in ("whoop", "hrv")
    assert "No learned agent was given" in html and "No ablation runs were given" in html
    assert [f["key"] for f in summary["figures"]] == ["pmc", "policy_map", "actions",
                                                      "outcome_vs_overreached"]


def test_nothing_is_overwritten_without_force(prepared_small, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    kwargs = {"baselines": ["rest"], "episodes": 2, "seed": 0, "cohort": prepared_small}
    with pytest.raises(UserError, match=r"already holds 'notes\.txt'; use --force"):
        compare_and_report(out=out, **kwargs)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    compare_and_report(out=out, force=True, **kwargs)
    assert (out / "notes.txt").read_text() == "mine" and (out / "index.html").is_file()
