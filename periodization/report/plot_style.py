"""One look for every figure: colours per policy and per action, and how figures are made
and saved.

Figures are ``matplotlib.figure.Figure`` objects rendered by the Agg backend, without
pyplot: no display is needed and no global backend is switched (a notebook importing this
keeps its own). Only the drawing modules import matplotlib, so ``periodize --help`` stays
instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from periodization.sim.actions import ACTION_NAMES

# Baselines keep their colour in every figure; learned agents take strong colours in turn.
BASELINE_COLOURS = {
    "oracle": "#000000", "rule": "#e69f00", "whoop": "#009e73", "hrv": "#56b4e9",
    "fixed": "#a0522d", "cloning": "#cc79a7", "random": "#b0b0b0", "rest": "#707070",
}  # fmt: skip
AGENT_COLOURS = ("#0055d4", "#d62728", "#6a3d9a", "#17becf", "#bcbd22", "#ff7f0e")
# Sessions from easy to hard: greys and blues for easy days, warm colours for hard ones.
ACTION_COLOURS = dict(zip(ACTION_NAMES, (
    "#d9d9d9", "#9ecae1", "#41ab5d", "#fd8d3c", "#d7301f", "#756bb1"), strict=True))
ACTION_LABELS = {a: a.replace("_", " ").lower() if a != "HIIT" else a for a in ACTION_NAMES}


def policy_colours(names: list[str]) -> dict[str, str]:
    """A colour per policy; a per-seed label ``group/s0`` takes its group's colour."""
    out: dict[str, str] = {}
    agents = [n for n in names if n not in BASELINE_COLOURS]
    groups = list(dict.fromkeys(n.split("/")[0] for n in agents))
    for n in names:
        if n in BASELINE_COLOURS:
            out[n] = BASELINE_COLOURS[n]
        else:
            out[n] = AGENT_COLOURS[groups.index(n.split("/")[0]) % len(AGENT_COLOURS)]
    return out


# Readable at a glance: larger fonts, a light grid, no box. Applied per drawing function
# (``@styled``), so other matplotlib users in the process keep their settings.
STYLE = {"font.size": 10, "axes.titlesize": 11, "figure.titlesize": 12, "axes.grid": True,
         "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
         "legend.frameon": False}
styled = matplotlib.rc_context(STYLE)


def subplots(*args: Any, figsize: tuple[float, float], **kwargs: Any) -> tuple[Figure, Any]:
    """A new Agg figure and its axes (``Figure.subplots`` arguments)."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(*args, **kwargs)


def save(fig: Figure, path: str | Path) -> Path:
    """Write a PNG (100 dpi: sharp in a browser, small when embedded)."""
    path = Path(path)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path
