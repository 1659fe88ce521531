"""Foreign input read once, bounded and checked, with the path of every value, so a refusal says where and why.

`load_json` and `load_documents` are the one reader of every adapter and
of `ingest`: bytes and text are capped by their UTF-8 size, JSON is read
strictly (a key once per object, no `NaN` or `Infinity`, no number a
double cannot hold), YAML by the core-schema loader of `_yaml`. Every
document, parsed here or handed over already parsed, is then checked
whole: text is Unicode, numbers are finite, nesting is bounded, and its
size with shared values counted each time they appear is bounded too, so
nothing built from it can outgrow the input.

`Node` converts what an adapter reads into the contract's types, checked:
integers within their field's range, finite numbers, instants that exist,
IANA time zones; anything else is an `AdapterInputError` naming the path.
"""

from __future__ import annotations

import functools
import json
import math
import re
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts._rfc3339 import GO_ZERO_TIME_SECONDS, parse_timestamp
from ameide_sre_contracts.adapters._yaml import MAX_DEPTH, MAX_INTEGER_DIGITS, load_yaml
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import AdapterInputError, shown

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MISSING: Final = object()
_JSON_START: Final = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t\r\n]*[\[{]")

V = TypeVar("V", bound=int)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise AdapterInputError("$", "an object with unique keys", f"{shown(key)} twice")
        result[key] = value
    return result


def _no_constant(name: str) -> None:
    raise AdapterInputError("$", "JSON numbers", f"{name}, which JSON does not define")


def _sized_text(data: bytes | bytearray | memoryview | str, what: str, max_bytes: int) -> bytes | str:
    """`data` when its UTF-8 size is within `max_bytes` (text counted as it would be sent)."""
    if isinstance(data, str):
        if len(data) > max_bytes or len(data.encode("utf-8", "surrogatepass")) > max_bytes:
            raise AdapterInputError("$", f"{what} of at most {max_bytes} bytes", "more")
        return data
    raw = bytes(data)
    if len(raw) > max_bytes:
        raise AdapterInputError("$", f"{what} of at most {max_bytes} bytes", f"{len(raw)} bytes")
    return raw


BYTES_PER_CONTAINER: Final = 16
"""Input bytes per JSON object or array at the least; real payloads spend 40 to 200.

An object or array costs 60 to 250 bytes of Python objects, so text dense
with them (`[[[[...`, `{},{},{}`) would cost ten times its size and more
to build; such text is refused before it is built."""
BYTES_PER_YAML_VALUE: Final = 4
"""Input bytes per YAML value (keys, scalars, collections) at the least; manifests spend 8 to 16.

Each value costs a parser event in Python, about 3 microseconds: the
bound keeps the densest 4 MiB (`[1, 1, 1, ...`) within a few times the
time real manifests of that size take."""

_STRINGS: Final = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCAN_FROM: Final = 16 * 1024  # smaller texts cost little whatever they hold


def _too_dense(text: str, max_bytes: int) -> bool:
    """Whether JSON text opens more objects and arrays than `max_bytes // BYTES_PER_CONTAINER` (strings left out)."""
    if len(text) < _SCAN_FROM:
        return False
    most = max_bytes // BYTES_PER_CONTAINER
    if text.count("{") + text.count("[") <= most:
        return False
    bare = _STRINGS.sub("", text)
    return bare.count("{") + bare.count("[") > most


def _integer_text(text: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise AdapterInputError("$", f"JSON integers of at most {MAX_INTEGER_DIGITS} digits", f"one of {len(text)}")
    return int(text)


def _parse_json(text: bytes | str, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise AdapterInputError(
                "$", f"{what} as UTF-8 JSON", f"a byte that is not UTF-8 at {error.start}"
            ) from None
    if _too_dense(text, max_bytes):
        raise AdapterInputError(
            "$", f"{what} with at most one object or array per {BYTES_PER_CONTAINER} bytes", "more, before parsing"
        )
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_int=_integer_text)
    except AdapterInputError:
        raise
    except (ValueError, RecursionError) as error:  # json's errors; ValueError too for integers of 4,300+ digits
        raise AdapterInputError("$", f"{what} as JSON", str(error)[:200]) from None


def load_json(body: Any, *, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """`body` as one checked JSON document: bytes or text are parsed strictly, anything else is checked as given.

    Raises:
        AdapterInputError: larger than `max_bytes`, not strict JSON, or a
            document that fails `check_document`.
    """
    if isinstance(body, bytes | bytearray | memoryview | str):
        document = _parse_json(_sized_text(body, what, max_bytes), what, max_bytes)
    else:
        document = body
    check_document(document, max_bytes)
    return document


def _json_default(value: Any) -> str:
    # check_document lets only a caller's YAML dates through besides JSON's own types
    return value.isoformat() if isinstance(value, date) else repr(value)


def json_text(value: Any) -> str:
    """A checked document's value as compact JSON text (a loader's dates as ISO 8601 text)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def looks_like_json(data: bytes | str) -> bool:
    """Whether the text starts (after a byte order mark and white space) as a JSON object or array does."""
    head = data[:4096].encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data[:4096])
    return _JSON_START.match(head) is not None


def load_stream(data: Any, *, what: str = "the input", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """Every document of a JSON text or YAML stream, each as it stands (empty YAML documents left out).

    JSON (text that starts with `{` or `[`) is read as JSON whatever else
    it could be; anything else as YAML 1.2 (`_yaml`). Already parsed
    input is checked as given.
    """
    if isinstance(data, bytes | bytearray | memoryview | str):
        text = _sized_text(data, what, max_bytes)
        if looks_like_json(text):
            documents = [_parse_json(text, what, max_bytes)]
        else:
            documents = load_yaml(text, max_values=max_bytes // BYTES_PER_YAML_VALUE)
    else:
        documents = [data]
    found = [document for document in documents if document is not None]
    for document in found:
        check_document(document, max_bytes)
    return found


def load_documents(data: Any, *, what: str = "the input", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """Every document of a JSON text or YAML stream (`load_stream`); a top-level list contributes its items,
    `kind: List` its `items`."""
    flat: list[Any] = []
    for document in load_stream(data, what=what, max_bytes=max_bytes):
        if isinstance(document, list):
            flat.extend(document)
        elif isinstance(document, Mapping) and isinstance(document.get("items"), list) and "kind" in document:
            flat.extend(document["items"])
        else:
            flat.append(document)
    return flat


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key_step(path: str, key: str) -> str:
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{json.dumps(key[:64])}]"


def check_document(document: Any, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse what no adapter can map safely, wherever it stands in `document`.

    Text that is not Unicode (a lone surrogate), keys that are not
    strings, numbers that are not finite, values that are not JSON's (a
    `set`, `bytes`), nesting past `_yaml.MAX_DEPTH`, and more than
    `max_bytes` of values counted with every shared value (a YAML alias
    a caller's loader expanded) counted each time.
    """
    budget = max_bytes
    stack: list[tuple[Any, str, int]] = [(document, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        budget -= 1
        if isinstance(value, str):
            budget -= len(value)
            if not _is_unicode(value):
                raise AdapterInputError(path, "Unicode text", "a lone surrogate")
        elif isinstance(value, int) or value is None:  # booleans are integers too
            pass
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise AdapterInputError(path, "a finite number", shown(value))
        elif isinstance(value, Mapping):
            if depth >= MAX_DEPTH:
                raise AdapterInputError(path, f"nesting at most {MAX_DEPTH} deep", "deeper")
            for key, item in value.items():
                if not isinstance(key, str):
                    raise AdapterInputError(path, "keys that are strings", f"the key {shown(key)}")
                if not _is_unicode(key):
                    raise AdapterInputError(path, "Unicode keys", "a key with a lone surrogate")
                budget -= len(key)
                stack.append((item, _key_step(path, key), depth + 1))
        elif isinstance(value, list | tuple):
            if depth >= MAX_DEPTH:
                raise AdapterInputError(path, f"nesting at most {MAX_DEPTH} deep", "deeper")
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif not isinstance(value, date):  # a datetime or date a caller's YAML loader made
            raise AdapterInputError(path, "a JSON value", f"a {type(value).__name__}")
        if budget < 0:
            raise AdapterInputError("$", f"input of at most {max_bytes} bytes", "more once shared values are counted")


_INTEGER_TYPES: Final = {
    "int32": (-(2**31), 2**31 - 1),
    "sint32": (-(2**31), 2**31 - 1),
    "sfixed32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "fixed32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "sint64": (-(2**63), 2**63 - 1),
    "sfixed64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
    "fixed64": (0, 2**64 - 1),
}
_TYPE_NAMES: Final = {getattr(FieldDescriptor, f"TYPE_{name.upper()}"): name for name in _INTEGER_TYPES}


@functools.cache
def integer_range(message_type: type[Message], field_name: str) -> tuple[int, int]:
    """The integers a field holds: its type's range narrowed by its `buf.validate` bounds.

    Example:
        integer_range(alert_pb2.AlertNotification, "truncated_alerts")  # (0, 1000000)
    """
    field = message_type.DESCRIPTOR.fields_by_name[field_name]
    kind = _TYPE_NAMES[field.type]
    low, high = _INTEGER_TYPES[kind]
    rules = field_rules(field)
    if rules is not None and rules.WhichOneof("type") == kind:
        bounds = getattr(rules, kind)
        if bounds.HasField("gte"):
            low = max(low, bounds.gte)
        if bounds.HasField("gt"):
            low = max(low, bounds.gt + 1)
        if bounds.HasField("lte"):
            high = min(high, bounds.lte)
        if bounds.HasField("lt"):
            high = min(high, bounds.lt - 1)
    return low, high


COUNT: Final = (0, 2**31 - 1)
"""A count another system keeps as a 32-bit integer (Kubernetes' `count`, Argo CD's `retryCount`)."""


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({shown(value)})"
    if isinstance(value, str):
        return f"a string ({shown(value, 64)})" if value else "an empty string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Node:
    """A value of foreign JSON with the path it was read at, so every refusal can say where."""

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str = "$") -> None:
        self.value = value
        self.path = path

    @property
    def present(self) -> bool:
        """Whether the key exists and is not null."""
        return self.value is not _MISSING and self.value is not None

    @property
    def exists(self) -> bool:
        """Whether the key exists at all (null included)."""
        return self.value is not _MISSING

    def fail(self, expected: str) -> AdapterInputError:
        found = "nothing" if self.value is _MISSING else _type_name(self.value)
        return AdapterInputError(self.path, expected, found)

    def __getitem__(self, key: str) -> Node:
        mapping = self.mapping()
        return Node(mapping.get(key, _MISSING), _key_step(self.path, key))

    def mapping(self) -> Mapping[str, Any]:
        """The object here; an absent or null one reads as empty."""
        if not self.present:
            return {}
        if not isinstance(self.value, Mapping):
            raise self.fail("an object")
        return self.value

    def required_mapping(self) -> Mapping[str, Any]:
        if not isinstance(self.value, Mapping):
            raise self.fail("an object")
        return self.value

    def items(self) -> Iterator[Node]:
        """The array's elements with their paths; an absent or null array reads as empty."""
        if not self.present:
            return iter(())
        if not isinstance(self.value, list | tuple):
            raise self.fail("an array")
        return (Node(item, f"{self.path}[{index}]") for index, item in enumerate(self.value))

    def text(self, default: str = "") -> str:
        """The string here; `default` when absent or null."""
        if not self.present:
            return default
        if not isinstance(self.value, str):
            raise self.fail("a string")
        return self.value

    def required_text(self) -> str:
        if not isinstance(self.value, str) or not self.value:
            raise self.fail("a non-empty string")
        return self.value

    def integer(self, bounds: tuple[int, int], default: int = 0) -> int:
        """The integer here, within `bounds` (see `integer_range`); `default` when absent or null."""
        if not self.present:
            return default
        value = self.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
            raise self.fail(f"an integer from {bounds[0]} to {bounds[1]}")
        return value

    def number(self) -> float:
        """The number here as a finite double."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail("a number")
        try:
            result = float(value)
        except OverflowError:
            raise self.fail("a number a double holds") from None
        if not math.isfinite(result):
            raise self.fail("a finite number")
        return result

    def word(self, table: Mapping[str, V], what: str, default: V) -> V:
        """The value `table` gives this string; `default` when absent, null or empty."""
        word = self.text()
        if not word:
            return default
        if word not in table:
            raise self.fail(f"{what}: one of " + ", ".join(table))
        return table[word]

    def flag(self, default: bool = False) -> bool:
        if not self.present:
            return default
        if not isinstance(self.value, bool):
            raise self.fail("true or false")
        return self.value

    def string_map(self) -> dict[str, str]:
        """An object of string values (labels, annotations); absent or null reads as empty."""
        result: dict[str, str] = {}
        for key in self.mapping():
            result[key] = self[key].required_string()
        return result

    def required_string(self) -> str:
        """A string, possibly empty."""
        if not isinstance(self.value, str):
            raise self.fail("a string")
        return self.value

    def time_zone(self) -> str:
        """An IANA time zone name the time zone database knows (`Europe/Amsterdam`); "" when absent or null."""
        name = self.text()
        if name and name not in _known_time_zones():
            raise self.fail("an IANA time zone such as Europe/Amsterdam or UTC")
        return name

    def local_time(self) -> str:
        """A wall-clock date and time that exists, `YYYY-MM-DD HH:MM:SS` (a loader's `datetime` also does)."""
        if isinstance(self.value, datetime):
            return self.value.strftime("%Y-%m-%d %H:%M:%S")
        text = self.text()
        if text:
            try:
                parsed = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise self.fail("a date and time such as 2024-01-01 00:00:00") from None
            if parsed.strftime("%Y-%m-%d %H:%M:%S") != text:  # strptime also takes 1-digit fields
                raise self.fail("a date and time such as 2024-01-01 00:00:00")
        return text

    def timestamp(self) -> Timestamp | None:
        """An RFC 3339 instant (a parsed `datetime` also does); None when absent, null or Go's zero time."""
        if not self.present:
            return None
        if isinstance(self.value, datetime):
            moment = self.value if self.value.tzinfo else self.value.replace(tzinfo=UTC)
            stamp = Timestamp()
            try:
                stamp.FromDatetime(moment)
            except (ValueError, OverflowError):
                raise self.fail("an instant from year 1 to 9999") from None
            return None if stamp.seconds == GO_ZERO_TIME_SECONDS else stamp
        if not isinstance(self.value, str):
            raise self.fail("an RFC 3339 timestamp")
        parsed = parse_timestamp(self.value)
        if parsed is None:
            raise self.fail("an RFC 3339 timestamp such as 2024-03-01T02:09:00Z")
        return None if parsed.seconds == GO_ZERO_TIME_SECONDS and parsed.nanos == 0 else parsed

    def required_timestamp(self) -> Timestamp:
        stamp = self.timestamp()
        if stamp is None:
            raise self.fail("an RFC 3339 timestamp")
        return stamp
