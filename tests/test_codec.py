"""ameide_sre_contracts.codec: binary and ProtoJSON, validated, with clear errors and nothing lost."""

from __future__ import annotations

import json

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts.testing import _alert
from testkit.wire import length_delimited, varint_field
from tests.conftest import all_examples, example_id

EXAMPLES = all_examples()


def _fact() -> facts_pb2.SreDomainFact:
    return testing.examples(facts_pb2.SreDomainFact)[5]


@pytest.mark.parametrize("envelope", EXAMPLES, ids=example_id)
def test_binary_round_trip_by_topic_name_and_type(envelope: Message) -> None:
    """decode(topic, encode(x)) == x, and the same through the envelope type."""
    topic = sre.topic_of(envelope)
    data = sre.encode(envelope)
    assert sre.decode(topic.name, data) == envelope
    assert sre.decode(type(envelope), data) == envelope
    assert sre.decode(topic, data) == envelope


@pytest.mark.parametrize("envelope", EXAMPLES, ids=example_id)
def test_json_round_trip(envelope: Message) -> None:
    """from_json(topic, to_json(x)) == x; to_json is one line of ProtoJSON."""
    text = sre.to_json(envelope)
    assert "\n" not in text
    assert "occurredAt" in text
    assert sre.from_json(sre.topic_of(envelope).name, text) == envelope


def test_encode_refuses_an_invalid_envelope_unless_told() -> None:
    """encode validates; validate=False serializes anyway."""
    fact = _fact()
    fact.meta.tenant_id = ""
    with pytest.raises(sre.ValidationError) as raised:
        sre.encode(fact)
    assert {(v.field_path, v.rule_id) for v in raised.value.violations} == {
        ("meta.tenant_id", "string.min_len"),
        ("meta.tenant_id", "string.pattern"),
    }
    assert sre.decode(facts_pb2.SreDomainFact, sre.encode(fact, validate=False), validate=False) == fact


def test_decode_reports_which_field_broke_which_rule() -> None:
    """An invalid message decodes into a ValidationError naming field path and rule id."""
    fact = _fact()
    fact.meta.message_id = "nope"
    fact.incident_closed.closing_note = "x" * 5000
    data = fact.SerializeToString()
    with pytest.raises(sre.ValidationError) as raised:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, data)
    found = {(v.field_path, v.rule_id) for v in raised.value.violations}
    assert found == {("meta.message_id", "string.uuid"), ("incident_closed.closing_note", "string.max_len")}
    assert "meta.message_id: must be a valid UUID [string.uuid]" in str(raised.value)
    assert sre.decode(sre.DOMAIN_FACTS_TOPIC, data, validate=False) == fact


@pytest.mark.parametrize(
    "data",
    [
        b"\xff",
        b"\x0a\x05abc",
        b"\x0a\xff\xff\xff\xff\x0f",
        b"\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01",
        b"\x07",
    ],
    ids=["bad tag", "truncated", "huge length", "overlong varint", "group start"],
)
def test_malformed_bytes_raise_decode_error(data: bytes) -> None:
    """Malformed input is a DecodeError (a ValueError), never another exception."""
    with pytest.raises(sre.DecodeError) as raised:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, data)
    assert isinstance(raised.value, ValueError)


def test_truncating_a_valid_message_anywhere_never_escapes_the_hierarchy() -> None:
    """Every prefix of a valid encoding decodes, or raises a ContractError."""
    data = sre.encode(testing.examples(facts_pb2.SreDomainFact)[0])
    outcomes = {"decoded": 0, "refused": 0}
    for cut in range(len(data)):
        try:
            sre.decode(sre.DOMAIN_FACTS_TOPIC, data[:cut])
            outcomes["decoded"] += 1
        except sre.ContractError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0
    assert sum(outcomes.values()) == len(data)


def test_oversized_input_is_refused_before_parsing() -> None:
    """More than max_bytes is a DecodeError; the default bound is documented and generous."""
    data = sre.encode(_fact())
    with pytest.raises(sre.DecodeError, match="exceed the limit"):
        sre.decode(sre.DOMAIN_FACTS_TOPIC, data, max_bytes=len(data) - 1)
    assert sre.decode(sre.DOMAIN_FACTS_TOPIC, data, max_bytes=len(data)) == _fact()
    with pytest.raises(sre.DecodeError, match="exceed the limit"):
        sre.decode(sre.DOMAIN_FACTS_TOPIC, b"\x00" * (sre.DEFAULT_MAX_BYTES + 1))
    with pytest.raises(sre.DecodeError, match="exceed the limit"):
        sre.from_json(sre.DOMAIN_FACTS_TOPIC, "{}", max_bytes=1)


