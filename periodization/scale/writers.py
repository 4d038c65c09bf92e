"""Streaming writers of batch advice: JSON Lines or Parquet, written as results arrive.

Both write ``FILE.partial`` and rename it to ``FILE`` on ``commit`` (``discard`` removes a
partial file), so a run that stops half-way leaves no truncated ``FILE``.

* ``.jsonl``: one recommendation per line, the object ``periodize recommend --json``
  prints for each athlete of a batch.
* ``.parquet``: one row per athlete; the headline fields as columns (``athlete_id``,
  ``date``, ``action``, ``zone``, ``minutes``, ``target_load``, ``policy``, ``error``) and
  the whole recommendation as JSON text in ``record`` (the same object as a JSON line).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodization.core.errors import UserError

SUFFIXES = (".jsonl", ".parquet")
COLUMNS = ("athlete_id", "date", "action", "zone", "minutes", "target_load", "policy",
           "error")


@dataclass(frozen=True)
class Encoded:
    """Recommendations encoded where they were computed (a Ray worker), so the driver,
    which every shard's results pass through, only writes them: the headline fields
    (``columns``: one list per name of ``COLUMNS``) and each whole object as one line of
    JSON (``records``), in order."""

    columns: dict[str, list[Any]]
    records: list[str]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def advised(self) -> int:
        """How many are recommendations (not an athlete's error)."""
        return sum(e is None for e in self.columns["error"])


def encode(results: list[dict[str, Any]]) -> Encoded:
    """``results`` as the writers write them (the same text ``periodize recommend --json``
    gives each object)."""
    from periodization.core.io import json_text

    return Encoded(columns={c: [r.get(c) for r in results] for c in COLUMNS},
                   records=[json_text(r, indent=None) for r in results])


def open_results(path: Path) -> _Writer:
    """The writer for ``path``'s suffix; ``UserError`` for another suffix or a missing
    directory."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"--out must end in .jsonl or .parquet, got {path}")
    if not path.parent.is_dir():
        raise UserError(f"--out {path}: directory not found: {path.parent}")
    if path.is_dir():
        raise UserError(f"--out {path} is a directory; give a file name")
    return _Jsonl(path) if suffix == ".jsonl" else _Parquet(path)


class _Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self._open = True

    def write(self, results: Encoded | list[dict[str, Any]]) -> None:
        """Append ``results`` (encoded, or recommendations to encode here)."""
        self._write(results if isinstance(results, Encoded) else encode(results))

    def _write(self, results: Encoded) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def restart(self) -> None:
        """Forget everything written so far: the file is empty again."""
        raise NotImplementedError

    def commit(self) -> None:
        self._close()
        os.replace(self.partial, self.path)
        self._open = False

    def discard(self) -> None:
        """Remove the partial file (after ``commit``: nothing to do)."""
        if self._open:
            self._close()
            self.partial.unlink(missing_ok=True)
            self._open = False


class _Jsonl(_Writer):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._fh = self.partial.open("w", encoding="utf-8")

    def _write(self, results: Encoded) -> None:
        self._fh.writelines(line + "\n" for line in results.records)
        self._fh.flush()

    def restart(self) -> None:
        self._fh.seek(0)
        self._fh.truncate()

    def _close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


class _Parquet(_Writer):
    def __init__(self, path: Path) -> None:
        import pyarrow as pa

        super().__init__(path)
        self._pa = pa
        text, integer = pa.string(), pa.int64()
        self.schema = pa.schema([(c, integer if c in ("minutes", "target_load") else text)
                                 for c in COLUMNS] + [("record", text)])
        self._writer = None

    def _write(self, results: Encoded) -> None:
        import pyarrow.parquet as pq

        table = self._pa.Table.from_pydict({**results.columns, "record": results.records},
                                           schema=self.schema)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.partial, self.schema)
        self._writer.write_table(table)

    def restart(self) -> None:
        if self._writer is not None:  # the next write starts the file afresh
            self._writer.close()
            self._writer = None

    def _close(self) -> None:
        if self._writer is None:  # no shard at all: still a valid, empty file
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(self.partial, self.schema)
        self._writer.close()


def read_results(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every recommendation of a results file (either format), in file order."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return [json.loads(t) for t in pq.read_table(path, columns=["record"])
                .column("record").to_pylist()]
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
