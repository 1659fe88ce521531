"""ameide_sre_contracts.kafka: records for every case, read by the SDK, and through librdkafka's mock cluster."""

from __future__ import annotations

import time
import uuid

import pytest
from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from confluent_kafka import Consumer, Producer
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import cloudevents as ce
from ameide_sre_contracts import testing
from ameide_sre_contracts.kafka import KafkaRecord, from_kafka, to_kafka
from tests.conftest import all_examples, example_id

EXAMPLES = all_examples()
IDS = [example_id(e) for e in EXAMPLES]


def _fact() -> facts_pb2.SreDomainFact:
    return testing.examples(facts_pb2.SreDomainFact)[0]


def test_binary_record_layout() -> None:
    """Topic family, partition key, ce_ headers in UTF-8, content-type, the encoded envelope as value."""
    fact = _fact()
    record = to_kafka(fact)
    assert record.topic == "sre.domain.facts.v1"
    assert record.key == f"tenant-acme/{testing.INCIDENT_ID}".encode()
    headers = dict(record.headers)
    assert headers["content-type"] == b"application/protobuf"
    assert headers["ce_id"] == fact.meta.message_id.encode()
    assert headers["ce_type"] == b"io.ameide.sre.domain.fact.incident_created.v1"
    assert headers["ce_tenantid"] == b"tenant-acme"
    assert record.value == fact.SerializeToString(deterministic=True)


def test_structured_record_layout() -> None:
    """The JSON event format with data_base64, announced by content-type."""
    record = to_kafka(_fact(), mode="structured")
    assert dict(record.headers) == {"content-type": b"application/cloudevents+json; charset=utf-8"}
    assert b'"data_base64"' in record.value


@pytest.mark.parametrize("envelope", EXAMPLES, ids=IDS)
@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_round_trip_for_every_case(envelope: Message, mode: ce.Mode) -> None:
    """envelope -> record -> envelope is equal, in both modes; headers may come as list or dict."""
    record = to_kafka(envelope, mode=mode)  # type: ignore[arg-type]
    assert from_kafka(record.topic, record.key, record.value, list(record.headers)) == envelope
    assert from_kafka(record.topic, record.key, record.value, dict(record.headers)) == envelope


def test_structured_mode_is_detected_case_insensitively() -> None:
    """APPLICATION/CloudEvents+JSON is structured mode too."""
    record = to_kafka(_fact(), mode="structured")
    headers = [("Content-Type", b"APPLICATION/CloudEvents+JSON")]
    assert from_kafka(record.topic, record.key, record.value, headers) == _fact()


def test_bare_envelope_records_are_read() -> None:
    """A record without CloudEvents headers is the encoded envelope."""
    fact = _fact()
    assert from_kafka(sre.DOMAIN_FACTS_TOPIC, None, sre.encode(fact), None) == fact


@pytest.mark.parametrize(
    "change",
    [
        lambda r: KafkaRecord(r.topic, b"tenant-acme/another", r.value, r.headers),
        lambda r: KafkaRecord(r.topic, r.key, r.value, (*r.headers, ("ce_tenantid", b"tenant-evil"))),
        lambda r: KafkaRecord("sre.domain.intents.v1", r.key, r.value, r.headers),
        lambda r: KafkaRecord(r.topic, r.key, r.value[:-3], r.headers),
    ],
    ids=["wrong key", "altered header", "wrong topic", "truncated value"],
)
def test_inconsistent_records_are_refused(change: object) -> None:
    """A record whose key, headers, topic or value disagree is refused with a ContractError."""
    record = change(to_kafka(_fact()))  # type: ignore[operator]
    with pytest.raises(sre.ContractError):
        from_kafka(record.topic, record.key, record.value, list(record.headers))


def test_tombstone_is_refused() -> None:
    """A record without value carries no envelope."""
    with pytest.raises(sre.DecodeError, match="tombstone"):
        from_kafka(sre.DOMAIN_FACTS_TOPIC, b"k", None, None)


