"""``periodize``: the command line. Parses, calls the package, prints; nothing else.

``base`` holds the app and what every command shares; each other module registers its
commands on the app when imported, and ``periodize --help`` lists them in that order.
"""

from __future__ import annotations

# isort: off
from periodization.cli import simulation  # noqa: F401  data synth, simulate
from periodization.cli import evaluation  # noqa: F401  evaluate, compare
from periodization.cli import training  # noqa: F401  train, tune, sweep
from periodization.cli import advice  # noqa: F401  recommend, serve
from periodization.cli import demo  # noqa: F401  warmup, demo
# isort: on
from periodization.cli.base import app, main

__all__ = ["app", "main"]
