"""Confluent Schema Registry wire format for Protobuf: frame and unframe envelopes.

A framed record is: magic byte 0, the schema id as 4 big-endian bytes, the
message-index path of the message type inside its .proto file, then the
encoded message. The path is a count followed by the indexes, each a zigzag
varint; the common path `[0]` (the file's first message) is the single byte
0. Vectors: `[1]` is `02 02`, `[0, 1]` is `04 00 02`, `[0]` is `00`.

`unframe` accepts exactly what `frame` writes: a schema id below 2^31,
at most 64 indexes, each below 2^31 (Confluent's serializers read them as
32-bit integers), every varint in its shortest form, and `[0]` only as the
single byte 0; anything else would be a second spelling of the same record.

`schemas()` lists what a registry needs before an envelope's schema can be
registered: every file of the contract it imports (and
`buf/validate/validate.proto`), dependencies first, each under the subject
Confluent's serializers expect; `register(client)` registers them.

Example:
    ids = register(schema_registry_client)             # once, at deployment
    value = frame(encode(fact), ids["sre.domain.facts.v1-value"], message_indexes(SreDomainFact))
    schema_id, indexes, data = unframe(value)
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from google.protobuf.message import Message

from ameide_sre_contracts.errors import DecodeError, InvalidArgumentError

MAGIC_BYTE: Final = 0
_MAX_INDEXES: Final = 64  # nesting deeper than this is no real schema
_MAX_INDEX: Final = 2**31 - 1  # a 32-bit integer, as every Confluent serializer reads it


class Framed(NamedTuple):
    """An unframed record: the writer's schema id, the message-index path, and the encoded message."""

    schema_id: int
    message_indexes: list[int]
    data: bytes


def _zigzag_varint(value: int) -> bytes:
    encoded = (value << 1) ^ (value >> 63)
    out = bytearray()
    while True:
        byte = encoded & 0x7F
        encoded >>= 7
        if encoded:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_zigzag_varint(data: bytes, position: int) -> tuple[int, int]:
    """A zigzag varint of a 32-bit value in its shortest form (what `_zigzag_varint` writes)."""
    result = shift = 0
    start = position
    while True:
        if position >= len(data):
            raise DecodeError("framed record ends inside a message index")
        if position - start >= 5:
            raise DecodeError("framed record has a message index varint longer than 5 bytes")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte == 0 and position - start > 1:
                raise DecodeError("framed record has a message index varint that is not in its shortest form")
            value = (result >> 1) ^ -(result & 1)
            if value < 0 or value > _MAX_INDEX:
                raise DecodeError(f"framed record has a message index or count {value} outside 0 to {_MAX_INDEX}")
            return value, position


def encode_message_indexes(indexes: Sequence[int]) -> bytes:
    """The message-index path in wire form; `[0]` (or empty) is the single byte 0."""
    if list(indexes) in ([], [0]):
        return b"\x00"
    if len(indexes) > _MAX_INDEXES or any(not 0 <= index <= _MAX_INDEX for index in indexes):
        raise InvalidArgumentError(f"message indexes are at most {_MAX_INDEXES}, each from 0 to {_MAX_INDEX}")
    return _zigzag_varint(len(indexes)) + b"".join(_zigzag_varint(index) for index in indexes)


def frame(data: bytes, schema_id: int, message_indexes: Sequence[int] = (0,)) -> bytes:
    """Prefix an encoded message with the Schema Registry header."""
    if not 0 <= schema_id < 2**31:
        raise InvalidArgumentError(f"schema id must fit a signed 32-bit integer, not {schema_id}")
    return bytes([MAGIC_BYTE]) + schema_id.to_bytes(4, "big") + encode_message_indexes(message_indexes) + data


