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

from ameide_sre_contracts.cloudevents import (
    STRUCTURED_CONTENT_TYPE,
    Mode,
    attributes,
    envelope_from,
    parse_structured,
    partition_key,
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
        return KafkaRecord(topic, key, structured(envelope), (("content-type", STRUCTURED_CONTENT_TYPE.encode()),))
    found = attributes(envelope)
    headers = [("content-type", found.pop("datacontenttype").encode())]
    headers += [(f"ce_{name}", value.encode("utf-8")) for name, value in found.items()]
    return KafkaRecord(topic, key, envelope.SerializeToString(deterministic=True), tuple(headers))


def _read_headers(headers: HeadersLike) -> tuple[str, dict[str, str]]:
    """The content type and the `ce_*` attributes of a record's headers, in one pass."""
    content_type = ""
    attributes: dict[str, str] = {}
    if headers is None:
        return content_type, attributes
    try:
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            if value is None:
                continue
            text = value if isinstance(value, str) else bytes(value).decode("utf-8")
            lowered = name.lower()
            if lowered.startswith("ce_"):
                attributes[lowered[3:]] = text
            elif lowered == "content-type":
                content_type = text
    except UnicodeDecodeError as error:
        raise DecodeError(f"a record header is not UTF-8 ({error})") from error
    return content_type, attributes


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
    content_type, found = _read_headers(headers)
    data = value
    if content_type.lower().startswith("application/cloudevents"):
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
