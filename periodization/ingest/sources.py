"""Where an export's files come from: a single file, a folder or a zip archive.

A ``Bundle`` lists the files of an export as ``Member`` objects that open lazily, so a
zip member is streamed and nothing is extracted to disk or memory up front. Sizes are
checked before anything is read: a CSV larger than ``MAX_CSV_BYTES`` is refused at once
(``DataError``, "too large"); XML is always streamed and has no size limit.

Every error names the file (``where``) and the problem on one line.
"""

from __future__ import annotations

import contextlib
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from periodization.core.errors import DataError

MAX_CSV_BYTES = 512 * 1024 * 1024  # 512 MiB: far above any daily-summary export
MAX_FOLDER_ENTRIES = 20_000  # a folder walk (or zip listing) stops, with an error, beyond this
HEAD_BYTES = 4096
# A zip member, or a whole zip, expanding more than this many times (and to more than
# BOMB_MIN_BYTES) is refused before it is read: real exports compress 5–30×, a zip bomb
# hundreds to thousands of times (reading 4 MiB of CSV takes seconds and ~150 MB).
MAX_COMPRESSION_RATIO = 200
BOMB_MIN_BYTES = 4 * 1024 * 1024

# Magic numbers of files people upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive (unpack it, or use a .zip)"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office document (save it as CSV)"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def fail(where: str, problem: str) -> DataError:
    """A one-line ``DataError`` naming the file and the problem."""
    return DataError(" ".join(f"{where}: {problem}".split()))


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


