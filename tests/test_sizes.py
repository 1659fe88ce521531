"""ameide_sre_contracts.sizes: every field is bounded, and every valid envelope fits the decode limit."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, query_pb2, sre_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts._descriptors import service_messages
from ameide_sre_contracts.errors import UnboundedFieldError
from ameide_sre_contracts.sizes import max_encoded_size

QUERY_TYPES = [getattr(query_pb2, descriptor.name) for descriptor in service_messages(query_pb2.DESCRIPTOR)]


@pytest.mark.parametrize(
    "message_type",
    [topic.envelope_type for topic in sre.TOPICS.values()] + QUERY_TYPES,
    ids=lambda t: t.__name__,
)
def test_every_string_repeated_and_map_field_is_bounded(message_type: type[Message]) -> None:
    """Walking every reachable field finds a size rule on each (an unbounded one raises)."""
    assert max_encoded_size(message_type) > 0


def test_an_unbounded_field_is_reported() -> None:
    """The walk fails loudly on a field without a size rule."""
    from google.protobuf import descriptor_pb2

    with pytest.raises(UnboundedFieldError, match="file"):
        max_encoded_size(descriptor_pb2.FileDescriptorSet)


@pytest.mark.parametrize("topic", sorted(sre.TOPICS))
def test_largest_valid_envelope_fits_twice_in_the_decode_limit(topic: str) -> None:
    """Room for unknown fields and headers: the worst valid envelope is at most half of DEFAULT_MAX_BYTES."""
    assert max_encoded_size(sre.TOPICS[topic].envelope_type) <= sre.DEFAULT_MAX_BYTES // 2


def test_bound_holds_for_a_maximal_message() -> None:
    """A message filled to every limit with 4-byte characters encodes within the computed bound."""
    emoji = "\U0001f600"
    actor = sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AUTOMATION, id=emoji * 256, display_name=emoji * 256)
    assert sre.violations(actor) == []
    bound = max_encoded_size(sre_pb2.SreActor)
    assert actor.ByteSize() <= bound
    assert bound - actor.ByteSize() < 16  # only the enum's varint is over-counted


def test_examples_are_well_inside_the_bound() -> None:
    """Realistic envelopes are far smaller than the worst case."""
    created = testing.examples(facts_pb2.SreDomainFact)[0]
    assert created.ByteSize() < max_encoded_size(facts_pb2.SreDomainFact) // 100
