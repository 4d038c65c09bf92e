"""What every ``periodize`` command shares: the Typer app, one-line errors and exit codes,
Ctrl-C handling, the common options and their checks.

Heavy imports (torch, matplotlib, the simulator) happen inside the commands, so
``periodize --help`` stays instant. Every refusal — a ``UserError``, an OS error such as a
full disk, a bad option value — becomes one ``error: ...`` line on stderr (printable,
under 300 characters; ``core/failures.py``) and exit code 2.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from periodization.core.errors import UserError
from periodization.core.failures import PREFIX, error_line, handled
from periodization.core.validation import SEED_MAX, one_line

F = TypeVar("F", bound=Callable[..., Any])
# Click's base of usage errors (typer may vendor click, so it is found from a public class).
ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
MAX_EPISODES = 100_000  # evaluation episodes per policy: bounds the time and the table


class OneLineErrors(TyperGroup):
    """Click's usage errors (an unknown option, ``--seed abc``, a value out of range) as one
    ``error:`` line and exit 2, like every other refusal, instead of a usage box."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # bare ``periodize``: the help
                exc.show()
                sys.exit(exc.exit_code)
            typer.echo(PREFIX + one_line(exc.format_message(), 280), err=True)
            sys.exit(2)
        except BrokenPipeError:  # `periodize … | head`: the reader left; not an error to report
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit, never read
            sys.exit(1)
        except typer.Abort:
            typer.echo("interrupted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="periodize",
    help="Adaptive training periodization: simulate athletes, train and evaluate coaching "
    "policies, and recommend today's session from a wearable export.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
)
data_app = typer.Typer(help="Synthetic cohorts and data preparation.", no_args_is_help=True)
app.add_typer(data_app, name="data")


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C (128 + SIGINT)


def fail(message: str, code: int = 2) -> None:
    typer.echo(PREFIX + one_line(message, 290), err=True)
    raise typer.Exit(code)


def _from_interrupt(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised while handling, a Ctrl-C (numba and numpy turn a
    KeyboardInterrupt during compilation or import into errors of their own)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def user_errors(fn: F) -> F:
    """Turn every failure a user can act on (``core/failures.py``) into a one-line message
    and exit code 2, and Ctrl-C (however it surfaces) into ``interrupted`` and exit 130."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _ctrl_c_raises()
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except Exception as exc:
            if _from_interrupt(exc):
                typer.echo("interrupted", err=True)
                raise typer.Exit(INTERRUPTED) from None
            if not handled(exc) or isinstance(exc, BrokenPipeError):
                raise
            fail(error_line(exc))

    return wrapper  # type: ignore[return-value]


def _ctrl_c_raises() -> None:
    """From here on Ctrl-C raises ``KeyboardInterrupt`` (the ``periodize`` shim exits at once
    until a command starts; a command cleans up first)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() \
            and getattr(signal.getsignal(signal.SIGINT), "start_up", False):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _print_version(value: bool) -> None:
    if value:
        from periodization import __version__

        typer.echo(f"periodize {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """Adaptive training periodization: simulate athletes, train and evaluate coaching
    policies, and recommend today's session from a wearable export."""


SeedOpt = Annotated[int, typer.Option(help="Random seed: the same seed gives the same numbers.")]
CohortOpt = Annotated[
    Path | None, typer.Option(help="Cohort directory (default: the cached default cohort).")]
PriorOpt = Annotated[
    Path | None,
    typer.Option(help="Population prior YAML (default: the packaged prior.yaml)."),
]


def check_seed(seed: int | None) -> None:
    if seed is not None and not 0 <= seed <= SEED_MAX:
        raise UserError(f"--seed must be between 0 and {SEED_MAX}, got {seed}")


def check_reward(version: str) -> None:
    from periodization.env.reward import VERSIONS

    if version not in VERSIONS:
        raise UserError(f"--reward must be one of {', '.join(VERSIONS)}, got {version!r}")


def stderr_line(line: str) -> None:
    typer.echo(line, err=True)


def main() -> None:
    """``periodize`` (through ``_periodize``, which covers start-up) and ``python -m
    periodization``. Inside a command, Ctrl-C is ``user_errors``' one line and exit 130."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - only between parsing and the command
        typer.echo("interrupted", err=True)
        sys.exit(INTERRUPTED)
