"""Inputs aimed at the rules, and every entry point they can be thrown at.

Random bytes rarely hit a rule's edge; these do: a container filled with
empty elements far past its bound, times at and past protobuf's range,
strings just past their limit, a JSON field under two names, CloudEvents
headers repeated or in another case. Each entry point takes the same
hostile envelope the way its caller would hand it over, and the promise
checked is the same everywhere (`check_entry`): a result, or a
`ContractError` whose violation list and text are bounded.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

import ameide_sre_contracts as sre
from ameide_sre_contracts import cloudevents, kafka, testing
from ameide_sre_contracts._descriptors import field_rules, is_map
from ameide_sre_contracts._precheck import MAX_VIOLATIONS
from testkit.workspace import ENVELOPES

EXAMPLES: dict[str, list[Message]] = {
    sre.topic_of(envelope_type).name: list(testing.examples(envelope_type)) for envelope_type in ENVELOPES
}
MAX_ERROR_TEXT = MAX_VIOLATIONS * 700
"""The longest a refusal's text may be: each kept violation renders in well under 700 characters."""


def _set_fields(message: Message, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any, Message]]:
    """(path, field, holder) for every set field below `message`, containers included."""
    for field, value in message.ListFields():
        yield (*path, field.name), field, message
        if field.message_type is None or field.message_type.full_name.startswith("google.protobuf."):
            continue
        if is_map(field):
            for key, item in value.items():
                if isinstance(item, Message):
                    yield from _set_fields(item, (*path, field.name, key))
        elif field.is_repeated:
            for index, item in enumerate(value):
                yield from _set_fields(item, (*path, field.name, index))
        else:
            yield from _set_fields(value, (*path, field.name))


def _copy(envelope: Message) -> Message:
    copy = type(envelope)()
    copy.CopyFrom(envelope)
    return copy


def _containers(hostile: Message) -> list[tuple[Any, Message]]:
    holders = [hostile] + [
        getattr(holder, field.name)
        for _, field, holder in _set_fields(hostile)
        if field.message_type is not None and not field.is_repeated
    ]
    return [
        (field, holder)
        for holder in holders
        for field in holder.DESCRIPTOR.fields
        if field.is_repeated and (field.message_type is not None or field.type == field.TYPE_STRING)
    ]


def _times(hostile: Message) -> list[tuple[Any, Message]]:
    return [
        (field, holder)
        for _, field, holder in _set_fields(hostile)
        if field.message_type is not None
        and field.message_type.full_name in ("google.protobuf.Timestamp", "google.protobuf.Duration")
        and not field.is_repeated
    ]


def _strings(hostile: Message) -> list[tuple[Any, Message]]:
    found = []
    for _, field, holder in _set_fields(hostile):
        rules = field_rules(field)
        string_rules = rules is not None and rules.WhichOneof("type") == "string" and rules.string.HasField("max_len")
        if field.type == field.TYPE_STRING and not field.is_repeated and string_rules:
            found.append((field, holder))
    return found


def _target(
    rng: random.Random, examples: list[Message], targets: Callable[[Message], list[tuple[Any, Message]]]
) -> tuple[Message, Any, Message]:
    """A copy of one example that has a target, and one of its targets (field, holder)."""
    copies = [_copy(example) for example in examples]
    usable = [(copy, found) for copy in copies if (found := targets(copy))]
    hostile, found = rng.choice(usable)
    field, holder = rng.choice(found)
    return hostile, field, holder


