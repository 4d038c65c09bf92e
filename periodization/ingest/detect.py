"""Which export a path is: by file names in a folder or zip, by content for a single file.

A folder or zip holds WHOOP if it has ``physiological_cycles.csv``, Oura if it has
``sleepmodel.csv`` or ``dailyreadiness.csv``, Apple Health if it has ``export.xml`` (or
another ``.xml`` whose root is ``<HealthData>``; ``export_cda.xml`` is not it), and so on
for the formats of ``CONTAINER_FINDERS``; its other CSV and JSON files are recognised one
by one. Several exports of different formats are one person's sources (``plan_all``;
merged by ``merge``). A single file is
refused when its first bytes show a known non-text type (image, PDF, JSON, …); XML goes to
the Apple Health reader (which checks the root element); a CSV is recognised by its
normalised header (``csvtable.normalize_header``) and, failing that, by its file name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from periodization.core.errors import DataError
from periodization.ingest import sources
from periodization.ingest.common import Context
from periodization.ingest.csvtable import header_keys
from periodization.ingest.formats import (
    apple,
    apple_csv,
    fitbit,
    garmin_connect,
    garmin_fit,
    generic,
    hrv_apps,
    intervals,
    oura,
    oura_api,
    polar,
    whoop,
)
from periodization.ingest.sources import (
    Bundle,
    Member,
    decode_text,
    fail,
    sniff_binary,
)

Reader = Callable[[Context], pd.DataFrame]
MAX_XML_PEEKS = 20
LOOKED_FOR = ("WHOOP, Oura (export, trends CSV or API JSON), Apple Health (export.xml or "
              "per-type CSVs), Garmin (Connect export or FIT files), Fitbit Takeout, Polar "
              "Flow, intervals.icu, HRV4Training, Elite HRV or the generic CSV")


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
        oura.FORMAT: 3 * (oura_membership or name in oura.FILES.values())
        + len(keys & oura.SLEEP_MARKERS),
        oura.TRENDS_FORMAT: len(keys & oura.TRENDS_MARKERS) + ("date" in keys),
        intervals.FORMAT: len(keys & intervals.MARKERS) + 3 * ("wellness" in name)
        + ("id" in keys),
        intervals.ACTIVITIES_FORMAT: len(keys & intervals.ACTIVITY_MARKERS)
        + 2 * ("icu_training_load" in keys),
        hrv_apps.HRV4T_FORMAT: len(keys & hrv_apps.HRV4T_MARKERS)
        + 3 * ("hrv4_t_recovery_points" in keys),
        hrv_apps.ELITE_FORMAT: len(keys & hrv_apps.ELITE_MARKERS)
        + 2 * ("date_time_start" in keys),
        apple_csv.FORMAT: 4 * apple_csv.is_member(member)
        + len(keys & {"source_name", "source_version", "creation_date", "start_date",
                      "end_date"}) // 3,
        fitbit.FORMAT: 4 * (fitbit.kind_of(member) in ("hrv", "rhr_csv")),
    }
    best = max(scores, key=lambda f: scores[f])
    if scores[best] < 2:
        shown = ", ".join(k[:24] for k in sorted(keys)[:4]) or "none"
        raise fail(member.where, f"CSV columns not recognised as any supported export "
                                 f"(normalised columns: {shown}); expected {LOOKED_FOR} "
                                 "(see docs/importers.md)")
    readers = {
        whoop.FORMAT: lambda: partial(whoop.read, Bundle(Path(member.name), member.where,
                                                         "file", (member,))),
        oura.TRENDS_FORMAT: lambda: partial(oura.read_trends, member),
        intervals.FORMAT: lambda: partial(intervals.read, member),
        intervals.ACTIVITIES_FORMAT: lambda: partial(intervals.read_activities, member),
        hrv_apps.HRV4T_FORMAT: lambda: partial(hrv_apps.read_hrv4training, member),
        hrv_apps.ELITE_FORMAT: lambda: partial(hrv_apps.read_elite, member),
        apple_csv.FORMAT: lambda: partial(apple_csv.read, [member]),
        fitbit.FORMAT: lambda: partial(fitbit.read, [member]),
    }
    if best == oura.FORMAT:
        return _oura_single(member, keys)
    return best, readers[best]()


JSON_FORMATS = (  # (format, sniffed bytes, reader of a list of members)
    (oura_api.FORMAT, oura_api.SNIFF, oura_api.read),
    (polar.FORMAT, polar.SNIFF, polar.read),
    (fitbit.FORMAT, fitbit.SNIFF, fitbit.read),
    (garmin_connect.FORMAT, garmin_connect.SNIFF, garmin_connect.read),
)


def _json_reader(member: Member, head: bytes) -> tuple[str, Reader]:
    for fmt, sniff, reader in JSON_FORMATS:
        if any(marker in head for marker in sniff):
            return fmt, partial(reader, [member])
    raise fail(member.where, "this is a JSON file, not a supported export (supported JSON: "
                             "Oura API v2, Garmin Connect export, Fitbit Takeout, Polar Flow; "
                             "see docs/importers.md)")


def _single_file(member: Member, athlete_id: str | None) -> tuple[str, Reader]:
    head = member.head()
    if garmin_fit.is_fit(head):
        return garmin_fit.FORMAT, partial(garmin_fit.read, [member])
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
        return _json_reader(member, head)
    return _csv_reader(member, athlete_id)


@dataclass(frozen=True)
class Found:
    """One export found in a bundle: its format, how to read it, what it is called in
    messages, and which of the bundle's members belong to it."""

    source_format: str
    reader: Reader
    where: str
    members: frozenset[str] = frozenset()


