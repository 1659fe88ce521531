"""Encode and decode envelopes, in binary and ProtoJSON, with validation and clear errors."""

from __future__ import annotations

from typing import Any, Final, TypeVar, overload

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts._descriptors import is_map
from ameide_sre_contracts._protojson import MAX_JSON_DEPTH as MAX_JSON_DEPTH
from ameide_sre_contracts._protojson import parse as _parse_json
from ameide_sre_contracts._protojson import write as _write_json
from ameide_sre_contracts._wirescan import SCAN_FROM_BYTES, scan
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import (
    DecodeError,
    InvalidArgumentError,
    UnknownEnumValueError,
    UnknownPayloadError,
    UnknownTopicError,
    ValidationError,
)
from ameide_sre_contracts.topics import (
    TOPICS,
    DomainFactsTopic,
    DomainIntentsTopic,
    ProcessFactsTopic,
    Topic,
    payload_case,
    topic_of,
)
from ameide_sre_contracts.validation import collect, newer_enum_values, proven_valid
from ameide_sre_contracts.validation import validate as _validate

M = TypeVar("M", bound=Message)

DEFAULT_MAX_BYTES: Final[int] = 4 * 1024 * 1024
"""The largest input `decode` and `from_json` accept unless told otherwise: 4 MiB.

Twice the largest envelope the contract's size rules allow
(`sizes.max_encoded_size`, about 1.9 MB: an ingested alert with every label,
annotation and notification map full; see docs/reliability.md), so no valid
message is refused even with unknown fields from a newer producer. Realistic
envelopes take a few kilobytes; a broker that carries the worst case needs
a message limit above Kafka's default of 1 MB. A hostile producer cannot make
a consumer parse more.
"""


# Topic names, topics and envelope types, resolved in one lookup on the hot path.
_ENVELOPE_TARGETS: Final[dict[object, tuple[type[Message], Topic]]] = {
    key: (topic.envelope_type, topic) for topic in TOPICS.values() for key in (topic.name, topic, topic.envelope_type)
}


def _resolve(target: str | Topic | type[M]) -> tuple[type[Message], Topic | None]:
    """The message type to parse, and its topic when it is an envelope."""
    resolved = _ENVELOPE_TARGETS.get(target)
    if resolved is not None:
        return resolved
    if isinstance(target, type):
        if issubclass(target, Message):
            return target, None
        raise UnknownTopicError(f"{target.__qualname__} is not a protobuf message type")
    topic = topic_of(target)
    return topic.envelope_type, topic


def _reaches_a_map(descriptor: Any, seen: set[str] | None = None) -> bool:
    seen = set() if seen is None else seen
    if descriptor.full_name in seen:
        return False
    seen.add(descriptor.full_name)
    return any(
        field.message_type is not None and (is_map(field) or _reaches_a_map(field.message_type, seen))
        for field in descriptor.fields
    )


# Per envelope type, its oneof and the cases whose payload holds no map anywhere: for those, deterministic
# serialization (which only orders map entries) gives the same bytes as the plain one, which costs less.
_WITHOUT_MAPS: Final[dict[type[Message], tuple[str, frozenset[str]]]] = {
    topic.envelope_type: (
        topic.oneof,
        frozenset(
            field.name
            for field in topic.envelope_type.DESCRIPTOR.oneofs_by_name[topic.oneof].fields
            if not _reaches_a_map(field.message_type)
        ),
    )
    for topic in TOPICS.values()
    if not any(
        _reaches_a_map(field.message_type)
        for field in topic.envelope_type.DESCRIPTOR.fields
        if field.containing_oneof is None and field.message_type is not None
    )
}


def encode(envelope: Message, *, validate: bool = True, deterministic: bool = True) -> bytes:
    """Serialize a message, validating it first.

    Serialization is deterministic by default (map entries sorted by key), so
    the same message always gives the same bytes: outbox rows, hashes and
    deduplication stay stable. Unknown fields (from a newer producer) are
    written back unchanged.

    Raises:
        ValidationError: the message breaks a rule (only with `validate=True`).
    """
    plain = _WITHOUT_MAPS.get(type(envelope))
    if deterministic and plain is not None and envelope.WhichOneof(plain[0]) in plain[1]:
        deterministic = False  # no map to order: the same bytes
    data: bytes = envelope.SerializeToString(deterministic=deterministic)
    if validate and not proven_valid(envelope, len(data)):
        _validate(envelope)
    return data


