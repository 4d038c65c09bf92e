"""The streamed split of a long table (``scale.split``), without Ray: each shard is handed
out as soon as its rows are read, with the rows and athletes the whole-file split gives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from periodization.scale import split
from periodization.scale.shards import _ids


class Memory:
    """A shard 'file' kept in memory: the rows written to it."""

    def __init__(self, name, log):
        self.name, self.rows, self.log = name, [], log

    def write_batch(self, batch):
        self.rows += batch.column("athlete_id").to_pylist()

    def close(self):
        self.log[self.name] = self.rows


def blocks(ids, per_block, read):
    """``ids`` as record batches of ``per_block`` rows; ``read`` counts the blocks read."""
    for i in range(0, len(ids), per_block):
        read.append(i)
        yield pa.record_batch({"athlete_id": pa.array(ids[i:i + per_block], pa.string())})


def run(gen_factory):
    """(athletes, name, blocks read so far, rows) per shard handed out."""
    read, log, handed = [], {}, []
    for athletes, name in gen_factory(read, log):
        handed.append((athletes, name, len(read), list(log[name])))
    return handed


def test_one_pass_hands_each_shard_out_when_the_next_athlete_starts():
    ids = ["", "a", "a", "b", "c", "c", "c", "d", "e", "e"]  # a blank id first: shard 0
    handed = run(lambda read, log: split.sorted_shards(
        blocks(ids, 3, read), _ids, 2, lambda k: k, lambda k, schema: Memory(k, log)))
    assert [(a, rows) for a, _, _, rows in handed] == [
        (("a", "b"), ["", "a", "a", "b"]), (("c", "d"), ["c", "c", "c", "d"]),
        (("e",), ["e", "e"])]
    assert [n for _, _, n, _ in handed] == [2, 3, 4]  # blocks read when each came out


@pytest.mark.parametrize("ids", [["a", "b", "a"], ["b", "b", "b", "a"], ["a", " ", "b"]])
def test_one_pass_stops_at_the_first_row_out_of_order(ids):
    with pytest.raises(split.Unsorted):
        list(split.sorted_shards(blocks(ids, 2, []), _ids, 1, str,
                                 lambda k, schema: Memory(k, {})))


def test_two_passes_hand_shards_out_in_order_after_their_last_row():
    # grouped by athlete but not in id order; a blank id near the end belongs to shard 0
    ids = ["c", "c", "d", "a", "b", "b", "f", "e", "", "g"]
    read: list[int] = []
    log: dict = {}
    handed = []
    for athletes, name in split.indexed_shards(
            blocks(ids, 10, []), blocks(ids, 2, read), _ids, 2, lambda k: k,
            lambda k, schema: Memory(k, log)):
        handed.append((athletes, len(read), log[name]))
    assert [a for a, _, _ in handed] == [("a", "b"), ("c", "d"), ("e", "f"), ("g",)]
    assert [rows for _, _, rows in handed] == [["a", "b", "b", ""], ["c", "c", "d"],
                                              ["f", "e"], ["g"]]
    # shard 0 waits for the blank id (block 5), then 1 and 2 are complete with it
    assert [n for _, n, _ in handed] == [5, 5, 5, 5]
    early = ["a", "a", "b", "c", "d", "d"]
    read = []
    counts = [len(read) for _ in split.indexed_shards(
        blocks(early, 6, []), blocks(early, 2, read), _ids, 2, lambda k: k,
        lambda k, schema: Memory(k, {}))]
    assert counts == [2, 3]


def test_no_athlete_id_at_all():
    for gen in (split.sorted_shards(blocks(["", ""], 1, []), _ids, 2, str,
                                    lambda k, schema: Memory(k, {})),
                split.indexed_shards(blocks([" "], 1, []), blocks([" "], 1, []), _ids, 2,
                                     str, lambda k, schema: Memory(k, {}))):
        with pytest.raises(split.NoIds):
            list(gen)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_restarted_results_file_holds_only_what_came_after(tmp_path, suffix):
    from periodization.scale.writers import open_results, read_results

    writer = open_results(tmp_path / f"advice{suffix}")
    writer.write([{"athlete_id": "b", "error": "dropped"}])
    writer.restart()
    writer.write([{"athlete_id": "a", "error": "kept"}])
    writer.commit()
    assert read_results(tmp_path / f"advice{suffix}") == [{"athlete_id": "a", "error": "kept"}]


def test_the_first_pass_index_regroups_only_when_it_has_doubled(monkeypatch):
    """More distinct ids than the index's limit: the first pass still finds every id's
    last row, re-grouping its index a logarithmic number of times, not on every block."""
    monkeypatch.setattr(split, "INDEX_ROWS", 10)
    calls = []
    real = split._reduce
    monkeypatch.setattr(split, "_reduce", lambda parts: calls.append(len(parts)) or real(parts))
    ids = [f"a{i:04d}" for i in range(1000)] + ["a0003", "", "a0999"]
    read: list[int] = []
    found, last, blank = split.last_rows(blocks(ids, 10, read), lambda b: _ids(b))
    assert found == sorted(set(ids) - {""})
    assert last[found.index("a0003")] == 1000 and last[found.index("a0999")] == 1002
    assert last[found.index("a0500")] == 500 and blank == 1001
    regroups = sum(1 for n in calls if n > 1)
    assert regroups <= 12, regroups  # a fixed limit re-groups on each of ~100 blocks