@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_sdk_reads_our_records_and_we_read_its(mode: str) -> None:
    """The CloudEvents SDK's Kafka binding and ours agree in both directions, attributes equal."""
    fact = _fact()
    record = to_kafka(fact, mode=mode)  # type: ignore[arg-type]
    message = sdk_kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    event = sdk_kafka.from_kafka(message, JSONFormat())
    assert event.get_attributes() == ce.to_cloudevent(fact).get_attributes()
    assert event.get_data() == fact.SerializeToString(deterministic=True)
    to = sdk_kafka.to_binary if mode == "binary" else sdk_kafka.to_structured
    theirs = to(ce.to_cloudevent(fact), JSONFormat())
    assert theirs.key in (record.key, record.key.decode())
    assert from_kafka(record.topic, theirs.key, theirs.value, theirs.headers) == fact


def test_records_survive_a_real_broker_round_trip() -> None:
    """Every case, both modes, produced to librdkafka's mock cluster on 127.0.0.1 and consumed back intact."""
    producer = Producer({"test.mock.num.brokers": 1, "linger.ms": 5})
    brokers = producer.list_topics(timeout=10).brokers.values()
    bootstrap = ",".join(f"{broker.host}:{broker.port}" for broker in brokers)
    assert bootstrap.startswith("127.0.0.1:")
    sent: dict[str, KafkaRecord] = {}
    for envelope in EXAMPLES:
        for mode in ("binary", "structured"):
            record = to_kafka(envelope, mode=mode)  # type: ignore[arg-type]
            marker = str(uuid.uuid4())
            producer.produce(
                record.topic, key=record.key, value=record.value, headers=[*record.headers, ("x-test", marker.encode())]
            )
            sent[marker] = record
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "contract-test", "auto.offset.reset": "earliest"})
    consumer.subscribe(sorted(sre.TOPICS))
    received: dict[str, Message] = {}
    deadline = time.monotonic() + 60
    try:
        while len(received) < len(sent) and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            headers = message.headers() or []
            topic = message.topic()
            assert topic is not None
            marker_bytes = dict(headers)["x-test"]
            assert isinstance(marker_bytes, bytes)
            marker = marker_bytes.decode()
            record = sent[marker]
            assert message.key() == record.key
            assert [h for h in headers if h[0] != "x-test"] == list(record.headers)
            received[marker] = from_kafka(topic, message.key(), message.value(), headers)
    finally:
        consumer.close()
    assert len(received) == len(sent) == 2 * len(EXAMPLES)
    for marker, record in sent.items():
        assert sre.encode(received[marker]) == sre.encode(
            from_kafka(record.topic, record.key, record.value, list(record.headers))
        )


def test_non_utf8_headers_are_refused() -> None:
    """A ce_ header that is not UTF-8 is a DecodeError, not a crash."""
    record = to_kafka(_fact())
    headers = [*record.headers, ("ce_tenantid", b"\xff\xfe")]
    with pytest.raises(sre.DecodeError, match="UTF-8"):
        from_kafka(record.topic, record.key, record.value, headers)


def test_oversized_structured_records_are_refused_before_parsing() -> None:
    """A structured event may take twice max_bytes (base64 inflates); more is refused, over Kafka and HTTP."""
    from ameide_sre_contracts import cloudevents

    fact = _fact()
    record = to_kafka(fact, mode="structured")
    limit = len(record.value) // 2
    with pytest.raises(sre.DecodeError, match="structured event"):
        from_kafka(record.topic, record.key, record.value, record.headers, max_bytes=limit - 1)
    headers, body = cloudevents.to_http(fact, mode="structured")
    with pytest.raises(sre.DecodeError, match="structured event"):
        cloudevents.from_http(headers, body, max_bytes=len(body) // 2 - 1)
    assert from_kafka(record.topic, record.key, record.value, record.headers, max_bytes=len(record.value)) == fact
