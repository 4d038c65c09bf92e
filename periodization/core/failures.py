"""What the command line prints when a command cannot go on: one line, never a traceback.

``error_line`` turns the failures a user can act on into the text after ``error: ``:

* ``UserError`` (bad input: a file, an argument, a config): its message;
* ``OSError`` (disk full, permission denied, a file too large for the process's limit, a
  read-only file system): what failed and the path, e.g.
  ``cannot write /data/runs/x/metrics.csv: No space left on device``;
* ``MemoryError``: that the input needs more memory than there is;
* a pydantic ``ValidationError`` that reached the top (a schema checked deep inside): the
  key and the problem.

Every line is printable (control characters from a file cannot move the cursor or clear
the terminal) and shorter than ``MAX_LINE`` characters with the ``error: `` prefix.
Anything else is a bug and is left to raise.
"""

from __future__ import annotations

import errno

from periodization.core.errors import UserError
from periodization.core.validation import describe, one_line

MAX_LINE = 300
PREFIX = "error: "

_HANDLED: tuple[type[BaseException], ...] = (UserError, OSError, MemoryError)


def handled(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure ``error_line`` reports (else it is a bug)."""
    from pydantic import ValidationError

    return isinstance(exc, (*_HANDLED, ValidationError))


def error_line(exc: BaseException) -> str:
    """The one line (without ``error: ``) that reports ``exc``."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        text = describe(exc)
    elif isinstance(exc, UserError):
        text = str(exc) or type(exc).__name__
    elif isinstance(exc, OSError):
        text = os_error_text(exc)
    elif isinstance(exc, MemoryError):
        text = "not enough memory for this input (MemoryError): use a smaller input"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return one_line(text, MAX_LINE - len(PREFIX) - 1)


def os_error_text(exc: OSError) -> str:
    """``cannot write PATH: No space left on device`` and the like."""
    from periodization.core.io import os_reason

    reason = os_reason(exc)
    path = exc.filename
    if path is None:
        return f"{reason}"
    verb = "write" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS) \
        else "use"
    target = f"{path} → {exc.filename2}" if exc.filename2 else f"{path}"
    return f"cannot {verb} {target}: {reason}"
