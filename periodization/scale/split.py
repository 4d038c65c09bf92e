"""Streaming a long table (CSV or observations Parquet) into shard files, each handed out
as soon as it is complete, so advice starts while the rest of the input is still read.

Shards hold ``size`` athletes each, in sorted-id order (shard ``k``: the ``k``-th ``size``
ids of the sorted distinct ids); rows keep their input order within a shard; rows without
an id go to the first shard (where the importer drops them). Two ways to get there:

* **one pass** (``sorted_shards``), when the rows come grouped by athlete in sorted-id
  order, as exports of a database usually do: a shard is complete when the next athlete's
  first row arrives. The order is checked on every block; at the first row out of order
  the pass stops with ``Unsorted`` and the caller starts over with the two passes;
* **two passes** (``indexed_shards``): the first reads only the id column and notes, per
  athlete, the last row that holds it; the second copies rows to their shards' files and
  hands shard ``k`` out once it has passed the last row of shards ``0..k`` (for rows
  grouped by athlete in any order, such as numeric ids, that is soon after its rows).

Memory: one block of rows (``shards.BLOCK_BYTES``) and, for the two passes, the index
(per distinct id its last row number: tens of MB for a million athletes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class NoIds(Exception):
    """No row of the input has an athlete id."""


class Unsorted(Exception):
    """The rows are not grouped by athlete in sorted-id order (found at row ``row``)."""

    def __init__(self, row: int) -> None:
        super().__init__(f"row {row} out of athlete-id order")
        self.row = row


def sorted_shards(batches: Iterator[pa.RecordBatch], ids_of, size: int, files,
                  open_writer) -> Iterator[tuple[tuple[str, ...], Path]]:
    """One pass: ``(athletes, file)`` per shard as soon as it is complete; ``Unsorted`` at
    the first block whose rows break the order. ``files(k)`` names shard ``k``'s file,
    ``open_writer(file, schema)`` opens it (``write_batch``, ``close``)."""
    state = {"writer": None}
    try:
        yield from _one_pass(batches, ids_of, size, files, open_writer, state)
    finally:  # stopped half-way (out of order, an error, the consumer gone)
        if state["writer"] is not None:
            state["writer"].close()


def _one_pass(batches, ids_of, size, files, open_writer, state):
    athletes: list[str] = []  # the current shard's ids, in order
    k, row, last = 0, 0, None

    def writer(schema):  # the current shard's writer, opened at its first rows
        if state["writer"] is None:
            state["writer"] = open_writer(files(k), schema)
        return state["writer"]

    def close():
        writer(None).close()
        state["writer"] = None

    for batch in batches:
        ids = ids_of(batch)
        n = len(ids)
        if n == 0:
            continue
        if n > 1 and not pc.all(pc.greater_equal(ids.slice(1), ids.slice(0, n - 1))).as_py():
            raise Unsorted(row)
        if last is not None and ids[0].as_py() < last:
            raise Unsorted(row)
        # first rows of each athlete in this block (a run may continue the last block's)
        starts = [0] if n == 1 else [0, *(np.flatnonzero(pc.not_equal(
            ids.slice(1), ids.slice(0, n - 1)).to_numpy(zero_copy_only=False)) + 1)]
        begin = 0  # first row of this block not yet written
        for start in (int(s) for s in starts):
            athlete = ids[start].as_py()
            if athlete == last or athlete == "":
                continue  # the same athlete's rows go on, or rows without id (first shard)
            if len(athletes) == size:  # a new athlete after a full shard: it is complete
                if start > begin:
                    writer(batch.schema).write_batch(batch.slice(begin, start - begin))
                close()
                yield tuple(athletes), files(k)
                athletes, k, begin = [], k + 1, start
            athletes.append(athlete)
            last = athlete
        writer(batch.schema).write_batch(batch.slice(begin))
        last = ids[n - 1].as_py()
        row += n
    if not athletes:
        raise NoIds
    close()
    yield tuple(athletes), files(k)


INDEX_ROWS = 1_000_000  # rows the first pass's index may hold before it is re-grouped


def last_rows(batches: Iterator[pa.RecordBatch], ids_of) -> tuple[list[str], np.ndarray,
                                                                   int]:
    """The first pass: the sorted distinct ids (without ``""``), the last row number of
    each (aligned), and the last row without an id (-1: none)."""
    parts: list[pa.Table] = []
    held, row, limit = 0, 0, INDEX_ROWS
    for batch in batches:
        ids = ids_of(batch)
        rows = pa.array(np.arange(row, row + len(ids), dtype=np.int64))
        parts.append(_reduce([pa.table({"id": ids, "row": rows})]))
        held += parts[-1].num_rows
        row += len(ids)
        if held > limit and len(parts) > 1:  # keep the index about its final size
            parts = [_reduce(parts)]
            held = parts[0].num_rows
            # next time when it has doubled: with more distinct ids than INDEX_ROWS a fixed
            # limit would re-group the whole index on every block (quadratic)
            limit = max(INDEX_ROWS, 2 * held)
    index = _reduce(parts) if parts else pa.table({"id": pa.array([], pa.string()),
                                                   "row": pa.array([], pa.int64())})
    index = index.sort_by("id")
    ids = index.column("id").to_pylist()
    last = index.column("row").to_numpy()
    blank = -1
    if ids and ids[0] == "":
        blank, ids, last = int(last[0]), ids[1:], last[1:]
    return ids, last, blank


def _reduce(parts: list[pa.Table]) -> pa.Table:
    """Per id its largest row number (pyarrow names the aggregate ``row_max``)."""
    table = pa.concat_tables(parts).group_by("id").aggregate([("row", "max")])
    return pa.table({"id": table.column("id"), "row": table.column("row_max")})


def indexed_shards(first: Iterator[pa.RecordBatch], second: Iterator[pa.RecordBatch],
                   ids_of, size: int, files, open_writer
                   ) -> Iterator[tuple[tuple[str, ...], Path]]:
    """The two passes (``first``: the id column only; ``second``: every column, the same
    rows in the same order): ``(athletes, file)`` per shard, in shard order, each as soon
    as the second pass has read every row of it and of the shards before it."""
    ids, last, blank = last_rows(first, ids_of)
    if not ids:
        raise NoIds
    groups = [tuple(ids[i:i + size]) for i in range(0, len(ids), size)]
    # the row after which shard k (and every shard before it) is complete
    ready = np.maximum.accumulate(np.maximum.reduceat(last, np.arange(0, len(ids), size)))
    ready[0] = max(ready[0], blank)
    ready = np.maximum.accumulate(ready)
    index = pa.array(ids, type=pa.string())
    writers: dict[int, object] = {}
    handed, row = 0, 0
    try:
        for batch in second:
            where = pc.index_in(ids_of(batch), value_set=index).to_numpy(zero_copy_only=False)
            shard = np.where(np.isnan(where.astype(np.float64)), 0,
                             np.nan_to_num(where.astype(np.float64)) // size).astype(np.int64)
            order = np.argsort(shard, kind="stable")  # rows keep their order within a shard
            bounds = np.flatnonzero(np.diff(shard[order])) + 1
            for rows in np.split(order, bounds):
                if len(rows) == 0:
                    continue
                k = int(shard[rows[0]])
                if k not in writers:
                    writers[k] = open_writer(files(k), batch.schema)
                writers[k].write_batch(batch.take(pa.array(rows)))
            row += len(where)
            while handed < len(groups) and ready[handed] < row:
                yield _hand(writers, handed, groups, files, open_writer)
                handed += 1
        while handed < len(groups):  # the first pass saw rows the second did not
            yield _hand(writers, handed, groups, files, open_writer)
            handed += 1
    finally:
        for writer in writers.values():
            writer.close()


def _hand(writers: dict, k: int, groups, files, open_writer) -> tuple[tuple[str, ...], Path]:
    writer = writers.pop(k, None) or open_writer(files(k), None)  # no rows: an empty shard
    writer.close()
    return groups[k], files(k)
