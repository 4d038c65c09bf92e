"""Disk full, file-size limits and a second writer: one line naming the path, exit 2,
nothing half-written left behind, an old output untouched."""

from __future__ import annotations

import resource
import shutil
import signal
import subprocess
import uuid

import pytest
from filelock import FileLock

from periodization.training.config import dump_config
from tests.hostile.helpers import assert_refused, cli, tree_digest
from tests.training.conftest import tiny_config


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes then fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.fixture
def small_disk(tmp_path):
    """A 256 kB tmpfs (root only: skipped where mounting is not allowed)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def no_leftovers(folder):
    return not [p for p in folder.rglob("*") if ".stage-" in p.name or p.name.endswith(".tmp")]


def test_a_full_disk_during_data_synth(small_disk):
    out = small_disk / "cohort"
    r = cli("data", "synth", "--out", out, "--athletes", "100", "--days", "200")
    line = assert_refused(r, "No space left on device", str(small_disk))
    assert "nothing half-written" in line
    assert not any(out.iterdir()) and no_leftovers(small_disk)


def test_a_full_disk_leaves_an_old_cohort_whole(small_disk):
    out = small_disk / "cohort"
    assert cli("data", "synth", "--out", out, "--athletes", "2", "--days", "20").returncode == 0
    before = tree_digest(out)
    r = cli("data", "synth", "--out", out, "--athletes", "100", "--days", "200",
            "--force")
    assert_refused(r, "No space left on device")
    assert tree_digest(out) == before and no_leftovers(small_disk)


def test_a_file_size_limit_during_compare(tmp_path, cohort_dir):
    out = tmp_path / "report"
    r = cli("compare", "--baselines", "rest", "--episodes", "2", "--cohort", cohort_dir,
            "--out", out, preexec_fn=_limit_file_size(20_000))
    assert_refused(r, "File too large")
    assert not any(out.iterdir()) and no_leftovers(tmp_path)


def test_a_file_size_limit_during_training(tmp_path, cohort_dir):
    config = tmp_path / "tiny.yaml"
    config.write_text(dump_config(tiny_config(cohort_dir)))
    out = tmp_path / "run"
    r = cli("train", "--config", config, "--out", out, "--quiet",
            preexec_fn=_limit_file_size(40_000))
    assert_refused(r, "File too large", str(out))
    assert no_leftovers(out)
    # what was written is whole: the run resumes, or restarts, once there is room
    resumed = cli("train", "--config", config, "--out", out, "--quiet", "--resume")
    if resumed.returncode != 0:
        assert "start it again with --force" in resumed.stderr
        assert cli("train", "--config", config, "--out", out, "--quiet",
                   "--force").returncode == 0
    assert (out / "actor.npz").is_file()


def test_a_second_train_on_the_same_out_is_refused(tmp_path, tiny_run):
    out = tmp_path / "run"
    shutil.copytree(tiny_run, out)
    before = tree_digest(out)
    with FileLock(out / ".periodize.lock", timeout=0):  # as a running `train` holds it
        r = cli("train", "--out", out, "--resume", "--episodes", "6")
        assert_refused(r, "another periodize process is writing to", str(out))
        r = cli("train", "--out", out, "--force")
        assert_refused(r, "another periodize process is writing to")
    assert tree_digest(out) == before


def test_an_unwritable_output_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert_refused(cli("data", "synth", "--out", blocker / "c", "--athletes", "2"),
                   "cannot write to output directory")
