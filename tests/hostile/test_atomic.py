"""The staged directory commit itself: the swap, its fallback where the file system has no
RENAME_EXCHANGE, what is carried over, and which leftovers count as stale."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from periodization.core import io
from periodization.core.errors import UserError


def write_output(out, text, *, force=True):
    with io.staged_directory(out, force=force, expected=("result.txt",)) as stage:
        (stage / "result.txt").write_text(text)


def test_the_swap_replaces_the_output_and_keeps_other_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.txt").write_text("old")
    (out / "mine.txt").write_text("keep me")
    (out / "sub").mkdir()
    (out / "sub" / "deep.txt").write_text("me too")
    write_output(out, "new")
    assert (out / "result.txt").read_text() == "new"
    assert (out / "mine.txt").read_text() == "keep me"
    assert (out / "sub" / "deep.txt").read_text() == "me too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no stage left


def test_without_rename_exchange_the_fallback_gives_the_same_result(tmp_path, monkeypatch):
    def unsupported(a, b):
        raise OSError(errno.EINVAL, "Invalid argument", str(b))

    monkeypatch.setattr(io, "_rename_exchange", unsupported)
    out = tmp_path / "out"
    write_output(out, "first")
    (out / "mine.txt").write_text("keep me")
    write_output(out, "second")
    assert (out / "result.txt").read_text() == "second"
    assert (out / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_inside_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    write_output(out, "old")
    with pytest.raises(RuntimeError), io.staged_directory(out, force=True) as stage:
        (stage / "result.txt").write_text("half")
        raise RuntimeError("boom")
    assert (out / "result.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_nothing_is_replaced_without_force(tmp_path):
    out = tmp_path / "out"
    write_output(out, "old")
    with pytest.raises(UserError, match="use --force"):
        write_output(out, "new", force=False)
    assert (out / "result.txt").read_text() == "old"


def test_stale_stages_of_dead_writers_go_and_live_ones_stay(tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    live = str(os.getppid())
    (tmp_path / f".out.stage-{dead}-abc").mkdir()
    (tmp_path / f".out.stage-{live}-abc").mkdir()
    (tmp_path / f".other.stage-{dead}-abc").mkdir()  # another output's: not ours to judge
    write_output(out, "new")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".other.stage-" + dead + "-abc", f".out.stage-{live}-abc", "out"]


def test_a_stale_temporary_file_goes_with_the_next_write(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (tmp_path / f".run.json.{dead}-xyz.tmp").write_text("{half")
    io.atomic_write_json(tmp_path / "run.json", {"a": 1})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]
