"""Writes the malformed-input corpus: ``bad/`` (each must be refused with a one-line
``DataError``) and ``odd/`` (flawed but usable: imported with warnings).

Run from the repository root: ``python tests/ingest/importers/make_bad_files.py``. The files
are small and committed; big ones (2 GB) are made at test time as sparse files.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parent
BAD, ODD = ROOT / "bad", ROOT / "odd"
GENERIC = "date,hrv_rmssd_ms,resting_hr,sleep_hours,sleep_efficiency,recovery,load,action"
CYCLES = ("Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate "
          "(bpm),Heart rate variability (ms),Day Strain,Sleep onset,Wake onset,Asleep duration "
          "(min),Sleep efficiency %")
APPLE_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
              ' <ExportDate value="2024-04-30 08:00:00 +0200"/>\n')


def rows(n: int, start: int = 1, month: str = "2024-03", **override) -> list[str]:
    """``n`` plausible generic rows; ``override`` maps a column to a per-row value list."""
    out = []
    for i in range(n):
        values = {"date": f"{month}-{start + i:02d}", "hrv_rmssd_ms": 60 + i % 7,
                  "resting_hr": 50 + i % 4, "sleep_hours": 7.5, "sleep_efficiency": 91,
                  "recovery": 70, "load": [0, 80, 50][i % 3], "action": ["REST", "TEMPO",
                                                                         "AEROBIC_BASE"][i % 3]}
        for key, seq in override.items():
            values[key] = seq[i % len(seq)]
        out.append(",".join(str(values[c]) for c in GENERIC.split(",")))
    return out


def cycles(n: int, **override) -> list[str]:
    out = []
    for i in range(n):
        d = 4 + i
        values = [f"2024-03-{d - 1:02d} 22:00:00", f"2024-03-{d:02d} 22:00:00", "UTC+01:00", 70,
                  52, 64, 11.5, f"2024-03-{d - 1:02d} 22:00:00", f"2024-03-{d:02d} 06:00:00", 420,
                  92]
        for idx, seq in override.items():
            values[int(idx)] = seq[i % len(seq)]
        out.append(",".join(map(str, values)))
    return out


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


def lines(*parts: str | list[str]) -> str:
    flat: list[str] = []
    for p in parts:
        flat.extend([p] if isinstance(p, str) else p)
    return "\n".join(flat) + "\n"


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():  # fixed timestamps: the same bytes on every run
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def encrypted_zip() -> bytes:
    """A zip whose member claims to be encrypted (general-purpose flag bit 0 set)."""
    data = bytearray(zip_bytes({"physiological_cycles.csv": lines(CYCLES, cycles(3)).encode()}))
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        data[pos + offset] |= 0x01
    return bytes(data)


def damaged_member_zip() -> bytes:
    """A zip whose directory is intact but whose member data is damaged (bad CRC)."""
    content = lines(CYCLES, cycles(20)).encode()
    data = bytearray(zip_bytes({"physiological_cycles.csv": content}))
    start = data.find(b"physiological_cycles.csv") + len("physiological_cycles.csv")
    for pos in range(start + 20, start + 60, 7):
        data[pos] ^= 0x5A
    return bytes(data)


def make_bad() -> None:
    rng = np.random.default_rng(0)
    b = BAD
    write(b / "empty.csv", b"")
    write(b / "blank_lines.csv", "\n   \n\t\n")
    write(b / "garbage.bin", rng.integers(0, 256, 2048, dtype=np.uint8).tobytes())
    write(b / "photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200))
    write(b / "scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    write(b / "archive.csv.gz", b"\x1f\x8b\x08\x00" + bytes(60))
    write(b / "whoop_api.json", json.dumps({"records": [{"score": {"recovery_score": 44}}]}))
    write(b / "header_only.csv", GENERIC + "\n")
    write(b / "whoop_header_only" / "physiological_cycles.csv", CYCLES + "\n")
    write(b / "generic_missing_recovery.csv",
          lines(GENERIC.replace(",recovery", ""), [",".join(r.split(",")[:5] + r.split(",")[6:])
                                                   for r in rows(5)]))
    write(b / "generic_missing_load_and_action.csv",
          lines(GENERIC.rsplit(",", 2)[0], [r.rsplit(",", 2)[0] for r in rows(5)]))
    no_start = CYCLES.split(",", 1)[1]
    write(b / "whoop_missing_cycle_start" / "physiological_cycles.csv",
          lines(no_start, [r.split(",", 1)[1] for r in cycles(4)]))
    write(b / "whoop_no_metrics" / "physiological_cycles.csv",
          lines("Cycle start time,Cycle end time,Cycle timezone,Sleep onset,Wake onset",
                ["2024-03-03 22:00:00,2024-03-04 22:00:00,UTC+01:00,2024-03-03 22:00:00,"
                 "2024-03-04 06:00:00"]))
    write(b / "oura_sleep_missing_columns" / "App Data" / "sleepmodel.csv",
          lines("id;day;type;bedtime_start", ["a1;2024-03-04;long_sleep;2024-03-03T23:00:00+01:00",
                                              "a2;2024-03-05;long_sleep;2024-03-04T23:00:00+01:00"]))
    write(b / "oura_readiness_without_score" / "dailyreadiness.csv",
          lines("id;contributors;day;temperature_deviation",
                ['r1;{"hrv_balance": 80};2024-03-04;0.1', 'r2;{"hrv_balance": 70};2024-03-05;0.0']))
    write(b / "oura_trends_missing_columns.csv",
          lines("date,Sleep Score,Total Sleep Score,Activity Score",
                ["2020-03-01,74,74,87", "2020-03-02,80,80,90"]))
    write(b / "intervals_missing_metrics.csv",
          lines("id,weight,sleepScore,soreness,mood,steps",
                ["2024-03-01,71.2,80,1,2,9000", "2024-03-02,71.0,82,1,3,8000"]))
    write(b / "intervals_missing_id.csv",
          lines("weight,restingHR,hrv,sleepSecs,readiness,ctl,atl",
                ["71.2,50,62.5,27000,80,45.1,50.2", "71.0,51,60.1,26000,75,45.3,50.9"]))
    write(b / "generic_text_hrv.csv",
          lines(GENERIC, rows(6, hrv_rmssd_ms=["high", "low", "normal"])))
    text_rhr = cycles(5, **{"4": ["good", "ok"]})
    write(b / "whoop_text_resting_hr" / "physiological_cycles.csv", lines(CYCLES, text_rhr))
    write(b / "generic_all_hrv_zero.csv", lines(GENERIC, rows(8, hrv_rmssd_ms=[0])))
    write(b / "generic_all_hrv_900.csv", lines(GENERIC, rows(8, hrv_rmssd_ms=[900, 950])))
    write(b / "intervals_all_rhr_300.csv",
          lines("id,restingHR,hrv,sleepSecs,readiness,ctl,atl,ctlLoad",
                [f"2024-03-{d:02d},300,60,27000,80,45,50,60" for d in range(1, 8)]))
    write(b / "generic_bad_date.csv",
          lines(GENERIC, rows(3), rows(1)[0].replace("2024-03-01", "31/02/2024"), rows(2, 9)))
    write(b / "generic_dates_1900.csv", lines(GENERIC, rows(6, month="1900-01")))
    write(b / "generic_dates_2200.csv", lines(GENERIC, rows(6, month="2200-07")))
    write(b / "generic_no_dates.csv", lines(GENERIC, [",".join(["", *r.split(",")[1:]])
                                                      for r in rows(4)]))
    write(b / "generic_nothing_usable.csv",
          lines(GENERIC, [f"2024-03-{d:02d},,,,,,60,TEMPO" for d in range(1, 6)]))
    write(b / "generic_unknown_actions.csv", lines(GENERIC, rows(5, action=["jogging", "nap"])))
    write(b / "generic_two_athletes.csv",
          lines("athlete_id," + GENERIC, [f"{a},{r}" for a in ("ann", "bob") for r in rows(3)]))
    write(b / "whoop_bad_timestamp" / "physiological_cycles.csv",
          lines(CYCLES, cycles(3, **{"8": ["yesterday evening"]})))
    write(b / "ragged.csv", lines(GENERIC, rows(2), rows(1)[0] + ",extra,fields", rows(2)))
    write(b / "bank_statement.csv", lines("Booking date;Payee;Amount;Currency",
                                          ["2024-03-01;Grocer;-23,50;EUR"]))
    write(b / "whoop_sleeps_alone.csv",
          lines("Cycle start time,Sleep onset,Wake onset,Asleep duration (min),Nap",
                ["2024-03-03 22:00:00,2024-03-03 22:00:00,2024-03-04 06:00:00,420,false"]))
    write(b / "oura_activity_alone.csv",
          lines("id;day;score;high_activity_time;medium_activity_time;steps",
                ["a1;2024-03-04;80;1200;2400;9000"]))
    write(b / "utf16_without_bom.csv", lines(GENERIC, rows(3)).encode("utf-16-le"))
    write(b / "shift_jis.csv", lines("日付,心拍変動", "2024-03-01,60").encode("shift_jis"))
    write(b / "no_known_file.zip", zip_bytes({"readme.txt": b"my data", "notes/todo.md": b"x"}))
    whole = zip_bytes({"physiological_cycles.csv": lines(CYCLES, cycles(20)).encode()})
    write(b / "corrupt.zip", whole[: len(whole) // 2])
    write(b / "encrypted.zip", encrypted_zip())
    write(b / "damaged_member.zip", damaged_member_zip())
    write(b / "folder_without_export" / "notes.txt", "nothing to import here\n")
    cycles_csv = lines(CYCLES, cycles(3)).encode()
    write(b / "two_whoop_exports.zip", zip_bytes({"whoop/physiological_cycles.csv": cycles_csv,
                                                  "whoop_old/physiological_cycles.csv":
                                                  cycles_csv}))
    record = ('<Record type="HKQuantityTypeIdentifierRestingHeartRate" sourceName="Watch" '
              'unit="count/min" startDate="2024-03-01 06:00:00 +0100" '
              'endDate="2024-03-01 23:59:00 +0100" value="52"/>\n')
    write(b / "truncated_export.xml", (APPLE_HEAD + record * 5 + record)[:-40])
    write(b / "not_apple.xml", '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
                               '<rect width="10" height="10"/></svg>\n')
    write(b / "apple_without_records.xml",
          APPLE_HEAD + ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" '
          'unit="count" startDate="2024-03-01 09:00:00 +0100" endDate="2024-03-01 10:00:00 '
          '+0100" value="800"/>\n</HealthData>\n')
    write(b / "unknown_xml_encoding.xml",
          '<?xml version="1.0" encoding="klingon"?>\n<HealthData locale="tlh"></HealthData>\n')


def _fit(*messages: tuple[str, dict]) -> bytes:
    import sys

    sys.path.insert(0, str(ROOT.parents[2]))
    from datetime import datetime

    from tests.ingest.layouts.fit import FitWriter, fit_time

    w = FitWriter()
    t = fit_time(datetime(2024, 3, 1, 6, 0))
    w.add("file_id", type=32, manufacturer=1, product=3500, serial_number=1, time_created=t)
    for name, fields in messages:
        w.add(name, **{k: (t if v == "T" else v) for k, v in fields.items()})
    return w.bytes()


def make_bad_new_formats() -> None:
    """Broken files of the formats added for issue 12 (Oura API, Garmin, FIT, Fitbit,
    Polar, HRV4Training, Elite HRV, Apple CSVs, intervals.icu activities)."""
    b = BAD
    sleep = {"day": "2024-03-02", "average_hrv": 50, "lowest_heart_rate": 48,
             "total_sleep_duration": 27000, "type": "long_sleep"}
    write(b / "oura_api_not_json.json", '{"next_token": null, "data": [{"day": ')
    write(b / "oura_api_no_records.json", json.dumps({"data": 5, "next_token": None}))
    write(b / "oura_api_empty.json", json.dumps({"data": [], "next_token": None}))
    write(b / "oura_api_bad_day.json", json.dumps({"data": [{**sleep, "day": "31/02/2024"}],
                                                    "next_token": None}))
    write(b / "oura_api_hrv_900.json", json.dumps({"data": [{**sleep, "average_hrv": 900}],
                                                    "next_token": None}))
    write(b / "oura_api_nested_deep.json", '{"next_token": null, "data": ' + "[" * 100_000)
    wellness = "DI_CONNECT/DI-Connect-Wellness"
    write(b / "garmin_not_a_list" / wellness / "x_sleepData.json", json.dumps({"foo": 1}))
    write(b / "garmin_empty" / wellness / "x_sleepData.json", "[]")
    write(b / "garmin_empty" / "DI_CONNECT/DI-Connect-Aggregator/UDSFile_1.json", "[]")
    write(b / "garmin_truncated" / wellness / "x_sleepData.json",
          '[{"calendarDate": "2024-03-02", "deepSleepSeconds": 30')
    good = _fit(("monitoring_hr_data", {"timestamp": "T", "resting_heart_rate": 48}),
                ("hrv_status_summary", {"timestamp": "T", "last_night_average": 60 * 128}))
    write(b / "fit_truncated.fit", good[: len(good) // 2])
    damaged = bytearray(good)
    damaged[20] ^= 0xFF
    write(b / "fit_bad_crc.fit", bytes(damaged))
    write(b / "fit_activity_only.fit", _fit(("session", {
        "timestamp": "T", "start_time": "T", "sport": 1, "total_timer_time": 3600000})))
    write(b / "fit_header_only.fit", _fit())
    data = "Takeout/Fitbit/Global Export Data"
    write(b / "fitbit_sleep_not_json" / data / "sleep-2024-03-01.json", "sleep well")
    write(b / "fitbit_nothing" / data / "resting_heart_rate-2024-03-01.json", "[]")
    write(b / "fitbit_hrv_without_rmssd" / "Daily Heart Rate Variability Summary - 2024-03.csv",
          "timestamp,nremhr,entropy\n2024-03-01T00:00:00,55,2.4\n")
    write(b / "polar_empty" / "nightly_recovery_a.json", "[]")
    write(b / "polar_empty" / "sleep_result_a.json", "[]")
    write(b / "polar_bad_json" / "nightly_recovery_a.json", "[{")
    hrv4t = "HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points,sleep_time"
    write(b / "hrv4training_no_date.csv", lines(hrv4t, ["52,1150,60,65,30,800,900,7.5,7.5"]))
    write(b / "hrv4training_text_rmssd.csv",
          lines("date," + hrv4t, [f"2024-03-0{d},52,1150,60,high,30,800,900,7,7" for d in
                                  range(1, 4)]))
    elite = "Date Time Start,Reading Type,Morning Readiness,HR,HRV,lnRMSSD,RMSSD,SDNN"
    write(b / "elite_hrv_no_rmssd.csv",
          lines(elite, [f"2024-03-0{d} 07:00:00,Morning Readiness,7,52,60,,,40"
                        for d in range(1, 4)]))
    write(b / "elite_hrv_bad_date.csv",
          lines(elite, ["tomorrow morning,Morning Readiness,7,52,60,4.1,62,40"]))
    record = "sourceName,sourceVersion,device,type,unit,creationDate,startDate,endDate"
    write(b / "apple_csv_without_value" / "HeartRateVariabilitySDNN.csv",
          lines(record, ["Watch,10,Watch,HKQuantityTypeIdentifierHeartRateVariabilitySDNN,ms,"
                         "2024-03-01 07:00:00 +0100,2024-03-01 06:00:00 +0100,"
                         "2024-03-01 06:01:00 +0100"]))
    write(b / "apple_csv_header_only" / "RestingHeartRate.csv", record + ",value\n")
    write(b / "intervals_activities_alone.csv",
          lines("id,start_date_local,type,moving_time,icu_training_load,icu_intensity",
                ["i1,2024-03-01T07:00:00,Run,3600,60,0.8", "i2,2024-03-02T07:00:00,Ride,5400,80,"
                 "0.7"]))
    write(b / "unknown_json.json", json.dumps({"foo": [1, 2, 3]}))


def make_odd() -> None:
    o = ODD
    write(o / "few_bad_hrv.csv", lines(GENERIC, rows(10, hrv_rmssd_ms=[62, 0, 64, 66, 900,
                                                                       61, 63, 65, 60, 67])))
    dup = rows(6)
    dup.insert(3, "2024-03-02,70,,8.0,93,,80,TEMPO")  # day 2 again: newer values, some gaps
    write(o / "duplicate_dates.csv", lines(GENERIC, dup))
    write(o / "unsorted_dates.csv", lines(GENERIC, rows(8)[::-1]))
    semi = [r.replace(",", ";").replace("7.5", "7,5") for r in rows(6)]
    write(o / "semicolon_decimal_comma.csv", lines(GENERIC.replace(",", ";"), semi))
    write(o / "bom_crlf.csv", b"\xef\xbb\xbf" + lines(GENERIC, rows(5)).replace("\n", "\r\n")
          .encode())
    write(o / "windows_1252.csv", lines(GENERIC + ",notes", [r + ",caf\xe9 ride" for r in
                                                             rows(5)]).encode("cp1252"))
    write(o / "utf16_bom_tabs.csv", lines(GENERIC.replace(",", "\t"),
                                          [r.replace(",", "\t") for r in rows(5)]).encode("utf-16"))
    variants = (" Date ,HRV_RMSSD_MS,Resting HR (bpm),Sleep Hours [h],sleep efficiency (%),"
                "RECOVERY,Load,Action")
    write(o / "header_variants.csv", lines(variants, rows(5)))
    write(o / "text_cells.csv", lines(GENERIC, rows(8, hrv_rmssd_ms=[60, "n/a", 61, "abc", 62,
                                                                      "-", 63, 64])))
    write(o / "some_absurd_dates.csv", lines(GENERIC, rows(5), rows(1, month="2200-01")))
    old = ("CYCLE START TIME,cycle end time,Cycle Timezone,Recovery Score,RESTING_HEART_RATE,"
           "HRV (ms),Strain,Sleep Onset,Wake Onset,Sleep duration [min],sleep efficiency (%)")
    write(o / "whoop_old_headers" / "physiological_cycles.csv", lines(old, cycles(5)))
    pacific = cycles(5, **{"2": ["UTC-08:00"]})
    write(o / "whoop_local_times" / "physiological_cycles.csv", lines(CYCLES, pacific))


if __name__ == "__main__":
    for folder in (BAD, ODD):
        shutil.rmtree(folder, ignore_errors=True)
    make_bad()
    make_bad_new_formats()
    make_odd()
