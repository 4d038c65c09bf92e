"""Run directories, model files and cohort directories from anyone: generated damage
(Hypothesis) and hostile ``.npz`` files, whose refusal must not cost memory first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from periodization.agents.artifacts import load_actor, load_run
from periodization.cohort.synth import load_cohort
from periodization.core.errors import UserError
from tests.hostile.helpers import assert_one_line
from tests.hostile.npz_bombs import declared_array_npz, deflate_bomb_npz

MEASURE = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from periodization.agents.artifacts import load_actor
    from periodization.core.errors import UserError
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # no 8 GiB array fits
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # after the imports
    try:
        load_actor(Path(sys.argv[1]))
        print("loaded")
    except UserError as exc:
        print("refused", exc)
    print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
""")

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
RUN_KEYS = ("algo", "seed", "group", "features_version", "finished", "episodes", "best",
            "wall_s", "env_steps")
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("shape, payload, fragment", [
    (None, None, "declares shape (1073741824,)"),  # 8 MB that inflates to 8 GiB (the audit's)
    ((1 << 30,), 8 << 20, "declares shape"),                      # 8 GiB, one dimension
    ((65536, 16384), 8 << 20, "declares shape"),                  # 8 GiB, two dimensions
    ((4096, 4096), 8 << 20, "truncated"),                         # 128 MiB in an 8 MB file
])
def test_a_hostile_actor_is_refused_within_100_mb(tmp_path, shape, payload, fragment):
    if shape is None:
        path = deflate_bomb_npz(tmp_path / "actor.npz")
        assert path.stat().st_size < 9 << 20
    else:
        path = declared_array_npz(tmp_path / "actor.npz", name="weight_0", shape=shape,
                                  payload=payload, extra={"bias_0": np.zeros(4)})
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                         text=True, timeout=60)
    status, sizes = out.stdout.strip().splitlines()
    assert status.startswith("refused") and fragment in status, out.stdout + out.stderr
    before, peak = map(int, sizes.split())
    # The peak the refusal adds to the process (the imports' ~200 MB are numba and torch-
    # free numpy, paid by every command before any file is read).
    assert peak - before <= 100 * 2**20, f"refusing took {(peak - before) / 2**20:.0f} MiB"


def test_too_many_declared_bytes_are_refused_before_loading(tmp_path):
    path = declared_array_npz(tmp_path / "big.npz", name="weight_0", shape=(4096, 4096),
                              payload=4096 * 4096 * 8, extra={"bias_0": np.zeros(4096),
                                                             "weight_1": np.zeros((6, 4096))})
    with pytest.raises(UserError, match="more than 128 MB"):
        load_actor(path)


@pytest.mark.parametrize("member, fragment", [
    ("object", "dtype |O"), ("nested/x.npy", "unexpected member"), ("notes.txt", "unexpected")])
def test_object_arrays_and_odd_members_are_refused(tmp_path, member, fragment):
    import zipfile

    path = tmp_path / "actor.npz"
    if member == "object":
        np.savez(path, weight_0=np.array([{"a": 1}], dtype=object))
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(member, b"\x93NUMPY")
    with pytest.raises(UserError, match=fragment.replace("|", r"\|")):
        load_actor(path)


def test_a_replay_file_declaring_more_rows_than_the_buffer_is_refused(tmp_path):
    from periodization.training.checkpoint import load_replay

    path = declared_array_npz(tmp_path / "replay-90.npz", name="obs", shape=(10**9, 17),
                              payload=1024, dtype="<f4", extra={"tag": np.int64(90)})
    with pytest.raises(UserError, match="declares shape"):
        load_replay(path, tag=90, max_rows=10_000)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(RUN_KEYS), JSON_VALUES, max_size=4))
def test_any_run_json_is_read_or_refused_in_one_line(tiny_run, tmp_path_factory, changes):
    run = tmp_path_factory.mktemp("fuzz") / "run"
    shutil.copytree(tiny_run, run)
    info = json.loads((run / "run.json").read_text())
    info.update(changes)
    (run / "run.json").write_text(json.dumps(info))
    try:
        model = load_run(run)
    except UserError as exc:
        assert_one_line(exc)
        return
    assert np.isfinite(model.scaler.mean).all()


@FUZZ
@given(data=st.data())
def test_any_damaged_npz_bytes_are_read_or_refused(tiny_run, tmp_path_factory, data):
    raw = bytearray((tiny_run / "actor.npz").read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    path = tmp_path_factory.mktemp("npz") / "actor.npz"
    path.write_bytes(bytes(raw))
    try:
        actor = load_actor(path)
    except UserError as exc:
        assert_one_line(exc)
        return
    obs = np.zeros((1, actor.obs_dim))
    assert np.isfinite(actor.probabilities(obs, np.ones((1, actor.n_actions), bool))).all()


META_KEYS = ("cohort_version", "seed", "athletes", "days", "burn_in_days", "first_sim_day",
             "start_date", "prior", "prior_path")


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(META_KEYS), JSON_VALUES, max_size=3),
       drop=st.lists(st.sampled_from(META_KEYS), max_size=2))
def test_any_cohort_meta_is_read_or_refused(cohort_dir, tmp_path_factory, changes, drop):
    folder = tmp_path_factory.mktemp("meta") / "cohort"
    folder.mkdir()
    for name in ("observations.parquet", "hidden_state.parquet", "true_params.parquet"):
        (folder / name).symlink_to(cohort_dir / name)
    meta = json.loads((cohort_dir / "meta.json").read_text())
    meta.update(changes)
    for key in drop:
        meta.pop(key, None)
    (folder / "meta.json").write_text(json.dumps(meta))
    try:
        cohort = load_cohort(folder)
    except UserError as exc:
        assert_one_line(exc)
        return
    assert isinstance(cohort.meta["athletes"], int) and cohort.meta["athletes"] >= 1


def _replace_with_dir(path):
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    path.mkdir()


RUN_DAMAGE = {
    "actor.npz is a directory": (lambda d: _replace_with_dir(d / "actor.npz"), "evaluate"),
    "scaler.json is a directory": (lambda d: _replace_with_dir(d / "scaler.json"), "evaluate"),
    "run.json nests 10^5 deep": (lambda d: (d / "run.json").write_text(
        "[" * 100_000 + "]" * 100_000), "evaluate"),
    "config.yaml is cut short": (lambda d: (d / "config.yaml").write_text("env: [\n"), "resume"),
    "last.pt is garbage": (lambda d: (d / "checkpoints" / "last.pt").write_bytes(b"x" * 99),
                           "resume"),
    "replay file is not a zip": (lambda d: [p.write_bytes(b"PK\x03\x04junk") for p in
                                            (d / "checkpoints").glob("replay-*.npz")], "resume"),
    "tb is a file": (lambda d: (shutil.rmtree(d / "tb"), (d / "tb").write_text("x")), "resume"),
}


@pytest.mark.parametrize("label", list(RUN_DAMAGE))
def test_damaged_run_directories_are_one_line(run_copy, cohort_dir, label):
    from tests.hostile.helpers import assert_refused, invoke

    damage, command = RUN_DAMAGE[label]
    damage(run_copy)
    args = (["evaluate", "--policy", run_copy, "--episodes", "1", "--cohort", cohort_dir]
            if command == "evaluate" else
            ["train", "--out", run_copy, "--resume", "--episodes", "6"])
    line = assert_refused(invoke(*args))
    assert line.count(str(run_copy)) == 1, line  # named once, not wrapped twice
