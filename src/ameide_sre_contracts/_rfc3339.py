"""RFC 3339 timestamps read strictly (any offset up to ±23:59, up to nanoseconds) and written in UTC; Go's zero time."""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Final

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
GO_ZERO_TIME: Final = "0001-01-01T00:00:00Z"
"""Go's zero `time.Time`, which Alertmanager and Grafana send for "no end"."""
GO_ZERO_TIME_SECONDS: Final = -62135596800


def parse_timestamp(text: str) -> Timestamp | None:
    """An RFC 3339 timestamp (any offset, up to nanoseconds) as a `Timestamp`; None when it is not one."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(index)) for index in range(1, 7))
    fraction = match.group(7) or ""
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]):
        return None
    if year < 1 or hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if match.group(9):
        offset_hours, offset_minutes = int(match.group(10)), int(match.group(11))
        if offset_hours > 23 or offset_minutes > 59:
            return None
        offset = (offset_hours * 3600 + offset_minutes * 60) * (1 if match.group(9) == "+" else -1)
    seconds = calendar.timegm((year, month, day, hour, minute, min(second, 59), 0, 0, 0)) - offset
    stamp = Timestamp(seconds=seconds, nanos=int(fraction.ljust(9, "0")) if fraction else 0)
    if not GO_ZERO_TIME_SECONDS <= stamp.seconds <= 253402300799:
        return None
    return stamp


_EPOCH = datetime.date(1970, 1, 1)
_MINUTES: dict[int, str] = {}  # minutes since the epoch -> "YYYY-MM-DDTHH:MM:": messages of one minute share it
_SECONDS: Final = [f"{second:02d}" for second in range(60)]


def _minute_text(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    try:
        date = (_EPOCH + datetime.timedelta(days=days)).isoformat()
    except OverflowError:
        return ""
    text = f"{date}T{rest // 60:02d}:{rest % 60:02d}:"
    if len(_MINUTES) < 4096:
        _MINUTES[minutes] = text
    return text


def utc_text(seconds: int, nanos: int) -> str:
    """`Timestamp.ToJsonString()` of a valid time, faster: UTC, `Z`, a fraction of 0, 3, 6 or 9 digits.

    "" for what is not a time (nanos outside 0 to 999999999, a year outside 1 to 9999).
    """
    if not 0 <= nanos <= 999_999_999:
        return ""
    minutes, second = divmod(seconds, 60)
    prefix = _MINUTES.get(minutes) or _minute_text(minutes)
    if not prefix:
        return ""
    if not nanos:
        return f"{prefix}{_SECONDS[second]}Z"
    if not nanos % 1_000_000:
        return f"{prefix}{_SECONDS[second]}.{nanos // 1_000_000:03d}Z"
    if not nanos % 1000:
        return f"{prefix}{_SECONDS[second]}.{nanos // 1000:06d}Z"
    return f"{prefix}{_SECONDS[second]}.{nanos:09d}Z"


def rfc3339(stamp: Timestamp | None, *, zero: str = GO_ZERO_TIME) -> str:
    """A `Timestamp` in RFC 3339, UTC; `zero` (Go's zero time) for an unset one."""
    if stamp is None:
        return zero
    text: str = stamp.ToJsonString()
    return text


def has_time(message: Message, field: str) -> Timestamp | None:
    """The `Timestamp` field's value when set, else None."""
    if message.HasField(field):
        stamp: Timestamp = getattr(message, field)
        return stamp
    return None
