"""The report's sections, top to bottom, each an HTML fragment built from ``summary.json``'s
content (so the page never shows a number the JSON does not hold)."""

from __future__ import annotations

from periodization.env.reward import COMPONENTS
from periodization.evaluation.analysis import HEURISTICS, ORACLE
from periodization.report.figures import Figure
from periodization.report.html import esc, figure, mean_ci, num, table
from periodization.report.verdicts import difference_sentence, fmt_p
from periodization.sim.actions import ACTION_NAMES

ROW_CLASS = {"agent": "agent", "oracle": "oracle", "agent seed": "seed"}


def title(summary: dict) -> str:
    m = summary["method"]
    return (f"<h1>Which coach helps the athlete most?</h1><p class='lede'>Every policy on the "
            f"same {m['episodes']} episodes of 90 days ({esc(m['split'])} athletes, seed "
            f"{m['seed']}). Outcome = the athlete's modelled performance change over the "
            f"block, in %; brackets are 95 % bootstrap confidence intervals.</p>")


def _policy_row(name: str, s: dict, label: str | None = None) -> list[str]:
    m = s["metrics"]
    return [esc(label or name), esc(s["kind"]), mean_ci(m["outcome_pct"]),
            mean_ci(m["days_overreached"], "{:.1f}"), mean_ci(m["days_ill"], "{:.1f}"),
            f"{num(m['violations']['mean'], '{:.2f}')} "
            f"<span class='ci'>({num(s['violations_total'], '{:g}')} in all)</span>",
            mean_ci(m["return"], "{:.0f}")]


def headline(summary: dict) -> str:
    """Every policy, learned agents first with their training seeds underneath."""
    policies, rows, classes = summary["policies"], [], []
    best = summary["best_heuristic"]
    for name in summary["headline"]:
        s = policies[name]
        label = f"{name} (best heuristic)" if name == best else name
        rows.append(_policy_row(name, s, label))
        classes.append(ROW_CLASS.get(s["kind"], ""))
        for seed in summary["agents"].get(name, {}).get("seeds", []):
            rows.append(_policy_row(seed, policies[seed], f"\u2003{seed}"))
            classes.append("seed")
    header = ["policy", "kind", "outcome % [95 % CI]", "days overreached", "days ill",
              "violations per episode", "return (evaluation reward)"]
    return (f"<h2 id='headline'>Headline</h2>"
            f"{table(header, rows, row_classes=classes, text_columns=(0, 1))}")


def verdicts(summary: dict) -> str:
    """The plain-words sentences about each learned agent."""
    parts = ["<h2 id='verdict'>What the numbers say</h2>"]
    if not summary["agents"]:
        parts.append("<p>No learned agent was given: the table compares the baselines only."
                     "</p>")
    for name, sentences in summary["sentences"].items():
        cls = "verdict" if summary["agents"][name]["beats_every_heuristic"] else "verdict mixed"
        parts.append(f"<div class='{cls}'>" + "".join(f"<p>{esc(s)}</p>" for s in sentences)
                     + "</div>")
    best = summary["best_heuristic"]
    if best:
        b = summary["policies"][best]["metrics"]["outcome_pct"]["mean"]
        parts.append(f"<p>Best heuristic (highest mean outcome of {', '.join(HEURISTICS)}): "
                     f"<b>{esc(best)}</b>, {b:+.2f} %.")
        if ORACLE in summary["policies"]:
            o = summary["policies"][ORACLE]["metrics"]["outcome_pct"]["mean"]
            parts.append(f" The oracle, which knows the athlete's true parameters and state, "
                         f"reaches {o:+.2f} %.")
        parts.append("</p>")
    return "".join(parts)


def differences(summary: dict, figures: list[Figure]) -> str:
    """Action shares of each agent next to the best heuristic and the oracle, and the map."""
    policies, best = summary["policies"], summary["best_heuristic"]
    others = [p for p in (best, ORACLE) if p and p in policies]
    cols = [*summary["agents"], *others]
    if not cols:
        return ""
    parts = ["<h2 id='differences'>What the agent does differently</h2>"]
    for agent in summary["agents"]:
        mine = policies[agent]["action_share"]
        text = " ".join(difference_sentence(agent, mine, other_name=o,
                                            other=policies[o]["action_share"])
                        for o in others)
        if text:
            parts.append(f"<p>{esc(text)}</p>")
    rows = [[esc(a.replace("_", " ").lower())]
            + [num(100 * policies[c]["action_share"][a], "{:.1f}") for c in cols]
            for a in ACTION_NAMES]
    parts.append(table(["session (% of days)", *cols], rows))
    parts += [figure(f.path, title=f.title, caption=f.caption, anchor=f.key)
              for f in figures if f.key == "policy_map"]
    return "".join(parts)


