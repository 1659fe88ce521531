"""The largest encoding a message type can have while meeting the contract's size rules.

Computed from the descriptors and their protovalidate bounds: a string counts
its `max_len` characters at 4 bytes each (the UTF-8 worst case; 1 when a URI
rule or an ASCII-only pattern applies) or its `max_bytes`, a repeated
field its `max_items` elements, a map its `max_pairs` entries, a oneof its
largest member, a number its longest varint. Unknown fields from newer
producers are not bounded by the schema and are not counted.

Use it to size broker limits: `max_encoded_size(SreDomainFact)` is the most a
valid domain fact can take on the wire.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from ameide_sre_contracts._descriptors import field_rules, is_map
from ameide_sre_contracts.errors import UnboundedFieldError

_UTF8_MAX = 4
_VARINT_MAX = 10
_FIXED = {
    FieldDescriptor.TYPE_DOUBLE: 8,
    FieldDescriptor.TYPE_FIXED64: 8,
    FieldDescriptor.TYPE_SFIXED64: 8,
    FieldDescriptor.TYPE_FLOAT: 4,
    FieldDescriptor.TYPE_FIXED32: 4,
    FieldDescriptor.TYPE_SFIXED32: 4,
    FieldDescriptor.TYPE_BOOL: 1,
}
# google.protobuf.Timestamp and Duration: seconds (varint) and nanos (at most 999999999: 5 bytes).
_WELL_KNOWN = {
    "google.protobuf.Timestamp": 1 + _VARINT_MAX + 1 + 5,
    "google.protobuf.Duration": 1 + _VARINT_MAX + 1 + 5,
}


def _varint_size(value: int) -> int:
    size = 1
    while value >= 0x80:
        value >>= 7
        size += 1
    return size


def _ascii_only(typed: Any) -> bool:
    """Whether a string rule admits only ASCII: a URI, or a pattern built from ASCII classes and escapes."""
    if typed.uri:
        return True
    if not typed.HasField("pattern") or not typed.pattern.isascii():
        return False
    outside_classes = re.sub(r"\[[^\]^][^\]]*\]", "", typed.pattern)
    return re.fullmatch(r"(?:[\^$(){}|*+?0-9,]|\\\.|-)*", outside_classes) is not None


def _string_bound(field: Any, rules: Any) -> int:
    kind = rules.WhichOneof("type") if rules is not None else None
    typed = getattr(rules, kind) if kind in ("string", "bytes") else None
    unit = _UTF8_MAX if field.type == FieldDescriptor.TYPE_STRING and not (typed and _ascii_only(typed)) else 1
    if typed is not None:
        if typed.HasField("len"):
            return int(typed.len) * unit
        if typed.HasField("max_bytes"):
            by_chars = int(typed.max_len) * unit if typed.HasField("max_len") else int(typed.max_bytes)
            return min(int(typed.max_bytes), by_chars)
        if typed.HasField("max_len"):
            return int(typed.max_len) * unit
        if kind == "string" and typed.uuid:
            return 36
        if kind == "string" and len(getattr(typed, "in")):
            return max(len(value.encode("utf-8")) for value in getattr(typed, "in"))
        fixed = _fixed_pattern_length(typed.pattern) if kind == "string" and typed.HasField("pattern") else None
        if fixed is not None:
            return fixed
    raise UnboundedFieldError(f"{field.full_name} has no length bound")


def _fixed_pattern_length(pattern: str) -> int | None:
    """The longest match of a pattern made of `[class]{n}` runs and alternations thereof, if that simple."""
    body = pattern.removeprefix("^").removesuffix("$")
    alternatives = body[1:-1].split("|") if body.startswith("(") and body.endswith(")") else [body]
    longest = 0
    for alternative in alternatives:
        runs = re.fullmatch(r"(?:\[[^\]]+\]\{\d+\})+", alternative)
        if runs is None:
            return None
        longest = max(longest, sum(int(n) for n in re.findall(r"\{(\d+)\}", alternative)))
    return longest


def _scalar_bound(field: Any, rules: Any) -> int:
    if field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
        length = _string_bound(field, rules)
        return _varint_size(length) + length
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        length = _message_bound(field.message_type.full_name, field.message_type)
        return _varint_size(length) + length
    return _FIXED.get(field.type, _VARINT_MAX)


UNIQUE_PATHS_RULE = "field_mask.unique_paths"
"""The CEL rule that, with `field_mask.in`, bounds a FieldMask: listed paths only, each at most once."""


def _field_mask_bound(field: Any, rules: Any) -> int:
    """A FieldMask names each of its `in` paths at most once (rule `field_mask.unique_paths`)."""
    typed = rules.field_mask if rules is not None and rules.WhichOneof("type") == "field_mask" else None
    unique = rules is not None and any(cel.id == UNIQUE_PATHS_RULE for cel in rules.cel)
    if typed is None or not len(getattr(typed, "in")) or not unique:
        raise UnboundedFieldError(f"{field.full_name} needs field_mask.in and the {UNIQUE_PATHS_RULE} rule")
    paths = sum(1 + _varint_size(len(path)) + len(path.encode("utf-8")) for path in getattr(typed, "in"))
    return _varint_size(field.number << 3) + _varint_size(paths) + paths


def _field_bound(field: Any) -> int:
    rules = field_rules(field)
    if field.message_type is not None and field.message_type.full_name == "google.protobuf.FieldMask":
        return _field_mask_bound(field, rules)
    key_size = _varint_size(field.number << 3)
    if is_map(field):
        typed = rules.map if rules is not None and rules.WhichOneof("type") == "map" else None
        if typed is None or not typed.HasField("max_pairs"):
            raise UnboundedFieldError(f"{field.full_name} has no max_pairs")
        key_field, value_field = field.message_type.fields
        entry = (
            1
            + _scalar_bound(key_field, typed.keys if typed.HasField("keys") else None)
            + 1
            + _scalar_bound(value_field, typed.values if typed.HasField("values") else None)
        )
        return int(typed.max_pairs) * (key_size + _varint_size(entry) + entry)
    if field.is_repeated:
        typed = rules.repeated if rules is not None and rules.WhichOneof("type") == "repeated" else None
        if typed is None or not typed.HasField("max_items"):
            raise UnboundedFieldError(f"{field.full_name} has no max_items")
        items = typed.items if typed.HasField("items") else None
        return int(typed.max_items) * (key_size + _scalar_bound(field, items))
    return key_size + _scalar_bound(field, rules)


@functools.cache
def _message_bound(full_name: str, descriptor: Any) -> int:
    if full_name in _WELL_KNOWN:
        return _WELL_KNOWN[full_name]
    oneof_members: dict[str, int] = {}
    total = 0
    for field in descriptor.fields:
        size = _field_bound(field)
        oneof = field.containing_oneof
        if oneof is not None:  # one member at a time: the largest counts
            oneof_members[oneof.name] = max(oneof_members.get(oneof.name, 0), size)
        else:
            total += size
    return total + sum(oneof_members.values())


def max_encoded_size(message_type: type[Message]) -> int:
    """The most bytes a valid message of this type can take, by its size rules (unknown fields excluded).

    Raises:
        UnboundedFieldError: a field of the type (or of a nested type) has no size rule.
    """
    descriptor = message_type.DESCRIPTOR
    return _message_bound(descriptor.full_name, descriptor)
