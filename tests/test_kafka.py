"""ameide_sre_contracts.kafka: records for every case, read by the SDK, and through librdkafka's mock cluster."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as sdk_kafka
from cloudevents.core.formats.json import JSONFormat
from confluent_kafka import Consumer, Producer
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import cloudevents as ce
from ameide_sre_contracts import kafka, testing
from ameide_sre_contracts.kafka import DeadLetterRecord, KafkaRecord, dead_letter, from_kafka, to_kafka
from testkit import newer_contract
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
    record = to_kafka(envelope, mode=mode)  # type: ignore[type-var]
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
    sent: dict[str, KafkaRecord[Any]] = {}
    for envelope in EXAMPLES:
        for mode in ("binary", "structured"):
            record = to_kafka(envelope, mode=mode)  # type: ignore[type-var]
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


def _dlq_headers(record: DeadLetterRecord) -> dict[str, bytes | None]:
    return {name[len("sre-dlq-") :]: value for name, value in record.headers if name.startswith("sre-dlq-")}


def test_dead_letter_keeps_the_record_and_says_why() -> None:
    """A refused record: same key, value and headers (binary, None included), plus why, on `<topic>.dlq`."""
    record = to_kafka(_fact())
    value = bytearray(record.value)
    value[-1] ^= 0xFF  # the last byte damaged: no longer a valid envelope
    headers = [*record.headers, ("x-binary", b"\x00\xff"), ("x-empty", None)]
    with pytest.raises(sre.ContractError) as refused:
        from_kafka(record.topic, record.key, bytes(value), headers)
    letter = dead_letter(record.topic, record.key, bytes(value), headers, refused.value, partition=3, offset=41)
    assert letter.topic == "sre.domain.facts.v1.dlq"
    assert (letter.key, letter.value) == (record.key, bytes(value))
    assert [h for h in letter.headers if not h[0].startswith("sre-dlq-")] == headers
    assert _dlq_headers(letter) == {
        "reason": b"dead-letter",
        "error": type(refused.value).__name__.encode(),
        "message": str(refused.value).encode(),
        "original-topic": b"sre.domain.facts.v1",
        "original-partition": b"3",
        "original-offset": b"41",
    }


def test_dead_letter_lists_broken_rules() -> None:
    """A ValidationError's rule ids, sorted and comma-separated; the message names the field."""
    fact = _fact()
    fact.meta.tenant_id = ""
    fact.subject.aggregate_version = 0
    record = to_kafka(fact, validate=False)
    with pytest.raises(sre.ValidationError) as refused:
        from_kafka(record.topic, record.key, record.value, record.headers)
    letter = dead_letter(record.topic, record.key, record.value, dict(record.headers), refused.value)
    why = _dlq_headers(letter)
    expected_rules = sorted({v.rule_id for v in refused.value.violations})
    assert len(expected_rules) >= 2
    assert why["rules"] == ",".join(expected_rules).encode()
    assert b"meta.tenant_id" in (why["message"] or b"")
    # The field paths, in violation order (the envelope's own rules first, as ""), each once, as JSON.
    assert json.loads(why["fields"] or b"") == list(dict.fromkeys(v.field_path for v in refused.value.violations))
    assert set(json.loads(why["fields"] or b"")) == {"", "meta.tenant_id"}
    assert "original-partition" not in why
    assert "original-offset" not in why


def test_newer_contract_is_parked_and_replays_unchanged() -> None:
    """An envelope from a newer contract goes to `.parked`; a parked record read back is the original."""
    fact = _fact()
    newer = newer_contract.build()[fact.DESCRIPTOR.full_name].FromString(fact.SerializeToString())
    newer.future_case.what = "a case this version does not know"  # type: ignore[attr-defined]
    newer_bytes = newer.SerializeToString(deterministic=True)
    record = to_kafka(fact)
    with pytest.raises(sre.UnknownPayloadError) as parked:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, newer_bytes)
    letter = dead_letter(record.topic, record.key, newer_bytes, record.headers, parked.value)
    assert letter.topic == "sre.domain.facts.v1.parked"
    assert _dlq_headers(letter)["reason"] == b"parked"
    assert letter.value == newer_bytes
    # from_kafka reads a set-aside record as the original: the sre-dlq- headers are not CloudEvents attributes.
    assert from_kafka(record.topic, letter.key, record.value, letter.headers) == fact
    # Set aside again (the replay failed): the earlier reasons are replaced, not repeated.
    again = dead_letter(letter.topic, letter.key, letter.value, letter.headers, "replayed and refused again")
    assert [name for name, _ in again.headers].count("sre-dlq-reason") == 1
    assert _dlq_headers(again)["reason"] == b"dead-letter"
    assert _dlq_headers(again)["original-topic"] == b"sre.domain.facts.v1.parked"