WHOOP_OWN = frozenset({whoop.CYCLES_FILE, whoop.SLEEPS_FILE, whoop.WORKOUTS_FILE,
                       "journal_entries.csv"})


def _folder_of(member: Member) -> str:
    return member.name.rpartition("/")[0]


def _under(bundle: Bundle, folder: str) -> frozenset[str]:
    prefix = f"{folder}/" if folder else ""
    return frozenset(m.name for m in bundle.members if m.name.startswith(prefix))


def _containers(bundle: Bundle) -> list[Found]:
    """Exports recognised by their main file names (Apple, WHOOP, Oura, …)."""
    found = []
    apple_member = _apple_member(bundle)
    if apple_member is not None:
        found.append(Found(apple.FORMAT, partial(apple.read, apple_member), apple_member.where,
                           _under(bundle, _folder_of(apple_member))))
    whoop_files: dict[str, list[Member]] = {}  # folder → its WHOOP files, in one pass
    for m in bundle.members:
        if m.basename in WHOOP_OWN:
            whoop_files.setdefault(_folder_of(m), []).append(m)
    for cycles in (m for m in bundle.members if m.basename == whoop.CYCLES_FILE):
        home = _folder_of(cycles)
        own = tuple(whoop_files[home])
        sep = ":" if bundle.kind == "zip" else "/"
        where = bundle.where if not home else f"{bundle.where}{sep}{home}"
        sub = Bundle(bundle.path, where, bundle.kind, own)
        found.append(Found(whoop.FORMAT, partial(whoop.read, sub), where,
                           frozenset(m.name for m in own)))
    oura_files = _oura_files(bundle)
    core = [m for k, m in oura_files.items() if k in ("sleep", "readiness")]
    if core:
        found.append(Found(oura.FORMAT, partial(oura.read, oura_files), bundle.where,
                           _under(bundle, _folder_of(core[0]))))
    for finder in CONTAINER_FINDERS:  # each sees only what is not claimed yet
        claimed = frozenset().union(*(f.members for f in found)) if found else frozenset()
        rest = tuple(m for m in bundle.members if m.name not in claimed)
        found.extend(finder(Bundle(bundle.path, bundle.where, bundle.kind, rest)))
    return found


def _grouped(fmt: str, reader: Callable, belongs: Callable[[Member], object]
             ) -> Callable[[Bundle], list[Found]]:
    """A finder: every member ``belongs`` accepts is one export of ``fmt``."""
    def find(bundle: Bundle) -> list[Found]:
        members = [m for m in bundle.members if belongs(m)]
        if not members:
            return []
        return [Found(fmt, partial(reader, members), bundle.where,
                      frozenset(m.name for m in members))]
    return find


MAX_JSON_PEEKS = 50


