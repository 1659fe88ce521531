"""The generated ProtoJSON reader and writer against the strict reader and `json_format`, input by input.

Reading: each JSON text goes through the generated reader alone
(`ameide_core_proto/sre/_protojson.py`) and through the strict reader
(`_protojson.strict`: ambiguity checks, then `json_format.ParseDict`). When the
generated reader builds a message, the strict reader must accept the same text
and build the same message (equal deterministic bytes); when it refuses, the
strict reader decides, and a text it accepts is a fallback, counted. `from_json`
itself must give the strict reader's verdict: the same message, or the same
error class and text.

Writing: each message the readers accept, and message-level mutants (times
past protobuf's range, NaN, unknown enum numbers, odd field-mask paths), goes
through the generated writer and `json_format.MessageToJson(indent=None)`: the
texts must be equal, or the writer must hand over (a writer fallback, counted),
and never write where json_format refuses.

Inputs: every example in several spellings ProtoJSON allows (proto or JSON
names, enum names or numbers, 64-bit integers as strings or numbers, doubles as
strings), the intents the adapters make of every real fixture, and mutants
aimed at the reading rules (`mutate`).
"""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from ameide_sre_contracts._protojson import _generated, _load, parse, strict, write
from ameide_sre_contracts.errors import ContractError, ValidationError

_INT64_TYPES = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED64,
}


@dataclass
class Tally:
    """Counts of one differential run; `defects` keeps the first few disagreements, described."""

    texts: int = 0
    read_fast: int = 0
    read_fallback: int = 0
    refused: int = 0
    messages_written: int = 0
    write_refused: int = 0
    write_fallback: int = 0
    defects: int = 0
    examples: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)

    def defect(self, what: str) -> None:
        self.defects += 1
        if len(self.examples) < 20:
            self.examples.append(what[:600])

    def add(self, other: Tally) -> None:
        for name in (
            "texts",
            "read_fast",
            "read_fallback",
            "refused",
            "messages_written",
            "write_refused",
            "write_fallback",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.defects += other.defects
        self.examples += other.examples[: max(0, 20 - len(self.examples))]
        self.fallbacks += other.fallbacks[: max(0, 5 - len(self.fallbacks))]


def _verdict(call: Callable[[], Message]) -> tuple[str, Any]:
    try:
        message = call()
    except ValidationError as error:
        return "ValidationError", (error.violations, str(error))
    except ContractError as error:
        return type(error).__name__, str(error)
    return "accepted", message.SerializeToString(deterministic=True)


def _strict(text: str | bytes, cls: type[Message], ignore: bool, validate: bool) -> Message:
    document = _load(text, cls.DESCRIPTOR)
    message = cls()
    strict(document, message, ignore_unknown_fields=ignore, validate=validate)
    return message


def read(tally: Tally, text: str | bytes, cls: type[Message], *, ignore: bool, validate: bool = True) -> None:
    """One text through both readers, and through `from_json`'s reading step."""
    tally.texts += 1
    expected = _verdict(lambda: _strict(text, cls, ignore, validate))
    built: Message | None = None
    try:
        document = _load(text, cls.DESCRIPTOR)
        built = cls(**_generated().READERS[cls.DESCRIPTOR.full_name](document, ignore))
    except Exception:  # refused: the strict reader decides
        built = None
    if built is not None:
        tally.read_fast += 1
        got = ("accepted", built.SerializeToString(deterministic=True))
        if got != expected:
            tally.defect(f"generated reader accepted {text[:300]!r} as {got[1]!r}; strict: {expected!r}")
    elif expected[0] == "accepted":
        tally.read_fallback += 1
        if len(tally.fallbacks) < 5:
            tally.fallbacks.append(f"{cls.DESCRIPTOR.name}, validate={validate}: {text[:160]!r}")
    else:
        tally.refused += 1
    through = _verdict(lambda: parse(text, cls, ignore_unknown_fields=ignore, validate=validate))
    if through != expected:
        tally.defect(f"from_json's reader on {text[:300]!r}: {through!r}; strict: {expected!r}")
    if expected[0] == "accepted":
        written(tally, cls.FromString(expected[1]))


def written(tally: Tally, message: Message) -> None:
    """One message through the generated writer and `json_format.MessageToJson(indent=None)`."""
    tally.messages_written += 1
    try:
        expected: str | None = json_format.MessageToJson(message, indent=None)
    except Exception:  # json_format refuses: the writer must hand over
        expected = None
    try:
        got = write(message)
    except Exception as error:  # the writer must hand over, never raise
        tally.defect(f"writer raised {error!r} on {message!r}")
        return
    if got is None:
        if expected is None:
            tally.write_refused += 1
        else:
            tally.write_fallback += 1
    elif got != expected:
        tally.defect(f"writer wrote {got[:300]!r}; json_format: {expected if expected is None else expected[:300]!r}")


def _field(descriptor: Any, key: str) -> Any:
    if not key.isascii():  # upb's name maps fail on a lone surrogate; no field has a non-ASCII name
        return None
    return descriptor.fields_by_camelcase_name.get(key) or descriptor.fields_by_name.get(key)


# --- spellings ------------------------------------------------------------------------------------------------


def spell(message: Message, rng: random.Random) -> Any:
    """The message as a JSON document in one of the spellings ProtoJSON allows, chosen per field."""
    document = json_format.MessageToDict(
        message, preserving_proto_field_name=rng.random() < 0.3, use_integers_for_enums=rng.random() < 0.2
    )
    return _respell(document, message.DESCRIPTOR, rng)


def _respell(value: Any, descriptor: Any, rng: random.Random) -> Any:
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        field_descriptor = _field(descriptor, key)
        if field_descriptor is None:
            result[key] = item
            continue
        name = rng.choice([field_descriptor.name, field_descriptor.json_name]) if rng.random() < 0.2 else key
        result[name] = _respell_field(field_descriptor, item, rng)
    return result


def _respell_scalar(field_descriptor: Any, item: Any, rng: random.Random) -> Any:
    kind = field_descriptor.type
    if kind in _INT64_TYPES and isinstance(item, str) and rng.random() < 0.5:
        return int(item)
    if kind == FieldDescriptor.TYPE_DOUBLE and isinstance(item, float) and rng.random() < 0.3:
        return repr(item) if math.isfinite(item) else item
    if kind in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_UINT32) and rng.random() < 0.2:
        return rng.choice([str(item), float(item)])
    if kind == FieldDescriptor.TYPE_ENUM and isinstance(item, str) and rng.random() < 0.2:
        return field_descriptor.enum_type.values_by_name[item].number
    return item