def unframe(data: bytes) -> Framed:
    """Split a framed record into schema id, message-index path and encoded message.

    Raises:
        DecodeError: not framed (wrong magic byte, too short, malformed index path).
    """
    if len(data) < 6:
        raise DecodeError(f"a framed record has at least 6 bytes, not {len(data)}")
    if data[0] != MAGIC_BYTE:
        raise DecodeError(f"framed record starts with magic byte {data[0]}, not {MAGIC_BYTE}")
    schema_id = int.from_bytes(data[1:5], "big")
    if schema_id >= 2**31:
        raise DecodeError(f"framed record has schema id {schema_id}, past a signed 32-bit integer")
    count, position = _read_zigzag_varint(data, 5)
    if count > _MAX_INDEXES:
        raise DecodeError(f"framed record declares {count} message indexes, more than {_MAX_INDEXES}")
    indexes = []
    for _ in range(count):
        index, position = _read_zigzag_varint(data, position)
        indexes.append(index)
    if indexes == [0]:
        raise DecodeError("framed record spells the path [0] as 02 00; it is the single byte 00")
    return Framed(schema_id, indexes or [0], data[position:])


def message_indexes(message_type: type[Message]) -> list[int]:
    """The path of a message type inside its .proto file: top-level index, then nested indexes."""
    path: list[int] = []
    descriptor: Any = message_type.DESCRIPTOR
    while descriptor is not None:
        parent = descriptor.containing_type
        siblings = parent.nested_types if parent is not None else list(descriptor.file.message_types_by_name.values())
        path.append(list(siblings).index(descriptor))
        descriptor = parent
    return path[::-1]


# -- registering the contract's schemas ------------------------------------------------------------

BUILTIN_PREFIXES: Final = ("confluent/", "google/protobuf/", "google/type/")
"""Files Confluent's serializers and the registry know already and never register (`skip.known.types`)."""


@dataclass(frozen=True)
class SchemaToRegister:
    """One file of the contract (or a dependency) as Confluent's Protobuf serializer registers it.

    `schema` is the file's descriptor, base64-encoded, exactly the string
    `ProtobufSerializer` sends, so the registry sees one schema whoever
    registers it first. `references` name each dependency (its file name)
    and the subject it is registered under, in the file's import order.
    """

    subject: str
    file: str
    schema: str
    references: tuple[tuple[str, str], ...]


def _builtin(name: str) -> bool:
    return name.startswith(BUILTIN_PREFIXES)


def schemas(topics: Sequence[str] | None = None) -> list[SchemaToRegister]:
    """What to register for the envelopes of `topics` (all three by default), dependencies first.

    Each dependency's subject is its file name, as Confluent's default
    `reference.subject.name.strategy` names it; each envelope's is
    `<topic>-value` (`TopicNameStrategy`). A file imported by several is
    listed once, before the first that imports it.
    """
    from ameide_sre_contracts.topics import topic_of

    plan: dict[str, SchemaToRegister] = {}

    def visit(file: Any, subject: str | None = None) -> str:
        name = file.name
        if name in plan and subject is None:
            return plan[name].subject
        references = tuple(
            (dependency.name, visit(dependency)) for dependency in file.dependencies if not _builtin(dependency.name)
        )
        entry = SchemaToRegister(
            subject or name, name, base64.standard_b64encode(file.serialized_pb).decode(), references
        )
        plan[subject or name] = entry
        return entry.subject

    for name in topics if topics is not None else _all_topics():
        topic = topic_of(name)
        visit(topic.envelope_type.DESCRIPTOR.file, f"{topic.name}-value")
    return list(plan.values())


def _all_topics() -> list[str]:
    from ameide_sre_contracts.topics import TOPICS

    return list(TOPICS)


def register(client: Any, topics: Sequence[str] | None = None) -> dict[str, int]:
    """Register `schemas(topics)` with a confluent-kafka `SchemaRegistryClient`; the schema id of each subject.

    Registering again what is registered is a no-op for the registry (the
    same id comes back), so this is safe at every start-up. Producers then
    serialize with `auto.register.schemas=False` and `use.latest.version=True`
    (or frame with the id returned here).
    """
    from confluent_kafka.schema_registry import Schema, SchemaReference

    ids: dict[str, int] = {}
    versions: dict[str, int] = {}
    for entry in schemas(topics):
        references = [SchemaReference(name, subject, versions[subject]) for name, subject in entry.references]
        schema = Schema(entry.schema, "PROTOBUF", references)
        ids[entry.subject] = client.register_schema(entry.subject, schema)
        versions[entry.subject] = client.lookup_schema(entry.subject, schema).version
    return ids
