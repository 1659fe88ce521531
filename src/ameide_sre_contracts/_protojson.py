"""ProtoJSON read without ambiguity: each field under one name, times in strict RFC 3339, text that is Unicode.

Numbers take only ProtoJSON's numerals: an integer field a JSON number or a
string of ASCII digits (`"10"`, never `"1_0"`, `" 10"` or Arabic-Indic digits, which
Python's `int` reads), a float field a number, `"NaN"`, `"Infinity"`,
`"-Infinity"` or an ASCII decimal string (never `true`), an enum its name or an
integer (never `true`, `1.5` or `"1_0"`; `1.0` is the integer 1, as for integer
fields), a duration ASCII seconds with up to nine decimals and `s` (never
`"1_0s"` or `" 1s"`). A message is a JSON object: `json_format` alone reads `""`
or `[]` as an empty message.

`parse` first asks the reader generated from the descriptors
(`ameide_core_proto/sre/_protojson.py`), which builds the message in one call
when it proves the text plain, and hands everything else to this module's
strict reader (`strict`): the reference, whose verdict and error stand
(tools/testkit/json_differential.py checks that they agree).

`json_format` alone takes `{"tenantId": "a", "tenant_id": "b"}` (the message
gets `b`, while a JSON reader upstream saw `a`), offsets such as `+25:00`,
and lone surrogates it later fails on with a `UnicodeEncodeError`. This
reader walks the parsed document alongside the descriptors first and
refuses all three with a `DecodeError` naming where.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Final, TypeVar

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from ameide_sre_contracts._descriptors import field_rules, is_map
from ameide_sre_contracts._jsonfast import DURATION_TEXT, ENUM_NAME, FLOAT_TEXT, INTEGER_TEXT, Refused, unicode
from ameide_sre_contracts._precheck import MAX_VIOLATIONS, Path, mask_bound, render
from ameide_sre_contracts._rfc3339 import parse_timestamp
from ameide_sre_contracts.errors import DecodeError, ValidationError, Violation, violation_order

M = TypeVar("M", bound=Message)

MAX_JSON_DEPTH: Final[int] = 64
"""The deepest JSON nesting `from_json` parses; the contract's messages nest far less."""

_TIMESTAMP: Final = "google.protobuf.Timestamp"
_DURATION: Final = "google.protobuf.Duration"
_SCAN_FROM = 16 * 1024  # as `_wirescan.SCAN_FROM_BYTES`: smaller texts cost little whatever they hold


