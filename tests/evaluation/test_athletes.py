"""Evaluation athletes: fresh, disjoint between seeds and from training, deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from periodization.core.errors import UserError
from periodization.env.starts import BlockStarts, PriorStarts
from periodization.evaluation.athletes import (
    COHORT,
    PRIOR,
    plan_episodes,
    stream_seeds,
    validation_seeds,
)
from periodization.evaluation.evaluate import evaluate_policies
from periodization.sim.prior import load_prior


def training_words(episode_seed: int, rounds: int, rows: int) -> set[int]:
    """What training seeds its episodes with (``SACTrainer.round_seeds``: 32-bit words)."""
    return {int(w) for r in range(rounds)
            for w in np.random.SeedSequence([episode_seed, r]).generate_state(rows)}


def test_seed_streams_never_meet():
    streams = {f"eval {s}": set(stream_seeds(s, 300)) for s in (0, 1, 2)}
    streams.update({f"eval {s} blocks": set(stream_seeds(s, 100, blocks=3)) for s in (0, 1)})
    streams["validation"] = set(validation_seeds(300))
    streams["training"] = set().union(*(training_words(s, 20, 64) for s in (0, 1, 2)))
    names = list(streams)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not streams[a] & streams[b], (a, b)
    assert all(len(v) == 300 for k, v in streams.items() if k != "training")


def test_seeds_0_and_1_share_no_athlete_and_no_noise():
    drawn = {}
    for seed in (0, 1):
        plan = plan_episodes(seed=seed, athletes=40)
        starts = BlockStarts(PriorStarts(load_prior(), burn_in_days=7), plan.words, 1)
        drawn[seed] = starts.sample([np.random.default_rng(np.random.SeedSequence(s))
                                     for s in plan.seeds])
    a, b = drawn[0], drawn[1]
    assert not set(a.athlete_id) & set(b.athlete_id)
    assert not set(a.noise_key.tolist()) & set(b.noise_key.tolist())
    assert not set(a.params.optimal_load.tolist()) & set(b.params.optimal_load.tolist())
    assert len(set(a.athlete_id)) == 40


def test_the_same_seed_gives_the_same_numbers(prepared_small):
    def once(seed):
        return evaluate_policies(["rule"], plan=plan_episodes(seed=seed, athletes=4),
                                 cohort=prepared_small)
    first, again, other = once(3), once(3), once(4)
    pd.testing.assert_frame_equal(first, again)
    assert not set(first["athlete_id"]) & set(other["athlete_id"])
    assert (first["outcome_pct"] != other["outcome_pct"]).all()


def test_blocks_of_one_athlete_share_the_athlete_not_the_noise(prepared_small):
    plan = plan_episodes(seed=5, athletes=3, blocks=2)
    table = evaluate_policies(["whoop"], plan=plan, cohort=prepared_small)
    assert list(table["block"]) == [0, 1] * 3
    ids = table["athlete_id"].to_numpy()
    assert (ids[0::2] == ids[1::2]).all() and len(set(ids)) == 3
    outcome = table["outcome_pct"].to_numpy()
    assert (outcome[0::2] != outcome[1::2]).all()  # other noise, other block
    one = evaluate_policies(["whoop"], plan=plan_episodes(seed=5, athletes=3),
                            cohort=prepared_small)
    # athlete a is the same athlete whatever the number of blocks, and block 0 the same block
    assert list(one["athlete_id"]) == list(ids[0::2])
    assert np.array_equal(one["outcome_pct"].to_numpy(), outcome[0::2])


def test_plans_and_their_refusals():
    plan = plan_episodes(seed=0)
    assert plan.mode == PRIOR and plan.athletes == 1000 and plan.rows == 1000
    cohort = plan_episodes(seed=0, split="val")
    assert cohort.mode == COHORT and cohort.rows == 100 and cohort.split == "val"
    assert plan_episodes(seed=0, episodes=7).split == "test"
    for bad in ({"athletes": 0}, {"blocks": 0}, {"athletes": 3, "episodes": 3},
                {"athletes": 100_000, "blocks": 2}):
        with pytest.raises(UserError):
            plan_episodes(seed=0, **bad)
