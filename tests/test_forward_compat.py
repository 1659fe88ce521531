"""Messages from a newer producer: decoded, routed or parked as documented, with zero bytes lost."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_sre_contracts import testing
from testkit import newer_contract
from tests.conftest import ENVELOPES

NEWER = newer_contract.build()


def _as_newer(envelope: Message, *, future_case: bool = False) -> bytes:
    """Re-express an example as the newer producer would send it (deterministically), with every new field set."""
    newer = NEWER[envelope.DESCRIPTOR.full_name].FromString(envelope.SerializeToString())
    newer.meta.region = "eu-central"  # type: ignore[attr-defined]
    if future_case:
        newer.future_case.what = "something v1 does not know"  # type: ignore[attr-defined]
    else:
        payload = getattr(newer, newer.WhichOneof(newer.DESCRIPTOR.oneofs[0].name) or "")
        payload.newer_detail = "detail a v1 consumer does not know"
    return newer.SerializeToString(deterministic=True)


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_newer_fields_are_decoded_routed_and_kept(envelope_type: type[Message]) -> None:
    """Every case with new meta and payload fields validates, dispatches, and re-encodes byte for byte."""
    topic = sre.topic_of(envelope_type)
    router = sre.Router(topic)
    handled: list[str] = []
    for payload_type in topic.payload_types:
        router.on(payload_type)(lambda payload, envelope: handled.append(payload.DESCRIPTOR.name))
    total = 0
    for example in testing.examples(envelope_type):
        data = _as_newer(example)
        assert len(data) > len(example.SerializeToString())
        decoded = sre.decode(topic.name, data)
        router.dispatch(decoded)
        assert sre.encode(decoded) == data
        total += len(data)
    assert handled == [p.DESCRIPTOR.name for p in topic.payload_types]
    assert total > 0


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_a_newer_case_is_parked_with_zero_bytes_lost(envelope_type: type[Message]) -> None:
    """A new oneof case raises UnknownPayloadError (decode and dispatch); parking it keeps every byte."""
    topic = sre.topic_of(envelope_type)
    example = testing.examples(envelope_type)[0]
    data = _as_newer(example, future_case=True)
    with pytest.raises(sre.UnknownPayloadError) as raised:
        sre.decode(topic.name, data)
    assert raised.value.field_number == newer_contract.NEW_CASE
    parked = raised.value.envelope
    assert sre.encode(parked, validate=False) == data
    with pytest.raises(sre.UnknownPayloadError):
        sre.Router(topic).dispatch(parked)
    newer_again = NEWER[envelope_type.DESCRIPTOR.full_name].FromString(sre.encode(parked, validate=False))
    assert newer_again.future_case.what == "something v1 does not know"  # type: ignore[attr-defined]
