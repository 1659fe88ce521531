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
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message

from ameide_sre_contracts._binding import (
    CONTENT_TYPE_HEADER,
    KAFKA_PREFIX,
    STRUCTURED_CONTENT_TYPE,
    Headers,
    Mode,
    binary_headers,
    envelope_from,
    is_structured,
    merge_structured,
    parse_structured,
    partition_key,
    read_binary_headers,
    structured,
)
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import DecodeError
from ameide_sre_contracts.topics import topic_of
from ameide_sre_contracts.validation import validate as _validate

HeadersLike = Headers
"""Record headers as a Kafka client hands them over: a list of (name, value) pairs, a mapping, or None."""


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What to hand a Kafka producer: topic, key, value and headers."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


def to_kafka(envelope: Envelope, *, mode: Mode = "binary", validate: bool = True) -> KafkaRecord:
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


def _utf8(value: str | bytes) -> str:
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"a CloudEvents header is not UTF-8 ({error})") from None


def _key_bytes(key: object) -> bytes | None:
    if key is None:
        return None
    if isinstance(key, str):
        return key.encode("utf-8", "surrogatepass")
    if isinstance(key, bytes | bytearray | memoryview):
        return bytes(key)
    raise DecodeError(f"a record key must be bytes, text or None, not {type(key).__name__}")


def from_kafka(
    topic: str,
    key: bytes | bytearray | memoryview | str | None,
    value: bytes | bytearray | memoryview | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Message:
    """The envelope of a Kafka record in binary or structured mode, validated.

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
        UnknownTopicError, UnknownPayloadError, ValidationError: as `decode`.
    """
    if value is None:
        raise DecodeError(f"record on {topic} has no value (a tombstone carries no envelope)")
    if not isinstance(value, bytes | bytearray | memoryview):
        raise DecodeError(f"a record value must be bytes, not {type(value).__name__}")
    key_bytes = _key_bytes(key)
    content_type, found = read_binary_headers(headers, KAFKA_PREFIX, _utf8)
    data = bytes(value)
    if is_structured(content_type):
        attributes, data = parse_structured(data, max_bytes)
        found = merge_structured(found, attributes)
    elif found and content_type:
        found["datacontenttype"] = content_type
    if found:
        envelope = envelope_from(found, data, topic=topic, validate=validate, max_bytes=max_bytes)
    else:  # a bare envelope: nothing to cross-check but the key
        envelope = decode(topic, data, validate=validate, max_bytes=max_bytes)
    if key_bytes is not None and key_bytes != partition_key(envelope).encode("utf-8"):  # type: ignore[arg-type]
        raise DecodeError(f"record key {key_bytes[:200]!r} is not the envelope's partition key")
    return envelope