def statistics(summary: dict) -> str:
    """Paired tests of each agent (and each of its seeds), and reward components."""
    parts = ["<h2 id='statistics'>Paired tests and reward components</h2>"]
    alpha = summary["alpha"]
    for name, agent in summary["agents"].items():
        rows = [[esc(b), num(t["mean_diff"], "{:+.2f}"), num(t["median_diff"], "{:+.2f}"),
                 num(100 * t["share_better"], "{:.0f}"), esc(fmt_p(t["p_value"])),
                 esc(t["verdict"])] for b, t in agent["vs"].items()]
        parts.append(f"<h3>{esc(name)} against each baseline (outcome, paired by episode; "
                     f"significant at p &lt; {alpha:g})</h3>")
        parts.append(table(["baseline", "mean difference (points)", "median difference",
                            "episodes better (%)", "Wilcoxon", "verdict"], rows,
                           text_columns=(0, 5)))
        if len(agent["per_seed_vs"]) > 1:
            baselines = list(agent["vs"])
            rows = [[esc(seed)] + [esc(fmt_p(tests[b]["p_value"])) + (
                " ▲" if tests[b]["verdict"] == "better" else
                " ▼" if tests[b]["verdict"] == "worse" else "") for b in baselines]
                for seed, tests in agent["per_seed_vs"].items()]
            parts.append("<p>Each training seed on its own (▲ better, ▼ worse at the same "
                         "level):</p>")
            parts.append(table(["seed", *baselines], rows))
    names = summary["headline"]
    rows = [[esc(n)] + [num(summary["policies"][n]["metrics"][f"reward_{c}"]["mean"], "{:.1f}")
                        for c in COMPONENTS] for n in names]
    parts.append("<h3>Return by reward component (sum per episode, evaluation reward "
                 f"{esc(summary['method']['reward'])})</h3>")
    parts.append(table(["policy", *COMPONENTS], rows))
    return "".join(parts)


def plots(figures: list[Figure]) -> str:
    shown = [f for f in figures if f.key != "policy_map"]
    return "<h2 id='plots'>Plots</h2>" + "".join(
        figure(f.path, title=f.title, caption=f.caption, anchor=f.key) for f in shown)


def ablations(summary: dict) -> str:
    """What each ablation changes versus the default agent (paired by episode)."""
    ab = summary["ablations"]
    parts = ["<h2 id='ablations'>Ablations</h2>"]
    if not ab["rows"]:
        parts.append("<p>No ablation runs were given (pass <code>--ablation NAME=RUN_DIR"
                     "</code>, or runs whose group begins with <code>ablation-</code>).</p>")
        return "".join(parts)
    ref = ab["reference"]
    parts.append(f"<p>Each ablation against the default agent <b>{esc(ref or 'none')}</b>, "
                 "on the same episodes: differences are ablation − default, per episode, "
                 "mean over training seeds. The outcome decides; a higher return with a "
                 "lower outcome is a reward that misleads.</p>")
    rows = []
    for name, row in ab["rows"].items():
        s = summary["policies"][name]["metrics"]
        d = row["delta"]
        cells = [esc(name), str(len(row["seeds"])), mean_ci(s["outcome_pct"])]
        if d is None:
            cells += ["–"] * 6
        else:
            cells += [mean_ci(d["outcome_pct"]), esc(fmt_p(d["outcome_pct"]["p_value"])),
                      mean_ci(d["return"], "{:+.0f}"), mean_ci(d["days_overreached"], "{:+.1f}"),
                      mean_ci(d["days_ill"], "{:+.1f}"), mean_ci(d["violations"], "{:+.2f}")]
        rows.append(cells)
    parts.append(table(["ablation", "seeds", "outcome %", "Δ outcome (points)", "Wilcoxon",
                        "Δ return", "Δ days overreached", "Δ days ill",
                        "Δ violations per episode"], rows))
    return "".join(parts)


def method(summary: dict) -> str:
    m = summary["method"]
    c, st = m["cohort"], m["statistics"]
    agents = "".join(
        f"<li><b>{esc(g)}</b>: " + ", ".join(
            f"seed {r['seed']} (<code>{esc(r['run'])}</code>, {esc(r['algo'])})" for r in runs)
        + "</li>" for g, runs in m["agents"].items())
    items = [
        f"Episodes: {m['episodes']} of 90 days on the <b>{esc(m['split'])}</b> athletes "
        f"({c['split_athletes']} athletes); {esc(m['episode_seeds'])}, evaluation seed "
        f"{m['seed']}; every policy meets the same episodes.",
        f"Cohort: {esc(c['path'])} ({c['athletes']} athletes × {c['days']} days, seed "
        f"{c['seed']}).",
        f"Baselines: {esc(', '.join(m['baselines']) or 'none')}.",
        f"Learned agents and ablations (training seeds): <ul>{agents or '<li>none</li>'}</ul>",
        f"Evaluation reward (for the return column): {esc(m['reward'])}; the outcome does "
        "not depend on it.",
        *(f"{esc(k.replace('_', ' ').capitalize())}: {esc(v)}." for k, v in st.items()),
        f"Beating every heuristic at p &lt; {summary['alpha']:g} needs each test to pass on "
        "its own, so no multiple-comparison correction applies to that claim.",
        "Versions: " + esc(", ".join(f"{k} {v}" for k, v in m["versions"].items())) + ".",
        f"Command: <code>{esc(m['command'] or '(called from Python)')}</code>",
        f"Generated {esc(m['generated_utc'])} UTC.",
    ]
    return ("<h2 id='method'>Method</h2><ul class='method'>"
            + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
