"""The athlete page's charts as inline SVG strings, drawn from the stored days: the
performance-management chart (CTL, ATL, TSB, with each past session as a coloured mark),
HRV and resting HR against the personal baseline band, and recovery.

ATL and CTL are exponentially weighted loads with the population's own decays
(``Population.atl_decay``/``ctl_decay``, the ones the athlete model and the features use:
no second copy of 7 and 42 days); TSB = CTL − ATL. The baseline band is the trailing
``BAND_DAYS`` mean ± 1 SD of the athlete's own readings (at least ``BAND_MIN`` days).
Every point carries ``data-tip`` text that ``static/app.js`` shows on hover or tap.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from periodization.sim.actions import ACTION_NAMES
from periodization.sim.prior import load_prior

SHOW_DAYS = 90
BAND_DAYS, BAND_MIN = 28, 7
W, H, PAD = 640, 180, 28  # the SVG's user units; it scales to the screen's width
COLOURS = ("#9aa5b1", "#6cc3a0", "#3d8bd4", "#f0a030", "#d9453b", "#8a5cc2")


def pmc(load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ATL, CTL) after each day's load (TSS; NaN counts as 0), both from 0."""
    pop = load_prior().population
    atl, ctl = np.zeros(len(load)), np.zeros(len(load))
    a = c = 0.0
    for i, x in enumerate(np.nan_to_num(load)):
        a = a * pop.atl_decay + x * (1 - pop.atl_decay)
        c = c * pop.ctl_decay + x * (1 - pop.ctl_decay)
        atl[i], ctl[i] = a, c
    return atl, ctl


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, SD) of the trailing ``BAND_DAYS`` readings before each day (NaN if fewer
    than ``BAND_MIN``)."""
    s = pd.Series(values).shift(1).rolling(BAND_DAYS, min_periods=BAND_MIN)
    return s.mean().to_numpy(), s.std().to_numpy()


class _Plot:
    """x: day index 0…n−1; y: the given range; everything in SVG user units."""

    def __init__(self, n: int, lo: float, hi: float) -> None:
        self.n, self.lo, self.hi = max(n, 2), lo, hi if hi > lo else lo + 1

    def x(self, i: float) -> float:
        return PAD + (W - 2 * PAD) * i / (self.n - 1)

    def y(self, v: float) -> float:
        return H - PAD - (H - 2 * PAD) * (v - self.lo) / (self.hi - self.lo)

    def line(self, values: np.ndarray, colour: str, label: str) -> str:
        pts, parts = [], []
        for i, v in enumerate(values):
            if np.isfinite(v):
                pts.append(f"{self.x(i):.1f},{self.y(v):.1f}")
            elif pts:
                parts.append(pts)
                pts = []
        parts.append(pts)
        return "".join(f'<polyline class="line" fill="none" stroke="{colour}" '
                       f'stroke-width="2" points="{" ".join(p)}"><title>{label}</title>'
                       "</polyline>" for p in parts if len(p) > 1)

    def band(self, mean: np.ndarray, sd: np.ndarray) -> str:
        ok = np.isfinite(mean) & np.isfinite(sd)
        idx = np.flatnonzero(ok)
        if len(idx) < 2:
            return ""
        up = [f"{self.x(i):.1f},{self.y(mean[i] + sd[i]):.1f}" for i in idx]
        down = [f"{self.x(i):.1f},{self.y(mean[i] - sd[i]):.1f}" for i in idx[::-1]]
        return (f'<polygon class="band" points="{" ".join(up + down)}">'
                "<title>your usual range (trailing 28-day mean ± 1 SD)</title></polygon>")

    def axis(self, dates: list[str], unit: str) -> str:
        ticks = "".join(
            f'<text x="{PAD - 4}" y="{self.y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>'
            for v in np.linspace(self.lo, self.hi, 3))
        return (f'{ticks}<text x="{PAD}" y="{H - 8}">{escape(dates[0])}</text>'
                f'<text x="{W - PAD}" y="{H - 8}" text-anchor="end">{escape(dates[-1])}</text>'
                f'<text x="{W - PAD}" y="14" text-anchor="end">{escape(unit)}</text>')

    def points(self, values: np.ndarray, tips: list[str], colours: list[str] | None = None
               ) -> str:
        return "".join(
            f'<circle cx="{self.x(i):.1f}" cy="{self.y(v):.1f}" r="3" '
            f'fill="{colours[i] if colours else "#333"}" data-tip="{escape(tips[i])}"/>'
            for i, v in enumerate(values) if np.isfinite(v))


def _svg(title: str, body: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
            f'aria-label="{escape(title)}">{body}</svg>')


def _range(*arrays: np.ndarray) -> tuple[float, float]:
    allv = np.concatenate([a[np.isfinite(a)] for a in arrays] or [np.zeros(1)])
    if allv.size == 0:
        return 0.0, 1.0
    lo, hi = float(allv.min()), float(allv.max())
    pad = 0.05 * (hi - lo or 1)
    return lo - pad, hi + pad


def _recovery_colour(score: float) -> str:
    """WHOOP's green / yellow / red bands of the recovery score."""
    return "#6cc3a0" if score >= 67 else "#f0a030" if score >= 34 else "#d9453b"


