"""Hostile ``.npz`` files: a member whose ``.npy`` header declares far more than it holds,
and a deflate bomb: 8 MB on disk that really inflates to an 8 GiB array."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format


def declared_array_npz(path: Path, *, name: str, shape: tuple[int, ...], payload: int,
                       dtype: str = "<f8", extra: dict[str, np.ndarray] | None = None
                       ) -> Path:
    """An npz whose member ``name`` declares ``shape`` but carries only ``payload`` bytes
    (zeros), stored uncompressed; ``extra`` arrays are added as they are."""
    header = io.BytesIO()  # magic string and header
    npy_format.write_array_header_1_0(header, {"descr": dtype, "fortran_order": False,
                                               "shape": shape})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{name}.npy", header.getvalue() + bytes(payload))
        for key, value in (extra or {}).items():
            buffer = io.BytesIO()
            np.save(buffer, value)
            archive.writestr(f"{key}.npy", buffer.getvalue())
    return path


class _AlreadyDeflated:
    """A zipfile "compressor" that passes bytes through: the stream is deflated already."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


def deflate_bomb_npz(path: Path, *, name: str = "weight_0", gib: int = 8) -> Path:
    """An npz whose member inflates to a ``gib`` GiB float64 array of zeros, built in well
    under a second: one 8 MiB block of zeros is deflated once (after a full flush, so it
    does not depend on what came before) and its bytes repeated. The CRC is not computed
    (0): a reader that checks it has already inflated everything."""
    header = io.BytesIO()
    n = (gib << 30) // 8
    npy_format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                               "shape": (n,)})
    block = bytes(8 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(header.getvalue()) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush(zlib.Z_FINISH)
    repeats = (gib << 30) // len(block)
    info = zipfile.ZipInfo(f"{name}.npy")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as archive:
        member = archive.open(info, "w", force_zip64=True)
        member._compressor = _AlreadyDeflated()
        member.write(head + body * repeats + tail)
        member._file_size = len(header.getvalue()) + repeats * len(block)
        member.close()
    return path