def _unicode(text: str, where: str) -> None:
    if not (text.isascii() or unicode(text)):
        raise DecodeError(f"{where}: text with a lone surrogate ({text[:32]!r}...) is not Unicode")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members as a dict, refusing a key given twice (`json.loads`' `object_pairs_hook`)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DecodeError(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def container_limit(field: Any) -> tuple[int, str] | None:
    """A list's `repeated.max_items` or a map's `map.max_pairs`, with the rule's id; None when unbounded."""
    rules = field_rules(field)
    if rules is None:
        return None
    if is_map(field) and rules.map.HasField("max_pairs"):
        return int(rules.map.max_pairs), "map.max_pairs"
    if field.is_repeated and not is_map(field) and rules.repeated.HasField("max_items"):
        return int(rules.repeated.max_items), "repeated.max_items"
    return None


def _check(value: Any, descriptor: Any, where: str, depth: int, path: Path, over: list[Violation]) -> None:
    """Refuse a field named twice, a non-RFC 3339 time or a lone surrogate anywhere below `value`.

    Containers past their bound are collected in `over` and not entered:
    the caller refuses them before `json_format` builds a message per element.
    """
    if depth > MAX_JSON_DEPTH:
        raise DecodeError(f"{where}: nested deeper than {MAX_JSON_DEPTH}")
    if descriptor.full_name == _TIMESTAMP:
        if isinstance(value, str) and parse_timestamp(value) is None:
            raise DecodeError(f"{where}: {value[:64]!r} is not an RFC 3339 timestamp (offsets up to ±23:59)")
        return
    if descriptor.full_name == _DURATION:
        if isinstance(value, str) and not (value.isascii() and DURATION_TEXT.fullmatch(value)):
            raise DecodeError(f"{where}: {value[:64]!r} is not a duration (seconds, up to 9 decimals, then s)")
        return
    if not isinstance(value, dict):
        if value is not None and not descriptor.full_name.startswith("google.protobuf."):
            # json_format reads "" or [] as an empty message (it iterates them as if they were objects)
            raise DecodeError(f"{where}: a {descriptor.name} is a JSON object, not {type(value).__name__}")
        return  # json_format says what is wrong with the value's type
    named: dict[int, str] = {}
    for key, item in value.items():
        _unicode(key, where)
        field = descriptor.fields_by_camelcase_name.get(key) or descriptor.fields_by_name.get(key)
        if field is None:
            continue  # unknown: json_format refuses it, or drops it when told to
        if field.number in named:
            raise DecodeError(f"{where}: {field.name} is given twice, as {named[field.number]!r} and {key!r}")
        named[field.number] = key
        here = (*path, field.name)
        mask = mask_bound(field)
        if mask is not None and isinstance(item, str) and item.count(",") >= mask[0]:  # "a,b,c": one path per comma
            over.append(Violation(render(here), mask[1], mask[2]))
            continue
        limit = container_limit(field)
        if limit is not None and isinstance(item, list | dict) and len(item) > limit[0]:
            text = (
                f"must contain no more than {limit[0]} item(s)"
                if limit[1] == "repeated.max_items"
                else f"map must be at most {limit[0]} entries"
            )
            over.append(Violation(render(here), limit[1], text))
            continue
        _check_field(field, item, f"{where}.{key}", depth + 1, here, over)


_INTEGER_KINDS: Final = frozenset(
    {
        FieldDescriptor.CPPTYPE_INT32,
        FieldDescriptor.CPPTYPE_INT64,
        FieldDescriptor.CPPTYPE_UINT32,
        FieldDescriptor.CPPTYPE_UINT64,
    }
)
_FLOAT_KINDS: Final = frozenset({FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE})


def _numeral(field: Any, item: Any, where: str) -> None:
    """Refuse a number ProtoJSON does not spell that way, before `json_format` reads it as Python would."""
    if isinstance(item, str):
        kind = field.cpp_type
        if kind in _INTEGER_KINDS and not (item.isascii() and INTEGER_TEXT.fullmatch(item)):
            raise DecodeError(f"{where}: {item[:32]!r} is not an integer (ASCII digits, as a number or a string)")
        if kind in _FLOAT_KINDS and not (item.isascii() and FLOAT_TEXT.fullmatch(item)):
            raise DecodeError(f"{where}: {item[:32]!r} is not a number (a decimal, NaN, Infinity or -Infinity)")
        if kind == FieldDescriptor.CPPTYPE_ENUM and not (
            item.isascii() and (INTEGER_TEXT.fullmatch(item) or ENUM_NAME.fullmatch(item))
        ):
            raise DecodeError(f"{where}: {item[:32]!r} is not an enum value (its name or an integer)")
    elif field.cpp_type in _FLOAT_KINDS and isinstance(item, bool):
        raise DecodeError(f"{where}: {item!r} is not a number")
    elif field.cpp_type == FieldDescriptor.CPPTYPE_ENUM and (
        isinstance(item, bool) or (isinstance(item, float) and not item.is_integer())
    ):
        raise DecodeError(f"{where}: {item!r} is not an enum value (its name or an integer)")


def _check_field(field: Any, item: Any, where: str, depth: int, path: Path, over: list[Violation]) -> None:
    target = field.message_type
    if target is not None and target.GetOptions().map_entry:
        key_field = target.fields_by_name["key"]
        value_field = target.fields_by_name["value"]
        value_type = value_field.message_type
        if isinstance(item, dict):
            for key, entry in item.items():
                _unicode(key, where)
                _numeral(key_field, key, f"{where} key")
                if value_type is None:
                    _numeral(value_field, entry, f"{where}[{key!r}]")
                _check_value(value_type, entry, f"{where}[{key!r}]", depth, path, over)
    elif field.is_repeated and isinstance(item, list):
        for index, entry in enumerate(item):
            if target is None:
                _numeral(field, entry, f"{where}[{index}]")
            _check_value(target, entry, f"{where}[{index}]", depth, (*path, index), over)
    else:
        if target is None:
            _numeral(field, item, where)
        _check_value(target, item, where, depth, path, over)


def _check_value(target: Any, item: Any, where: str, depth: int, path: Path, over: list[Violation]) -> None:
    if isinstance(item, str):
        _unicode(item, where)
    if target is not None:
        _check(item, target, where, depth, path, over)


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_WELL_KNOWN_SCALARS = ("google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask")


@functools.cache
def _most_values(descriptor: Any) -> int:
    """The most JSON values (objects, array elements, members) a valid message of this type can hold."""
    total = 1
    for field in descriptor.fields:
        child = field.message_type
        if is_map(field):
            child = child.fields_by_name["value"].message_type
        each = 1 if child is None or child.full_name in _WELL_KNOWN_SCALARS else 1 + _most_values(child)
        limit = container_limit(field)
        mask = mask_bound(field)
        count = limit[0] if limit is not None else mask[0] if mask is not None else 1
        total += count * each
    return total


def _too_many_values(text: str | bytes, descriptor: Any) -> str | None:
    """Why a large JSON text holds more values than any valid message could (commas and braces outside strings)."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    bare = _STRINGS.sub(b"", raw)
    found = bare.count(b",") + bare.count(b"{") + bare.count(b"[")
    most = _most_values(descriptor) + _UNKNOWN_VALUES
    return f"{found} JSON values, more than any valid {descriptor.name} holds ({most})" if found > most else None


_UNKNOWN_VALUES = 4096  # values of fields a newer contract added (unknown here), on top of the contract's own


_DECODER: Final = json.JSONDecoder(object_pairs_hook=unique_keys)  # one for all: `json.loads` makes one per call


def _load(text: str | bytes, descriptor: Any) -> Any:
    name = descriptor.name
    if len(text) >= _SCAN_FROM:  # before json builds an object per element: refuse what no valid message holds
        excess = _too_many_values(text, descriptor)
        if excess is not None:
            raise DecodeError(f"{name}: {excess}")
    if isinstance(text, str) and text.startswith("\ufeff"):  # as json.loads: refused in text, skipped in bytes
        raise DecodeError(f"{name}: not JSON (Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0))")
    try:
        if isinstance(text, str):
            return _DECODER.decode(text)
        return _DECODER.decode(bytes(text).decode(json.detect_encoding(text), "surrogatepass"))
    except DecodeError as error:
        raise DecodeError(f"{name}: {error}") from None
    except (ValueError, RecursionError) as error:  # json's own errors, and UnicodeDecodeError for bytes
        raise DecodeError(f"{name}: not JSON ({error})") from None


def parse(text: str | bytes, cls: type[M], *, ignore_unknown_fields: bool, validate: bool = True) -> M:
    """A message of type `cls` from ProtoJSON `text`, refusing ambiguity.

    The generated reader builds the message when it proves the text plain;
    anything else goes to the strict reader (`strict`), whose verdict stands.

    Raises:
        DecodeError: not JSON, a key or field given twice, a time that is not
            RFC 3339, a lone surrogate, nesting past `MAX_JSON_DEPTH`, or JSON
            that `json_format` refuses for this message.
        ValidationError: a list or object past its field's bound (when `validate`), before any message is built.
    """
    descriptor = cls.DESCRIPTOR
    document = _load(text, descriptor)
    read = _generated().READERS.get(descriptor.full_name)
    if read is not None:
        try:
            return cls(**read(document, ignore_unknown_fields))
        except MemoryError:
            raise
        except Exception:
            pass
    message = cls()
    strict(document, message, ignore_unknown_fields=ignore_unknown_fields, validate=validate)
    return message


@functools.cache
def _generated() -> Any:
    from ameide_core_proto.sre import _protojson  # imported on first use: it is large

    return _protojson


def write(message: Message) -> str | None:
    """The message as `json_format.MessageToJson(indent=None)` writes it, or None when only json_format can say."""
    writer = _generated().WRITERS.get(message.DESCRIPTOR.full_name)
    if writer is None:
        return None
    try:
        return json.dumps(writer(message))
    except Refused:
        return None


def strict(document: Any, message: Message, *, ignore_unknown_fields: bool, validate: bool = True) -> None:
    """Fill `message` from parsed ProtoJSON, refusing ambiguity before `json_format` sees it (the reference reader).

    Raises:
        DecodeError: as `parse`.
        ValidationError: as `parse`.
    """
    from google.protobuf import json_format  # imported on first use: it is slow to import

    name = message.DESCRIPTOR.name
    over: list[Violation] = []
    _check(document, message.DESCRIPTOR, name, 0, (), over)
    if over and validate:
        over.sort(key=violation_order)
        raise ValidationError(name, over[:MAX_VIOLATIONS], max(0, len(over) - MAX_VIOLATIONS))
    try:
        json_format.ParseDict(
            document, message, ignore_unknown_fields=ignore_unknown_fields, max_recursion_depth=MAX_JSON_DEPTH
        )
    except MemoryError:
        raise
    except Exception as error:  # ParseError, and what the runtime raises on a value it cannot store
        raise DecodeError(f"{name}: invalid ProtoJSON ({error})") from None
