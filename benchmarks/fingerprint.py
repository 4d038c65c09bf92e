"""A behaviour fingerprint of the whole pipeline, through the command line only.

Prints one JSON object with the exact numbers a fixed seed gives: a synthetic cohort's
summary, every baseline and the packaged model on the same test episodes (also from fresh
prior athletes), a short training run evaluated as a policy, and a recommendation for a
sample export. The command line is the stable surface, so the fingerprint taken before a
refactor can be compared with the one taken after (``--compare BEFORE.json``): equal
fingerprints mean the same seeds give the same numbers.

    python benchmarks/fingerprint.py --out /tmp/before.json
    python benchmarks/fingerprint.py --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIODIZE = [sys.executable, "-c", "from periodization.cli import app; app()"]
SAMPLE = ROOT / "tests" / "ingest" / "importers" / "good" / "whoop"


def cli(*args: str) -> dict:
    out = subprocess.run([*PERIODIZE, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def rounded(x: object) -> object:
    """Floats to 10 significant digits: the same computation agrees far below that."""
    if isinstance(x, float):
        return float(f"{x:.10g}")
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [rounded(v) for v in x]
    return x


def fingerprint(work: Path, *, sample: Path) -> dict:
    policies = ["random", "rest", "rule", "whoop", "hrv", "fixed", "cloning", "oracle"]
    flags = [f"--policy={p}" for p in policies]
    result: dict = {}
    result["cohort"] = cli("data", "synth", "--athletes", "40", "--days", "120", "--seed", "3",
                           "--out", str(work / "cohort"), "--json")
    result["cohort"].pop("out", None)
    result["evaluate_test"] = cli("evaluate", *flags, "--episodes", "40", "--seed", "1",
                                  "--json")
    result["evaluate_prior"] = cli("evaluate", "--policy=hrv", "--policy=oracle",
                                   "--episodes", "20", "--seed", "2", "--split", "val",
                                   "--prior", str(ROOT / "periodization" / _prior_path()),
                                   "--json")
    train = cli("train", "--out", str(work / "run"), "--episodes", "40", "--seed", "5",
                "--quiet", "--json")
    result["train"] = {k: train[k] for k in ("episodes", "env_steps", "updates", "best")}
    result["evaluate_run"] = cli("evaluate", f"--policy={work / 'run'}", "--episodes", "30",
                                 "--json")
    result["evaluate_run"] = {"run": next(iter(result["evaluate_run"].values()))}
    rec = cli("recommend", "--data", str(sample), "--json")
    result["recommend"] = rec
    return rounded(result)


def _prior_path() -> str:
    for rel in ("sim/prior.yaml", "athlete/prior.yaml"):
        if (ROOT / "periodization" / rel).is_file():
            return rel
    raise SystemExit("no packaged prior.yaml found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the fingerprint here")
    parser.add_argument("--compare", type=Path, help="compare with an earlier fingerprint")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="export to recommend for")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fp = fingerprint(Path(tmp), sample=args.sample)
    text = json.dumps(fp, indent=1, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    if args.out:
        args.out.write_text(text)
    report: dict = {"sha256_16": digest}
    if args.compare:
        before = json.loads(args.compare.read_text())
        diffs = [k for k in sorted(set(before) | set(fp)) if before.get(k) != fp.get(k)]
        report["equal"] = not diffs
        report["differing_sections"] = diffs
    print(json.dumps(report))


if __name__ == "__main__":
    main()
