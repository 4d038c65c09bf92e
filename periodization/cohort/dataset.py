"""A cohort made ready for learning: preprocessed, split by athlete, featurised, scaled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from periodization.cohort.synth import Cohort
from periodization.core.errors import DataError
from periodization.features.scaler import FeatureScaler
from periodization.features.table import TableFeatures, features_for_table
from periodization.ingest.preprocess import Preprocessed, preprocess, split_athletes

SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class PreparedCohort:
    cohort: Cohort
    pre: Preprocessed
    splits: dict[str, list[str]]
    features: TableFeatures  # rows aligned with ``pre.table``; states kept for env starts
    scaler: FeatureScaler  # fitted on the training athletes' rows only

    def split_rows(self, split: str) -> np.ndarray:
        """Bool mask over ``pre.table`` rows of the athletes of ``split``."""
        return self.pre.table["athlete_id"].isin(self.splits[split]).to_numpy()

    def athletes(self, split: str) -> list[str]:
        if split not in SPLITS:
            raise DataError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
        ids = self.splits[split]
        if not ids:
            raise DataError(f"split '{split}' of this cohort has no athletes")
        return ids


def prepare_cohort(cohort: Cohort, *, split_seed: int | None = None) -> PreparedCohort:
    """Preprocess, split (seeded by the cohort's own seed unless given) and featurise."""
    pre = preprocess(cohort.observations, source="cohort observations")
    seed = int(cohort.meta.get("seed", 0)) if split_seed is None else split_seed
    splits = split_athletes(pre.table["athlete_id"].unique(), seed)
    feats = features_for_table(pre.table, pop=cohort.population(), keep_states=True)
    train = pre.table["athlete_id"].isin(splits["train"]).to_numpy()
    if train.sum() < 2:
        raise DataError("too few training athletes to fit the feature scaler")
    scaler = FeatureScaler.fit(feats.raw[train])
    return PreparedCohort(cohort=cohort, pre=pre, splits=splits, features=feats, scaler=scaler)


def hidden_for(prepared: PreparedCohort) -> pd.DataFrame:
    """The cohort's hidden-state table restricted to kept athletes, in ``pre.table`` order."""
    keys = prepared.pre.table[["athlete_id", "date"]]
    return keys.merge(prepared.cohort.hidden, on=["athlete_id", "date"], how="left")