def test_dead_letter_takes_what_clients_hand_over() -> None:
    """Text keys, bytearray values, header names as bytes; `to_topic` overrides the destination."""
    letter = dead_letter(
        "sre.domain.intents.v1",
        "tenant-acme/x",
        bytearray(b"\x01\x02"),
        [(b"x-name", "text"), ("x-raw", memoryview(b"\xfe"))],
        "not a message",
        to_topic="sre.quarantine",
    )
    assert (letter.topic, letter.key, letter.value) == ("sre.quarantine", b"tenant-acme/x", b"\x01\x02")
    assert letter.headers[:2] == (("x-name", b"text"), ("x-raw", b"\xfe"))
    assert _dlq_headers(letter)["error"] == b"str"
    long_error = ValueError("x" * 10_000)
    assert len(_dlq_headers(dead_letter("t", None, None, None, long_error))["message"] or b"") == 4096


def test_dead_letters_survive_a_real_broker() -> None:
    """Produced to librdkafka's mock cluster on 127.0.0.1 and consumed back: key, value, every header intact."""
    producer = Producer({"test.mock.num.brokers": 1, "linger.ms": 5})
    brokers = producer.list_topics(timeout=10).brokers.values()
    bootstrap = ",".join(f"{broker.host}:{broker.port}" for broker in brokers)
    assert bootstrap.startswith("127.0.0.1:")
    record = to_kafka(_fact())
    letter = dead_letter(record.topic, record.key, b"\xff" * 9, record.headers, "refused", partition=0, offset=7)
    producer.produce(letter.topic, key=letter.key, value=letter.value, headers=list(letter.headers))
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "dlq-test", "auto.offset.reset": "earliest"})
    consumer.subscribe([letter.topic])
    deadline = time.monotonic() + 60
    try:
        message = None
        while message is None and time.monotonic() < deadline:
            polled = consumer.poll(0.5)
            if polled is not None and not polled.error():
                message = polled
    finally:
        consumer.close()
    assert message is not None, "the dead letter never arrived"
    assert (message.key(), message.value()) == (letter.key, letter.value)
    assert message.headers() == list(letter.headers)


def test_an_attribute_the_envelope_leaves_empty_must_be_absent() -> None:
    """A ce_causationid on a record whose envelope has no causation id disagrees with it."""
    fact = _fact()
    fact.meta.causation_id = ""
    record = to_kafka(fact)
    assert "ce_causationid" not in dict(record.headers)
    headers = [*record.headers, ("ce_causationid", b"7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b")]
    with pytest.raises(sre.DecodeError, match="causationid"):
        from_kafka(record.topic, record.key, record.value, headers)
    assert from_kafka(record.topic, record.key, record.value, [*record.headers, ("ce_causationid", b"")]) == fact


def test_extensions_of_others_are_left_alone() -> None:
    record = to_kafka(_fact())
    headers = [*record.headers, ("ce_someextension", b"anything"), ("CE_OTHER", b"\xff")]
    with pytest.raises(sre.DecodeError, match="UTF-8"):  # a ce_ header is ours to read: it must be text
        from_kafka(record.topic, record.key, record.value, headers)
    assert from_kafka(record.topic, record.key, record.value, headers[:-1]) == _fact()


def test_dead_letter_fields_are_bounded() -> None:
    """At most MAX_DEAD_LETTER_FIELDS distinct paths and 2 KiB, however many violations there are."""
    many = sre.ValidationError(
        "SreDomainFact", [sre.Violation(f'alert.labels["{"k" * 300}{n}"]', "string.max_len", "m") for n in range(200)]
    )
    fields = json.loads(_dlq_headers(dead_letter("t", None, b"", [], many))["fields"] or b"")
    assert 0 < len(fields) <= kafka.MAX_DEAD_LETTER_FIELDS
    assert len(json.dumps(fields)) <= 2048
    assert fields == [v.field_path for v in many.violations[: len(fields)]]
