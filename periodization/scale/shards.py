"""Splitting a batch of athletes into shards without holding the whole input in memory.

What ``--data`` may be for batch advice on Ray, and how each is split:

* a **long CSV** with an ``athlete_id`` column (the generic format, any size): one
  streamed pass reads only the id column (the *athlete index*: the sorted distinct ids),
  a second streamed pass copies every row to its shard's CSV (the original header line,
  then the rows re-encoded cell for cell as text, so the importer reads the same cells);
* the project's **observations Parquet** (or a cohort directory holding it): the same, by
  record batches, each shard a Parquet file of the source's own schema;
* a **team folder** (one export per athlete): shards are groups of its entries (nothing
  is copied).

Athletes are assigned to shards in sorted-id order (``shard_athletes`` per shard), so the
shards' results, written in shard order, are in the athlete-id order of serial advice.
Memory: the driver holds the index (a few MB for a million ids) and one block of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from periodization.core.errors import DataError

# rows read per block by the streamed passes: with larger blocks pyarrow's pool keeps more
# memory (16 MiB: a 1.2 GB driver for a 3.4 GB CSV; 4 MiB: ~340 MB whatever the size)
BLOCK_BYTES = 4 * 1024**2


@dataclass(frozen=True)
class Shard:
    """One task's input: ``kind`` csv / parquet (``path`` a shard file) or folder
    (``entries``), and the ids the index assigned to it (folder: derived from names)."""

    index: int
    kind: str
    athletes: tuple[str, ...]
    path: Path | None = None
    entries: tuple[Path, ...] = ()


def source_kind(data: Path) -> tuple[str, Path]:
    """('csv' | 'parquet' | 'folder', the path to read); ``DataError`` for one athlete's
    export (batch advice on Ray is for many athletes: use plain ``recommend``)."""
    from periodization.ingest.formats.generic import _header
    from periodization.ingest.inputs import folder_kind
    from periodization.ingest.schema import OBSERVATIONS_FILE

    if data.is_dir() and (data / OBSERVATIONS_FILE).is_file():
        data = data / OBSERVATIONS_FILE
    if not data.exists():
        raise DataError(f"{data}: not found")
    if data.is_file() and data.suffix.lower() == ".parquet":
        return "parquet", data
    if data.is_dir():
        if folder_kind(data)[0] == "team":
            return "folder", data
    elif (_header(data) or ([], ","))[0].count("athlete_id") == 1:
        return "csv", data
    raise DataError(f"{data}: one athlete's export; --ray advises a batch (a CSV with an "
                    "athlete_id column, an observations Parquet or a folder of exports)")


def plan_shards(data: Path, *, shard_athletes: int, workdir: Path) -> list[Shard]:
    """The shards of ``data``; CSV and Parquet shards are written under ``workdir``."""
    kind, path = source_kind(data)
    if kind == "folder":
        return _folder_shards(path, shard_athletes)
    ids = _athlete_index(path, kind)
    if not ids:
        raise DataError(f"{data}: no row has an athlete id")
    groups = [tuple(ids[i:i + shard_athletes]) for i in range(0, len(ids), shard_athletes)]
    files = [workdir / f"shard-{i:05d}.{kind}" for i in range(len(groups))]
    _split(path, kind, ids, shard_athletes, files)
    return [Shard(index=i, kind=kind, athletes=g, path=f)
            for i, (g, f) in enumerate(zip(groups, files, strict=True))]


def _folder_shards(folder: Path, size: int) -> list[Shard]:
    from periodization.ingest.inputs import _entries

    # the id ``inputs._folder`` gives an entry: its name without extension
    entries = sorted(_entries(folder), key=lambda e: (e.name if e.is_dir() else e.stem, e.name))
    return [Shard(index=i // size, kind="folder",
                  athletes=tuple(e.name if e.is_dir() else e.stem for e in entries[i:i + size]),
                  entries=tuple(entries[i:i + size]))
            for i in range(0, len(entries), size)]


def _batches(path: Path, kind: str, columns: list[str] | None = None
             ) -> Iterator[pa.RecordBatch]:
    """The file's rows block by block (CSV cells as text, exactly as written)."""
    if kind == "parquet":
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(path).iter_batches(batch_size=65_536, columns=columns)
        return
    import pyarrow.csv as pacsv

    from periodization.ingest.formats.generic import _header

    names, delimiter = _header(path) or ([], ",")
    # the importer's normalised header names, every column read as text: nothing is parsed
    # here, so a cell reaches the shard as the importer would have read it from the source
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES,
                             encoding="utf8")
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                   strings_can_be_null=False,
                                   quoted_strings_can_be_null=False,
                                   include_columns=columns)
    try:
        reader = pacsv.open_csv(path, read_options=read, convert_options=convert,
                                parse_options=pacsv.ParseOptions(delimiter=delimiter))
        yield from reader
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: cannot be read as a CSV ({' '.join(str(exc).split())})"
                        ) from None


