"""Rich output for the CLI: tables and summaries a person reads at a glance.

Text from files and arguments (athlete ids, policy and group names, action names, paths,
reasons) is never read as rich markup: each value is passed through ``esc``
(``rich.markup.escape``) before it meets a markup string or a table cell, so an id such as
``[/]`` prints as itself instead of crashing the output, ``[link=…]`` stays text, and an
escape sequence prints as ``?`` characters, never reaching the terminal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from periodization.core.validation import is_steering

console = Console(emoji=False)  # results: tables, summaries, recommendations (stdout);
# emoji off: ":name:" in an athlete id stays text
status = Console(stderr=True, emoji=False)  # what is under way: spinners, stages (stderr)


def esc(value: object) -> str:
    """``value`` as text that rich prints literally: markup escaped, and control characters
    other than newlines, line separators and bidi overrides (an escape sequence in an id
    or a file name would recolour the terminal, retitle its window or move the cursor)
    shown as ``?``; no-break spaces and joiners stay."""
    text = str(value)
    if not text.isprintable():  # fast path: most text holds nothing to check
        text = "".join("?" if c != "\n" and is_steering(c) else c for c in text)
    return rich_escape(text)


def print_cohort_summary(summary: dict, out: Path) -> None:
    table = Table(title="Synthetic cohort", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("athletes", f"{summary['athletes']}")
    table.add_row("days per athlete", f"{summary['days']}")
    table.add_row("wearable days missing", f"{summary['missing_pct']:.1f} %")
    table.add_row("athletes > 20 % missing", f"{summary['athletes_over_20pct_missing']}")
    table.add_row(
        "recovery zones (red / yellow / green)",
        f"{summary['recovery_red_pct']:.1f} / {summary['recovery_yellow_pct']:.1f} / "
        f"{summary['recovery_green_pct']:.1f} %",
    )
    table.add_row("days non-functionally overreached", f"{summary['overreached_pct']:.1f} %")
    table.add_row("days ill or injured", f"{summary['ill_pct']:.1f} %")
    table.add_row("days detrained (> 5 % below own median)", f"{summary['detrained_pct']:.1f} %")
    console.print(table)
    console.print(f"written to [bold]{esc(out)}[/bold]")


@contextlib.contextmanager
def status_line(quiet: bool, template: str = "evaluating [bold]{}[/bold]"
                ) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the step under way, by default the policy being evaluated
    (silent when printing JSON)."""
    if quiet:
        yield lambda name: None
        return
    with status.status("starting") as spinner:
        yield lambda name: spinner.update(template.format(esc(name)))


SHORT_ACTION = {"REST": "rest", "ACTIVE_RECOVERY": "recovery", "AEROBIC_BASE": "base",
                "TEMPO": "tempo", "HIIT": "hiit", "STRENGTH": "strength"}


def print_policy_table(summary: dict[str, dict], *, title: str) -> None:
    """Headline metrics per policy (everything else, the return included, is in ``--json``).

    Short headers and one space between columns: the table fits 80 columns (a pipe or a CI
    log has no wider terminal); a long policy name wraps rather than being cut.
    """
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1),
                  pad_edge=False, collapse_padding=True)
    longest = max((len(name) for name in summary), default=6)
    for col in ("policy", "outcome %", "95 % CI", "overr. d", "ill d", "viol.", "top action"):
        left = col in ("policy", "top action")
        table.add_column(col, justify="left" if left else "right",
                         min_width=min(longest, 24) if col == "policy" else None,
                         overflow="fold" if col == "policy" else "ellipsis",
                         no_wrap=col != "policy")
    for name, s in summary.items():
        top, share = max(s["action_share"].items(), key=lambda kv: kv[1])
        table.add_row(
            esc(name), f"{s['outcome_pct']:+.2f}",
            f"{s['outcome_pct_ci95'][0]:+.2f} … {s['outcome_pct_ci95'][1]:+.2f}",
            f"{s['days_overreached']:.1f}", f"{s['days_ill']:.1f}", f"{s['violations']}",
            f"{esc(SHORT_ACTION.get(top, top.lower()))} {100 * share:.0f} %")
    console.print(table)


def _p_best(test: dict | None) -> str:
    if test is None:
        return "best"
    p = test["p_value"]
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def print_comparison(summary: dict, index: Path) -> None:
    """The report's headline table (learned agents with their seeds dimmed underneath), its
    sentences, and where the report is."""
    m = summary["method"]
    who = "" if m.get("mode") == "prior" else f" ({summary['athletes']} athletes)"
    table = Table(title=f"{m['population']}, seed {m['seed']}{who}",
                  title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  collapse_padding=True)
    # Short headers: the table fits 80 columns (a pipe or a CI log has no wider terminal).
    # ``p best``: paired Wilcoxon on athlete means against the best policy; ``hard``: the
    # share of days with tempo or HIIT (the return is in summary.json and the report).
    for col in ("policy", "outcome %", "95 % CI", "overr. d", "ill d", "viol.", "hard",
                "p best"):
        table.add_column(col, justify="left" if col == "policy" else "right", no_wrap=True)

    def row(name: str, label: str, style: str | None = None) -> None:
        s = summary["policies"][name]
        x = s["metrics"]
        low, high = x["outcome_pct"]["ci95"]
        table.add_row(esc(label), f"{x['outcome_pct']['mean']:+.2f}", f"{low:+.2f} … {high:+.2f}",
                      f"{x['days_overreached']['mean']:.1f}", f"{x['days_ill']['mean']:.1f}",
                      f"{s['violations_total']:g}", f"{100 * s['hard_share']:.0f} %",
                      _p_best(s.get("vs_best")), style=style)

    for name in summary["headline"]:
        best = name == summary["best_heuristic"]
        row(name, f"{name} *" if best else name,
            "bold" if summary["policies"][name]["kind"] == "agent" else None)
        for seed in summary["agents"].get(name, {}).get("seeds", []):
            row(seed, f"  {seed}", "dim")
    console.print(table)
    if summary["best_heuristic"]:
        console.print("* best heuristic", style="dim")
    for sentences in summary["sentences"].values():
        for sentence in sentences:
            console.print(esc(sentence))
    console.print(f"report: [bold]{esc(index)}[/bold]")


