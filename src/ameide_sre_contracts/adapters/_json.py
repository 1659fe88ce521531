"""Foreign JSON (and YAML) read with the path of every value, so a refusal can say where and what was expected."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import yaml
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_sre_contracts._rfc3339 import GO_ZERO_TIME_SECONDS, parse_timestamp
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import AdapterInputError, DecodeError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MISSING: Final = object()

V = TypeVar("V", bound=int)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise AdapterInputError("$", "an object with unique keys", f"{key!r} twice")
        result[key] = value
    return result


def load_json(body: bytes | str | Any, *, what: str) -> Any:
    """`body` as parsed JSON: bytes or text are parsed (duplicate keys refused), anything else is returned as given."""
    if isinstance(body, bytes | bytearray | memoryview):
        raw = bytes(body)
        if len(raw) > DEFAULT_MAX_BYTES:
            raise DecodeError(f"{what} is {len(raw)} bytes, more than the limit of {DEFAULT_MAX_BYTES}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AdapterInputError(
                "$", f"{what} as UTF-8 JSON", f"a byte that is not UTF-8 at {error.start}"
            ) from None
    elif isinstance(body, str):
        text = body
        if len(text) > DEFAULT_MAX_BYTES:
            raise DecodeError(f"{what} is longer than the limit of {DEFAULT_MAX_BYTES} characters")
    else:
        return body
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except AdapterInputError:
        raise
    except (ValueError, RecursionError) as error:
        raise AdapterInputError("$", f"{what} as JSON", str(error)) from None


class _PlainLoader(yaml.SafeLoader):
    """YAML 1.1 without the implicit timestamp type: dates stay text, as JSON would carry them."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_documents(data: bytes | str) -> list[Any]:
    """Every document of a YAML (or JSON) stream; a top-level list contributes its items, `kind: List` its `items`."""
    if isinstance(data, bytes) and len(data) > DEFAULT_MAX_BYTES:
        raise DecodeError(f"input is {len(data)} bytes, more than the limit of {DEFAULT_MAX_BYTES}")
    try:
        documents = [document for document in yaml.load_all(data, Loader=_PlainLoader) if document is not None]
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        raise AdapterInputError("$", "YAML or JSON documents", str(error).splitlines()[0]) from None
    flat: list[Any] = []
    for document in documents:
        if isinstance(document, list):
            flat.extend(document)
        elif isinstance(document, Mapping) and isinstance(document.get("items"), list) and "kind" in document:
            flat.extend(document["items"])
        else:
            flat.append(document)
    return flat


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


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
        step = f".{key}" if _IDENTIFIER.match(key) else f"[{json.dumps(key)}]"
        return Node(mapping.get(key, _MISSING), self.path + step)

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

    def integer(self, default: int = 0) -> int:
        if not self.present:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or self.value != int(self.value):
            raise self.fail("an integer")
        return int(self.value)

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail("a number")
        return float(self.value)

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

    def timestamp(self) -> Timestamp | None:
        """An RFC 3339 instant (a parsed `datetime` also does); None when absent, null or Go's zero time."""
        if not self.present:
            return None
        if isinstance(self.value, datetime):
            moment = self.value if self.value.tzinfo else self.value.replace(tzinfo=UTC)
            stamp = Timestamp()
            stamp.FromDatetime(moment)
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
