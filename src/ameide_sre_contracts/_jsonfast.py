"""What the generated ProtoJSON reader and writer (`ameide_core_proto/sre/_protojson.py`) share.

The generated code accepts only what it can prove the strict reader
(`_protojson`, `json_format` behind ambiguity checks) accepts the same way,
and raises `Refused` for anything else: the caller then asks the strict
reader, whose verdict, message and error stand. So a helper here may refuse
more than ProtoJSON allows (that costs a fallback, which is counted), never
less.
"""

from __future__ import annotations

import calendar
import re
from typing import Any, Final

from ameide_sre_contracts._rfc3339 import utc_text
from ameide_sre_contracts.errors import DecodeError

Refused: Final = DecodeError
"""What the generated code raises for input it does not prove plain: the strict reader then decides, and its
verdict (often acceptance) is the caller's."""


NO: Final = object()
"""A key absent from a JSON object (`None` is JSON's null, which clears a field)."""

INT32: Final = (-(2**31), 2**31 - 1)
# ProtoJSON's spellings, shared with the strict reader (_protojson), so the two readers cannot drift apart.
INTEGER_TEXT: Final = re.compile(r"-?[0-9]+")
FLOAT_TEXT: Final = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|NaN|-?Infinity")
ENUM_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # an unknown one is json_format's to refuse or drop
_EXTENSION_KEY: Final = re.compile(r"\[[a-zA-Z0-9\._]*\]")
DURATION_TEXT: Final = re.compile(r"(-?)([0-9]+)(?:\.([0-9]{1,9}))?s")
_TIMESTAMP_SECONDS: Final = (-62135596800, 253402300799)
_DURATION_SECONDS: Final = 315_576_000_000


def unicode(text: str) -> bool:
    """Whether non-ASCII text is Unicode (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unknown_key(key: str, ignore: bool) -> None:
    if not ignore or _EXTENSION_KEY.fullmatch(key) or not (key.isascii() or unicode(key)):
        raise Refused


def rest(
    value: dict[str, Any],
    kw: dict[str, Any],
    ignore: bool,
    plain: frozenset[str],
    others: dict[str, tuple[int, str, Any, str | None]],
) -> None:
    """The keys of `value` a plain field's JSON name does not cover: proto names, oneof cases, unknown keys.

    `others` maps such a key to its oneof (-1 for none), field name, converter and the field's other
    spelling. A field under both spellings, or a second case of one oneof, is refused, as the strict
    reader refuses it.
    """
    chosen: set[int] = set()
    for key, item in value.items():
        if key in plain:
            continue
        entry = others.get(key)
        if entry is None:
            unknown_key(key, ignore)
            continue
        oneof, name, convert, other = entry
        if other is not None and other in value:
            raise Refused
        if item is None:
            kw.pop(name, None)
            continue
        if oneof >= 0:
            if oneof in chosen:
                raise Refused
            chosen.add(oneof)
        converted = convert(item, ignore)
        if converted is not NO:
            kw[name] = converted


def text(value: Any, ignore: bool = False) -> str:
    if type(value) is not str or not (value.isascii() or unicode(value)):
        raise Refused
    return value


def texts(values: Any) -> Any:
    for value in values:
        if type(value) is not str or not (value.isascii() or unicode(value)):
            raise Refused
    return values


def boolean(value: Any, ignore: bool = False) -> bool:
    if type(value) is not bool:
        raise Refused
    return value


def integer(value: Any) -> int:
    """An integer field's JSON value other than a JSON integer: ASCII digits as a string, or an integral float."""
    if type(value) is str:
        if value.isascii() and INTEGER_TEXT.fullmatch(value):
            return int(value)
    elif type(value) is float and value.is_integer():
        return int(value)
    raise Refused


def bounded(value: Any, low: int, high: int) -> int:
    number = value if type(value) is int else integer(value)
    if not low <= number <= high:
        raise Refused
    return number


def integers(values: Any, low: int, high: int) -> list[int]:
    if type(values) is not list:
        raise Refused
    return [bounded(value, low, high) for value in values]


