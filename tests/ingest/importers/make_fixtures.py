"""Writes the good-file fixtures under ``good/`` and what each must import as (``expected/``).

Run from the repository root: ``python tests/ingest/importers/make_fixtures.py``. The output
is committed; tests only read it. Each fixture is built from day-level "truth" drawn with a
fixed seed and written the way the real export writes it (headers, units, delimiters,
timestamps in UTC or local with offsets, naps, duplicate sources, a timezone trip). The
expected tables are computed here from that truth and the documented rules (load rates,
zone TRIMP, action rules), never by calling the importers. The writers live beside it:
``fixture_truth.py`` (what they share) and ``fixtures_*.py`` (one file per family of exports).
"""

from __future__ import annotations

from fixtures_apple import make_apple
from fixtures_tables import make_generic, make_intervals, make_trends
from fixtures_whoop_oura import make_oura, make_whoop

if __name__ == "__main__":
    make_whoop()
    make_oura()
    make_intervals()
    make_apple()
    make_generic()
    make_trends()
