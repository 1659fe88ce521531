"""The largest valid message of a type, built from its descriptors: every bounded field at its most.

Strings at their longest (`a`, distinct per element), repeated fields and
maps at `max_items` and `max_pairs`, recursively; a value a pattern or a
message rule refuses stays the example's. Shared by the consistent-limits
test and the work-budget report, which times hostile inputs against this
message.
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from ameide_sre_contracts import violations
from ameide_sre_contracts._descriptors import field_rules, is_map


def _typed_rules(field: Any) -> Any:
    rules = field_rules(field)
    if rules is None:
        return None
    kind = rules.WhichOneof("type")
    return getattr(rules, kind) if kind else None


def _longest(rules: Any, index: int) -> str | None:
    """The longest string the rules admit, made of `a` (distinct per `index`), or None when a pattern decides."""
    if rules is None or rules.uuid or rules.uri or len(getattr(rules, "in")) or rules.HasField("len"):
        return None
    limit = min(
        int(rules.max_len) if rules.HasField("max_len") else 10**9,
        int(rules.max_bytes) if rules.HasField("max_bytes") else 10**9,
    )
    if limit == 10**9:
        return None
    text = (str(index) if index else "").rjust(limit, "a")[:limit]
    if rules.HasField("pattern") and not re.search(rules.pattern, text):
        return None
    return text


def _inflate_field(message: Message, field: Any, depth: int) -> None:
    rules = field_rules(field)
    repeated_rules = rules.repeated if rules is not None and rules.WhichOneof("type") == "repeated" else None
    map_rules = rules.map if rules is not None and rules.WhichOneof("type") == "map" else None
    container = getattr(message, field.name)
    if is_map(field):
        if map_rules is None or not map_rules.HasField("max_pairs") or not container:
            return
        key_rules = map_rules.keys.string if map_rules.keys.WhichOneof("type") == "string" else None
        value_field = field.message_type.fields_by_name["value"]
        example_key = next(iter(container))
        example_value: Any = container[example_key]
        if value_field.type == FieldDescriptor.TYPE_MESSAGE:
            kept = type(example_value)()
            kept.CopyFrom(example_value)
            example_value = kept
        container.clear()
        for index in range(int(map_rules.max_pairs)):
            key = _longest(key_rules, index + 1) or f"{example_key}{index}"
            if value_field.type == FieldDescriptor.TYPE_MESSAGE:
                container[key].CopyFrom(example_value)
                inflate(container[key], depth + 1)
            else:
                value_rules = map_rules.values.string if map_rules.values.WhichOneof("type") == "string" else None
                container[key] = _longest(value_rules, 0) or example_value
        return
    if field.is_repeated:
        if repeated_rules is None or not repeated_rules.HasField("max_items") or not container:
            return
        count = int(repeated_rules.max_items)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            first = type(container[0])()
            first.CopyFrom(container[0])
            inflate(first, depth + 1)
            del container[:]
            for _ in range(count):
                container.add().CopyFrom(first)
        elif field.type == FieldDescriptor.TYPE_STRING:
            item_rules = repeated_rules.items.string if repeated_rules.items.WhichOneof("type") == "string" else None
            example = container[0]
            values = [_longest(item_rules, index + 1) or f"{example}{index}" for index in range(count)]
            del container[:]
            container.extend(values)
        return
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if message.HasField(field.name):
            inflate(getattr(message, field.name), depth + 1)
    elif field.type == FieldDescriptor.TYPE_STRING:
        text = _longest(_typed_rules(field), 0)
        if text is not None:
            setattr(message, field.name, text)


def inflate(message: Message, depth: int = 0) -> None:
    """Every bounded field of `message` at its largest, keeping a change only when the message stays valid."""
    if depth > 6:
        return
    for field in message.DESCRIPTOR.fields:
        before = type(message)()
        before.CopyFrom(message)
        _inflate_field(message, field, depth)
        if violations(message):  # a message rule (a fingerprint format, a partition) refuses it: keep the example's
            message.CopyFrom(before)
