"""The review's planted one-line bugs: plant each, run the tests that should catch it, revert.

Each bug is one textual replacement in one file; the script checks that the replacement
applies (the code still reads as the review saw it), runs the listed tests with the bug in
place, restores the file whatever happens, and prints one JSON object: which tests failed
for each bug. Every bug must be caught (``docs/testing.md``).

    python tests/mutation/planted_bugs.py [--only N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "periodization"

# (what, file, original text, planted text, tests that must fail)
BUGS = [
    ("trainer stores the reset observation, not the final one", "training/trainer.py",
     'store_obs[done] = np.stack(info["final_obs"][done])',
     "store_obs[done] = next_obs[done]",
     ["tests/training/test_trainer_transitions.py"]),
    ("trainer stores the reset mask, not the final one", "training/trainer.py",
     'store_mask = np.where(done[:, None], info["final_info"]["action_mask"],',
     "store_mask = np.where(done[:, None], next_mask,",
     ["tests/training/test_trainer_transitions.py"]),
    ("vector env reports a wrong final mask", "env/vector_env.py",
     "final_info = _batched({**self._morning(), **day}, ended)",
     'final_info = _batched({**self._morning(), **day, "action_mask": np.ones_like(w.mask)},'
     " ended)",
     ["tests/env/test_vector_env.py"]),
    ("hard target copy instead of Polyak averaging", "agents/sac.py",
     "target.lerp_(online, self.config.tau)", "target.copy_(online)",
     ["tests/agents/test_losses.py"]),
    ("PPO trained with tanh, exported as ReLU", "training/ppo.py",
     '"activation_fn": torch.nn.ReLU}', '"activation_fn": torch.nn.Tanh}',
     ["tests/training/test_ppo.py"]),
    ("consecutive-hard rule: > becomes >=", "env/kernels.py",
     'consecutive_hard > safety["max_consecutive_hard"]',
     'consecutive_hard >= safety["max_consecutive_hard"]',
     ["tests/env/test_safety_rules.py"]),
    ("HRV-crash rule no longer blocks TEMPO", "env/constraints.py",
     "_ALLOWED[1, [Action.TEMPO, Action.HIIT]] = False", "_ALLOWED[1, [Action.HIIT]] = False",
     ["tests/env/test_safety_rules.py"]),
    ("a feature scaled by 0.1", "features/kernels.py",
     "raw[i, 8], raw[i, 9], raw[i, 10] = hrv_z7, hrv_trend, rec_trend",
     "raw[i, 8], raw[i, 9], raw[i, 10] = 0.1 * hrv_z7, hrv_trend, rec_trend",
     ["tests/features/test_feature_definitions.py"]),
    ("projection horizons swapped", "env/world.py",
     "performance_days=self.reward.long_days,", "performance_days=self.reward.medium_days,",
     ["tests/env/test_projection_terms.py"]),
    ("the oracle's planned days ignore the safety rules", "policies/plan_kernels.py",
     "        if not EK.allowed(fired, a, safety):", "        if False:",
     ["tests/policies/test_planner.py"]),
    ("intensity fitness no longer saturates at the athlete's capacity", "sim/kernels.py",
     "room = max(1.0 - x.intensity / p.intensity_points, 0.0)", "room = 1.0",
     ["tests/sim/test_behaviour.py"]),
    # Brought by the athlete-based evaluation and the constrained agent.
    ("the Lagrange multiplier moves the wrong way (falls while costs exceed the budget)",
     "agents/lagrangian.py",
     "step = np.asarray(cost_C, dtype=np.float64) - np.asarray(budget_C, dtype=np.float64)",
     "step = np.asarray(budget_C, dtype=np.float64) - np.asarray(cost_C, dtype=np.float64)",
     ["tests/agents/test_lagrangian.py"]),
    ("bad days pay the agent instead of costing it", "agents/lagrangian.py",
     "return (reward_B - penalty_B).astype(np.asarray(reward_B).dtype)",
     "return (reward_B + penalty_B).astype(np.asarray(reward_B).dtype)",
     ["tests/agents/test_lagrangian.py"]),
    ("the bootstrap resamples blocks, not athletes", "evaluation/stats.py",
     "codes, uniques = pd.factorize(np.asarray(clusters), sort=False)",
     "codes, uniques = pd.factorize(np.arange(len(clusters)), sort=False)",
     ["tests/evaluation/test_stats.py"]),
    ("the Wilcoxon test runs on blocks, not athlete means", "evaluation/stats.py",
     """d = athlete_means(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64),
                      clusters)""",
     """d = athlete_means(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64),
                      None)""",
     ["tests/evaluation/test_stats.py"]),
]


def run(tests: list[str]) -> tuple[bool, str]:
    """(all passed, the summary line) of pytest on ``tests``."""
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          *tests], cwd=ROOT, capture_output=True, text=True)
    lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
    return out.returncode == 0, lines[-1] if lines else out.stderr[-200:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", type=int, help="plant only bug N (1-based)")
    args = ap.parse_args()
    results = []
    for n, (what, rel, original, planted, tests) in enumerate(BUGS, 1):
        if args.only and n != args.only:
            continue
        path = PKG / rel
        text = path.read_text()
        if text.count(original) != 1:
            results.append({"bug": n, "what": what, "error": f"{rel}: text not found once"})
            continue
        try:
            path.write_text(text.replace(original, planted))
            passed, summary = run(tests)
        finally:
            path.write_text(text)
        results.append({"bug": n, "what": what, "file": rel, "tests": tests,
                        "caught": not passed, "summary": summary})
    print(json.dumps({"caught": sum(r.get("caught", False) for r in results),
                      "planted": len(results), "bugs": results}, indent=2))


if __name__ == "__main__":
    main()