def test_unknown_topic_is_refused() -> None:
    """A topic the contract does not define raises UnknownTopicError."""
    with pytest.raises(sre.UnknownTopicError, match=r"sre\.domain\.events\.v1"):
        sre.decode("sre.domain.events.v1", b"")


def test_newer_oneof_case_is_parked_not_rejected_and_keeps_its_bytes() -> None:
    """A case number unknown here raises UnknownPayloadError; its envelope re-encodes byte for byte."""
    known = _fact()
    newer = (
        length_delimited(1, known.meta.SerializeToString())
        + length_delimited(2, known.subject.SerializeToString())
        + length_delimited(99, varint_field(1, 7) + length_delimited(2, b"new payload"))
    )
    with pytest.raises(sre.UnknownPayloadError) as raised:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, newer)
    assert raised.value.field_number == 99
    assert not isinstance(raised.value, sre.ValidationError)
    assert sre.encode(raised.value.envelope, validate=False) == newer
    with pytest.raises(sre.UnknownPayloadError):
        sre.decode(sre.DOMAIN_FACTS_TOPIC, newer, validate=False)


def test_unknown_fields_in_meta_and_payload_survive_decode_and_encode() -> None:
    """Fields added by a newer producer inside known messages are kept byte for byte."""
    known = _fact()
    meta = known.meta.SerializeToString() + length_delimited(99, b"newer meta field")
    payload = known.incident_closed.SerializeToString() + varint_field(42, 1)
    newer = (
        length_delimited(1, meta)
        + length_delimited(2, known.subject.SerializeToString())
        + length_delimited(15, payload)
    )
    decoded = sre.decode(facts_pb2.SreDomainFact, newer)
    assert decoded.incident_closed.closing_note == known.incident_closed.closing_note
    assert sre.encode(decoded) == newer


def test_json_errors_are_decode_errors() -> None:
    """Not JSON, wrong shape, unknown fields and hostile nesting all raise DecodeError."""
    for text in ("not json", '{"meta": 5}', '{"meta": {"tenantId": "t", "favourite": 1}}', "[" * 100_000):
        with pytest.raises(sre.DecodeError):
            sre.from_json(sre.DOMAIN_FACTS_TOPIC, text)
    nested: dict[str, object] = {"meta": {"tenantId": "t"}}
    for _ in range(200):
        nested = {"meta": nested}
    with pytest.raises(sre.DecodeError):
        sre.from_json(sre.DOMAIN_FACTS_TOPIC, json.dumps(nested))


def test_unknown_json_fields_can_be_ignored_on_request() -> None:
    """ignore_unknown_fields drops them (JSON cannot carry them through)."""
    document = json.loads(sre.to_json(_fact()))
    document["meta"]["favourite"] = 1
    parsed = sre.from_json(sre.DOMAIN_FACTS_TOPIC, json.dumps(document), ignore_unknown_fields=True)
    assert parsed == _fact()


def test_json_of_a_payload_type() -> None:
    """from_json also parses single messages, by type, and validates them."""
    payload = testing.example(facts_pb2.IncidentCreated)
    assert sre.from_json(facts_pb2.IncidentCreated, sre.to_json(payload)) == payload
    with pytest.raises(sre.ValidationError):
        sre.from_json(facts_pb2.IncidentCreated, "{}")
    assert sre.from_json(facts_pb2.IncidentCreated, "{}", validate=False) == facts_pb2.IncidentCreated()


def test_encode_is_deterministic_whatever_the_map_insertion_order() -> None:
    """Two equal messages built in different orders encode to the same bytes (maps sorted by key)."""
    first, second = _alert.alert(), _alert.alert()
    first.labels.clear()
    second.labels.clear()
    keys = [f"label-{index:02d}" for index in range(40)]
    for key in keys:
        first.labels[key] = key
    for key in reversed(keys):
        second.labels[key] = key
    assert first == second
    assert sre.encode(first) == sre.encode(second)
    assert sre.encode(first) == first.SerializeToString(deterministic=True)


def test_encode_is_deterministic_serialization_for_every_case() -> None:
    """Cases without a map skip deterministic ordering (nothing to order): the bytes are the same either way."""
    from ameide_sre_contracts import codec

    shortcut = 0
    for envelope in all_examples():
        assert sre.encode(envelope) == envelope.SerializeToString(deterministic=True)
        plain = codec._WITHOUT_MAPS.get(type(envelope))
        shortcut += plain is not None and envelope.WhichOneof(plain[0]) in plain[1]
    assert shortcut > 30  # most cases carry no map
