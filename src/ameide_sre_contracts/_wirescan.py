"""Container counts read off the wire, before a large input is parsed.

Parsing costs memory and time per element: a megabyte of empty list entries
is half a million messages (about 80 MB) before any rule runs. For inputs
larger than `SCAN_FROM_BYTES`, this scan walks the encoding along the
descriptors, counts each repeated field and map of each message, and stops
at the first that passes its `max_items` or `max_pairs`; it allocates
nothing and reads at most one element past any bound, so a hostile input
costs about what the largest valid one does. Fields no container is below
are skipped by their length, and a message level that holds more fields
than any version of its type could (`_SLACK` beyond the contract's own) is
refused as well. A singular message field given more than once merges, as
the parser merges it, so its counts add up; a map whose encoding repeats a
key counts each occurrence (encoders never repeat one). Anything the scan
cannot read it leaves to the parser, which says what is wrong.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

from google.protobuf.descriptor import FieldDescriptor

from ameide_sre_contracts._descriptors import field_rules, is_map
from ameide_sre_contracts._precheck import MAX_KEY_SHOWN, MapKey, Path, TextBound, mask_bound, render, text_bound
from ameide_sre_contracts.errors import Violation

SCAN_FROM_BYTES: Final = 16 * 1024
"""Inputs at least this large are scanned before parsing; smaller ones cost little whatever they hold."""

FIELDS_RULE: Final = "message.max_fields"
"""Rule id: a message level holds more fields than any version of its type could."""

_SLACK = 1024  # fields a newer contract may add at one level: unknown here, kept, but not without end
_LOW_BYTES = bytes(range(128))
_LENGTH_DELIMITED = (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES, FieldDescriptor.TYPE_MESSAGE)
_WIDTHS = {
    FieldDescriptor.TYPE_DOUBLE: 8,
    FieldDescriptor.TYPE_FIXED64: 8,
    FieldDescriptor.TYPE_SFIXED64: 8,
    FieldDescriptor.TYPE_FLOAT: 4,
    FieldDescriptor.TYPE_FIXED32: 4,
    FieldDescriptor.TYPE_SFIXED32: 4,
}


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    limit: int | None  # max_items or max_pairs of a container
    rule_id: str
    child: Any  # the message type to scan inside when a container is below it, or a FieldMask's bound
    width: int  # a repeated scalar, which may arrive packed: 0 for varints, else bytes per element; -1 otherwise
    text: TextBound | None = None  # each item of a repeated string, or each key of a map (they never merge)
    map_key: bool = False  # `text` bounds the keys of a map


@dataclass(frozen=True, slots=True)
class _Plan:
    fields: dict[int, _Field]
    most_fields: int  # the most fields one level of this type can hold, plus slack


@dataclass(frozen=True, slots=True)
class _MaskPlan:
    limit: int
    rule_id: str
    message: str


@functools.cache
def _plan(descriptor: Any) -> _Plan:
    fields: dict[int, _Field] = {}
    most = _SLACK
    for field in descriptor.fields:
        rules = field_rules(field)
        limit: int | None = None
        rule_id = ""
        if is_map(field) and rules is not None and rules.map.HasField("max_pairs"):
            limit, rule_id = int(rules.map.max_pairs), "map.max_pairs"
        elif field.is_repeated and rules is not None and rules.repeated.HasField("max_items"):
            limit, rule_id = int(rules.repeated.max_items), "repeated.max_items"
        most += limit if limit is not None else 1
        target = None if is_map(field) else field.message_type
        child: Any = target if target is not None and _plan(target).fields else None
        mask = mask_bound(field)
        if mask is not None:  # a FieldMask: its repeated `paths` (field 1) bounded by the listed paths
            child = _MaskPlan(mask[0], mask[1], mask[2])
        # Only texts that never merge are read on the wire: list items and map keys. A singular text or a
        # map value given twice keeps its last value, which a scan that stops at the first would misjudge.
        text = None
        if rules is not None and is_map(field):
            text = text_bound(rules.map.keys)
        elif rules is not None and field.is_repeated:
            text = text_bound(rules.repeated.items)
        if limit is not None or child is not None or text is not None:
            width = _WIDTHS.get(field.type, 0) if field.is_repeated and field.type not in _LENGTH_DELIMITED else -1
            fields[field.number] = _Field(field.name, limit, rule_id, child, width, text, is_map(field))
    return _Plan(fields, most)


_MALFORMED: Final = Violation("", "", "")
"""What the scan returns where the encoding is malformed: the parser will say how."""


def _varint(data: memoryview, position: int, end: int) -> tuple[int, int]:
    """A varint and the position after it; position -1 when the encoding ends or runs past 10 bytes first."""
    result = shift = 0
    while position < end and shift <= 63:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
    return 0, -1


def _field_at(data: memoryview, position: int, end: int) -> tuple[int, int, int, int]:
    """(field number, wire type, where its value starts, where the next field starts); next -1 when malformed."""
    tag, position = _varint(data, position, end)
    if position < 0:
        return 0, 0, 0, -1
    wire_type = tag & 7
    if wire_type == 0:
        _, after = _varint(data, position, end)
    elif wire_type == 1:
        after = position + 8
    elif wire_type == 5:
        after = position + 4
    elif wire_type == 2:
        length, position = _varint(data, position, end)
        after = -1 if position < 0 else position + length
    else:
        after = -1  # groups: not in the contract
    return tag >> 3, wire_type, position, after if after <= end else -1


def _scan(
    data: memoryview, start: int, end: int, plan: _Plan, path: Path, level: dict[int, Any] | None = None
) -> Violation | None:
    """Scan one message; `level` carries its counts over repeated occurrences, which the parser merges."""
    counts: dict[int, Any] = {} if level is None else level
    seen = counts.get(0, 0)
    position = start
    while position < end:
        number, wire_type, value_start, after = _field_at(data, position, end)
        if after < 0:
            return _MALFORMED
        position = after
        seen += 1
        counts[0] = seen
        if seen > plan.most_fields:
            return Violation(render(path), FIELDS_RULE, f"holds more than {plan.most_fields} fields")
        field = plan.fields.get(number)
        if field is None:
            continue
        here = (*path, field.name)
        length = after - value_start if wire_type == 2 else 0
        if field.limit is not None:
            elements = 1
            if field.width == 0 and wire_type == 2:  # packed varints: one ends at each byte below 0x80
                elements = length - len(data[value_start:after].tobytes().translate(None, _LOW_BYTES))
            elif field.width > 0 and wire_type == 2:
                elements = length // field.width
            counts[number] = counts.get(number, 0) + elements
            if counts[number] > field.limit:
                text = (
                    f"must contain no more than {field.limit} item(s)"
                    if field.rule_id == "repeated.max_items"
                    else f"map must be at most {field.limit} entries"
                )
                return Violation(render(here), field.rule_id, text)
        if wire_type != 2:
            continue
        if field.text is not None:
            found = _text_at(data, value_start, after, field, here, counts.get(number, 1) - 1)
            if found is not None:
                return found
        if isinstance(field.child, _MaskPlan):
            paths = _count_field(data, value_start, after, 1)
            if paths < 0:
                return _MALFORMED
            counts[-number] = counts.get(-number, 0) + paths  # a mask may arrive in pieces: they merge
            if counts[-number] > field.child.limit:
                return Violation(render(here), field.child.rule_id, field.child.message)
        elif field.child is not None:
            if field.limit is not None:  # a list element: a message of its own
                found = _scan(data, value_start, after, _plan(field.child), (*here, counts[number] - 1))
            else:  # a singular field given again merges into the first: so do its counts
                merged = counts.setdefault(-number, {})
                found = _scan(data, value_start, after, _plan(field.child), here, merged)
            if found is not None:
                return found
    return None


def _text_at(data: memoryview, start: int, end: int, field: _Field, here: Path, index: int) -> Violation | None:
    """A list item or map key past its text bound, with the path protovalidate gives it; None when within."""
    bound = field.text
    if bound is None:
        return None
    characters = bound.max_len is not None  # past four bytes a character, surely past max_len
    if not field.map_key:  # a list item: the value itself
        return bound.broken((*here, index), characters) if end - start > bound.wire_bytes else None
    key_start = key_end = 0  # a map entry without a key has the empty key
    position = start
    while position < end:  # the entry's last key wins, as when parsing
        number, wire_type, value_start, position = _field_at(data, position, end)
        if position < 0:
            return _MALFORMED
        if number == 1 and wire_type == 2:
            key_start, key_end = value_start, position
    if key_end - key_start <= bound.wire_bytes:
        return None
    shown = bytes(data[key_start : min(key_end, key_start + 4 * (MAX_KEY_SHOWN + 1))]).decode("utf-8", "ignore")
    return bound.broken((*here, MapKey(shown)), characters, for_key=True)


def _count_field(data: memoryview, start: int, end: int, wanted: int) -> int:
    """How many times field `wanted` occurs in one message's encoding; -1 when it is malformed."""
    count = 0
    position = start
    while position < end:
        number, _, _, position = _field_at(data, position, end)
        if position < 0:
            return -1
        count += number == wanted
    return count


def scan(data: bytes | bytearray | memoryview, descriptor: Any) -> Violation | None:
    """The first container of an encoded message that passes its bound, read without parsing; None when none does.

    None also when the encoding is malformed: parsing reports that.
    """
    view = memoryview(data)
    found = _scan(view, 0, len(view), _plan(descriptor), ())
    return None if found is _MALFORMED else found
