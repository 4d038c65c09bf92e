"""What knowing the athlete would buy: a run trained and evaluated with some of the
athlete's *true* parameters appended to its observation, on each evaluation population.

An upper bound for any feature that estimates those parameters (personal calibration,
history features): the agent is told them exactly, which nothing in a real export
allows, so such a run is never a model to serve and is written only under ``--out``. The
library is untouched: this script patches, in its own process, the world's observation
(``env.world.World``: each extra column ln(value / the packaged prior's typical value),
or a relative difference for the two parameters that may be zero or negative, clipped to
±5) and the scaler's width, then trains the config as ``periodize train`` would and
plays the greedy actor on the validation athletes of each population against the
oracle (``policy_compare.py``'s athletes, tables and cache).

Usage: python benchmarks/privileged_bound.py --keys optimal_load,tau_fatigue_days
       [--config sac-fast] [--seed 0] [--out runs/privileged/NAME] [--athletes 300]
       [--eval-seed 5000000000] [--populations default masters well_trained heterogeneous]
       (--keys all: every athlete parameter)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from _common import emit
from policy_compare import bootstrap_rows, markdown, prior_tag, reference_tables, summarise

from periodization.agents.artifacts import ACTOR, load_actor, trained_with_mask
from periodization.cohort.cache import prepared_cohort
from periodization.env.world import World
from periodization.features.scaler import FEATURES_VERSION as N_VERSION
from periodization.features.scaler import FeatureScaler
from periodization.policies.learned import ActorPolicy
from periodization.policies.rollout import run_episodes
from periodization.sim.params import ATHLETE_KEYS, POSITIVE_KEYS
from periodization.sim.prior import load_prior
from periodization.training.config import load_config
from periodization.training.launch import run_training

POPULATIONS = Path(__file__).resolve().parents[1] / "periodization" / "sim" / "populations"


def extra_columns(keys: tuple[str, ...], typical: dict[str, float]):
    """A function (params, obs (N, F)) → (N, F + len(keys)) float32."""
    def extend(params, obs: np.ndarray) -> np.ndarray:
        cols = []
        for k in keys:
            v = np.asarray(getattr(params, k), dtype=np.float64)
            cols.append(np.log(np.maximum(v, 1e-12) / typical[k]) if k in POSITIVE_KEYS
                        else (v - typical[k]) / max(abs(typical[k]), 1e-3))
        extra = np.clip(np.stack(cols, axis=1), -5.0, 5.0).astype(np.float32)
        return np.concatenate([obs, extra], axis=1)
    return extend


def patch(keys: tuple[str, ...]) -> None:
    """Widen every world's observation and every scaler's width, in this process only."""
    t = load_prior().typical(1)
    extend = extra_columns(keys, {k: float(getattr(t, k)[0]) for k in ATHLETE_KEYS})
    start, step = World.start, World.step

    def patched_start(self, start_, rows=None):
        start(self, start_, rows)
        self.obs = extend(self.params, self.obs)

    def patched_step(self, actions):
        result = step(self, actions)
        self.obs = extend(self.params, self.obs)
        object.__setattr__(result, "obs", self.obs)
        return result

    World.start, World.step = patched_start, patched_step
    FeatureScaler.n_features = property(lambda self: len(self.mean) + len(keys))


def references(populations: list[str], athletes: int, seed: int) -> dict:
    """Per population: (prior, the oracle's and whoop's episode tables, their seconds).
    Made before ``patch``: the heuristics read the observation, which the patch widens
    (the oracle reads only the true world)."""
    prepared = prepared_cohort()
    out = {}
    for pop in populations:
        path = None if pop == "default" else POPULATIONS / f"{pop}.yaml"
        prior = load_prior(path)
        common = dict(episodes=athletes, seed=seed, prior=prior, cohort=prepared)
        # the references of policy_compare --no-heuristics, from the same cache
        tables, seconds = reference_tables(("oracle", "whoop"), prepared=prepared,
                                           tag=prior_tag(path), common=common)
        out[pop] = (prior, tables, seconds)
    return out


def evaluate(run: Path, refs: dict, athletes: int, seed: int) -> list[dict]:
    """The run's greedy actor on each population's athletes, beside its references."""
    prepared = prepared_cohort()
    actor = ActorPolicy(load_actor(run / ACTOR), name=str(run),
                        uses_mask=trained_with_mask(run))
    out = []
    for pop, (prior, ref_tables, ref_seconds) in refs.items():
        tables, seconds = dict(ref_tables), dict(ref_seconds)
        t0 = time.perf_counter()
        tables["run"] = run_episodes(actor, episodes=athletes, seed=seed, prior=prior,
                                     cohort=prepared)
        seconds["run"] = time.perf_counter() - t0
        oracle = tables["oracle"]["outcome_pct"].to_numpy()
        idx = bootstrap_rows(athletes, seed=0)
        rows = [summarise(n if n != "run" else str(run), tables[n], oracle, idx, seconds[n])
                for n in ("run", "oracle", "whoop")]
        out.append({"population": pop, "policies": rows})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keys", required=True, help="comma-separated athlete parameters, or all")
    ap.add_argument("--config", default="sac-fast")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="run directory (default runs/privileged/…)")
    ap.add_argument("--athletes", type=int, default=300)
    ap.add_argument("--eval-seed", type=int, default=5_000_000_000)
    ap.add_argument("--populations", nargs="+",
                    default=["default", "masters", "well_trained", "heterogeneous"])
    args = ap.parse_args()
    keys = ATHLETE_KEYS if args.keys == "all" else tuple(args.keys.split(","))
    unknown = sorted(set(keys) - set(ATHLETE_KEYS))
    if unknown:
        raise SystemExit(f"unknown athlete parameter(s): {', '.join(unknown)}")
    name = "all" if args.keys == "all" else "+".join(keys)
    out = Path(args.out or f"runs/privileged/{name}/seed{args.seed}")
    config = load_config(args.config)
    if config.env.features_version != N_VERSION:  # evaluation normalises with all 32
        raise SystemExit(f"--config must observe features version {N_VERSION} "
                         f"(got {config.env.features_version})")
    marker = out / "privileged_keys.json"
    if (out / ACTOR).is_file() and (not marker.is_file()
                                    or json.loads(marker.read_text()) != list(keys)):
        raise SystemExit(f"{out} holds a run trained without these --keys; give another --out")
    refs = references(args.populations, args.athletes, args.eval_seed)
    patch(keys)
    if not (out / ACTOR).is_file():
        run_training(out=out, config=config, seed=args.seed, quiet=True)
        marker.write_text(json.dumps(list(keys)))
    results = evaluate(out, refs, args.athletes, args.eval_seed)
    emit("privileged_bound", {"keys": list(keys), "config": args.config, "seed": args.seed,
                              "athletes": args.athletes, "eval_seed": args.eval_seed,
                              "results": results})
    for r in results:
        print(f"\n{r['population']}\n{markdown(r['policies'])}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
