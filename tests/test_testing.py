"""ameide_sre_contracts.testing: examples are fresh, deterministic and complete."""

from __future__ import annotations

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, sre_pb2
from ameide_sre_contracts import testing


def test_every_payload_has_an_example() -> None:
    """example() covers every payload type the topics declare."""
    for payload_type in sre.PAYLOADS:
        assert type(testing.example(payload_type)) is payload_type


def test_examples_are_fresh_copies() -> None:
    """Mutating one example does not change the next."""
    first = testing.example(facts_pb2.IncidentCreated)
    first.incident.title = "changed"
    assert testing.example(facts_pb2.IncidentCreated).incident.title != "changed"


def test_examples_are_deterministic() -> None:
    """Two calls build equal envelopes with equal bytes."""
    first = testing.examples(facts_pb2.SreDomainFact)
    second = testing.examples(facts_pb2.SreDomainFact)
    assert first == second
    assert [e.SerializeToString(deterministic=True) for e in first] == [
        e.SerializeToString(deterministic=True) for e in second
    ]
    assert len({e.meta.message_id for e in first}) == len(first)


def test_unknown_types_have_no_example() -> None:
    """A message that is not a payload raises KeyError."""
    with pytest.raises(KeyError):
        testing.example(sre_pb2.ResourceRef)
    with pytest.raises(KeyError):
        testing.query_example(sre_pb2.ResourceRef)
