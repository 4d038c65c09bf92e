"""The validation table and ``docs/validation.md``, rendered from measured findings."""

from __future__ import annotations

import math

from periodization.evaluation.studies.common import Finding, Row

COLUMNS = ("study", "protocol", "published", "simulator mean [95 % CI]", "verdict")


def number(x: float, unit: str) -> str:
    """``x`` as the table shows it (typographic minus)."""
    return _plain(x, unit).replace("-", "−")


def _plain(x: float, unit: str) -> str:
    if not math.isfinite(x):
        return "n/a"
    if unit == "ln":
        return f"{x:+.3f}"
    if unit in ("h", "days"):
        return f"{x:.0f}"
    if unit == "share":
        return f"{x:.1f}"
    return f"{x:+.2f}" if unit in ("points", "%") else f"{x:.2f}"


def figure(row: Row) -> str:
    unit = {"points": " points", "%": " %", "share": " %", "ln": " ln", "h": " h", "days": " days",
            "× w*": " × w*"}.get(row.unit, "")
    text = number(row.value, row.unit) + unit
    if row.ci is not None:
        text += f" [{number(row.ci[0], row.unit)}, {number(row.ci[1], row.unit)}]"
    return text


def table(findings: list[Finding]) -> str:
    """Markdown: one line per measured quantity, grouped by finding."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for f in findings:
        for i, row in enumerate(f.rows):
            study = f"{f.number}. {f.study}" if i == 0 else ""
            verdict = "pass" if row.passed else "**fail**"
            lines.append(f"| {study} | {row.protocol} | {row.published} | {figure(row)} | "
                         f"{verdict} |")
    return "\n".join(lines)


def summary_line(findings: list[Finding]) -> str:
    held = [f.number for f in findings if f.passed]
    failed = [f.number for f in findings if not f.passed]
    return (f"{len(held)} of {len(findings)} findings hold"
            + (f"; failing: {', '.join(map(str, failed))}" if failed else "") + ".")


def document(findings: list[Finding], *, header: str) -> str:
    """The whole of ``docs/validation.md``: header, table, one paragraph per finding."""
    parts = [header.rstrip(), "", summary_line(findings), "", table(findings), "",
             "## What was run", ""]
    for f in findings:
        state = "holds" if f.passed else "does not hold"
        source = "" if f.study == f.title else f"{f.study}; "
        parts += [f"**{f.number}. {f.title}** ({source}{state}). {f.method}", ""]
    return "\n".join(parts).rstrip() + "\n"