@dataclass(frozen=True)
class Member:
    """One file of an export. ``name`` is its path inside the bundle ('/'-separated)."""

    name: str
    size: int
    where: str  # how messages name it, e.g. "export.zip:App Data/sleepmodel.csv"
    opener: Callable[[], BinaryIO]

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name.lower()

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """Open for streaming; zip and I/O failures become ``DataError``."""
        try:
            fh = self.opener()
        except RuntimeError as exc:  # zipfile: "File … is encrypted, password required …"
            problem = ("is password-protected; export it again without a password"
                       if "encrypt" in str(exc) else f"cannot be opened ({_reason(exc)})")
            raise fail(self.where, problem) from None
        except (OSError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
            raise fail(self.where, f"cannot be opened ({_reason(exc)})") from None
        with fh:
            yield fh

    def head(self, n: int = HEAD_BYTES) -> bytes:
        with self.open() as fh:
            return read_guarded(fh, n, self.where)

    def read_bytes(self, limit: int | None = None) -> bytes:
        """The whole file, refusing anything over ``limit`` (``MAX_CSV_BYTES``) unread."""
        limit = MAX_CSV_BYTES if limit is None else limit
        if self.size > limit:
            raise fail(self.where, f"file too large ({human_size(self.size)}; the limit for "
                                   f"a CSV export is {human_size(limit)})")
        with self.open() as fh:
            # Ask for the size the file claims and one byte more: read(n) allocates n
            # bytes up front, so asking for the limit would cost 512 MiB on every CSV.
            data = read_guarded(fh, self.size + 1, self.where)
            if len(data) > self.size:  # larger than it claimed (a file still growing)
                data = _read_up_to(fh, data, limit + 1, self.where)
        if len(data) > limit:
            raise fail(self.where, f"file too large (over {human_size(limit)})")
        return data


def _read_up_to(fh: BinaryIO, start: bytes, n: int, where: str) -> bytes:
    """``start`` and what follows it in ``fh``, up to ``n`` bytes in all, 1 MiB at a time."""
    data = bytearray(start)
    while len(data) < n:
        chunk = read_guarded(fh, min(1 << 20, n - len(data)), where)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def read_guarded(fh: BinaryIO, n: int, where: str) -> bytes:
    try:
        return fh.read(n)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise fail(where, f"corrupt or unreadable data ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class Bundle:
    """The files of one export. ``kind`` is 'file', 'folder' or 'zip'."""

    path: Path
    where: str
    kind: str
    members: tuple[Member, ...]

    def find(self, *basenames: str) -> Member | None:
        """The shallowest member with one of these file names (case-insensitive)."""
        wanted = {b.lower() for b in basenames}
        hits = [m for m in self.members if m.basename in wanted]
        return min(hits, key=lambda m: (m.name.count("/"), m.name)) if hits else None

    def with_suffix(self, suffix: str) -> list[Member]:
        return [m for m in self.members if m.basename.endswith(suffix)]


def sniff_binary(head: bytes) -> str | None:
    """A description of a known non-text file type, or None."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"))


def _hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def _zip_members(path: Path, where: str, zf: zipfile.ZipFile) -> tuple[Member, ...]:
    """The zip's regular files (links and hidden entries left out; a member that would
    expand like a zip bomb is refused at once)."""
    infos = zf.infolist()
    if len(infos) > MAX_FOLDER_ENTRIES:
        raise fail(where, f"zip holds more than {MAX_FOLDER_ENTRIES} entries; not an export")
    out = []
    expanded = compressed = 0  # bytes of the members kept
    for info in infos:
        parts = PurePosixPath(info.filename).parts
        if info.is_dir() or not parts or any(_hidden(p) for p in parts):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            continue  # a symbolic link stored in the zip: never followed, never read
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > BOMB_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise fail(f"{where}:{info.filename}", f"expands {ratio:.0f} times (to "
                       f"{human_size(info.file_size)}): refused as a zip bomb")
        out.append(Member(name=info.filename, size=info.file_size,
                          where=f"{where}:{info.filename}",
                          opener=lambda info=info: zf.open(info)))
        expanded += info.file_size
        compressed += info.compress_size
    # the same test on the whole archive: many members each just under BOMB_MIN_BYTES
    # (a 98 KB zip of one 32 MiB CSV took 39 s and 1 GB to read; fifty fit in 5 MB)
    ratio = expanded / max(compressed, 1)
    if expanded > BOMB_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise fail(where, f"expands {ratio:.0f} times in all (to {human_size(expanded)}): "
                          "refused as a zip bomb")
    return tuple(out)


def _refuse_special(full: Path, root: Path, where: str) -> None:
    """A named pipe, socket or device in an export is refused, never opened (opening a
    pipe would hang); a link pointing outside the export is refused, never followed.
    Messages name the entry, never its contents."""
    try:
        info = full.lstat()
    except OSError:
        return
    name = full.relative_to(root).as_posix()
    if stat.S_ISLNK(info.st_mode):
        try:
            target = full.resolve(strict=True)
        except (OSError, RuntimeError):
            raise fail(where, f"'{name}' is a broken or looping link; refused") from None
        if not target.is_relative_to(root.resolve()):
            raise fail(where, f"'{name}' is a link to a file outside the export; refused")
        info = target.stat()
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        kind = ("a named pipe" if stat.S_ISFIFO(info.st_mode) else "a socket"
                if stat.S_ISSOCK(info.st_mode) else "a device or other special file")
        raise fail(where, f"'{name}' is {kind}, not a regular file; refused")


def check_entry(entry: Path, root: Path, where: str) -> None:
    """``_refuse_special`` for one entry of a folder of exports (``inputs``)."""
    _refuse_special(entry, root, where)


def _folder_members(path: Path, where: str) -> tuple[Member, ...]:
    out: list[Member] = []
    seen = 0
    for root, dirs, files in os.walk(path):  # links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for d in dirs:
            _refuse_special(Path(root) / d, path, where)
        for name in sorted(files):
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                raise fail(where, f"folder holds more than {MAX_FOLDER_ENTRIES} files; "
                                  "point at the export folder itself")
            if _hidden(name):
                continue
            full = Path(root) / name
            _refuse_special(full, path, where)
            try:
                size = full.stat().st_size
            except OSError:
                continue
            rel = full.relative_to(path).as_posix()
            out.append(Member(name=rel, size=size, where=str(full),
                              opener=lambda full=full: open(full, "rb")))  # noqa: SIM115
    return tuple(out)


@contextlib.contextmanager
def open_bundle(path: str | os.PathLike[str]) -> Iterator[Bundle]:
    """Open a file, folder or zip as a ``Bundle`` (``DataError`` if it cannot be used)."""
    p = Path(path)
    where = str(path)
    if not p.exists():
        raise fail(where, "no such file or folder")
    if p.is_dir():
        yield Bundle(p, where, "folder", _folder_members(p, where))
        return
    if not p.is_file():
        raise fail(where, "not a regular file")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise fail(where, f"cannot be read ({exc.strerror or exc})") from None
    if not head.strip():
        raise fail(where, "the file is empty" if size == 0 else
                   "the file holds only blank or zero bytes, no data")
    if is_zip(head):
        try:
            zf = zipfile.ZipFile(p)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise fail(where, f"corrupt or truncated zip archive ({_reason(exc)})") from None
        with zf:
            yield Bundle(p, where, "zip", _zip_members(p, where, zf))
        return
    single = Member(name=p.name, size=size, where=where,
                    opener=lambda: open(p, "rb"))  # noqa: SIM115
    yield Bundle(p, where, "file", (single,))


def _looks_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16: every other byte is NUL, the others are not."""
    even, odd = head[0::2], head[1::2]
    if not even or not odd:
        return False
    share = (even.count(0) / len(even), odd.count(0) / len(odd))
    return max(share) > 0.6 and min(share) < 0.1


def decode_text(data: bytes, where: str) -> tuple[str, str | None]:
    """Decode exported text; returns (text, warning or None).

    Accepted: UTF-8 (with or without BOM), UTF-16/32 with a BOM, and Windows-1252 as a
    fallback (with a warning). Anything else is an "unknown encoding" ``DataError``.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError:
                raise fail(where, f"unknown text encoding (starts with a {codec} byte-order "
                                  f"mark but is not valid {codec})") from None
    if b"\x00" in data[:HEAD_BYTES]:
        if _looks_utf16(data[:HEAD_BYTES]):
            raise fail(where, "unknown text encoding (looks like UTF-16 without a byte-order "
                              "mark); save it as UTF-8")
        raise fail(where, "binary data, not a text export (CSV or XML)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise fail(where, "unknown text encoding (neither UTF-8, UTF-16 nor Windows-1252); "
                          "save it as UTF-8") from None
    return text, f"{where}: not UTF-8; read as Windows-1252"