def mass_elements(rng: random.Random, examples: list[Message], size: int) -> bytes:
    """An envelope with one repeated field or map grown far past its bound with empty elements, about `size` bytes."""
    hostile, field, holder = _target(rng, examples, _containers)
    container = getattr(holder, field.name)
    base = len(hostile.SerializeToString())
    _grow(field, container, 0, 1)
    each = max(1, len(hostile.SerializeToString()) - base)
    _grow(field, container, 1, max(1, (size - base) // each - 1))
    return hostile.SerializeToString()


def _grow(field: Any, container: Any, start: int, count: int) -> None:
    if is_map(field):
        value_type = field.message_type.fields_by_name["value"]
        for index in range(start, start + count):
            key = f"{index:07x}"  # one width: each entry the same size
            if value_type.message_type is not None:
                container[key].SetInParent()
            else:
                container[key] = "" if value_type.type == value_type.TYPE_STRING else 0
    elif field.message_type is not None:
        for _ in range(count):
            container.add()
    else:
        container.extend([""] * count)


_TIMESTAMPS = [(-62135596801, 0), (253402300800, 0), (0, -1), (0, 1_000_000_000), (2**62, 0)]
_DURATIONS = [(315576000001, 0), (1, -1), (-1, 1), (0, 1_000_000_000), (-(2**62), 0)]


def boundary_times(rng: random.Random, examples: list[Message], _: int = 0) -> bytes:
    """An envelope with one Timestamp or Duration set just past, or far past, what protobuf defines."""
    hostile, field, holder = _target(rng, examples, _times)
    seconds, nanos = rng.choice(_TIMESTAMPS if field.message_type.full_name.endswith("Timestamp") else _DURATIONS)
    value = Timestamp() if field.message_type.full_name.endswith("Timestamp") else Duration()
    value.seconds, value.nanos = seconds, nanos
    getattr(holder, field.name).CopyFrom(value)
    return hostile.SerializeToString()


def long_strings(rng: random.Random, examples: list[Message], size: int) -> bytes:
    """An envelope with one bounded string just past its limit, or as long as `size` allows."""
    hostile, field, holder = _target(rng, examples, _strings)
    limit = int(field_rules(field).string.max_len)
    length = limit + 1 if rng.random() < 0.5 else max(limit + 1, size)
    setattr(holder, field.name, "é" * length)
    return hostile.SerializeToString()


def _string_maps(hostile: Message) -> list[tuple[Any, Message]]:
    holders = [hostile] + [
        getattr(holder, field.name)
        for _, field, holder in _set_fields(hostile)
        if not field.is_repeated and field.message_type is not None
    ]
    return [
        (field, holder)
        for holder in holders
        if isinstance(holder, Message)
        for field in holder.DESCRIPTOR.fields
        if is_map(field) and _map_key_type(field) == field.TYPE_STRING
    ]


def _map_key_type(field: Any) -> int:
    key_type: int = field.message_type.fields_by_name["key"].type
    return key_type


def long_map_keys(rng: random.Random, examples: list[Message], size: int) -> bytes:
    """An envelope with one map key as long as `size` allows: keys are quoted in violations' field paths.

    A topic whose envelopes have no string-keyed map gets a long string instead.
    """
    if not any(_string_maps(example) for example in examples):
        return long_strings(rng, examples, size)
    hostile, field, holder = _target(rng, examples, _string_maps)
    container = getattr(holder, field.name)
    value_type = field.message_type.fields_by_name["value"]
    key = "ключ" * max(1, size // 8)
    if value_type.message_type is not None:
        container[key].SetInParent()
    else:
        container[key] = "v" if value_type.type == value_type.TYPE_STRING else 1
    return hostile.SerializeToString()


BINARY_ATTACKS: dict[str, Callable[[random.Random, list[Message], int], bytes]] = {
    "empty elements en masse": mass_elements,
    "boundary times": boundary_times,
    "strings past their limit": long_strings,
    "map keys of any length": long_map_keys,
}


def alias_keys(rng: random.Random, envelope: Message) -> str:
    """The envelope's JSON with one field also given under its other name (`tenantId` and `tenant_id`)."""
    document = json.loads(sre.to_json(envelope))
    objects: list[tuple[dict[str, Any], Any]] = []

    def collect(node: Any, descriptor: Any) -> None:
        if not isinstance(node, dict) or descriptor is None:
            return
        objects.append((node, descriptor))
        for key, value in node.items():
            field = descriptor.fields_by_camelcase_name.get(key)
            if field is None or field.message_type is None or is_map(field):
                continue
            for item in value if isinstance(value, list) else [value]:
                collect(item, field.message_type)

    collect(document, envelope.DESCRIPTOR)
    candidates = [
        (node, key, descriptor.fields_by_camelcase_name[key])
        for node, descriptor in objects
        for key in node
        if key in descriptor.fields_by_camelcase_name and descriptor.fields_by_camelcase_name[key].name != key
    ]
    node, key, field = rng.choice(candidates)
    text = json.dumps(document)
    inner = json.dumps(node)[:-1]  # the object without its closing brace
    return text.replace(inner, f"{inner}, {json.dumps(field.name)}: {json.dumps(node[key])}", 1)


def header_variants(rng: random.Random, record: kafka.KafkaRecord[Any]) -> list[tuple[Any, Any]]:
    """The record's headers with one CloudEvents header repeated, recased, emptied, or oddly typed."""
    headers: list[tuple[Any, Any]] = list(record.headers)
    index = rng.randrange(1, len(headers))
    name, value = headers[index]
    variant = rng.randrange(6)
    if variant == 0:
        headers.append((name.upper(), value))
    elif variant == 1:
        headers.append((name, value))
    elif variant == 2:
        headers[index] = (name, None)
    elif variant == 3:
        headers[index] = (name.encode(), memoryview(value))
    elif variant == 4:
        headers.append(("x-binary", bytes([0xFF, 0xFE])))  # unrelated: must not matter
    else:
        headers[index] = (name, 42)
    return headers


@dataclass(frozen=True)
class Entry:
    """One way an envelope enters (or leaves) the package: what its caller holds first, and the call."""

    name: str
    prepare: Callable[[str, bytes], Any]
    """What the caller holds before calling in, built from the hostile encoding (not part of the entry's cost)."""
    call: Callable[[str, Any], object]


def _structured(topic: str, data: bytes) -> bytes:
    document = {"specversion": "1.0", "id": "x", "source": "urn:x", "type": "t"}
    document["data_base64"] = base64.b64encode(data).decode()
    return json.dumps(document).encode()


def _http(topic: str, data: bytes) -> tuple[dict[str, str], bytes]:
    seed: Any = EXAMPLES[topic][0]
    headers, _ = cloudevents.to_http(seed)  # the sender's headers; the body is the hostile envelope
    return headers, data


def _parsed(topic: str, data: bytes) -> Message:
    return sre.decode(topic, data, validate=False)


def _same(topic: str, data: bytes) -> bytes:
    return data


ENTRIES: list[Entry] = [
    Entry("decode", _same, lambda topic, data: sre.decode(topic, data)),
    Entry("from_kafka (bare)", _same, lambda topic, data: kafka.from_kafka(topic, None, data, None)),
    Entry(
        "from_kafka (structured)",
        _structured,
        lambda topic, value: kafka.from_kafka(topic, None, value, [("content-type", b"application/cloudevents+json")]),
    ),
    Entry("from_http (binary)", _http, lambda topic, request: cloudevents.from_http(*request)),
    Entry("validate (parsed)", _parsed, lambda topic, message: sre.validate(message)),
    Entry("to_kafka (parsed)", _parsed, lambda topic, message: kafka.to_kafka(message)),
    Entry("to_http (parsed)", _parsed, lambda topic, message: cloudevents.to_http(message)),
]
"""Every entry point an envelope's bytes reach; the parsed ones take what `decode(validate=False)` made of them."""


def check_entry(entry: Entry, topic: str, data: bytes) -> str:
    """Throw `data` at one entry point: a result, or a bounded `ContractError`; anything else fails."""
    refused: sre.ContractError | None = None
    try:
        prepared = entry.prepare(topic, data)
        entry.call(topic, prepared)
    except sre.ContractError as error:  # anything else escapes and fails the caller
        refused = error
    if refused is None:
        return "accepted"
    shown = len(refused.violations) if isinstance(refused, sre.ValidationError) else 0
    assert shown <= MAX_VIOLATIONS, (entry.name, shown)
    assert len(str(refused)) <= MAX_ERROR_TEXT, (entry.name, len(str(refused)))
    return type(refused).__name__
