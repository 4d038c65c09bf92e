"""The default cohort: generated once per machine and cached, so every command and test
that needs "the" cohort gets the same one without regenerating it.

Location: ``$PERIODIZATION_CACHE`` or ``~/.cache/periodization``.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from periodization.cohort.dataset import PreparedCohort, prepare_cohort
from periodization.cohort.synth import COHORT_VERSION, load_cohort, save_cohort, synthesize
from periodization.core.errors import UserError
from periodization.ingest.schema import META_FILE
from periodization.sim.prior import load_prior

DEFAULT_ATHLETES, DEFAULT_DAYS, DEFAULT_SEED = 200, 180, 0


def cache_dir() -> Path:
    return Path(os.environ.get("PERIODIZATION_CACHE", Path.home() / ".cache" / "periodization"))


def default_cohort_path() -> Path:
    """Keyed by cohort version and the packaged prior, so a change regenerates it."""
    prior_text = load_prior().source + str(load_prior().athlete) + str(load_prior().population)
    digest = hashlib.sha256(prior_text.encode()).hexdigest()[:10]
    name = f"cohort-{DEFAULT_ATHLETES}x{DEFAULT_DAYS}-seed{DEFAULT_SEED}-v{COHORT_VERSION}-{digest}"
    return cache_dir() / name


def ensure_default_cohort() -> Path:
    path = default_cohort_path()
    if not (path / META_FILE).is_file():
        cohort = synthesize(athletes=DEFAULT_ATHLETES, days=DEFAULT_DAYS, seed=DEFAULT_SEED)
        try:
            save_cohort(cohort, path, force=True)
        except UserError:
            if not (path / META_FILE).is_file():  # another process may have just written it
                raise
    return path


@functools.lru_cache(maxsize=4)
def _prepared(path: str) -> PreparedCohort:
    return prepare_cohort(load_cohort(path))


def prepared_cohort(cohort: str | Path | PreparedCohort | None = None) -> PreparedCohort:
    """A prepared cohort from a directory, an already prepared one, or the default."""
    if isinstance(cohort, PreparedCohort):
        return cohort
    path = ensure_default_cohort() if cohort is None else Path(cohort)
    return _prepared(str(path.resolve()))
