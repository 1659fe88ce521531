"""Schema Registry as Confluent's own serializers use it: the contract's files registered, ids from registration."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import confluent, testing

ENVELOPES: dict[str, type[sre.Envelope]] = {
    sre.DOMAIN_INTENTS_TOPIC: intents_pb2.SreDomainIntent,
    sre.DOMAIN_FACTS_TOPIC: facts_pb2.SreDomainFact,
    sre.PROCESS_FACTS_TOPIC: process_facts_pb2.SreProcessFact,
}


@pytest.fixture
def registry() -> SchemaRegistryClient:
    """confluent-kafka's own mock registry (its `mock://` client), fresh for each test."""
    return SchemaRegistryClient.new_client({"url": f"mock://sre-{id(object())}"})


def test_the_plan_lists_dependencies_first_each_once_and_skips_known_types() -> None:
    plan = confluent.schemas()
    subjects = [entry.subject for entry in plan]
    assert len(subjects) == len(set(subjects))
    assert subjects[-3:] == [f"{topic}-value" for topic in sre.TOPICS]
    assert subjects[0] == "buf/validate/validate.proto"
    registered: set[str] = set()
    for entry in plan:
        assert all(subject in registered for _, subject in entry.references), entry.subject
        assert not any(name.startswith("google/protobuf/") for name, _ in entry.references)
        registered.add(entry.subject)
        file = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(entry.schema))
        assert file.name == entry.file
        imported = [name for name in file.dependency if not name.startswith("google/protobuf/")]
        assert [name for name, _ in entry.references] == imported  # every import, in the file's order
    only_facts = confluent.schemas([sre.DOMAIN_FACTS_TOPIC])
    assert only_facts[-1].subject == "sre.domain.facts.v1-value"
    assert "sre.domain.intents.v1-value" not in {entry.subject for entry in only_facts}


@pytest.mark.parametrize("topic", list(ENVELOPES))
def test_registered_then_produced_by_confluents_serializer_and_read_by_ours(
    registry: SchemaRegistryClient, topic: str
) -> None:
    ids = confluent.register(registry)
    assert set(registry.get_subjects()) == {entry.subject for entry in confluent.schemas()}
    envelope_type = ENVELOPES[topic]
    context = SerializationContext(topic, MessageField.VALUE)
    serializer = ProtobufSerializer(
        envelope_type, registry, {"auto.register.schemas": False, "use.latest.version": True}
    )
    example: sre.Envelope
    for example in testing.examples(envelope_type):
        schema_id, indexes, data = confluent.unframe(serializer(example, context))
        assert schema_id == ids[f"{topic}-value"]  # the id the registration gave, not a constant
        assert indexes == confluent.message_indexes(envelope_type)
        assert sre.decode(topic, data) == example


@pytest.mark.parametrize("topic", list(ENVELOPES))
def test_framed_by_us_with_the_registered_id_and_read_by_confluents_deserializer(
    registry: SchemaRegistryClient, topic: str
) -> None:
    ids = confluent.register(registry)
    envelope_type = ENVELOPES[topic]
    deserializer = ProtobufDeserializer(envelope_type, {}, registry)
    context = SerializationContext(topic, MessageField.VALUE)
    example: sre.Envelope
    for example in testing.examples(envelope_type):
        framed = confluent.frame(sre.encode(example), ids[f"{topic}-value"], confluent.message_indexes(envelope_type))
        assert deserializer(framed, context) == example


def test_our_schemas_are_the_ones_confluents_serializer_would_register(registry: SchemaRegistryClient) -> None:
    """A serializer left to auto-register finds every schema already there: same strings, same ids, no new ones."""
    ids = confluent.register(registry)
    before = sorted(registry.get_subjects())
    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    auto = ProtobufSerializer(facts_pb2.SreDomainFact, registry, {})
    framed = auto(fact, SerializationContext(sre.DOMAIN_FACTS_TOPIC, MessageField.VALUE))
    assert confluent.unframe(framed).schema_id == ids["sre.domain.facts.v1-value"]
    assert sorted(registry.get_subjects()) == before
    for subject in before:
        assert registry.get_versions(subject) == [1]  # registering again made no second version
    assert confluent.register(registry) == ids  # and so does our own registration, at every start-up


def test_registry_plan_prints_the_plan_without_registering() -> None:
    command = [sys.executable, "-m", "ameide_sre_contracts.cli", "registry", "plan"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == " 1. buf/validate/validate.proto  (file buf/validate/validate.proto; references nothing)"
    assert len(lines) == len(confluent.schemas())
    done = subprocess.run(
        [*command, "--topic", sre.PROCESS_FACTS_TOPIC, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    bodies = [json.loads(line) for line in done.stdout.splitlines()]
    assert bodies[-1]["subject"] == "sre.process.facts.v1-value"
    assert bodies[-1]["schema"] == confluent.schemas([sre.PROCESS_FACTS_TOPIC])[-1].schema
    assert {"name", "subject"} <= set(bodies[-1]["references"][0])
    wrong = subprocess.run([*command, "--topic", "nope"], capture_output=True, text=True, check=False, timeout=60)
    assert wrong.returncode == 2
    assert "argument --topic: unknown topic" in wrong.stderr