def double(value: Any, ignore: bool = False) -> float:
    """A double field's JSON value: a finite JSON number, or ProtoJSON's string spellings."""
    kind = type(value)
    if kind is float:
        if value - value != 0.0:  # inf or nan as a JSON number: json_format wants them quoted
            raise Refused
        number: float = value
        return number
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise Refused from None
    if kind is str and value.isascii() and FLOAT_TEXT.fullmatch(value):
        return float(value)
    raise Refused


def doubles(values: Any) -> list[float]:
    if type(values) is not list:
        raise Refused
    return [double(value) for value in values]


def enum(value: Any, names: dict[str, int], ignore: bool) -> Any:
    """An enum's JSON value: its name, an integer, or (with `ignore`) an unknown name, dropped (`NO`)."""
    kind = type(value)
    if kind is str:
        number = names.get(value)
        if number is not None:
            return number
        if value.isascii() and INTEGER_TEXT.fullmatch(value):
            number = int(value)
        elif ignore and ENUM_NAME.fullmatch(value):
            return NO
        else:
            raise Refused
    elif kind is int:
        number = value
    elif kind is float and value.is_integer():
        number = int(value)
    else:
        raise Refused
    if not INT32[0] <= number <= INT32[1]:
        raise Refused
    return number


def enums(values: Any, names: dict[str, int], ignore: bool) -> list[int]:
    if type(values) is not list:
        raise Refused
    result = []
    for value in values:
        number = enum(value, names, ignore)
        if number is not NO:
            result.append(number)
    return result


def strings_map(value: Any, most: int | None) -> dict[str, str]:
    """A map<string, string>: every key and value Unicode text."""
    if type(value) is not dict or (most is not None and len(value) > most):
        raise Refused
    for key, item in value.items():
        if not (key.isascii() or unicode(key)) or type(item) is not str or not (item.isascii() or unicode(item)):
            raise Refused
    return value


def keys(value: Any, most: int | None) -> dict[str, Any]:
    """A map's JSON object, its keys checked (string keys: the only kind the contract has)."""
    if type(value) is not dict or (most is not None and len(value) > most):
        raise Refused
    for key in value:
        if not (key.isascii() or unicode(key)):
            raise Refused
    return value


def array(value: Any, most: int | None) -> list[Any]:
    if type(value) is not list or (most is not None and len(value) > most):
        raise Refused
    return value


_DAYS: dict[str, int] = {}  # "YYYY-MM-DD" -> days since the epoch: messages of one day share it


def _days(date: str) -> int:
    days = _DAYS.get(date)
    if days is not None:
        return days
    if not (date[4] == "-" and date[7] == "-" and date[:4].isdigit() and date[5:7].isdigit() and date[8:].isdigit()):
        raise Refused
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:])
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise Refused
    days = calendar.timegm((year, month, day, 0, 0, 0, 0, 0, 0)) // 86_400
    if len(_DAYS) < 4096:
        _DAYS[date] = days
    return days


_MINUTES: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM" -> seconds since the epoch: messages of one minute share it


def _minute(prefix: str) -> int:
    base = _MINUTES.get(prefix)
    if base is None:
        hours, minutes = prefix[11:13], prefix[14:]
        if prefix[10] != "T" or prefix[13] != ":" or not (hours.isdigit() and minutes.isdigit()):
            raise Refused
        if int(hours) > 23 or int(minutes) > 59:
            raise Refused
        base = _days(prefix[:10]) * 86_400 + int(hours) * 3600 + int(minutes) * 60
        if len(_MINUTES) < 4096:
            _MINUTES[prefix] = base
    return base


