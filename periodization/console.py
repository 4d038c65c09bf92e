"""Rich output for the CLI: tables and summaries a person reads at a glance."""

from __future__ import annotations

from pathlib import Path

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
