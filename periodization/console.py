"""Rich output for the CLI: tables and summaries a person reads at a glance."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

console = Console()


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
    console.print(f"written to [bold]{out}[/bold]")


@contextlib.contextmanager
def status_line(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A spinner naming the policy being evaluated (silent when printing JSON)."""
    if quiet:
        yield lambda name: None
        return
    with console.status("starting") as status:
        yield lambda name: status.update(f"evaluating [bold]{name}[/bold]")


def print_policy_table(summary: dict[str, dict], *, title: str) -> None:
    """Headline metrics per policy (everything else is in ``--json``)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    columns = ("policy", "outcome %", "95 % CI", "return", "overreached d", "ill d",
               "violations", "most chosen")
    for col in columns:
        table.add_column(col, justify="left" if col in ("policy", "most chosen") else "right",
                         no_wrap=True)
    for name, s in summary.items():
        top, share = max(s["action_share"].items(), key=lambda kv: kv[1])
        table.add_row(
            name, f"{s['outcome_pct']:+.2f}",
            f"{s['outcome_pct_ci95'][0]:+.2f} … {s['outcome_pct_ci95'][1]:+.2f}",
            f"{s['return']:.0f}", f"{s['days_overreached']:.1f}", f"{s['days_ill']:.1f}",
            f"{s['violations']}", f"{top.lower()} {100 * share:.0f} %")
    console.print(table)


def print_training_summary(summary: dict) -> None:
    """The end of ``periodize train``: budget spent, time, best validation outcome."""
    best = summary.get("best") or {}
    stopped = " (stopped early)" if summary.get("stopped_early") else ""
    console.print(f"trained {summary['algo']} for {summary['episodes']} episodes, "
                  f"{summary['env_steps']} env steps, {summary['updates']} updates in "
                  f"{summary['wall_s']:.0f} s{stopped}")
    if best:
        console.print(f"best validation outcome {best['outcome_pct']:+.2f} % after "
                      f"{best['episodes']} episodes ({best['violations']:.2f} violations "
                      "per episode)")
    console.print(f"run directory [bold]{summary['run_dir']}[/bold]")
