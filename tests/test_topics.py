"""ameide_sre_contracts.topics: tables derived from descriptors and options."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing


def test_topic_constants_name_the_seed_topics() -> None:
    """The three constants are the seed's topic names, each mapped to its envelope."""
    assert sre.DOMAIN_INTENTS_TOPIC == "sre.domain.intents.v1"
    assert sre.DOMAIN_FACTS_TOPIC == "sre.domain.facts.v1"
    assert sre.PROCESS_FACTS_TOPIC == "sre.process.facts.v1"
    assert sre.TOPICS[sre.DOMAIN_INTENTS_TOPIC].envelope_type is intents_pb2.SreDomainIntent
    assert sre.TOPICS[sre.DOMAIN_FACTS_TOPIC].envelope_type is facts_pb2.SreDomainFact
    assert sre.TOPICS[sre.PROCESS_FACTS_TOPIC].envelope_type is process_facts_pb2.SreProcessFact


def test_tables_follow_the_descriptors() -> None:
    """Payload types, in order, are the envelope oneof's message types; each knows its case and number."""
    for topic in sre.TOPICS.values():
        oneof: Any
        (oneof,) = topic.envelope_type.DESCRIPTOR.oneofs
        assert topic.oneof == oneof.name
        assert [p.DESCRIPTOR for p in topic.payload_types] == [f.message_type for f in oneof.fields]
        for field, payload in zip(oneof.fields, topic.payload_types, strict=True):
            info = sre.PAYLOADS[payload]
            assert (info.topic, info.case, info.field_number) == (topic, field.name, field.number)
    assert len(sre.PAYLOADS) == 26 + 28 + 14


def test_topic_and_mappings_are_read_only() -> None:
    """Topic is frozen and the tables cannot be changed by a caller."""
    topic = sre.TOPICS[sre.DOMAIN_FACTS_TOPIC]
    with pytest.raises(dataclasses.FrozenInstanceError):
        topic.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        sre.TOPICS["x"] = topic  # type: ignore[index]


@pytest.mark.parametrize(
    "item",
    [
        "sre.domain.facts.v1",
        facts_pb2.SreDomainFact,
        facts_pb2.SreDomainFact(),
        facts_pb2.IncidentCreated,
        testing.example(facts_pb2.IncidentClosed),
    ],
    ids=["name", "envelope type", "envelope", "payload type", "payload"],
)
def test_topic_of_accepts_names_envelopes_and_payloads(item: object) -> None:
    """topic_of finds the domain facts topic from any of its handles."""
    assert sre.topic_of(item) is sre.TOPICS[sre.DOMAIN_FACTS_TOPIC]  # type: ignore[arg-type]


@pytest.mark.parametrize("item", ["sre.domain.events.v1", sre_pb2.ResourceRef, sre_pb2.SreSubject()])
def test_topic_of_refuses_what_the_contract_does_not_route(item: object) -> None:
    """An unknown name, or a message that is neither envelope nor payload, raises UnknownTopicError."""
    with pytest.raises(sre.UnknownTopicError) as raised:
        sre.topic_of(item)  # type: ignore[arg-type]
    assert isinstance(raised.value, KeyError)
    assert isinstance(raised.value, sre.ContractError)


def test_envelope_type_refuses_a_payload_type() -> None:
    """envelope_type names the envelope to use when handed a payload type."""
    assert sre.envelope_type(sre.PROCESS_FACTS_TOPIC) is process_facts_pb2.SreProcessFact
    with pytest.raises(sre.UnknownTopicError, match="use SreDomainFact"):
        sre.envelope_type(facts_pb2.IncidentCreated)


def test_payload_info_carries_the_options() -> None:
    """Event type, aggregate and creates_aggregate come from the payload's options."""
    info = sre.payload_info(facts_pb2.IncidentCreated)
    assert info.event_type == "io.ameide.sre.domain.fact.incident_created.v1"
    assert info.aggregate_type == "Incident"
    assert info.creates_aggregate
    assert not sre.payload_info(facts_pb2.IncidentClosed).creates_aggregate
    assert sre.TOPICS[sre.DOMAIN_FACTS_TOPIC].min_aggregate_version == 1
    assert sre.TOPICS[sre.DOMAIN_INTENTS_TOPIC].min_aggregate_version == 0


def test_aggregate_id_paths_are_checked_against_the_descriptors() -> None:
    """A path naming a missing field, or ending on a message, is refused when the tables are built."""
    from ameide_sre_contracts.topics import _field_path

    descriptor = facts_pb2.IncidentCreated.DESCRIPTOR
    assert _field_path(descriptor, "incident.incident_id") == ("incident", "incident_id")
    assert _field_path(descriptor, "") == ()
    for bad in ("incident.nope", "incident", "incident.affected_resources"):
        with pytest.raises(RuntimeError, match="aggregate_id_field"):
            _field_path(descriptor, bad)