def _respell_field(field_descriptor: Any, item: Any, rng: random.Random) -> Any:
    target = field_descriptor.message_type
    if target is not None and target.GetOptions().map_entry:
        value_field = target.fields_by_name["value"]
        return {key: _respell_field(value_field, entry, rng) for key, entry in item.items()}
    if isinstance(item, list):
        return [_respell_one(field_descriptor, entry, rng) for entry in item]
    return _respell_one(field_descriptor, item, rng)


def _respell_one(field_descriptor: Any, item: Any, rng: random.Random) -> Any:
    if field_descriptor.message_type is not None:
        return _respell(item, field_descriptor.message_type, rng)
    return _respell_scalar(field_descriptor, item, rng)


# --- mutants aimed at the reading rules -----------------------------------------------------------------------

_TEXTS: list[Any] = [
    "",
    "a",
    "é",
    "\ud800",
    "\udfff\ud800",
    "😀",
    "x" * 300,
    " ",
    "\u0000",
    5,
    1.5,
    True,
    None,
    [],
    {},
    ["a"],
]
_INTEGERS: list[Any] = [
    0,
    1,
    -1,
    "10",
    "-0",
    "007",
    "1_0",
    " 10",
    "10 ",
    "+10",
    "\u0661\u0660",
    "1e3",
    1e3,
    1.0,
    1.5,
    -0.0,
    True,
    "0x10",
]
_INTEGERS += [2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**32 - 1, 2**32, 2**63 - 1, 2**63, -(2**63) - 1, 2**64]
_INTEGERS += [str(2**63), str(2**64), 1e300, float("inf"), float("nan"), None, [], {}, "", "1.0"]
_DOUBLES: list[Any] = [
    0.0,
    -0.0,
    1.5,
    "1.5",
    "NaN",
    "Infinity",
    "-Infinity",
    "nan",
    "inf",
    "1e400",
    1e308,
    10**400,
    2**53 + 1,
]
_DOUBLES += [" 1", "1_0", "\u0661", "1e5", ".5", "5.", "-.5", True, False, None, "", float("inf"), float("nan"), [], 5]
_ENUMS: list[Any] = [0, 1, 2, 99, -1, 2**31, 1.0, 1.5, True, "1", "99", "1_0", " 1", "UNKNOWN_NAME", "lower", "", "1.5"]
_ENUMS += [None, [], "\ud800", "-1", "NAME_😀"]
_TIMES: list[Any] = [
    "2026-03-14T09:27:08Z", "2026-03-14T09:27:08.5Z", "2026-03-14T09:27:08.123456789Z",
    "2026-03-14T09:27:08.1234567891Z",
    "2026-03-14t09:27:08Z", "2026-03-14T09:27:08z", "2026-03-14T09:27:60Z", "2026-03-14T24:00:00Z",
    "2026-03-14T09:27:08+05:30", "2026-03-14T09:27:08-00:00", "2026-03-14T09:27:08+24:00", "2026-03-14T09:27:08+23:59",
    "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59-00:01", "0000-01-01T00:00:00Z", "2026-3-14T09:27:08Z",
    "2026-03-14T09:27:08", "2026-03-14 09:27:08Z", "2026-03-14T09:27:08.Z", "2026-03-14T09:27:08+0530",
    "\uff12\uff10\uff12\uff16-03-14T09:27:08Z", "2026-03-14T09:27:08.\u0661Z", 1, None, "", "1970-01-01T00:00:00Z",
]  # fmt: skip
_DURATIONS: list[Any] = [
    "1s",
    "0s",
    "-0s",
    "1.5s",
    "-1.5s",
    "-0.5s",
    "1.s",
    ".5s",
    "1_0s",
    " 1s",
    "+1s",
    "1.0000000001s",
]
_DURATIONS += [
    "315576000000s",
    "315576000001s",
    "-315576000000.999999999s",
    "1",
    "1m",
    "\u0661s",
    "",
    1,
    None,
    "0.000000001s",
]
_MASKS: list[Any] = [
    "title",
    "title,severity",
    "closingNote",
    "closing_note",
    "",
    "a,,b",
    "A",
    "aB.cD",
    "é",
    "\ud800",
    1,
    None,
]
_MASKS += [",".join(["title"] * 40), "title,"]


