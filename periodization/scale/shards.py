"""Splitting a batch of athletes into shards without holding the whole input in memory.

What ``--data`` may be for batch advice on Ray, and how each is split:

* a **long CSV** with an ``athlete_id`` column (the generic format, any size): streamed
  block by block into shard CSVs (the original header line, then the rows re-encoded cell
  for cell as text, so the importer reads the same cells), each shard handed out as soon
  as it is complete (``split``: one pass for rows grouped by athlete in sorted-id order,
  two passes otherwise);
* the project's **observations Parquet** (or a cohort directory holding it): the same, by
  record batches, each shard a Parquet file of the source's own schema;
* a **team folder** (one export per athlete): shards are groups of its entries (nothing
  is copied).

Athletes are assigned to shards in sorted-id order (``shard_athletes`` per shard), so the
shards' results, written in shard order, are in the athlete-id order of serial advice.
Memory: the driver holds one block of rows (and, for two passes, the athlete index).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


RESTART = "restart"  # handed out by ``iter_shards`` when the one pass gave up: start over


def iter_shards(data: Path, *, shard_athletes: int, workdir: Path) -> Iterator[Shard | str]:
    """The shards of ``data`` in shard order, each as soon as its file is complete (CSV and
    Parquet shards are written under ``workdir``). For rows not grouped by athlete in
    sorted-id order the one pass stops at the first row out of order: then ``RESTART``
    comes (the shards handed out so far do not count) and the shards of the two passes."""
    from periodization.scale import split

    kind, path = source_kind(data)
    if kind == "folder":
        yield from _folder_shards(path, shard_athletes)
        return

    def opener(folder: Path):
        folder.mkdir(exist_ok=True)
        return (lambda k: folder / f"shard-{k:05d}.{kind}",
                lambda file, schema: _open_writer(file, kind, path, schema))

    try:
        for k, (athletes, file) in enumerate(split.sorted_shards(
                _batches(path, kind), _ids, shard_athletes, *opener(workdir / "one-pass"))):
            yield Shard(index=k, kind=kind, athletes=athletes, path=file)
        return
    except split.Unsorted:
        yield RESTART
    except split.NoIds:
        raise DataError(f"{data}: no row has an athlete id") from None
    try:
        for k, (athletes, file) in enumerate(split.indexed_shards(
                _batches(path, kind, columns=["athlete_id"]), _batches(path, kind), _ids,
                shard_athletes, *opener(workdir / "two-pass"))):
            yield Shard(index=k, kind=kind, athletes=athletes, path=file)
    except split.NoIds:
        raise DataError(f"{data}: no row has an athlete id") from None


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
    """A block's athlete ids as the importer reads them (trimmed; a null id: ``""``)."""
    ids = batch.column("athlete_id")
    return pc.fill_null(pc.utf8_trim_whitespace(ids.cast(pa.string())), "")


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