def _ids(batch: pa.RecordBatch) -> pa.Array:
    ids = batch.column("athlete_id")
    return pc.utf8_trim_whitespace(ids.cast(pa.string()))


def _athlete_index(path: Path, kind: str) -> list[str]:
    """The sorted distinct athlete ids (the first streamed pass: the id column only)."""
    seen: set[str] = set()
    for batch in _batches(path, kind, columns=["athlete_id"]):
        seen.update(pc.unique(_ids(batch)).to_pylist())
    seen.discard("")
    seen.discard(None)  # type: ignore[arg-type]
    return sorted(seen)


def _split(path: Path, kind: str, ids: list[str], size: int, files: list[Path]) -> None:
    """The second streamed pass: each row appended to its athlete's shard file (rows
    without an id go to the first shard, where the importer notes and drops them)."""
    index = pa.array(ids, type=pa.string())
    writers: dict[int, object] = {}
    try:
        for batch in _batches(path, kind):
            where = pc.index_in(_ids(batch), value_set=index).to_numpy(zero_copy_only=False)
            shard = np.where(np.isnan(where.astype(np.float64)), 0,
                             np.nan_to_num(where.astype(np.float64)) // size).astype(np.int64)
            order = np.argsort(shard, kind="stable")  # rows keep their order within a shard
            sorted_shards = shard[order]
            bounds = np.flatnonzero(np.diff(sorted_shards)) + 1
            for rows in np.split(order, bounds):
                if len(rows) == 0:
                    continue
                k = int(shard[rows[0]])
                if k not in writers:
                    writers[k] = _open_writer(files[k], kind, path, batch.schema)
                writers[k].write_batch(batch.take(pa.array(rows)))
        for k, file in enumerate(files):  # a shard whose athletes had no rows at all
            if k not in writers:
                writers[k] = _open_writer(file, kind, path, None)
    finally:
        for writer in writers.values():
            writer.close()


class _CsvShard:
    """A shard CSV: the source's header line, then rows as text cells."""

    def __init__(self, file: Path, source: Path) -> None:
        import pyarrow.csv as pacsv

        from periodization.ingest.formats.generic import _header

        self._pacsv = pacsv
        with open(source, "rb") as fh:
            header = fh.readline()
        self._delimiter = (_header(source) or ([], ","))[1]
        self._sink = pa.OSFile(str(file), "wb")
        self._sink.write(header if header.endswith(b"\n") else header + b"\n")
        self._writer = None

    def write_batch(self, batch: pa.RecordBatch) -> None:
        if self._writer is None:
            options = self._pacsv.WriteOptions(include_header=False, delimiter=self._delimiter,
                                               quoting_style="needed")
            self._writer = self._pacsv.CSVWriter(self._sink, batch.schema,
                                                 write_options=options)
        self._writer.write_batch(batch)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._sink.close()


def _open_writer(file: Path, kind: str, source: Path, schema: pa.Schema | None):
    if kind == "csv":
        return _CsvShard(file, source)
    import pyarrow.parquet as pq

    return pq.ParquetWriter(file, schema or pq.ParquetFile(source).schema_arrow)
