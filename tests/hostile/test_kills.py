"""``kill -9`` at every write step of ``data synth --force``, ``compare --force`` and
``train --force`` (``PERIODIZATION_KILL_AT=n`` makes the n-th step SIGKILL the process):
the output is then the old complete one or the new one, never a mix, and the next run
cleans up what the killed one left."""

from __future__ import annotations

import json
import shutil
import signal

import pytest

from periodization.training.config import dump_config
from tests.hostile.helpers import cli, tree_digest
from tests.training.conftest import tiny_config

KILL = "PERIODIZATION_KILL_AT"


def killed(*args, n: int):
    r = cli(*args, env={KILL: str(n)}, timeout=300)
    return r.returncode == -signal.SIGKILL, r


def leftovers(out):
    """Staging or temporary files a writer left next to or inside ``out``."""
    near = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    inside = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")] if out.exists() else []
    return near + inside


def test_data_synth_killed_at_every_step(tmp_path):
    args = ("--athletes", "8", "--days", "40", "--force")
    old, new = tmp_path / "old", tmp_path / "new"
    assert cli("data", "synth", "--out", old, "--seed", "1", *args).returncode == 0
    assert cli("data", "synth", "--out", new, "--seed", "2", *args).returncode == 0
    before, after = tree_digest(old), tree_digest(new)
    seen = set()
    for n in range(1, 20):
        out = tmp_path / f"out{n}"
        shutil.copytree(old, out)
        was_killed, r = killed("data", "synth", "--out", out, "--seed", "2", *args, n=n)
        state = tree_digest(out)
        assert state in (before, after), f"kill at step {n} left a mixed cohort"
        seen.add("old" if state == before else "new")
        if not was_killed:
            assert r.returncode == 0 and state == after
            break
        assert leftovers(out)  # the killed writer's stage
        if n in (1, 7):  # before and after the swap: the next run removes what was left
            assert cli("data", "synth", "--out", out, "--seed", "2", *args).returncode == 0
            assert tree_digest(out) == after and not leftovers(out), leftovers(out)
    assert n >= 7 and seen == {"old", "new"}  # the steps before and after the swap


@pytest.mark.slow
def test_compare_killed_at_every_step(tmp_path, cohort_dir):
    def compare(out, seed, **kw):
        return cli("compare", "--baselines", "rest,whoop", "--episodes", "2", "--seed", seed,
                   "--cohort", cohort_dir, "--out", out, "--force", **kw)

    old, new = tmp_path / "old", tmp_path / "new"
    assert compare(old, 1).returncode == 0 and compare(new, 2).returncode == 0

    def digest(out):  # the report minus its time stamp
        d = tree_digest(out)
        for name in ("index.html", "summary.json"):
            d[name] = b"".join(line for line in d.get(name, b"").splitlines(keepends=True)
                               if b"generated_utc" not in line and b"Generated " not in line
                               and b"--out" not in line and b"\"command\"" not in line)
        return d

    before, after = digest(old), digest(new)
    seen = set()
    for n in range(1, 20):
        out = tmp_path / f"out{n}"
        shutil.copytree(old, out)
        r = cli("compare", "--baselines", "rest,whoop", "--episodes", "2", "--seed", "2",
                "--cohort", cohort_dir, "--out", out, "--force", env={KILL: str(n)})
        state = digest(out)
        assert state in (before, after), f"kill at step {n} left a mixed report"
        seen.add("old" if state == before else "new")
        if r.returncode == 0:
            break
        assert r.returncode == -signal.SIGKILL
    assert n >= 5 and seen == {"old", "new"}
    assert compare(out, 2).returncode == 0 and not leftovers(out)


@pytest.mark.slow
def test_train_force_killed_at_write_steps(tmp_path, cohort_dir):
    """Old run A, new run B over it: killed at step n, the directory holds A untouched or
    B's start, and B completes (--resume, or --force when no checkpoint was reached) to
    exactly the actor an uninterrupted B trains."""
    config = tmp_path / "tiny.yaml"
    config.write_text(dump_config(tiny_config(cohort_dir)))

    def train(out, seed, *extra, n=None):
        return cli("train", "--config", config, "--out", out, "--seed", seed, "--quiet",
                   *extra, env={KILL: str(n)} if n else None, timeout=300)

    old, ref = tmp_path / "old", tmp_path / "ref"
    assert train(old, 0).returncode == 0 and train(ref, 1).returncode == 0
    before, target = tree_digest(old), (ref / "actor.npz").read_bytes()
    seen = set()
    for n in (2, 6, 8, 9, 14, 31):  # in the commit, around the swap, in training, at the end
        out = tmp_path / f"out{n}"
        shutil.copytree(old, out)
        r = train(out, 1, "--force", n=n)
        if r.returncode == 0:
            seen.add("new")
            assert (out / "actor.npz").read_bytes() == target
            continue
        assert r.returncode == -signal.SIGKILL, r.stderr
        if tree_digest(out) == before:
            seen.add("old")
            continue
        seen.add("new")
        info = json.loads((out / "run.json").read_text())
        assert info["seed"] == 1 and info["finished"] is False, info  # B's start, not A's
        resumed = train(out, 1, "--resume")
        if resumed.returncode != 0:  # killed before B's first checkpoint
            assert "start it again with --force" in resumed.stderr, resumed.stderr
            assert train(out, 1, "--force").returncode == 0
        assert (out / "actor.npz").read_bytes() == target, f"step {n}"
        assert not leftovers(out), leftovers(out)
    assert seen == {"old", "new"}
