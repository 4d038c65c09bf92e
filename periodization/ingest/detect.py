"""Which export a path is: by file names in a folder or zip, by content for a single file.

A folder or zip is WHOOP if it has ``physiological_cycles.csv``, Oura if it has
``sleepmodel.csv`` or ``dailyreadiness.csv``, Apple Health if it has ``export.xml`` (or
another ``.xml`` whose root is ``<HealthData>``; ``export_cda.xml`` is not it). One that
holds two of these is refused; one with a single CSV is read as that file. A single file is
refused when its first bytes show a known non-text type (image, PDF, JSON, …); XML goes to
the Apple Health reader (which checks the root element); a CSV is recognised by its
normalised header (``csvtable.normalize_header``) and, failing that, by its file name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from periodization.ingest import sources
from periodization.ingest.common import Context
from periodization.ingest.csvtable import header_keys
from periodization.ingest.formats import apple, generic, intervals, oura, whoop
from periodization.ingest.sources import (
    Bundle,
    Member,
    decode_text,
    fail,
    sniff_binary,
)

Reader = Callable[[Context], pd.DataFrame]
MAX_XML_PEEKS = 20
LOOKED_FOR = ("WHOOP physiological_cycles.csv, Oura sleepmodel.csv or dailyreadiness.csv, "
              "Apple Health export.xml, an intervals.icu wellness CSV or the generic CSV")


def _apple_member(bundle: Bundle) -> Member | None:
    named = bundle.find("export.xml")
    if named is not None:
        return named
    xmls = [m for m in bundle.with_suffix(".xml") if not m.basename.endswith("_cda.xml")]
    for member in xmls[:MAX_XML_PEEKS]:
        if b"HealthData" in member.head():
            return member
    return None


def _oura_files(bundle: Bundle) -> dict[str, Member]:
    return {kind: m for kind, name in oura.FILES.items() if (m := bundle.find(name))}


def _oura_single(member: Member, keys: set[str]) -> tuple[str, Reader]:
    if len(keys & oura.SLEEP_MARKERS) >= 2 or member.basename == oura.FILES["sleep"]:
        kind = "sleep"
    elif {"score", "contributors"} <= keys or member.basename == oura.FILES["readiness"]:
        kind = "readiness"
    else:
        raise fail(member.where, "an Oura activity or workout file alone has no HRV, sleep "
                                 "or readiness; pass the whole export folder or zip")
    return oura.FORMAT, partial(oura.read, {kind: member})


def _csv_reader(member: Member, athlete_id: str | None) -> tuple[str, Reader]:
    keys = header_keys(member)
    name = member.basename
    if {"hrv_rmssd_ms", "sleep_hours"} & keys:
        return generic.FORMAT, partial(generic.read, member, athlete_id=athlete_id)
    if ("cycle_start_time" in keys and {"nap", "activity_name"} & keys) or name in (
            whoop.SLEEPS_FILE, whoop.WORKOUTS_FILE):
        raise fail(member.where, "a WHOOP sleeps.csv or workouts.csv alone is not enough; "
                                 "pass the whole export folder or zip "
                                 "(physiological_cycles.csv is needed)")
    oura_membership = "day" in keys and len(keys & (oura.SLEEP_MARKERS | oura.READINESS_MARKERS
                                                    | oura.ACTIVITY_MARKERS)) >= 2
    scores = {
        whoop.FORMAT: len(keys & whoop.MARKERS) + 3 * (name == whoop.CYCLES_FILE),
        oura.FORMAT: 3 * (oura_membership or name in oura.FILES.values()),
        oura.TRENDS_FORMAT: len(keys & oura.TRENDS_MARKERS) + ("date" in keys),
        intervals.FORMAT: len(keys & intervals.MARKERS) + 3 * ("wellness" in name)
        + ("id" in keys),
    }
    best = max(scores, key=lambda f: scores[f])
    if scores[best] < 2:
        shown = ", ".join(sorted(keys)[:6]) or "none"
        raise fail(member.where, f"CSV columns not recognised as any supported export "
                                 f"(normalised columns: {shown}); expected {LOOKED_FOR} "
                                 "(see docs/importers.md)")
    if best == whoop.FORMAT:
        return best, partial(whoop.read, Bundle(Path(member.name), member.where, "file", (member,)))
    if best == oura.FORMAT:
        return _oura_single(member, keys)
    if best == oura.TRENDS_FORMAT:
        return best, partial(oura.read_trends, member)
    return best, partial(intervals.read, member)


def _single_file(member: Member, athlete_id: str | None) -> tuple[str, Reader]:
    head = member.head()
    what = sniff_binary(head)
    if what:
        raise fail(member.where, f"this is {what}, not a wearable export")
    looks_xml = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if member.size > sources.MAX_CSV_BYTES and not looks_xml:
        member.read_bytes()  # refuses it as too large without reading
    if len(head) == 4096 and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    text, _ = decode_text(head, member.where)
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "<":
        return apple.FORMAT, partial(apple.read, member)
    if start in ("{", "["):
        raise fail(member.where, "this is a JSON file, not a supported export (export CSV "
                                 "files instead; see docs/importers.md)")
    return _csv_reader(member, athlete_id)


def plan(bundle: Bundle, athlete_id: str | None = None) -> tuple[str, Reader]:
    """(source format, reader) for a bundle; ``DataError`` if nothing known is in it."""
    if bundle.kind == "file":
        return _single_file(bundle.members[0], athlete_id)
    apple_member = _apple_member(bundle)
    whoop_member = bundle.find(whoop.CYCLES_FILE)
    oura_files = _oura_files(bundle)
    oura_core = {k: m for k, m in oura_files.items() if k in ("sleep", "readiness")}
    found = [name for name, hit in (("Apple Health", apple_member), ("WHOOP", whoop_member),
                                    ("Oura", oura_core)) if hit]
    if len(found) > 1:
        raise fail(bundle.where, f"holds more than one export ({' and '.join(found)}); "
                                 "pass one of them")
    if apple_member is not None:
        return apple.FORMAT, partial(apple.read, apple_member)
    if whoop_member is not None:
        return whoop.FORMAT, partial(whoop.read, bundle)
    if oura_core:
        return oura.FORMAT, partial(oura.read, oura_files)
    if bundle.find(whoop.SLEEPS_FILE, whoop.WORKOUTS_FILE):
        raise fail(bundle.where, "WHOOP export without physiological_cycles.csv")
    csvs = bundle.with_suffix(".csv")
    if len(csvs) == 1:
        return _single_file(csvs[0], athlete_id)
    kind = "zip" if bundle.kind == "zip" else "folder"
    extra = ""
    if csvs:
        extra = f"; found {len(csvs)} other CSV files"
    elif zips := bundle.with_suffix(".zip"):
        extra = f"; it holds {zips[0].name}: pass that zip itself"
    raise fail(bundle.where, f"no known wearable export in this {kind} (looked for "
                             f"{LOOKED_FOR}){extra}")
