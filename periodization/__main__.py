"""``python -m periodization``: the same command line as ``periodize``."""

from periodization.cli import main

main()
