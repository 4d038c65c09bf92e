"""XML streamed safely: ``start``/``end`` events like ``ElementTree.iterparse``, without
its two weaknesses on hostile files.

* Entity declarations are refused before parsing starts. An internal ``<!ENTITY>`` lets a
  small file expand each reference into megabytes (expat allows 100× expansion), and no
  export declares one. Declarations can only stand in the DOCTYPE, before the root
  element: the file's first ``PREAMBLE_BYTES`` are searched for one (in UTF-8 and UTF-16)
  before they are parsed, and the root element must start within them.
* Feeding grows while an element is unfinished. ``iterparse`` feeds expat 16 KiB at a
  time, and the expat bundled with Python before 3.11.9/3.12.3 re-scans an unfinished
  token from its start at every feed, so a token of n bytes costs about n²/32 KiB bytes
  of scanning (a 12 MB attribute: 11.5 s). Here a feed that completes no event doubles
  the next read (up to ``MAX_CHUNK_BYTES``), so the same token costs about 2n (0.9 s).
  Feeding more than ``MAX_PENDING_BYTES`` without completing an element is refused: no export
  holds such a token, and the read that completed it would build every element after it
  at once (a 140 MB attribute before 140 MB of records: 1.4 GB).

The search for ``<!ENTITY`` also refuses the text in a comment or CDATA section within
the first MiB; no export has one there either.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from periodization.ingest.sources import fail

PREAMBLE_BYTES = 1 << 20  # Apple's DOCTYPE is about 10 KB
CHUNK_BYTES = 64 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
MAX_PENDING_BYTES = 32 * 1024 * 1024
_ENTITY = tuple("<!ENTITY".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


def iter_events(fh: BinaryIO, where: str) -> Iterator[tuple[str, ET.Element]]:
    """``(event, element)`` for ``start`` and ``end`` of every element of ``fh``, as
    ``ET.iterparse(fh, events=("start", "end"))`` gives them. Raises ``ET.ParseError``
    for malformed XML and ``DataError`` for a refused preamble."""
    parser = ET.XMLPullParser(events=("start", "end"))
    head = fh.read(PREAMBLE_BYTES)
    if any(marker in head for marker in _ENTITY):
        raise fail(where, "the XML declares entities (<!ENTITY>), which no export does; "
                          "refused")
    chunk, size, started, pending = head, CHUNK_BYTES, False, 0
    while chunk:
        if pending + len(chunk) > MAX_PENDING_BYTES:  # checked before it is built
            raise fail(where, f"an XML tag or text longer than {MAX_PENDING_BYTES >> 20} "
                              "MiB; not an export")
        parser.feed(chunk)
        events = parser.read_events()
        first = next(events, None)  # one check a feed; the rest pass through unlooked-at
        produced = first is not None
        if produced:
            yield first
            yield from events
        started = started or produced
        if not started and len(head) == PREAMBLE_BYTES:  # a longer DOCTYPE could
            raise fail(where, "no XML start tag is complete within the first "  # declare
                              f"{PREAMBLE_BYTES >> 20} MiB; not an export")  # entities
        pending = 0 if produced else pending + len(chunk)
        size = CHUNK_BYTES if produced else min(size * 2, MAX_CHUNK_BYTES)
        chunk = fh.read(size)
    parser.close()
    yield from parser.read_events()