def _candidates(field_descriptor: Any) -> list[Any]:
    target = field_descriptor.message_type
    if target is not None:
        if target.full_name == "google.protobuf.Timestamp":
            return _TIMES
        if target.full_name == "google.protobuf.Duration":
            return _DURATIONS
        if target.full_name == "google.protobuf.FieldMask":
            return _MASKS
        return ["", [], 5, None, {}, "x", True]
    kind = field_descriptor.type
    if kind == FieldDescriptor.TYPE_STRING:
        return _TEXTS
    if kind == FieldDescriptor.TYPE_DOUBLE:
        return _DOUBLES
    if kind == FieldDescriptor.TYPE_ENUM:
        return [*_ENUMS, *(value.name for value in field_descriptor.enum_type.values)]
    if kind == FieldDescriptor.TYPE_BOOL:
        return [True, False, "true", 0, 1, None, "false"]
    return _INTEGERS


def _slots(value: Any, descriptor: Any, out: list[tuple[Any, Any, Any, Any]]) -> None:
    """Every (container, key, field, descriptor of the container's message) the document holds."""
    if not isinstance(value, dict) or descriptor.full_name.startswith("google.protobuf."):
        return
    for key, item in value.items():
        field_descriptor = _field(descriptor, key)
        if field_descriptor is None:
            continue
        out.append((value, key, field_descriptor, descriptor))
        target = field_descriptor.message_type
        if target is not None and target.GetOptions().map_entry:
            value_field = target.fields_by_name["value"]
            if isinstance(item, dict):
                for entry_key in list(item):
                    out.append((item, entry_key, value_field, None))
                    if value_field.message_type is not None:
                        _slots(item[entry_key], value_field.message_type, out)
        elif isinstance(item, list):
            for index, entry in enumerate(item):
                out.append((item, index, field_descriptor, None))
                if target is not None:
                    _slots(entry, target, out)
        elif target is not None:
            _slots(item, target, out)


