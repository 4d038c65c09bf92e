"""Small HTML building blocks for a self-contained report: escaped tables, embedded PNGs
(base64 data URIs) and one inline stylesheet. No JavaScript and nothing fetched from the
network, so the page opens the same anywhere, offline, years later.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { margin-top: 1.4em; }
p.lede { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #e6e6e6; }
th { background: #f5f5f7; font-weight: 600; }
td:first-child, th:first-child { text-align: left; }
td.text, th.text { text-align: left; }
tr.agent td { font-weight: 600; background: #eef4ff; }
tr.oracle td { background: #f4f4f4; }
tr.seed td { color: #555; font-size: 0.95em; }
.ci { color: #777; font-size: 0.9em; white-space: nowrap; }
.verdict { background: #f7fbf2; border-left: 4px solid #4caf50; padding: 0.6em 1em; }
.verdict.mixed { background: #fff8ec; border-left-color: #f0a030; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
code { background: #f5f5f7; padding: 1px 4px; border-radius: 3px; font-size: 0.92em; }
ul.method li { margin: 0.2em 0; }
"""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def table(header: list[str], rows: list[list[str]], *, row_classes: list[str] | None = None,
          text_columns: tuple[int, ...] = (0,)) -> str:
    """A table; cells are HTML already (escape text with ``esc``), header cells are text."""
    head = "".join(f'<th class="{"text" if i in text_columns else ""}">{esc(h)}</th>'
                   for i, h in enumerate(header))
    body = []
    for k, row in enumerate(rows):
        cls = row_classes[k] if row_classes else ""
        cells = "".join(f'<td class="{"text" if i in text_columns else ""}">{c}</td>'
                        for i, c in enumerate(row))
        body.append(f'<tr class="{cls}">{cells}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def image(path: Path, alt: str) -> str:
    """An <img> with the PNG embedded as a base64 data URI."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">'


def figure(path: Path, *, title: str, caption: str, anchor: str) -> str:
    return (f'<figure id="{esc(anchor)}">{image(path, title)}'
            f"<figcaption><b>{esc(title)}.</b> {esc(caption)}</figcaption></figure>")


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "–" if x is None else esc(fmt.format(x))


def mean_ci(stat: dict, fmt: str = "{:+.2f}") -> str:
    """'mean <span>[low, high]</span>' from ``{"mean": …, "ci95": [low, high]}``."""
    low, high = stat["ci95"]
    return f'{num(stat["mean"], fmt)} <span class="ci">[{num(low, fmt)}, {num(high, fmt)}]</span>'
