"""Plain-words verdicts generated from the numbers of ``analysis.analyse``.

Every sentence is derived from a figure in ``summary.json``; nothing here decides a result,
it only says it. "Beats" means the paired Wilcoxon test on athlete-mean outcomes is
significant at the report's alpha *and* the mean difference is positive.
"""

from __future__ import annotations

from periodization.evaluation.analysis import HEURISTICS


def fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_pct(x: float) -> str:
    """A fraction as a whole percentage (0.874 → '87 %')."""
    return f"{100 * x:.0f} %"


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def heuristic_sentence(agent: dict, alpha: float) -> str | None:
    """Whether the agent beats each heuristic baseline."""
    vs = {b: t for b, t in agent["vs"].items() if b in HEURISTICS}
    if not vs:
        return None
    if agent["beats_every_heuristic"]:
        worst = max(t["p_value"] for t in vs.values())
        return (f"beats every heuristic baseline ({_names(list(vs))}; Wilcoxon p < {alpha:g} "
                f"against each, largest {fmt_p(worst)})")
    parts = []
    better = [b for b, t in vs.items() if t["verdict"] == "better"]
    if better:
        parts.append(f"beats {_names(better)} (p < {alpha:g} each)")
    for b, t in vs.items():
        if t["verdict"] == "no difference":
            parts.append(f"does not beat {b} ({fmt_p(t['p_value'])}, mean difference "
                         f"{t['mean_diff']:+.2f} points)")
        elif t["verdict"] == "worse":
            parts.append(f"is worse than {b} ({fmt_p(t['p_value'])}, mean difference "
                         f"{t['mean_diff']:+.2f} points)")
    return "; ".join(parts)


def oracle_sentence(agent: dict, best: str | None) -> str | None:
    """How much of the oracle's outcome the agent reaches and of the gap it closes."""
    share, gap = agent.get("share_of_oracle"), agent.get("gap_closed")
    if share is None and gap is None:
        return None
    parts = []
    if share is not None:
        lo, hi = share["ci95"]
        parts.append(f"reaches {fmt_pct(share['value'])} of the oracle's outcome "
                     f"(95 % CI {fmt_pct(lo)} to {fmt_pct(hi)})")
    if gap is not None:
        lo, hi = gap["ci95"]
        ci = f"95 % CI {fmt_pct(lo)} to {fmt_pct(hi)}"
        if gap["value"] >= 0:
            parts.append(f"closing {fmt_pct(gap['value'])} of the gap from the best heuristic "
                         f"({best}) to the oracle ({ci})")
        else:
            parts.append(f"closing none of the gap from the best heuristic ({best}) to the "
                         f"oracle: it stays {fmt_pct(-gap['value'])} of that gap below {best} "
                         f"(gap closed {ci})")
    return ", ".join(parts)


def safety_sentence(name: str, policies: dict[str, dict]) -> str:
    """Violations, and overreached and ill days against the heuristics."""
    mine = policies[name]
    v = mine["violations_total"]
    text = ("breaks no hard constraint" if v == 0
            else f"breaks hard constraints {v:g} times in total")
    heuristics = [h for h in HEURISTICS if h in policies]
    for metric, words in (("days_overreached", "overreached"), ("days_ill", "ill")):
        mean = mine["metrics"][metric]["mean"]
        others = {h: policies[h]["metrics"][metric]["mean"] for h in heuristics}
        if not others:
            continue
        least = min(others, key=others.get)
        if all(mean < o for o in others.values()):
            compared = "fewer than every heuristic"
        elif mean <= others[least]:
            compared = "as few as the fewest of the heuristics"
        else:
            compared = "more than the fewest of the heuristics"
        text += f"; {mean:.1f} {words} days per block, {compared} ({least}: {others[least]:.1f})"
    return text


def agent_sentences(name: str, summary: dict) -> list[str]:
    """The report's sentences about one learned agent, each a full sentence."""
    agent = summary["agents"][name]
    n_seeds = len(agent["seeds"])
    subject = f"{name} ({n_seeds} training seed{'s' if n_seeds != 1 else ''}, mean over seeds)"
    out = []
    for clause in (heuristic_sentence(agent, summary["alpha"]),
                   oracle_sentence(agent, summary["best_heuristic"]),
                   safety_sentence(name, summary["policies"])):
        if clause:
            out.append(f"{subject if not out else 'It'} {clause}.")
    return out


def difference_sentence(name: str, mine: dict[str, float], *, other_name: str,
                        other: dict[str, float], top: int = 2) -> str:
    """The sessions whose share of days differs most between two policies, in points."""
    diffs = sorted(((100 * (mine[a] - other[a]), a) for a in mine), key=lambda d: -abs(d[0]))
    parts = [f"{'more' if d > 0 else 'less'} {a.replace('_', ' ').lower()} "
             f"({d:+.0f} percentage points of days)" for d, a in diffs[:top] if abs(d) >= 0.5]
    if not parts:
        return f"{name} prescribes each session about as often as {other_name}."
    return f"Compared with {other_name}, {name} prescribes {_names(parts)}."
