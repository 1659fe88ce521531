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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from google.protobuf.message import Message

from ameide_sre_contracts._binding import (
    CONTENT_TYPE_HEADER,
    KAFKA_PREFIX,
    STRUCTURED_CONTENT_TYPE,
    Mode,
    binary_headers,
    envelope_from,
    is_structured,
    parse_structured,
    partition_key,
    read_binary_headers,
    structured,
)
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import DecodeError
from ameide_sre_contracts.topics import topic_of

HeadersLike = Mapping[str, bytes | str | None] | Iterable[tuple[str, bytes | str | None]] | None


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """What to hand a Kafka producer: topic, key, value and headers."""

    topic: str
    key: bytes
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


def to_kafka(envelope: Envelope, *, mode: Mode = "binary") -> KafkaRecord:
    """The Kafka record that carries `envelope` on its topic family, keyed by its partition key."""
    topic = topic_of(envelope).name
    key = partition_key(envelope).encode("utf-8")
    if mode == "structured":
        return KafkaRecord(topic, key, structured(envelope), ((CONTENT_TYPE_HEADER, STRUCTURED_CONTENT_TYPE.encode()),))
    headers: list[tuple[str, bytes]] = binary_headers(envelope, KAFKA_PREFIX, str.encode)
    return KafkaRecord(topic, key, envelope.SerializeToString(deterministic=True), tuple(headers))


def _decoded(headers: HeadersLike) -> list[tuple[str, str]]:
    """The record's headers as text, those without a value left out."""
    if headers is None:
        return []
    try:
        return [
            (name, value if isinstance(value, str) else bytes(value).decode("utf-8"))
            for name, value in (headers.items() if isinstance(headers, Mapping) else headers)
            if value is not None
        ]
    except UnicodeDecodeError as error:
        raise DecodeError(f"a record header is not UTF-8 ({error})") from error


def from_kafka(
    topic: str,
    key: bytes | str | None,
    value: bytes | None,
    headers: HeadersLike,
    *,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Message:
    """The envelope of a Kafka record in binary or structured mode, validated.

    Structured mode is recognised by a `content-type` header starting with
    `application/cloudevents` (any case). A record without CloudEvents headers
    is read as the bare encoded envelope. A key, when present, must be the
    envelope's partition key.

    Raises:
        DecodeError: an empty or malformed record, or headers or key that disagree with the envelope.
        UnknownTopicError, UnknownPayloadError, ValidationError: as `decode`.
    """
    if value is None:
        raise DecodeError(f"record on {topic} has no value (a tombstone carries no envelope)")
    content_type, found = read_binary_headers(_decoded(headers), KAFKA_PREFIX)
    data = value
    if is_structured(content_type):
        found, data = parse_structured(value, max_bytes)
    elif found and content_type:
        found["datacontenttype"] = content_type
    if found:
        envelope = envelope_from(found, data, topic=topic, validate=validate, max_bytes=max_bytes)
    else:  # a bare envelope: nothing to cross-check but the key
        envelope = decode(topic, data, validate=validate, max_bytes=max_bytes)
    if key is not None:
        key_text = key if isinstance(key, str) else key.decode("utf-8", "replace")
        if key_text != partition_key(envelope):  # type: ignore[arg-type]
            raise DecodeError(f"record key {key_text!r} is not the envelope's partition key")
    return envelope
