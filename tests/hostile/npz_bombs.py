"""Hostile ``.npz`` files: a member whose ``.npy`` header declares far more than it holds."""

from __future__ import annotations

import io
import zipfile
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
