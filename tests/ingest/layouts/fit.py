"""A small FIT file writer built on the published FIT protocol (file header, definition
and data messages, CRC-16), enough to write the messages a Garmin device stores for
sleep, HRV status, resting heart rate and activities. Only for test fixtures; the
importer reads FIT with ``fitdecode``.

Layout: 14-byte header (size, protocol 2.0, profile version, data size, ``.FIT``,
header CRC), then records, then the file CRC. A definition record (header bit 6) gives a
local message type its global number and fields (number, size, base type); each data
record starts with its local type. Timestamps are seconds since 1989-12-31 00:00 UTC.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_CRC = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)
BASE = {"enum": (0x00, "B"), "uint8": (0x02, "B"), "sint8": (0x01, "b"),
        "uint16": (0x84, "H"), "sint16": (0x83, "h"), "uint32": (0x86, "I"),
        "sint32": (0x85, "i"), "uint32z": (0x8C, "I")}
# global message numbers and the fields used: name → (field number, base type)
MESSAGES = {
    "file_id": (0, {"type": (0, "enum"), "manufacturer": (1, "uint16"), "product": (2, "uint16"),
                    "serial_number": (3, "uint32z"), "time_created": (4, "uint32")}),
    "monitoring_info": (103, {"timestamp": (253, "uint32"), "local_timestamp": (0, "uint32")}),
    "monitoring_hr_data": (211, {"timestamp": (253, "uint32"), "resting_heart_rate": (0, "uint8"),
                                 "current_day_resting_heart_rate": (1, "uint8")}),
    "hrv_status_summary": (370, {"timestamp": (253, "uint32"), "weekly_average": (0, "uint16"),
                                 "last_night_average": (1, "uint16"), "status": (6, "enum")}),
    "sleep_level": (275, {"timestamp": (253, "uint32"), "sleep_level": (0, "enum")}),
    "session": (18, {"timestamp": (253, "uint32"), "start_time": (2, "uint32"),
                     "sport": (5, "enum"), "sub_sport": (6, "enum"),
                     "total_elapsed_time": (7, "uint32"), "total_timer_time": (8, "uint32"),
                     "time_in_hr_zone": (65, "uint32")}),
}


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC[nibble]
    return crc


def fit_time(t: datetime) -> int:
    return int((t.replace(tzinfo=UTC) if t.tzinfo is None else t).timestamp()
               - FIT_EPOCH.timestamp())


class FitWriter:
    """Collects messages (``add(name, **fields)``) and writes a valid FIT file.

    A field value may be a list (an array field, e.g. ``time_in_hr_zone``); scaled
    fields are given already scaled (ms × 1000 etc.), as stored.
    """

    def __init__(self) -> None:
        self.body = bytearray()
        self.local: dict[tuple, int] = {}

    def add(self, name: str, **fields) -> None:
        number, spec = MESSAGES[name]
        layout = tuple((k, len(v) if isinstance(v, list) else 1) for k, v in fields.items())
        key = (name, layout)
        if key not in self.local:
            self.local[key] = len(self.local) % 16
            local = self.local[key]
            self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, number, len(fields))
            for field, count in layout:
                num, base = spec[field]
                code, fmt = BASE[base]
                self.body += struct.pack("<BBB", num, struct.calcsize(fmt) * count, code)
        local = self.local[key]
        self.body += struct.pack("<B", local)
        for field, value in fields.items():
            fmt = BASE[spec[field][1]][1]
            values = value if isinstance(value, list) else [value]
            self.body += struct.pack("<" + fmt * len(values), *values)

    def bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", crc16(data))