def _oura_api_member(bundle: Bundle) -> Callable[[Member], bool]:
    jsons = [m for m in bundle.members if m.basename.endswith(".json")]
    peeked = {m.name for m in jsons[:MAX_JSON_PEEKS]
              if m.basename in oura_api.NAMES or b'"next_token"' in m.head(1024)}
    return lambda m: m.name in peeked


def _apple_csvs(bundle: Bundle) -> list[Found]:
    """Apple per-type CSVs: the folders holding an HRV, resting HR or sleep CSV (a lone
    ``workout.csv`` is some other app's)."""
    homes = {_folder_of(m) for m in bundle.members
             if apple_csv.is_member(m) and not m.basename.endswith(apple_csv.WORKOUT_FILE)}
    return _grouped(apple_csv.FORMAT, apple_csv.read,
                    lambda m: apple_csv.is_member(m) and _folder_of(m) in homes)(bundle)


def _oura_api(bundle: Bundle) -> list[Found]:
    return _grouped(oura_api.FORMAT, oura_api.read, _oura_api_member(bundle))(bundle)


CONTAINER_FINDERS: list[Callable[[Bundle], list[Found]]] = [
    _grouped(garmin_connect.FORMAT, garmin_connect.read, garmin_connect.kind_of),
    _grouped(garmin_fit.FORMAT, garmin_fit.read, lambda m: m.basename.endswith(".fit")),
    _grouped(fitbit.FORMAT, fitbit.read, fitbit.kind_of),
    _grouped(polar.FORMAT, polar.read, polar.kind_of),
    _apple_csvs,
    _oura_api,
]
LOOSE_SUFFIXES = (".csv", ".json", ".txt")


def plan_all(bundle: Bundle, athlete_id: str | None = None) -> tuple[list[Found], list[str]]:
    """Every export in a bundle (one person's sources), and notes on files left out.

    A single file is one export (or a ``DataError``). In a folder or zip, exports are
    recognised by their main files (``_containers``); the remaining CSV/JSON files are
    recognised one by one by content. Files recognised as nothing are left out with a
    note when something else was found; two exports of the same format are refused (one
    athlete's data cannot hold two WHOOP exports). Nothing found is a ``DataError``.
    """
    if bundle.kind == "file":
        fmt, reader = _single_file(bundle.members[0], athlete_id)
        return [Found(fmt, reader, bundle.where)], []
    found = _containers(bundle)
    claimed = frozenset().union(*(f.members for f in found)) if found else frozenset()
    loose = [m for m in bundle.members if m.name not in claimed
             and m.basename.endswith(LOOSE_SUFFIXES) and m.basename not in WHOOP_OWN]
    notes, errors = [], []
    for member in loose:
        try:
            fmt, reader = _single_file(member, athlete_id)
        except DataError as exc:
            if member.basename.endswith(".csv"):
                errors.append(str(exc))
            notes.append(f"{member.where}: not a recognised export, left out")
            continue
        found.append(Found(fmt, reader, member.where, frozenset({member.name})))
    if not found:
        if len(errors) == 1 and len([m for m in loose if m.basename.endswith(".csv")]) == 1:
            raise DataError(errors[0])
        _nothing_found(bundle, loose)
    counts = Counter(f.source_format for f in found)
    twice = sorted(f for f, n in counts.items() if n > 1)
    if twice:
        wheres = [f.where for f in found if f.source_format == twice[0]]
        names = " and ".join(wheres[:2]) + (f" and {len(wheres) - 2} more" * (len(wheres) > 2))
        raise fail(bundle.where, f"holds more than one {twice[0]} export ({names}): one "
                                 "athlete's data has one export per source; for several "
                                 "athletes, put each one's export in its own sub-folder")
    return found, notes


def _nothing_found(bundle: Bundle, loose: list[Member]) -> None:
    kind = "zip" if bundle.kind == "zip" else "folder"
    extra = ""
    csvs = [m for m in loose if m.basename.endswith(".csv")]
    if csvs:
        extra = f"; found {len(csvs)} other CSV files"
    elif zips := bundle.with_suffix(".zip"):
        extra = f"; it holds {zips[0].name}: pass that zip itself"
    raise fail(bundle.where, f"no known wearable export in this {kind} (looked for "
                             f"{LOOKED_FOR}){extra}")