def print_training_summary(summary: dict) -> None:
    """The end of ``periodize train``: budget spent, time, best validation outcome."""
    best = summary.get("best") or {}
    stopped = " (stopped early)" if summary.get("stopped_early") else ""
    console.print(f"trained {esc(summary['algo'])} for {summary['episodes']} episodes, "
                  f"{summary['env_steps']} env steps, {summary['updates']} updates in "
                  f"{summary['wall_s']:.0f} s{stopped}")
    if best:
        console.print(f"best validation outcome {best['outcome_pct']:+.2f} % after "
                      f"{best['episodes']} episodes ({best['violations']:.2f} violations "
                      "per episode)")
    console.print(f"run directory [bold]{esc(summary['run_dir'])}[/bold]")


def _pretty(action: str) -> str:
    """An action name for reading, markup escaped."""
    return esc(str(action).replace("_", " ").lower())


def print_recommendation(r: dict) -> None:
    """One athlete's recommendation, readable at a glance (everything is in ``--json``)."""
    session = (esc(f"{r['zone']}, {r['minutes']} min, target load {r['target_load']} TSS")
               if r["minutes"] else "a day off: no training")
    console.print(f"[bold]{esc(r['date'])}[/bold]  [bold green]{_pretty(r['action']).upper()}"
                  f"[/bold green]  {session}")
    who = "trained model" if r["policy"] == "trained model" else "[yellow]rule-based baseline"
    console.print(f"[dim]decided by the {who}[/] [dim]({esc(r['model'])}; "
                  f"{esc(r['source_format'])} export, {esc(r['history_days'])} days)[/dim]")
    console.print("\n[bold]What stands out today[/bold]")
    for sentence in r["drivers"]:
        console.print(f"  • {esc(sentence)}")
    if r["masked"]:
        console.print("\n[bold]Ruled out by the safety rules[/bold]")
        for m in r["masked"]:
            console.print(f"  • {_pretty(m['action'])}: {esc(m['reason'])}")
    probs = Table(title="The coach's probabilities", title_justify="left", box=box.SIMPLE_HEAD)
    probs.add_column("session")
    probs.add_column("p", justify="right")
    probs.add_column("")
    for name, p in sorted(r["probabilities"].items(), key=lambda kv: -kv[1]):
        if p > 0:
            probs.add_row(_pretty(name), f"{p:.2f}", "█" * round(20 * p))
    console.print(probs)
    plan = Table(title=f"Plan, {len(r['plan'])} days (simulated with your calibrated model)",
                 title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("date", "session", "expected recovery", "expected TSB"):
        plan.add_column(col, justify="left" if col in ("date", "session") else "right")
    for day in r["plan"]:
        plan.add_row(esc(day["date"]), _pretty(day["action"]), f"{day['expected_recovery']:.0f}",
                     f"{day['expected_tsb']:+.0f}")
    console.print(plan)
    for warning in r["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {esc(warning)}")
    console.print("[dim]A training suggestion from a model, not medical advice: if you feel "
                  "unwell, rest and ask a professional.[/dim]")


def print_recommendation_batch(results: list[dict]) -> None:
    """One line per athlete: today's session and the first driver, or why there is none."""
    table = Table(title=f"{len(results)} athletes", title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("athlete", "date", "session", "min", "load", "first reason / problem"):
        table.add_column(col, justify="right" if col in ("min", "load") else "left")
    for r in results:
        if "error" in r:
            table.add_row(esc(r["athlete_id"]), "", "[red]not advised", "", "", esc(r["error"]))
            continue
        session = _pretty(r["action"]) + ("" if r["policy"] == "trained model" else " (rule)")
        table.add_row(esc(r["athlete_id"]), esc(r["date"]), session, esc(r["minutes"]),
                      esc(r["target_load"]), esc(r["drivers"][0]))
    console.print(table)


def print_simulation(summary: dict) -> None:
    """``periodize simulate``: the plan and the athletes' mean figures with 95 % CIs."""
    plan = summary["plan"]
    shown = ", ".join(plan[:14]) + (f", … ({len(plan)} days)" if len(plan) > 14 else "")
    table = Table(title=f"{summary['athletes']} athletes, {summary['days']} days, seed "
                  f"{summary['seed']}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("plan (one cycle)", esc(shown))
    for key, label in (("outcome_pct", "outcome: test performance change"),
                       ("last_morning_pct", "last morning: raw performance vs start")):
        fig = summary[key]
        low, high = fig["ci95"]
        table.add_row(label, f"{fig['mean']:+.2f} % [{low:+.2f}, {high:+.2f}]")
    means = summary["means"]
    table.add_row("days overreached (mean)", f"{means['overreached_days']:.1f}")
    table.add_row("days ill (mean)", f"{means['ill_days']:.1f}")
    table.add_row("days injured (mean)", f"{means['injured_days']:.1f}")
    table.add_row("hard sessions: tempo + HIIT (mean)", f"{means['hard_sessions']:.1f}")
    console.print(table)
    for note in summary["notes"]:
        console.print(f"note: {esc(note)}")
    if summary["trace"]:
        console.print(f"trace written to [bold]{esc(summary['trace'])}[/bold]")