def athlete_charts(table: pd.DataFrame, rec: dict[str, Any] | None) -> dict[str, str]:
    """``{"pmc", "hrv", "rhr", "recovery"}`` → SVG, for the last ``SHOW_DAYS`` days of
    ``table`` (``store.history``)."""
    atl_all, ctl_all = pmc(table["load"].to_numpy(dtype=np.float64))
    t = table.iloc[-SHOW_DAYS:].reset_index(drop=True)
    atl, ctl = atl_all[-SHOW_DAYS:], ctl_all[-SHOW_DAYS:]
    tsb = ctl - atl
    dates = [d.strftime("%Y-%m-%d") for d in t["date"]]
    action = t["action"].to_numpy()
    load = np.nan_to_num(t["load"].to_numpy(dtype=np.float64))
    names = [ACTION_NAMES[a].replace("_", " ").lower() if a >= 0 else "unknown"
             for a in action]
    colours = [COLOURS[a] if a >= 0 else "#ccc" for a in action]
    out = {}
    p = _Plot(len(t), *_range(ctl, atl, tsb))
    tips = [f"{d}: {nm}, load {ld:.0f}; CTL {c:.0f}, ATL {a:.0f}, TSB {b:+.0f}"
            for d, nm, ld, c, a, b in zip(dates, names, load, ctl, atl, tsb, strict=True)]
    zero = f'<line class="zero" x1="{PAD}" x2="{W - PAD}" y1="{p.y(0):.1f}" y2="{p.y(0):.1f}"/>'
    marks = np.full(len(t), p.lo + 0.02 * (p.hi - p.lo))
    out["pmc"] = _svg("fitness (CTL), fatigue (ATL) and form (TSB)", zero
                      + p.line(ctl, "#3d8bd4", "CTL (fitness)")
                      + p.line(atl, "#d9453b", "ATL (fatigue)")
                      + p.line(tsb, "#6cc3a0", "TSB (form)")
                      + p.points(marks, tips, colours) + p.axis(dates, "TSS/day"))
    for key, col, unit, label in (("hrv", "hrv_rmssd_ms", "ms", "HRV"),
                                  ("rhr", "resting_hr", "bpm", "resting HR")):
        allv = table[col].to_numpy(dtype=np.float64)
        mean, sd = (a[-SHOW_DAYS:] for a in band(allv))
        v = allv[-SHOW_DAYS:]
        p = _Plot(len(t), *_range(v, mean + sd, mean - sd))
        tips = [f"{d}: {label} {x:.0f} {unit}" + (f" (usual {m:.0f} ± {s:.0f})"
                                                  if np.isfinite(m) else "")
                for d, x, m, s in zip(dates, v, mean, sd, strict=True)]
        out[key] = _svg(f"{label} against your usual range",
                        p.band(mean, sd) + p.line(v, "#555", label) + p.points(v, tips)
                        + p.axis(dates, unit))
    rv = t["recovery"].to_numpy(dtype=np.float64)
    p = _Plot(len(t), 0, 100)
    bw = (W - 2 * PAD) / max(len(t), 1) * 0.8
    bars = "".join(
        f'<rect x="{p.x(i) - bw / 2:.1f}" y="{p.y(x):.1f}" width="{bw:.1f}" '
        f'height="{p.y(0) - p.y(x):.1f}" fill="{_recovery_colour(x)}" '
        f'data-tip="{escape(f"{d}: recovery {x:.0f}")}"/>'
        for i, (d, x) in enumerate(zip(dates, rv, strict=True)) if np.isfinite(x))
    out["recovery"] = _svg("recovery score", bars + p.axis(dates, "recovery (0–100)"))
    return out
