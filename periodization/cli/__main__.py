"""``python -m periodization.cli``: the same as ``periodize``."""

from periodization.cli import main

main()