@overload
def decode(target: type[M], data: bytes, *, validate: bool = ..., max_bytes: int = ...) -> M: ...
@overload
def decode(
    target: DomainIntentsTopic, data: bytes, *, validate: bool = ..., max_bytes: int = ...
) -> SreDomainIntent: ...
@overload
def decode(target: DomainFactsTopic, data: bytes, *, validate: bool = ..., max_bytes: int = ...) -> SreDomainFact: ...
@overload
def decode(target: ProcessFactsTopic, data: bytes, *, validate: bool = ..., max_bytes: int = ...) -> SreProcessFact: ...
@overload
def decode(target: str | Topic, data: bytes, *, validate: bool = ..., max_bytes: int = ...) -> Envelope: ...
def decode(
    target: str | Topic | type[M],
    data: bytes,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Message:
    """Parse bytes from a topic (or into a message type) and validate the result.

    Example:
        fact = decode(DOMAIN_FACTS_TOPIC, record.value())

    Raises:
        UnknownTopicError: `target` is not a known topic or message type.
        DecodeError: `data` is larger than `max_bytes`, truncated or malformed.
        UnknownPayloadError: the envelope's payload is a case newer than this version (and, when
            validating, its metadata and subject are valid: anything else is a `ValidationError`).
        UnknownEnumValueError: an envelope valid but for enum numbers a newer contract defines (and the
            rules that read them); also a `ValidationError` (only with `validate=True`).
        ValidationError: the message breaks a rule (only with `validate=True`).
    """
    cls, topic = _resolve(target)
    if len(data) > max_bytes:
        raise DecodeError(f"{cls.DESCRIPTOR.name}: {len(data)} bytes exceed the limit of {max_bytes}")
    if validate and len(data) >= SCAN_FROM_BYTES:  # a container past its bound is refused before parsing it
        early = scan(data, cls.DESCRIPTOR)
        if early is not None:
            raise ValidationError(cls.DESCRIPTOR.name, [early])
    try:
        message = cls.FromString(data)
    except MemoryError:
        raise
    except Exception as error:  # any parse failure means the input is malformed
        raise DecodeError(f"{cls.DESCRIPTOR.name}: malformed protobuf input ({error})") from error
    if validate and proven_valid(message, len(data)):  # every rule holds: the payload is a case this version knows
        return message
    try:
        if topic is not None:
            payload_case(message, topic)
    except UnknownPayloadError as newer:
        if validate and topic is not None:  # park only what is otherwise sound: metadata and subject valid
            found, count = collect(message)
            found = [v for v in found if not (v.rule_id == "required" and v.field_path == topic.oneof)]
            if found:
                raise ValidationError(cls.DESCRIPTOR.name, found, max(0, count - 1 - len(found))) from None
        newer.data = bytes(data)
        raise
    if validate:
        found, count = collect(message)
        if found:
            newer_values = newer_enum_values(found, count) if topic is not None else None
            if newer_values is not None:
                raise UnknownEnumValueError(message, newer_values, bytes(data))
            raise ValidationError(cls.DESCRIPTOR.name, found, count - len(found))
    return message


def to_json(message: Message) -> str:
    """The message in ProtoJSON (lowerCamelCase names, RFC 3339 times), on one line.

    Raises:
        InvalidArgumentError: a value ProtoJSON cannot spell (a time outside protobuf's range); `validate`
            refuses such messages first.
    """
    written = _write_json(message)
    if written is not None:
        return written
    from google.protobuf import json_format  # imported on first use: it is slow to import

    try:
        return json_format.MessageToJson(message, indent=None)
    except (json_format.SerializeToJsonError, ValueError) as error:
        raise InvalidArgumentError(f"{message.DESCRIPTOR.name} cannot be written as ProtoJSON: {error}") from None


@overload
def from_json(
    target: type[M],
    text: str | bytes,
    *,
    validate: bool = ...,
    max_bytes: int = ...,
    ignore_unknown_fields: bool = ...,
) -> M: ...
@overload
def from_json(
    target: DomainIntentsTopic,
    text: str | bytes,
    *,
    validate: bool = ...,
    max_bytes: int = ...,
    ignore_unknown_fields: bool = ...,
) -> SreDomainIntent: ...
@overload
def from_json(
    target: DomainFactsTopic,
    text: str | bytes,
    *,
    validate: bool = ...,
    max_bytes: int = ...,
    ignore_unknown_fields: bool = ...,
) -> SreDomainFact: ...
@overload
def from_json(
    target: ProcessFactsTopic,
    text: str | bytes,
    *,
    validate: bool = ...,
    max_bytes: int = ...,
    ignore_unknown_fields: bool = ...,
) -> SreProcessFact: ...
@overload
def from_json(
    target: str | Topic,
    text: str | bytes,
    *,
    validate: bool = ...,
    max_bytes: int = ...,
    ignore_unknown_fields: bool = ...,
) -> Envelope: ...
def from_json(
    target: str | Topic | type[M],
    text: str | bytes,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ignore_unknown_fields: bool = False,
) -> Message:
    """Parse ProtoJSON from a topic (or into a message type) and validate the result.

    Unknown JSON fields are refused unless `ignore_unknown_fields=True`: JSON
    cannot carry them through, so accepting them silently would lose data.
    So is ambiguity: a key or a field given twice (`tenantId` and
    `tenant_id`), a time that is not RFC 3339 (`+25:00`), a lone surrogate.

    Raises:
        UnknownTopicError: `target` is not a known topic or message type.
        DecodeError: the text is too large, not JSON, ambiguous, or not this message's JSON.
        ValidationError: the message breaks a rule (only with `validate=True`).
    """
    cls, _ = _resolve(target)
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise DecodeError(f"{cls.DESCRIPTOR.name}: {size} bytes of JSON exceed the limit of {max_bytes}")
    message = _parse_json(text, cls, ignore_unknown_fields=ignore_unknown_fields, validate=validate)
    if validate:
        _validate(message)
    return message
