"""Reading ``.npz`` files that may be hostile: every array's header before any array.

``numpy.load`` allocates each array at the size its header declares, so an 8 MB file
declaring an 8 GiB array costs 8 GiB before any shape could be checked. ``read_npz`` opens
the zip, reads each member's ``.npy`` header (``numpy.lib.format``: dtype, shape, order),
checks them against ``NpzLimits`` — member count, dtype kinds, dimensions, the bytes they
would take, and that the member really holds that many bytes — and only then reads the
arrays. Object arrays (pickles) are never read. Every refusal is one ``UserError`` line
naming the file and the member.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from periodization.core.errors import UserError


@dataclass(frozen=True)
class NpzLimits:
    """What a file may declare. ``kinds``: numpy dtype kinds allowed (``"f"`` float, ``"i"``
    int, ``"b"`` bool, ``"u"`` unsigned); ``max_ndim``, ``max_dim``: per array;
    ``max_bytes``: all arrays together; ``max_members``: arrays in the file."""

    kinds: str = "fiub"
    max_ndim: int = 2
    max_dim: int = 1 << 20
    max_bytes: int = 256 << 20
    max_members: int = 64


@dataclass(frozen=True)
class ArrayHeader:
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran: bool

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


def read_headers(path: str | Path, *, limits: NpzLimits) -> list[ArrayHeader]:
    """The declared arrays of ``path``, checked against ``limits`` (nothing is loaded)."""
    path = Path(path)
    with _open_zip(path) as archive:
        return _checked_headers(archive, path, limits)


def read_npz(path: str | Path, *, limits: NpzLimits) -> dict[str, np.ndarray]:
    """All arrays of ``path`` by name, after their headers passed ``limits``."""
    path = Path(path)
    with _open_zip(path) as archive:
        headers = _checked_headers(archive, path, limits)
        out: dict[str, np.ndarray] = {}
        for h in headers:
            try:
                with archive.open(f"{h.name}.npy") as fh:
                    out[h.name] = npy_format.read_array(fh, allow_pickle=False)
            except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
                raise UserError(f"cannot read {path}: member {h.name!r} is damaged "
                                f"({type(exc).__name__})") from None
        return out


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise UserError(f"not a file: {path}")
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise UserError(f"cannot read {path}: not an npz file ({type(exc).__name__})") from None


def _checked_headers(archive: zipfile.ZipFile, path: Path, limits: NpzLimits
                     ) -> list[ArrayHeader]:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise UserError(f"{path} holds {len(infos)} arrays; at most {limits.max_members} "
                        "are expected")
    headers, total = [], 0
    for info in infos:
        if not info.filename.endswith(".npy") or "/" in info.filename:
            raise UserError(f"{path}: unexpected member {info.filename[:60]!r}")
        name = info.filename[:-4]
        h = _header(archive, info, name, path)
        if h.dtype.kind not in limits.kinds or h.dtype.hasobject:
            raise UserError(f"{path}: array {name!r} has dtype {h.dtype.str}; expected "
                            f"numbers ({', '.join(limits.kinds)})")
        if len(h.shape) > limits.max_ndim or any(d > limits.max_dim for d in h.shape):
            raise UserError(f"{path}: array {name!r} declares shape {h.shape}; at most "
                            f"{limits.max_ndim} dimensions of {limits.max_dim} are expected")
        total += h.nbytes
        if total > limits.max_bytes:
            raise UserError(f"{path}: its arrays declare more than {limits.max_bytes >> 20} "
                            f"MB (array {name!r} has shape {h.shape}); refused before loading")
        if info.file_size < h.nbytes:  # the member cannot hold what its header declares
            raise UserError(f"{path}: array {name!r} is truncated (declares {h.nbytes} bytes, "
                            f"holds {info.file_size})")
        headers.append(h)
    return headers


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, path: Path
            ) -> ArrayHeader:
    try:
        with archive.open(info) as fh:
            version = npy_format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = npy_format.read_array_header_1_0(fh)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = npy_format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unknown .npy version {version}")
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, SyntaxError, TypeError) as exc:
        raise UserError(f"cannot read {path}: array {name!r} has no valid header "
                        f"({type(exc).__name__})") from None
    return ArrayHeader(name=name, shape=tuple(int(d) for d in shape), dtype=np.dtype(dtype),
                       fortran=bool(fortran))
