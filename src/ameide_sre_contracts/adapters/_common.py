"""What every adapter shares: foreign JSON read with paths, timestamps, deterministic ids, checks of what was built."""

from __future__ import annotations

import calendar
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import yaml
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import AdapterInputError, DecodeError, InvalidArgumentError
from ameide_sre_contracts.validation import violations

ADAPTER_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ameide:sre-contracts:adapters")
"""The UUIDv5 namespace of every id an adapter derives: `ae9abc44-7dab-597a-93bd-bdd46d12445e`."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)
_GO_ZERO_TIME_SECONDS: Final = -62135596800  # 0001-01-01T00:00:00Z, Go's zero time.Time
_MISSING: Final = object()

M = TypeVar("M", bound=Message)
V = TypeVar("V", bound=int)


def derived_id(*parts: str) -> str:
    """A deterministic UUID (version 5) in `ADAPTER_NAMESPACE` over `parts`, each as a netstring.

    A netstring is the part's length in UTF-8 bytes, `:`, the part and `,`,
    so no two lists of parts share a name: `derived_id("alert", "acme")`
    is `uuid5(ADAPTER_NAMESPACE, "5:alert,4:acme,")`.
    """
    name = "".join(f"{len(part.encode('utf-8'))}:{part}," for part in parts)
    return str(uuid.uuid5(ADAPTER_NAMESPACE, name))


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
            return None if stamp.seconds == _GO_ZERO_TIME_SECONDS else stamp
        if not isinstance(self.value, str):
            raise self.fail("an RFC 3339 timestamp")
        parsed = parse_timestamp(self.value)
        if parsed is None:
            raise self.fail("an RFC 3339 timestamp such as 2024-03-01T02:09:00Z")
        return None if parsed.seconds == _GO_ZERO_TIME_SECONDS and parsed.nanos == 0 else parsed

    def required_timestamp(self) -> Timestamp:
        stamp = self.timestamp()
        if stamp is None:
            raise self.fail("an RFC 3339 timestamp")
        return stamp


def parse_timestamp(text: str) -> Timestamp | None:
    """An RFC 3339 timestamp (any offset, up to nanoseconds) as a `Timestamp`; None when it is not one."""
    match = _RFC3339.match(text)
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
    if not -62135596800 <= stamp.seconds <= 253402300799:
        return None
    return stamp


def rfc3339(stamp: Timestamp | None, *, zero: str = "0001-01-01T00:00:00Z") -> str:
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


def plain_number(value: float) -> int | float:
    """A double as JSON would have sent it: integral values as integers."""
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def checked(envelope: M, path: str, what: str) -> M:
    """`envelope` when it satisfies the contract; otherwise the refusal names the input at `path`."""
    found = violations(envelope)
    if found:
        detail = "; ".join(str(violation) for violation in found[:5])
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise AdapterInputError(path, f"{what} that fits the contract", detail + more)
    return envelope


def require_text(value: str, name: str) -> str:
    """A keyword argument that must be a non-empty string."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"{name} must be a non-empty string")
    return value


def _split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def resource_ref_at(node: Node, cluster: str | None, environment: str | None) -> sre_pb2.ResourceRef:
    """The `ResourceRef` of the Kubernetes object, object reference or Argo CD resource entry at `node`."""
    obj = node.required_mapping()
    metadata = node["metadata"]
    named = metadata if "metadata" in obj else node
    kind_node = node["kind"]
    kind = kind_node.required_text()
    if "group" in obj or "version" in obj:
        group, version = node["group"].text(), node["version"].text()
    else:
        group, version = _split_api_version(node["apiVersion"].text())
    ref = sre_pb2.ResourceRef(
        type=kind.lower(),
        id=named["name"].required_text(),
        namespace=named["namespace"].text(),
        cluster=cluster or "",
        environment=environment or "",
        api_group=group,
        api_version=version,
        kind=kind,
        uid=named["uid"].text(),
    )
    found = violations(ref)
    if found:
        raise AdapterInputError(node.path, "a Kubernetes object or reference that fits a ResourceRef", str(found[0]))
    return ref
