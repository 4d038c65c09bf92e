"""The report's HTML: Jinja2 templates (``report/templates/``) with autoescape, embedded
PNGs (base64 data URIs) and one inline stylesheet. No JavaScript and nothing fetched from
the network, so the page opens the same anywhere, offline, years later.

Every string that reaches the page — policy and group names, run paths, the cohort's
``meta.json``, the command line — is escaped by the template engine; the only markup not
written in a template is built here with ``markupsafe.Markup.format``, which escapes its
arguments. A run named ``<script>…`` shows as that text.
"""

from __future__ import annotations

import base64
import functools
import math
from pathlib import Path

import jinja2
from markupsafe import Markup

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


def num(x: float | None, fmt: str = "{:.2f}") -> str:
    """A number as text (``–`` for a missing or non-finite one)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return fmt.format(x)


def mean_ci(stat: dict, fmt: str = "{:+.2f}") -> Markup:
    """'mean <span>[low, high]</span>' from ``{"mean": …, "ci95": [low, high]}``; the
    numbers are escaped by ``Markup.format``."""
    low, high = stat["ci95"]
    return Markup('{} <span class="ci">[{}, {}]</span>').format(
        num(stat["mean"], fmt), num(low, fmt), num(high, fmt))


def with_note(value: str, note: str) -> Markup:
    """'value <span class="ci">note</span>', both escaped."""
    return Markup("{} <span class='ci'>{}</span>").format(value, note)


def data_uri(path: Path) -> str:
    """A PNG as a base64 data URI (base64 has no character HTML would read)."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates of ``report/templates/``, autoescaped (every value is text unless it
    is ``Markup`` built above), undefined names an error rather than empty text."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("periodization.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["num"] = num
    env.filters["data_uri"] = data_uri
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(css=CSS, **context)
