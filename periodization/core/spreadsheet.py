"""CSV that a spreadsheet opens as data: text cells cannot become formulas.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)`` exfiltrates, ``=cmd|…``
runs commands on old Excel). Policy and group names come from run directories anyone can
write, so every *text* cell starting with one of those characters gets a leading ``'``
(OWASP's advice), which spreadsheets show but do not evaluate. Numeric columns are left
alone: ``-1.5`` stays a number.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def formula_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells (and column names) cannot be formulas."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out