def _mutate_once(document: dict[str, Any], descriptor: Any, rng: random.Random) -> None:
    slots: list[tuple[Any, Any, Any, Any]] = []
    _slots(document, descriptor, slots)
    if not slots:
        document[rng.choice(["unknownField", "[a.b]", "\ud800", "meta"])] = rng.choice([1, None, {}])
        return
    container, key, field_descriptor, owner = rng.choice(slots)
    roll = rng.random()
    if owner is not None and roll < 0.12:  # the field under its other name too, or instead
        other = field_descriptor.name if key == field_descriptor.json_name else field_descriptor.json_name
        if other != key:
            container[other] = copy.deepcopy(container[key]) if rng.random() < 0.7 else None
            if rng.random() < 0.4:
                del container[key]
        return
    if owner is not None and roll < 0.2:  # another case of the same oneof, or an unknown key beside it
        oneof = field_descriptor.containing_oneof
        siblings = [f for f in oneof.fields if f is not field_descriptor] if oneof is not None else []
        if siblings:
            sibling = rng.choice(siblings)
            container[rng.choice([sibling.name, sibling.json_name])] = copy.deepcopy(
                rng.choice([{}, None, container[key]])
            )
        else:
            container[rng.choice(["notAField", "[x.y]", "unknown_\ud800", "extra"])] = rng.choice([1, None, {}])
        return
    if roll < 0.27 and isinstance(container[key], list | dict):  # a container at or past its bound
        item = container[key]
        if isinstance(item, list) and item:
            item.extend(item[:1] * rng.choice([1, 20, 101, 1001]))
        elif isinstance(item, dict) and item:
            first = next(iter(item.values()))
            for index in range(rng.choice([1, 20, 65, 129])):
                item[f"k{index}"] = first
        return
    container[key] = copy.deepcopy(rng.choice(_candidates(field_descriptor)))


def mutate(document: Any, descriptor: Any, rng: random.Random) -> Any:
    """A copy of `document` with one to three changes aimed at the reading rules."""
    changed = copy.deepcopy(document)
    for _ in range(rng.choice([1, 1, 2, 3])):
        _mutate_once(changed, descriptor, rng)
    return changed


def text_of(document: Any, rng: random.Random) -> str | bytes:
    """The document as a text: compact or spaced, escaped or not, sometimes bytes, sometimes with a key given twice."""
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5, separators=rng.choice([(",", ":"), (", ", ": ")]))
    roll = rng.random()
    if roll < 0.05 and text.startswith('{"'):  # the first key again at the end
        key = text[1 : text.index('"', 2) + 1]
        text = text[:-1] + f", {key}: null}}"
    elif roll < 0.07:
        text = "\ufeff" + text
    if rng.random() < 0.3:
        return text.encode("utf-8", "surrogatepass")
    return text


def texts(message: Message, rng: random.Random, mutants: int) -> Iterator[str | bytes]:
    """The message in several spellings, then `mutants` rule-aimed mutants of them."""
    yield json_format.MessageToJson(message, indent=None)
    yield json_format.MessageToJson(message, indent=None, preserving_proto_field_name=True)
    spelled = [spell(message, rng) for _ in range(3)]
    for document in spelled:
        yield text_of(document, rng)
    for _ in range(mutants):
        yield text_of(mutate(rng.choice(spelled), message.DESCRIPTOR, rng), rng)


def fixture_messages() -> list[Message]:
    """What the adapters make of every real payload in tests/fixtures/real/ (intents, fleet states)."""
    from testkit.hostile_adapters import ENTRIES, _intents, real_documents

    found: list[Message] = []
    for entry in ENTRIES:
        for folder in entry.folders:
            for _, document in real_documents(folder):
                try:
                    result = entry.call(json.dumps(document).encode())
                except ContractError:
                    continue  # a payload of another entry point in the same folder
                found += [item for item in _intents(result) if isinstance(item, Message)]
    return found


def run(
    messages: list[Message], *, mutants_per_message: int, seed: int, message_mutants: Callable[..., Message] | None
) -> Tally:
    """Every message in several spellings and `mutants_per_message` JSON mutants, read both ways; and, with
    `message_mutants` (testkit.mutants.mutant), as many message-level mutants through both writers."""
    rng = random.Random(seed)
    tally = Tally()
    for message in messages:
        cls = type(message)
        for text in texts(message, rng, mutants_per_message):
            ignore = rng.random() < 0.3
            read(tally, text, cls, ignore=ignore, validate=rng.random() < 0.8)
        if message_mutants is not None:
            for _ in range(max(1, mutants_per_message // 4)):
                written(tally, message_mutants(rng, message))
    return tally
