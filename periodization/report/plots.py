"""The report's figures, drawn from plain data (tables, dicts); each writes one PNG.

Colours are the same in every figure: one per policy (``plot_style.policy_colours``) and
one per session (``plot_style.ACTION_COLOURS``). Titles say what to look at.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from periodization.evaluation.policy_map import PolicyMap
from periodization.evaluation.stats import mean_ci95
from periodization.report.plot_style import (
    ACTION_COLOURS,
    ACTION_LABELS,
    save,
    styled,
    subplots,
)
from periodization.sim.actions import ACTION_NAMES

ACTION_CMAP = ListedColormap([ACTION_COLOURS[a] for a in ACTION_NAMES])
STEPS_LABEL = "environment steps (athlete-days simulated)"
OUTCOME_LABEL = "performance change over the block (%)"


def _action_legend(fig, *, y: float = 0.0) -> None:
    handles = [Patch(color=ACTION_COLOURS[a], label=ACTION_LABELS[a]) for a in ACTION_NAMES]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles),
               bbox_to_anchor=(0.5, y), title="session")


@styled
def learning_curves(curves: dict[str, list[tuple[str, pd.DataFrame]]], path: str | Path, *,
                    colours: dict[str, str]) -> Path:
    """Training return and validation outcome against environment steps, one line per
    training seed (``curves``: agent → [(seed label, metrics.csv table)])."""
    fig, (ax_r, ax_o) = subplots(1, 2, figsize=(12, 4.2))
    styles = ("-", "--", ":", "-.")
    for group, seeds in curves.items():
        for k, (label, table) in enumerate(seeds):
            kw = {"color": colours[group], "ls": styles[k % len(styles)], "lw": 1.6,
                  "label": f"{group} {label.rsplit('/', 1)[-1]}"}
            for ax, column in ((ax_r, "train_return"), (ax_o, "eval_outcome_pct")):
                if column in table:
                    rows = table[["env_steps", column]].dropna()
                    ax.plot(rows["env_steps"], rows[column], marker="." if len(rows) < 30
                            else None, **kw)
    ax_r.set(xlabel=STEPS_LABEL, ylabel="training return (reward per episode)",
             title="Training return per seed")
    ax_o.set(xlabel=STEPS_LABEL, ylabel="validation outcome (% performance change)",
             title="Validation outcome per seed: flat at the end = converged")
    ax_o.axhline(0, color="grey", lw=0.8)
    ax_o.legend(fontsize=8, loc="best")
    fig.suptitle("Learning curves: does the outcome rise with the return, for every seed?")
    fig.tight_layout()
    return save(fig, path)


@styled
def pmc_chart(trajectories: dict[str, pd.DataFrame], path: str | Path, *,
              colours: dict[str, str], title: str) -> Path:
    """Performance-management chart (CTL, ATL, TSB in TSS/day) of the same athlete and
    episode under each policy, with the daily sessions in a strip underneath."""
    n = len(trajectories)
    fig, axes = subplots(2 * n, 1, figsize=(11, 3.3 * n + 0.8), sharex=True,
                             gridspec_kw={"height_ratios": [4, 1] * n})
    lo = min(min(t["tsb"].min(), 0.0) for t in trajectories.values()) - 5
    hi = max(max(t["ctl"].max(), t["atl"].max()) for t in trajectories.values()) + 5
    for k, (name, t) in enumerate(trajectories.items()):
        ax, strip = axes[2 * k], axes[2 * k + 1]
        ax.plot(t["day"], t["ctl"], color="#1f4e9c", lw=2, label="CTL (fitness, 42 d)")
        ax.plot(t["day"], t["atl"], color="#c2185b", lw=1.4, label="ATL (fatigue, 7 d)")
        ax.fill_between(t["day"], 0, t["tsb"], color="#f0a030", alpha=0.35,
                        label="TSB = CTL − ATL (form)")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set(ylim=(lo, hi), ylabel="TSS/day")
        outcome = t["performance_change_pct"].iloc[-1]
        ax.set_title(f"{name}: performance {outcome:+.1f} % over the block, "
                     f"{int(t['overreached'].sum())} days overreached, "
                     f"{int(t['ill'].sum())} ill", color=colours.get(name, "black"),
                     loc="left")
        if k == 0:
            ax.legend(loc="upper left", ncol=3, fontsize=8)
        strip.imshow(t["action"].to_numpy()[None, :], aspect="auto", cmap=ACTION_CMAP,
                     vmin=-0.5, vmax=len(ACTION_NAMES) - 0.5,
                     extent=(t["day"].iloc[0] - 0.5, t["day"].iloc[-1] + 0.5, 0, 1))
        ill = t.loc[t["ill"], "day"]
        strip.plot(ill, np.full(len(ill), 0.5), "kx", ms=4, label="ill")
        strip.set(yticks=[], ylabel="session")
        strip.grid(False)
    axes[-1].set_xlabel("day of the 90-day block (× in the strip: ill that morning)")
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _action_legend(fig)
    return save(fig, path)


@styled
def policy_maps(maps: dict[str, PolicyMap], path: str | Path) -> Path:
    """The session each policy prescribes across recovery (x) × TSB (y), one panel each."""
    n = len(maps)
    fig, axes = subplots(1, n, figsize=(4.6 * n, 4.4), squeeze=False, sharey=True)
    for ax, (name, m) in zip(axes[0], maps.items(), strict=True):
        dx, dy = np.diff(m.recovery[:2])[0] / 2, np.diff(m.tsb[:2])[0] / 2
        ax.imshow(m.actions, origin="lower", aspect="auto", cmap=ACTION_CMAP, vmin=-0.5,
                  vmax=len(ACTION_NAMES) - 0.5, interpolation="nearest",
                  extent=(m.recovery[0] - dx, m.recovery[-1] + dx, m.tsb[0] - dy,
                          m.tsb[-1] + dy))
        for x in (33, 67):  # the red / yellow / green recovery zones
            ax.axvline(x, color="white", lw=0.8, ls="--")
        ax.grid(False)
        note = "" if m.agreement >= 1 else f"\n(mode of seeds; all agree on " \
                                           f"{100 * m.agreement:.0f} % of cells)"
        ax.set(title=f"{name}{note}", xlabel="recovery score (0–100)")
    axes[0][0].set_ylabel("TSB = CTL − ATL (TSS/day)")
    fig.suptitle("Policy map: which session at which recovery and form "
                 "(other features typical, a Wednesday)")
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    _action_legend(fig)
    return save(fig, path)


@styled
def action_distribution(shares: dict[str, dict[str, float]], path: str | Path) -> Path:
    """Stacked bars: the share of days each policy spends on each session."""
    names = list(shares)[::-1]  # first policy on top
    fig, ax = subplots(figsize=(10, 0.45 * len(names) + 1.8))
    left = np.zeros(len(names))
    for a in ACTION_NAMES:
        width = np.array([100 * shares[n].get(a, 0.0) for n in names])
        ax.barh(names, width, left=left, color=ACTION_COLOURS[a], label=ACTION_LABELS[a],
                edgecolor="white", lw=0.5)
        for y, (x0, w) in enumerate(zip(left, width, strict=True)):
            if w >= 8:
                ax.text(x0 + w / 2, y, f"{w:.0f}", ha="center", va="center", fontsize=8)
        left += width
    ax.set(xlim=(0, 100), xlabel="share of days (%)",
           title="What each policy prescribes: share of days per session")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / max(len(names), 1) - 0.12),
              ncol=len(ACTION_NAMES), title="session")
    fig.tight_layout()
    return save(fig, path)


@styled
def outcome_vs_overreached(episodes: pd.DataFrame, path: str | Path, *, names: list[str],
                           colours: dict[str, str], seed: int = 0) -> Path:
    """Outcome against days overreached: one faint point per episode, and each policy's
    mean with 95 % bootstrap CIs on both axes."""
    fig, ax = subplots(figsize=(9, 5.5))
    jitter = np.random.default_rng(seed)
    # Overreached days are counts and often tie (many policies at 0), so each policy's
    # mean is moved sideways by a fixed small step and its episodes spread around it.
    dodge = 0.5 * (np.arange(len(names)) - (len(names) - 1) / 2) / max(len(names), 1)
    right = 1.0
    for name, dx in zip(names, dodge, strict=True):
        rows = episodes[episodes["policy"] == name]
        x, y = rows["days_overreached"].to_numpy(float), rows["outcome_pct"].to_numpy(float)
        c = colours[name]
        ax.scatter(x + dx + jitter.uniform(-0.03, 0.03, len(x)), y, s=10, color=c, alpha=0.3,
                   lw=0)
        athletes = rows["athlete_id"].to_numpy()  # CIs resample athletes, not blocks
        (xl, xh), (yl, yh) = (mean_ci95(x, clusters=athletes, seed=seed),
                              mean_ci95(y, clusters=athletes, seed=seed))
        ax.errorbar(x.mean() + dx, y.mean(), xerr=[[x.mean() - xl], [xh - x.mean()]],
                    yerr=[[y.mean() - yl], [yh - y.mean()]], fmt="o", ms=8, color=c,
                    mec="white", capsize=3, label=name, zorder=5)
        right = max(right, x.max() + 0.5)
    ax.set_xlim(-0.5, right)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # days are counts
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="days non-functionally overreached per 90-day block", ylabel=OUTCOME_LABEL,
           title="Outcome against overreaching: up and to the left is better\n"
                 "(faint: one episode each; large: mean with 95 % CI; policies set a "
                 "little apart sideways)")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return save(fig, path)
