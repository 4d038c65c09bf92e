"""Errors a user can act on.

Anything raised as a ``UserError`` is reported by the CLI as one line (``error: ...``) with
exit code 2 and no traceback. Messages name the file, key or argument at fault.
"""

from __future__ import annotations


class UserError(ValueError):
    """Bad input from the user: a file, an argument, a configuration."""


class PriorError(UserError):
    """An invalid population prior (missing key, wrong type, impossible value)."""


class DataError(UserError):
    """A data file that cannot be used (malformed, missing columns, too little history)."""
