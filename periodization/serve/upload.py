"""An uploaded export into the store: written to a private temporary folder under its
own (sanitised) file name — the importers detect formats from names and contents — read
by the same importer ``periodize recommend`` uses (its detection, size and decompression
limits, one-line errors) outside any transaction, then merged in one. A refused upload
stores nothing.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from sqlalchemy.orm import Session as DbSession

from periodization.core.errors import DataError
from periodization.ingest.inputs import read_inputs
from periodization.ingest.sources import MAX_CSV_BYTES, human_size, is_zip
from periodization.serve.store import bump, locked_source, merge_days

MAX_UPLOAD_BYTES = MAX_CSV_BYTES  # the CLI's limit on one file
MAX_PLAIN_UPLOAD_BYTES = 64 << 20
"""A plain (not zip, not XML) upload: a CSV is read at about 12 times its size (450 MB took
5.3 GB of the server's memory), and one athlete's decade of daily rows is under 5 MB.
Zips and Apple's XML (streamed) keep ``MAX_UPLOAD_BYTES``; JSON and FIT files have 64 MB
limits of their own."""
CHUNK = 1 << 20


def _safe_name(name: str | None) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "export").name).strip("._")
    return base[:120] or "export"


@dataclass(frozen=True)
class Upload:
    """An export read and checked, not yet stored."""

    name: str
    rows: pd.DataFrame
    described: tuple[str, str, list[str], dict]  # format, HRV kind, notes, metadata


def read_upload(stream: BinaryIO, filename: str | None) -> Upload:
    """Read ``stream`` as one athlete's export; ``DataError`` (one line, naming the uploaded
    file, not the temporary path) for anything refused. Touches no store: parsing runs
    outside the write transaction, which then only merges."""
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
        if size > MAX_PLAIN_UPLOAD_BYTES:
            with open(path, "rb") as fh:
                head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            if not (is_zip(head) or head.startswith((b"<?xml", b"<HealthData"))):
                raise DataError(f"{name}: {human_size(size)} of plain text; this server reads "
                                f"CSV uploads up to {human_size(MAX_PLAIN_UPLOAD_BYTES)} (a "
                                "decade of daily rows is under 5 MB)")
        try:
            inputs = read_inputs(path)
        except DataError as exc:
            raise DataError(str(exc).replace(str(path), name).replace(tmp, "")) from None
        if inputs.batch:
            n = inputs.rows["athlete_id"].nunique()
            raise DataError(f"{name}: holds {n} athletes; upload one athlete's export")
        key = next(iter(inputs.source_format))
        meta = dict(inputs.metadata.get(key, {}))
        if "path" in meta:
            meta["path"] = name
        described = (inputs.source_format[key], inputs.hrv_kind.get(key, "rmssd"),
                     [n.replace(str(path), name) for n in inputs.notes.get(key, [])], meta)
        return Upload(name=name, rows=inputs.rows, described=described)


def store_upload(db: DbSession, athlete_id: int, upload: Upload) -> dict:
    """Merge a read upload into the athlete's stored days; what changed."""
    count = merge_days(db, athlete_id, upload.rows)
    src = locked_source(db, athlete_id)
    if upload.described != (src.source_format, src.hrv_kind, src.notes, src.meta):
        src.source_format, src.hrv_kind, src.notes, src.meta = upload.described
        if not (count.added or count.updated):
            bump(db, athlete_id)  # the advice reports the source: recompute it
    return {"file": upload.name, "format": src.source_format, "days": len(upload.rows),
            "added": count.added, "updated": count.updated, "unchanged": count.unchanged}