def timestamp(value: Any, ignore: bool = False) -> dict[str, int]:
    """RFC 3339 with `T`, seconds up to 59, 0 to 9 fraction digits and `Z` or ±HH:MM, within protobuf's range.

    What both the strict checks and `Timestamp.FromJsonString` accept (a lowercase `t` or `z`, or a leap
    second, is refused by the one or the other).
    """
    if type(value) is not str or len(value) < 20 or not value.isascii():
        raise Refused
    seconds = value[17:19]
    if value[16] != ":" or not seconds.isdigit() or seconds > "59":
        raise Refused
    total = _minute(value[:16]) + int(seconds)
    rest = value[19:]
    nanos = 0
    if rest[0] == ".":
        end = 1
        while end < len(rest) and rest[end].isdigit():
            end += 1
        if not 2 <= end <= 10:
            raise Refused
        nanos = int(rest[1:end].ljust(9, "0"))
        rest = rest[end:]
    if rest != "Z":
        if not (len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and rest[1:3].isdigit() and rest[4:].isdigit()):
            raise Refused
        hours, minutes = int(rest[1:3]), int(rest[4:])
        if hours > 23 or minutes > 59:
            raise Refused
        total -= (hours * 3600 + minutes * 60) * (1 if rest[0] == "+" else -1)
    if not _TIMESTAMP_SECONDS[0] <= total <= _TIMESTAMP_SECONDS[1]:
        raise Refused
    return {"seconds": total, "nanos": nanos}


def duration(value: Any, ignore: bool = False) -> dict[str, int]:
    """`-?digits(.1-9 digits)?s` within protobuf's ±10,000 years, as `Duration.FromJsonString` reads it."""
    match = DURATION_TEXT.fullmatch(value) if type(value) is str and value.isascii() else None
    if match is None:
        raise Refused
    sign, whole, fraction = match.groups()
    seconds = int(whole)
    if seconds > _DURATION_SECONDS:
        raise Refused
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    return {"seconds": -seconds, "nanos": -nanos} if sign else {"seconds": seconds, "nanos": nanos}


def field_mask(value: Any, most: int | None) -> dict[str, list[str]]:
    """Comma-separated lowerCamelCase paths, each turned into snake_case as `FieldMask.FromJsonString` does."""
    if type(value) is not str or (most is not None and value.count(",") >= most):
        raise Refused
    if not value:
        return {"paths": []}
    paths = value.split(",")
    if not (value.isascii() and value.islower() and "_" not in value):
        paths = [_snake(path) for path in paths]
    return {"paths": paths}


def _snake(path: str) -> str:
    if "_" in path or not (path.isascii() or unicode(path)):
        raise Refused
    return "".join("_" + character.lower() if character.isupper() else character for character in path)


# --- writing ----------------------------------------------------------------------------------------------------


def write_double(value: float) -> Any:
    if value - value == 0.0:
        return value
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def write_timestamp(message: Any) -> str:
    written = utc_text(message.seconds, message.nanos)
    if not written or not _TIMESTAMP_SECONDS[0] <= message.seconds <= _TIMESTAMP_SECONDS[1]:
        raise Refused  # json_format says why
    return written


def write_duration(message: Any) -> str:
    seconds, nanos = message.seconds, message.nanos
    if (
        not -_DURATION_SECONDS <= seconds <= _DURATION_SECONDS
        or not -1_000_000_000 < nanos < 1_000_000_000
        or (nanos < 0 < seconds)
        or (seconds < 0 < nanos)
    ):
        raise Refused
    sign = ""
    if seconds < 0 or nanos < 0:
        sign, seconds, nanos = "-", -seconds, -nanos
    if not nanos:
        return f"{sign}{seconds}s"
    if not nanos % 1_000_000:
        return f"{sign}{seconds}.{nanos // 1_000_000:03d}s"
    if not nanos % 1000:
        return f"{sign}{seconds}.{nanos // 1000:06d}s"
    return f"{sign}{seconds}.{nanos:09d}s"


def write_field_mask(message: Any) -> str:
    return ",".join(_camel(path) for path in message.paths)


def _camel(path: str) -> str:
    if path.isascii() and path.islower() and "_" not in path:
        return path
    result = []
    after_underscore = False
    for character in path:
        if character.isupper():
            raise Refused
        if after_underscore:
            if not character.islower():
                raise Refused
            result.append(character.upper())
            after_underscore = False
        elif character == "_":
            after_underscore = True
        else:
            result.append(character)
    if after_underscore:
        raise Refused
    return "".join(result)
