"""Messages from a newer producer: decoded, routed or parked as documented, with zero bytes lost."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import kafka, testing
from ameide_sre_contracts._descriptors import reachable
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


def _enum_fields(message: Message) -> list[tuple[Message, Any]]:
    """Every enum field of `message` and of the messages set inside it: (holder, field)."""
    found = []
    for field in message.DESCRIPTOR.fields:
        if field.enum_type is not None:
            found.append((message, field))
    for field, value in message.ListFields():
        if field.message_type is None or field.message_type.GetOptions().map_entry:
            continue
        for item in value if field.is_repeated else [value]:
            found += _enum_fields(item)
    return found


def _with_newer_value(holder: Message, field: Any) -> None:
    values: dict[str, Any] = field.enum_type.values_by_name  # the newer contract's enum: one value more
    newer = next(value.number for name, value in values.items() if name.endswith(newer_contract.NEWER_VALUE_SUFFIX))
    if field.is_repeated:
        getattr(holder, field.name).append(newer)
    else:
        setattr(holder, field.name, newer)


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_a_newer_enum_value_anywhere_is_parked_with_zero_bytes_lost(envelope_type: type[Message]) -> None:
    """Each enum field of each example set to a value only the newer contract defines: parked, never dead-lettered,
    whatever rule reads the value (a transition rule reading the new status is not reported beside it)."""
    topic = sre.topic_of(envelope_type)
    newer_type = NEWER[envelope_type.DESCRIPTOR.full_name]
    tried: set[str] = set()
    for example in testing.examples(envelope_type):
        count = len(_enum_fields(newer_type.FromString(example.SerializeToString())))
        for index in range(count):
            newer = newer_type.FromString(example.SerializeToString())
            holder, field = _enum_fields(newer)[index]
            _with_newer_value(holder, field)
            data = newer.SerializeToString(deterministic=True)
            with pytest.raises(sre.UnknownEnumValueError):
                kafka.from_kafka(topic.name, None, data, [])
            with pytest.raises(sre.UnknownEnumValueError) as raised:
                sre.decode(topic.name, data)
            error = raised.value
            assert isinstance(error, sre.NewerContractError)
            assert isinstance(error, sre.ValidationError)  # refused, as before, by code that only knows that
            assert {violation.rule_id for violation in error.violations} == {"enum.defined_only"}, str(error)
            assert error.violations[0].field_path.endswith(field.name)
            record = kafka.dead_letter(topic.name, None, data, [], error)
            assert record.topic == topic.name + kafka.PARKED_SUFFIX
            assert record.value == data
            assert error.data == data
            assert sre.encode(error.envelope, validate=False) == data
            replayed = newer_type.FromString(record.value)
            assert replayed == newer
            tried.add(field.enum_type.full_name)
    reached = {enum.full_name for enum in reachable([envelope_type.DESCRIPTOR])[1]}
    assert tried == reached - _UNREACHED_BY_EXAMPLES.get(envelope_type.__name__, set())


# Enums an envelope reaches that none of its examples holds a message of: the raw-ratio SLI's and the calendar
# window's, which the SLO examples (a ratio of good to total over a rolling window) do not use.
_SLO_ONLY = {"ameide_core_proto.sre.core.v1.RawRatioType", "ameide_core_proto.sre.core.v1.TimeUnit"}
_UNREACHED_BY_EXAMPLES: dict[str, set[str]] = {"SreDomainIntent": _SLO_ONLY, "SreDomainFact": _SLO_ONLY}


def test_a_newer_enum_value_beside_a_broken_rule_is_a_plain_validation_error() -> None:
    """Parked only when the newer value explains every violation: a missing tenant is still dead-lettered."""
    example = next(
        fact
        for fact in testing.examples(facts_pb2.SreDomainFact)
        if fact.WhichOneof("fact") == "incident_status_changed"
    )
    example.incident_status_changed.status = 99  # type: ignore[assignment]
    with pytest.raises(sre.UnknownEnumValueError) as raised:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, example.SerializeToString())
    assert [v.rule_id for v in raised.value.violations] == ["enum.defined_only"]  # not allowed_transition too
    example.meta.tenant_id = ""
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, example.SerializeToString())
    assert not isinstance(refused.value, sre.NewerContractError)
    record = kafka.dead_letter(sre.DOMAIN_FACTS_TOPIC, None, example.SerializeToString(), [], refused.value)
    assert record.topic == sre.DOMAIN_FACTS_TOPIC + kafka.DEAD_LETTER_SUFFIX
