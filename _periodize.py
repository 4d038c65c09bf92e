"""The ``periodize`` console script: a clean Ctrl-C from the first instant.

Importing the command line pulls in numpy, numba and gymnasium; a Ctrl-C in the middle of
those imports surfaces as a long ``ImportError`` traceback (numpy's), and one while the
arguments are parsed ends silently. This shim, outside the package so that nothing heavy is
imported before it runs, turns SIGINT until a command starts into one line and exit code
130; each command then puts back the ordinary ``KeyboardInterrupt`` (``user_errors`` in
``cli/base.py``), which it turns into the same line and code after its own clean-up.
"""

from __future__ import annotations

import os
import signal


def _interrupted_at_start_up(signum: int, frame: object) -> None:
    os.write(2, b"interrupted\n")
    raise SystemExit(130)


_interrupted_at_start_up.start_up = True  # type: ignore[attr-defined]  # cli looks for it


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not if ignored
        signal.signal(signal.SIGINT, _interrupted_at_start_up)
    from periodization.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # pragma: no cover
    main()
