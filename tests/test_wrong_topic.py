"""A record read from another envelope's topic is named as such, before its bytes are parsed."""

from __future__ import annotations

from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import cloudevents, kafka, testing

EXAMPLES = [
    example
    for envelope in (intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact, process_facts_pb2.SreProcessFact)
    for example in testing.examples(envelope)
]


def _cases() -> list[tuple[Any, str, str]]:
    return [(example, mode, topic) for example in EXAMPLES for mode in ("binary", "structured") for topic in sre.TOPICS]


@pytest.mark.parametrize(("example", "mode", "topic"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_example_on_every_other_topic_is_named_wrong(example: Any, mode: str, topic: str) -> None:
    record = kafka.to_kafka(example, mode=mode)  # type: ignore[arg-type]
    if topic == record.topic:
        assert kafka.from_kafka(topic, record.key, record.value, record.headers) == example
        return
    with pytest.raises(sre.WrongTopicError) as refused:
        kafka.from_kafka(topic, record.key, record.value, record.headers)
    event_type = sre.payload_info(sre.payload_of(example)).event_type
    assert (refused.value.topic, refused.value.event_type, refused.value.belongs_to) == (
        topic,
        event_type,
        record.topic,
    )
    assert topic in str(refused.value)
    assert event_type in str(refused.value)
    assert isinstance(refused.value, sre.DecodeError)


def test_the_check_comes_before_parsing() -> None:
    """Bytes that would not parse at all still get the mix-up named, not a wire-format complaint."""
    record = kafka.to_kafka(testing.examples(intents_pb2.SreDomainIntent)[0])
    with pytest.raises(sre.WrongTopicError):
        kafka.from_kafka(sre.DOMAIN_FACTS_TOPIC, None, b"\xff\xff\xff", record.headers)


def test_a_newer_contracts_type_still_says_its_envelope() -> None:
    record = kafka.to_kafka(testing.examples(intents_pb2.SreDomainIntent)[0])
    headers = [
        (name, b"io.ameide.sre.domain.intent.page_someone.v1" if name == "ce_type" else value)
        for name, value in record.headers
    ]
    with pytest.raises(sre.WrongTopicError, match="page_someone"):
        kafka.from_kafka(sre.PROCESS_FACTS_TOPIC, record.key, record.value, headers)


def test_an_http_request_whose_dataschema_and_type_disagree_is_named() -> None:
    intent = testing.examples(intents_pb2.SreDomainIntent)[0]
    headers, body = cloudevents.to_http(intent)
    fact_headers, _ = cloudevents.to_http(testing.examples(facts_pb2.SreDomainFact)[0])
    mixed = {**headers, "ce-dataschema": fact_headers["ce-dataschema"]}
    with pytest.raises(sre.WrongTopicError) as refused:
        cloudevents.from_http(mixed, body)
    assert refused.value.topic == sre.DOMAIN_FACTS_TOPIC
    assert refused.value.belongs_to == sre.DOMAIN_INTENTS_TOPIC
    assert cloudevents.from_http(headers, body) == intent
