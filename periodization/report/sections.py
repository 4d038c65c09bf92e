"""What the report's sections show, built from ``summary.json``'s content (so the page never
shows a number the JSON does not hold); ``templates/report.html.j2`` lays them out.

Cells are plain text (escaped by the template) or ``Markup`` from ``report/html.py``
(numbers with their confidence intervals, escaped as they are formatted).
"""

from __future__ import annotations

from typing import Any

from periodization.env.reward import COMPONENTS
from periodization.evaluation.analysis import HEURISTICS, ORACLE
from periodization.report.figures import Figure
from periodization.report.html import mean_ci, num, render, with_note
from periodization.report.verdicts import difference_sentence, fmt_p
from periodization.sim.actions import ACTION_NAMES

ROW_CLASS = {"agent": "agent", "oracle": "oracle", "agent seed": "seed"}
PAGE_TITLE = "periodization: policy comparison"


def page(summary: dict, figures: list[Figure]) -> str:
    """The whole ``index.html``."""
    policies, best = summary["policies"], summary["best_heuristic"]
    return render(
        "report.html.j2", page_title=PAGE_TITLE, summary=summary, figures=figures,
        headline=headline(summary), best=best, heuristics=HEURISTICS,
        best_outcome=policies[best]["metrics"]["outcome_pct"]["mean"] if best else None,
        oracle_outcome=(policies[ORACLE]["metrics"]["outcome_pct"]["mean"]
                        if best and ORACLE in policies else None),
        differences=differences(summary), statistics=statistics(summary),
        components=COMPONENTS, ablations=ablations(summary))


def _policy_row(s: dict, label: str) -> list[Any]:
    m = s["metrics"]
    return [label, s["kind"], mean_ci(m["outcome_pct"]),
            mean_ci(m["days_overreached"], "{:.1f}"), mean_ci(m["days_ill"], "{:.1f}"),
            with_note(num(m["violations"]["mean"], "{:.2f}"),
                      f"({num(s['violations_total'], '{:g}')} in all)"),
            mean_ci(m["return"], "{:.0f}"), num(100 * s["hard_share"], "{:.1f}"),
            fmt_p(s["vs_best"]["p_value"]) if s.get("vs_best") else "best"]


def headline(summary: dict) -> dict[str, list]:
    """Every policy, learned agents first with their training seeds underneath."""
    policies, rows, classes = summary["policies"], [], []
    best = summary["best_heuristic"]
    for name in summary["headline"]:
        s = policies[name]
        rows.append(_policy_row(s, f"{name} (best heuristic)" if name == best else name))
        classes.append(ROW_CLASS.get(s["kind"], ""))
        for seed in summary["agents"].get(name, {}).get("seeds", []):
            rows.append(_policy_row(policies[seed], f"\u2003{seed}"))
            classes.append("seed")
    return {"rows": rows, "classes": classes}


def differences(summary: dict) -> dict | None:
    """Action shares of each agent next to the best heuristic and the oracle."""
    policies, best = summary["policies"], summary["best_heuristic"]
    others = [p for p in (best, ORACLE) if p and p in policies]
    cols = [*summary["agents"], *others]
    if not cols:
        return None
    sentences = []
    for agent in summary["agents"]:
        mine = policies[agent]["action_share"]
        text = " ".join(difference_sentence(agent, mine, other_name=o,
                                            other=policies[o]["action_share"])
                        for o in others)
        if text:
            sentences.append(text)
    rows = [[a.replace("_", " ").lower()]
            + [num(100 * policies[c]["action_share"][a], "{:.1f}") for c in cols]
            for a in ACTION_NAMES]
    return {"sentences": sentences, "columns": cols, "rows": rows}


def statistics(summary: dict) -> dict:
    """Paired tests of each agent (and each of its seeds), and reward components."""
    agents = []
    for name, agent in summary["agents"].items():
        rows = [[b, num(t["mean_diff"], "{:+.2f}"), num(t["median_diff"], "{:+.2f}"),
                 num(100 * t["share_better"], "{:.0f}"), fmt_p(t["p_value"]), t["verdict"]]
                for b, t in agent["vs"].items()]
        baselines, seed_rows = list(agent["vs"]), []
        if len(agent["per_seed_vs"]) > 1:
            seed_rows = [[seed] + [fmt_p(tests[b]["p_value"]) + (
                " ▲" if tests[b]["verdict"] == "better" else
                " ▼" if tests[b]["verdict"] == "worse" else "") for b in baselines]
                for seed, tests in agent["per_seed_vs"].items()]
        agents.append({"name": name, "rows": rows, "baselines": baselines,
                       "seed_rows": seed_rows})
    component_rows = [[n] + [num(summary["policies"][n]["metrics"][f"reward_{c}"]["mean"],
                                 "{:.1f}") for c in COMPONENTS] for n in summary["headline"]]
    return {"agents": agents, "component_rows": component_rows}


def ablations(summary: dict) -> dict:
    """What each ablation changes versus the default agent (paired by athlete)."""
    ab = summary["ablations"]
    rows = []
    for name, row in ab["rows"].items():
        s = summary["policies"][name]["metrics"]
        d = row["delta"]
        cells: list[Any] = [name, str(len(row["seeds"])), mean_ci(s["outcome_pct"])]
        if d is None:
            cells += ["–"] * 6
        else:
            cells += [mean_ci(d["outcome_pct"]), fmt_p(d["outcome_pct"]["p_value"]),
                      mean_ci(d["return"], "{:+.0f}"), mean_ci(d["days_overreached"], "{:+.1f}"),
                      mean_ci(d["days_ill"], "{:+.1f}"), mean_ci(d["violations"], "{:+.2f}")]
        rows.append(cells)
    return {"rows": rows, "reference": ab["reference"]}
