"""Envelopes as Kafka records, in the CloudEvents Kafka binding's binary or structured mode.

Example (confluent-kafka, the `[kafka]` extra):
    record = to_kafka(fact)
    producer.produce(record.topic, key=record.key, value=record.value, headers=list(record.headers))

    message = consumer.poll()
    fact = from_kafka(message.topic(), message.key(), message.value(), message.headers())

The topic is the envelope's family; the key is the partition key
(`{tenant_id}/{aggregate_id}`, `{tenant_id}/{incident_id}` for process facts),
so one aggregate's records stay in order on one partition. Binary mode puts
the attributes in `ce_*` headers (UTF-8) and the encoded envelope in the
value; structured mode puts the JSON event format in the value.
`dead_letter` sets aside a record a consumer cannot use, unchanged, with
headers saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar, overload

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts._binding import (
    CONTENT_TYPE_HEADER,
    KAFKA_PREFIX,
    STRUCTURED_CONTENT_TYPE,
    Headers,
    Mode,
    as_written,
    binary_headers,
    envelope_from,
    is_structured,
    largest_structured,
    merge_structured,
    parse_structured,
    partition_key,
    read_binary_headers,
    structured,
)
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import DecodeError, NewerContractError, ValidationError
from ameide_sre_contracts.topics import TOPICS, DomainFactsTopic, DomainIntentsTopic, ProcessFactsTopic, topic_of
from ameide_sre_contracts.validation import validate as _validate

HeadersLike = Headers
"""Record headers as a Kafka client hands them over: a list of (name, value) pairs, a mapping, or None."""


E = TypeVar("E", SreDomainIntent, SreDomainFact, SreProcessFact)


@dataclass(frozen=True, slots=True)
class KafkaRecord(Generic[E]):
    """What to hand a Kafka producer: topic, key, value and headers, typed by the envelope it carries.

    `from_kafka(record)` reads one back as that envelope (`KafkaRecord[SreDomainFact]` gives an `SreDomainFact`).
    """

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


def to_kafka(envelope: E, *, mode: Mode = "binary", validate: bool = True) -> KafkaRecord[E]:
    """The Kafka record that carries `envelope` on its topic family, keyed by its partition key.

    Raises:
        ValidationError: the envelope breaks a rule (unless `validate=False`): nothing invalid reaches the topic.
    """
    if validate:
        _validate(envelope)
    topic = topic_of(envelope).name
    key = partition_key(envelope).encode("utf-8")
    if mode == "structured":
        return KafkaRecord(topic, key, structured(envelope), ((CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode()),))
    headers: list[tuple[str, bytes]] = binary_headers(envelope, KAFKA_PREFIX, str.encode)
    return KafkaRecord(topic, key, envelope.SerializeToString(deterministic=True), tuple(headers))


def _key_bytes(key: object) -> bytes | None:
    if key is None:
        return None
    if isinstance(key, str):
        return key.encode("utf-8", "surrogatepass")
    if isinstance(key, bytes | bytearray | memoryview):
        return bytes(key)
    raise DecodeError(f"a record key must be bytes, text or None, not {type(key).__name__}")


@overload
def from_kafka(record: KafkaRecord[E], /, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> E: ...
@overload
def from_kafka(
    topic: DomainIntentsTopic,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SreDomainIntent: ...
@overload
def from_kafka(
    topic: DomainFactsTopic,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SreDomainFact: ...
@overload
def from_kafka(
    topic: ProcessFactsTopic,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SreProcessFact: ...
@overload
def from_kafka(
    topic: str,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Envelope: ...
def from_kafka(
    topic: str | KafkaRecord[Any],
    key: bytes | bytearray | memoryview | str | None = None,
    value: bytes | bytearray | memoryview | None = None,
    headers: HeadersLike = None,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Envelope:
    """The envelope of a Kafka record in binary or structured mode, validated.

    Takes what a consumer hands over (`message.topic(), message.key(), ...`),
    or a `KafkaRecord` as `to_kafka` made it.

    Structured mode is recognised by a `content-type` header starting with
    `application/cloudevents` (any case); `ce_*` headers beside it must agree
    with the event. A record without CloudEvents headers is read as the bare
    encoded envelope. A key, when present, must be the envelope's partition
    key. Only `ce_*` and `content-type` headers are read; others may hold
    anything.

    Raises:
        DecodeError: an empty or malformed record; a CloudEvents header given
            twice (in any case), without a value or not UTF-8; headers or key
            that disagree with the envelope.
        UnknownTopicError, UnknownPayloadError, UnknownEnumValueError, ValidationError: as `decode`.
    """
    if isinstance(topic, KafkaRecord):
        name, key, value, headers = topic.topic, topic.key, topic.value, topic.headers
    else:
        name = topic
    if value is None:
        raise DecodeError(f"record on {name} has no value (a tombstone carries no envelope)")
    if not isinstance(value, bytes | bytearray | memoryview):
        raise DecodeError(f"a record value must be bytes, not {type(value).__name__}")
    key_bytes = _key_bytes(key)
    data = bytes(value)
    if validate:  # a record as to_kafka wrote it: one pass over the headers, then the fast path's proof
        envelope = as_written(name, data, headers, KAFKA_PREFIX, max_bytes)
        if envelope is not None:
            if key_bytes is not None and key_bytes != _partition_key_header(headers):
                raise DecodeError(f"record key {key_bytes[:200]!r} is not the envelope's partition key")
            return envelope
    content_type, found = read_binary_headers(headers, KAFKA_PREFIX)
    if is_structured(content_type):
        largest = largest_structured(name) if validate and name in TOPICS else None
        attributes, data = parse_structured(data, max_bytes, largest)
        found = merge_structured(found, attributes)
    elif found and content_type:
        found["datacontenttype"] = content_type
    if found:
        envelope = envelope_from(found, data, topic=name, validate=validate, max_bytes=max_bytes)
    else:  # a bare envelope: nothing to cross-check but the key
        envelope = decode(name, data, validate=validate, max_bytes=max_bytes)
    if key_bytes is not None and key_bytes != partition_key(envelope).encode("utf-8"):
        raise DecodeError(f"record key {key_bytes[:200]!r} is not the envelope's partition key")
    return envelope


DEAD_LETTER_SUFFIX: Final = ".dlq"
"""Appended to the source topic for records that broke the contract or could not be read."""
PARKED_SUFFIX: Final = ".parked"
"""Appended to the source topic for envelopes from a newer contract (`NewerContractError`), to replay later."""
DEAD_LETTER_HEADER_PREFIX: Final = "sre-dlq-"
"""The prefix of the headers that say why a record was set aside (never `ce_`: a replay reads the original)."""
_MESSAGE_LIMIT = 4096


def _partition_key_header(headers: Any) -> bytes:
    value: bytes = headers[9][1]  # as_written checked that it is the envelope's partition key
    return value


def _header_name(name: object) -> str:
    if isinstance(name, str):
        return name
    if isinstance(name, bytes | bytearray | memoryview):
        return bytes(name).decode("utf-8", "backslashreplace")
    return str(name)


def _header_value(value: object) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "surrogatepass")


def dead_letter(
    topic: str,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: Headers,
    error: BaseException | str,
    *,
    partition: int | None = None,
    offset: int | None = None,
    to_topic: str | None = None,
) -> DeadLetterRecord:
    """The record that sets a consumed record aside, unchanged, with headers saying why.

    Key, value and headers are kept as they came (any type a Kafka client
    hands over), so replaying the record, or reading it with `from_kafka`,
    sees the original. The headers added, each prefixed `sre-dlq-`: `reason`
    (`parked` for an envelope from a newer contract, else `dead-letter`),
    `error` (the exception's class), `message` (its text, at most 4 KiB),
    `rules` (the broken rule ids of a `ValidationError`, comma-separated),
    `fields` (its first field paths, as a JSON array, at most
    `MAX_DEAD_LETTER_FIELDS`),
    `original-topic`, and `original-partition` and `original-offset` when
    given. The topic is `to_topic`, else the source topic with `.parked` or
    `.dlq` appended. A record set aside before (a replay that failed again)
    loses its earlier `sre-dlq-` headers: they say why now, once.

    Example:
        try:
            fact = kafka.from_kafka(msg.topic(), msg.key(), msg.value(), msg.headers())
        except sre.ContractError as error:
            record = kafka.dead_letter(msg.topic(), msg.key(), msg.value(), msg.headers(), error,
                                       partition=msg.partition(), offset=msg.offset())
            producer.produce(record.topic, key=record.key, value=record.value, headers=list(record.headers))
    """
    parked = isinstance(error, NewerContractError)
    kept: list[tuple[str, bytes | None]] = []
    try:
        for name, header_value in _header_pairs(headers):
            header_name = _header_name(name)
            if not header_name.lower().startswith(DEAD_LETTER_HEADER_PREFIX):
                kept.append((header_name, _header_value(header_value)))
    except (TypeError, ValueError, DecodeError):  # headers we cannot even walk: keep what says why
        kept = []
    why: list[tuple[str, bytes | None]] = [
        ("reason", b"parked" if parked else b"dead-letter"),
        ("error", (type(error).__name__ if isinstance(error, BaseException) else "str").encode()),
        ("message", str(error)[:_MESSAGE_LIMIT].encode("utf-8", "backslashreplace")),
    ]
    if isinstance(error, ValidationError):
        rules = sorted({violation.rule_id for violation in error.violations})
        why.append(("rules", ",".join(rules).encode("utf-8", "backslashreplace")))
        why.append(("fields", _first_fields(error).encode("utf-8", "backslashreplace")))
    why.append(("original-topic", topic.encode("utf-8", "backslashreplace")))
    if partition is not None:
        why.append(("original-partition", str(partition).encode()))
    if offset is not None:
        why.append(("original-offset", str(offset).encode()))
    destination = to_topic or topic + (PARKED_SUFFIX if parked else DEAD_LETTER_SUFFIX)
    key_bytes = None if key is None else key.encode("utf-8", "surrogatepass") if isinstance(key, str) else bytes(key)
    return DeadLetterRecord(
        destination,
        key_bytes,
        None if value is None else bytes(value),
        (*kept, *((DEAD_LETTER_HEADER_PREFIX + name, data) for name, data in why)),
    )


MAX_DEAD_LETTER_FIELDS: Final = 10
"""How many of a `ValidationError`'s first field paths `sre-dlq-fields` names (within 2 KiB)."""


def _first_fields(error: ValidationError) -> str:
    """The first violations' field paths, each once, in their order, as a JSON array ("" for a message's own rule)."""
    import json

    paths: list[str] = []
    size = 2
    for violation in error.violations:
        path = violation.field_path
        if path in paths:
            continue
        size += len(json.dumps(path)) + 1
        if len(paths) == MAX_DEAD_LETTER_FIELDS or size > 2048:
            break
        paths.append(path)
    return json.dumps(paths)


def _header_pairs(headers: Headers) -> list[tuple[object, object]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return [entry for entry in headers if isinstance(entry, tuple) and len(entry) == 2]


@dataclass(frozen=True, slots=True)
class DeadLetterRecord:
    """A record set aside: the original key, value and headers (any may be None), plus why."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]
