"""An uploaded export into the store: written to a private temporary folder under its
own (sanitised) file name — the importers detect formats from names and contents — read
by the same importer ``periodize recommend`` uses (its detection, size and decompression
limits, one-line errors), then merged in one transaction. A refused upload stores nothing.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session as DbSession

from periodization.core.errors import DataError
from periodization.ingest.inputs import read_inputs
from periodization.ingest.sources import MAX_CSV_BYTES, human_size
from periodization.serve.store import MergeCount, bump, locked_source, merge_days

MAX_UPLOAD_BYTES = MAX_CSV_BYTES  # the CLI's limit on one file
CHUNK = 1 << 20


def _safe_name(name: str | None) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "export").name).strip("._")
    return base[:120] or "export"


def import_upload(db: DbSession, athlete_id: int, stream: BinaryIO, filename: str | None
                  ) -> tuple[MergeCount, dict]:
    """Read ``stream`` as one athlete's export and merge it; ``DataError`` (one line,
    naming the uploaded file, not the temporary path) for anything refused."""
    name = _safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="periodization-upload-") as tmp:
        path = Path(tmp) / name
        size = 0
        with open(path, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise DataError(f"{name}: larger than {human_size(MAX_UPLOAD_BYTES)}; "
                                    "not a daily export")
                out.write(chunk)
        if size == 0:
            raise DataError(f"{name}: the file is empty")
        try:
            inputs = read_inputs(path)
        except DataError as exc:
            raise DataError(str(exc).replace(str(path), name).replace(tmp, "")) from None
        if inputs.batch:
            n = inputs.rows["athlete_id"].nunique()
            raise DataError(f"{name}: holds {n} athletes; upload one athlete's export")
        key = next(iter(inputs.source_format))
        count = merge_days(db, athlete_id, inputs.rows)
        src = locked_source(db, athlete_id)
        meta = dict(inputs.metadata.get(key, {}))
        if "path" in meta:
            meta["path"] = name
        described = (inputs.source_format[key], inputs.hrv_kind.get(key, "rmssd"),
                     [n.replace(str(path), name) for n in inputs.notes.get(key, [])], meta)
        if described != (src.source_format, src.hrv_kind, src.notes, src.meta):
            src.source_format, src.hrv_kind, src.notes, src.meta = described
            if not (count.added or count.updated):
                bump(db, athlete_id)  # the advice reports the source: recompute it
        summary = {"file": name, "format": src.source_format, "days": len(inputs.rows),
                   "added": count.added, "updated": count.updated,
                   "unchanged": count.unchanged}
        return count, summary
