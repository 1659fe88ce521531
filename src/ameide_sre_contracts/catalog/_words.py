"""Rules, presence and types of a field in plain words, read from its descriptor."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from ameide_sre_contracts._descriptors import field_rules, ignores_zero, is_map, is_well_known, message_cel

_SCALARS = {
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64",
    FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}


def _duration(value: Any) -> str:
    seconds = value.seconds + value.nanos / 1e9
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            amount = int(seconds // size)
            return f"{amount} {unit[:-1] if amount == 1 else unit}"
    return f"{seconds:g} s"


def _bound(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _duration(value) if hasattr(value, "seconds") else f"{value:,}" if isinstance(value, int) else str(value)


def _range_words(typed: Any) -> list[str]:
    lower = next(((name, getattr(typed, name)) for name in ("gt", "gte") if typed.HasField(name)), None)
    upper = next(((name, getattr(typed, name)) for name in ("lt", "lte") if typed.HasField(name)), None)
    words = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}
    parts = [f"{words[bound[0]]} {_bound(bound[1])}" for bound in (lower, upper) if bound is not None]
    return [" and ".join(parts)] if parts else []


def _string_words(kind: str, typed: Any) -> list[str]:
    words: list[str] = []
    unit = "characters" if kind == "string" else "bytes"
    if typed.HasField("len"):
        words.append(f"exactly {typed.len} {unit}")
    elif typed.HasField("min_len") and typed.HasField("max_len"):
        words.append(f"{typed.min_len} to {typed.max_len:,} {unit}")
    elif typed.HasField("max_len"):
        words.append(f"at most {typed.max_len:,} {unit}")
    elif typed.HasField("min_len"):
        words.append(f"at least {typed.min_len} {unit}")
    if kind == "string" and typed.HasField("max_bytes"):
        words.append(f"at most {typed.max_bytes:,} bytes of UTF-8")
    if kind == "string":
        if typed.uuid:
            words.append("a UUID")
        if typed.uri:
            words.append("an absolute URI")
        if typed.HasField("pattern"):
            words.append(f"matches `{typed.pattern}`")
        if len(getattr(typed, "in")):
            words.append("one of " + ", ".join(f"`{value}`" for value in getattr(typed, "in")))
    return words


def _enum_names(numbers: Any, enum: Any) -> str:
    named = {value.number: value.name for value in enum.values} if enum is not None else {}
    return ", ".join(f"`{named.get(number, number)}`" for number in numbers)


def _typed_words(kind: str, typed: Any, enum: Any) -> list[str]:
    words: list[str] = []
    if kind in ("string", "bytes"):
        words += _string_words(kind, typed)
    elif kind == "enum":
        if typed.defined_only:
            words.append("a defined value")
        if list(typed.not_in) == [0]:
            words.append("not unspecified")
        if len(getattr(typed, "in")):
            words.append("one of " + _enum_names(getattr(typed, "in"), enum))
    elif kind == "field_mask":
        if len(getattr(typed, "in")):
            words.append("only paths among " + ", ".join(f"`{path}`" for path in getattr(typed, "in")))
    elif kind == "repeated":
        if typed.HasField("min_items") and typed.HasField("max_items"):
            words.append(f"{typed.min_items} to {typed.max_items:,} items")
        elif typed.HasField("max_items"):
            words.append(f"at most {typed.max_items:,} items")
        if typed.unique:
            words.append("unique")
        if typed.HasField("items"):
            words.append("each " + ", ".join(_words(typed.items, enum)))
    elif kind == "map":
        if typed.HasField("max_pairs"):
            words.append(f"at most {typed.max_pairs:,} pairs")
        if typed.HasField("keys"):
            words.append("keys " + ", ".join(_words(typed.keys)))
        if typed.HasField("values"):
            words.append("values " + ", ".join(_words(typed.values)))
    elif kind == "timestamp" and typed.HasField("gte") and typed.HasField("lte"):
        words.append(f"from {typed.gte.ToJsonString()} to {typed.lte.ToJsonString()}")
    elif kind == "bool":
        if typed.HasField("const"):
            words.append(f"always {'true' if typed.const else 'false'}")
    else:
        if getattr(typed, "finite", False):
            words.append("finite")
        words += _range_words(typed)
    return words


def _words(rules: Any, enum: Any = None) -> list[str]:
    words: list[str] = []
    if rules.required:
        words.append("must be set")
    kind = rules.WhichOneof("type")
    if kind is not None:
        words += _typed_words(kind, getattr(rules, kind), enum)
    words += [f"{cel.message} (`{cel.id}`)" for cel in rules.cel]
    if ignores_zero(rules):
        words.append("checked only when set")
    return [word for word in words if word]


def rules_in_words(field: Any) -> str:
    """A field's protovalidate rules as a short phrase ("" when it has none)."""
    rules = field_rules(field)
    return "; ".join(_words(rules, field.enum_type)) if rules is not None else ""


def message_rules(descriptor: Any) -> list[tuple[str, str]]:
    """A message's own CEL rules as (id, message)."""
    return [(cel.id, cel.message) for cel in message_cel(descriptor)]


_INTEGER_KINDS = frozenset({"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64"})


def _refuses_integer_zero(typed: Any) -> bool:
    """Whether an integer's range rules leave 0 out (a lower bound above it, or an upper bound below it)."""
    above = (typed.HasField("gte") and typed.gte > 0) or (typed.HasField("gt") and typed.gt >= 0)
    below = (typed.HasField("lte") and typed.lte < 0) or (typed.HasField("lt") and typed.lt <= 0)
    return above or below or (len(typed.not_in) > 0 and 0 in typed.not_in)


def presence(field: Any) -> str:
    """`required` when the rules refuse the field's zero value, `one of <oneof>` in a oneof, else `optional`."""
    if field.containing_oneof is not None:
        return f"one of `{field.containing_oneof.name}`"
    rules = field_rules(field)
    if rules is None or ignores_zero(rules):
        return "optional"
    kind = rules.WhichOneof("type")
    typed = getattr(rules, kind) if kind else None
    refuses_zero = bool(rules.required) or (
        typed is not None
        and (
            (kind == "string" and (typed.min_len > 0 or typed.len > 0 or typed.uuid))
            or (kind == "string" and typed.HasField("pattern") and re.search(typed.pattern, "") is None)
            or (kind in _INTEGER_KINDS and _refuses_integer_zero(typed))
            or (kind == "string" and len(getattr(typed, "in")) > 0)
            or (kind == "enum" and 0 in typed.not_in)
            or (kind == "enum" and len(getattr(typed, "in")) > 0 and 0 not in getattr(typed, "in"))
            or (kind == "repeated" and typed.min_items > 0)
        )
    )
    return "required" if refuses_zero else "optional"


def type_name(field: Any) -> str:
    """The field's type as a .proto file would spell it."""
    if is_map(field):
        key, value = field.message_type.fields
        return f"map<{type_name(key)}, {type_name(value)}>"
    if field.message_type is not None:
        target = field.message_type
        base = target.full_name if is_well_known(target) else target.name
    elif field.enum_type is not None:
        base = field.enum_type.name
    else:
        base = _SCALARS[field.type]
    return f"repeated {base}" if field.is_repeated else base
