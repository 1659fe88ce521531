"""ameide_sre_contracts.confluent: Schema Registry framing, checked against confluent-kafka's own serdes."""

from __future__ import annotations

import pytest
from confluent_kafka.schema_registry._sync.mock_schema_registry_client import MockSchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts.confluent import encode_message_indexes, frame, message_indexes, unframe
from tests.conftest import ENVELOPES


@pytest.mark.parametrize(("indexes", "wire"), [([1], "0202"), ([0, 1], "040002"), ([0], "00"), ([], "00")])
def test_message_index_vectors(indexes: list[int], wire: str) -> None:
    """The documented vectors of Confluent's wire format."""
    assert encode_message_indexes(indexes).hex() == wire


def test_frame_layout_and_round_trip() -> None:
    """Magic byte, big-endian schema id, indexes, data; unframe returns them."""
    framed = frame(b"payload", 0x01020304, [2, 0, 70])
    assert framed[:5] == b"\x00\x01\x02\x03\x04"
    assert unframe(framed) == (0x01020304, [2, 0, 70], b"payload")
    assert unframe(frame(b"x", 5)) == (5, [0], b"x")


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x00\x00", b"\x01\x00\x00\x00\x01\x00", b"\x00\x00\x00\x00\x01\x80", b"\x00\x00\x00\x00\x01\x02\x01"],
    ids=["empty", "short", "magic", "unterminated", "negative index"],
)
def test_unframe_refuses_malformed_input(data: bytes) -> None:
    """Anything not in the wire format is a DecodeError."""
    with pytest.raises(sre.DecodeError):
        unframe(data)


def test_message_indexes_follow_the_descriptor() -> None:
    """The path is the message's position in its file (nested types add a step)."""
    assert message_indexes(facts_pb2.SreDomainFact) == [0]
    assert message_indexes(process_facts_pb2.SreProcessFact) == [1]
    file_messages = list(facts_pb2.DESCRIPTOR.message_types_by_name)
    assert message_indexes(facts_pb2.IncidentClosed) == [file_messages.index("IncidentClosed")]


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_confluent_serdes_and_ours_read_each_other(envelope_type: type[Message]) -> None:
    """ProtobufDeserializer reads our frames; our unframe + decode reads ProtobufSerializer's, every case."""
    client = MockSchemaRegistryClient({"url": "mock://"})
    topic = sre.topic_of(envelope_type).name
    context = SerializationContext(topic, MessageField.VALUE)
    serializer = ProtobufSerializer(envelope_type, client, {"use.deprecated.format": False})
    deserializer = ProtobufDeserializer(envelope_type, {"use.deprecated.format": False}, client)
    for envelope in testing.examples(envelope_type):
        theirs = serializer(envelope, context)
        assert theirs is not None
        schema_id, indexes, data = unframe(theirs)
        assert indexes == message_indexes(envelope_type)
        assert sre.decode(topic, data) == envelope
        ours = frame(sre.encode(envelope), schema_id, message_indexes(envelope_type))
        assert deserializer(ours, context) == envelope
