"""`from_kafka` on records as `to_kafka` writes them: one pass, the same verdicts as reading attribute by attribute.

A record whose headers are exactly `to_kafka`'s is checked against
expectations precomputed per topic and payload type (`_binding.as_written`);
any other record is read header by header. The two must agree on every
record: each header changed, recased, dropped, moved or doubled, the key
changed, gives the same envelope or the same error either way (an unrelated
header at the end sends a record the long way).
"""

from __future__ import annotations

import json
from typing import Any, cast

import pytest

from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import ContractError, DecodeError, kafka, testing
from ameide_sre_contracts._binding import as_written, largest_structured
from testkit.largest import inflate

ENVELOPES = (intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact, process_facts_pb2.SreProcessFact)
EXAMPLES = [example for envelope in ENVELOPES for example in testing.examples(envelope)]
UNRELATED = ("x-request-id", b"7")


def _outcome(record: kafka.KafkaRecord[Any], headers: Any, data: bytes | None = None) -> tuple[str, str]:
    try:
        envelope = kafka.from_kafka(record.topic, record.key, record.value if data is None else data, headers)
    except ContractError as error:
        return type(error).__name__, str(error)
    return "accepted", envelope.SerializeToString(deterministic=True).hex()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.WhichOneof(e.DESCRIPTOR.oneofs[0].name))
def test_a_record_as_written_takes_the_one_pass_and_gives_the_envelope(example: Any) -> None:
    record = kafka.to_kafka(example)
    assert as_written(record.topic, record.value, record.headers, "ce_", 1 << 22) == example
    assert kafka.from_kafka(record) == example
    assert as_written(record.topic, record.value, [*record.headers, UNRELATED], "ce_", 1 << 22) is None


def _variants(headers: tuple[tuple[str, bytes], ...]) -> list[tuple[str, list[Any]]]:
    found: list[tuple[str, list[Any]]] = []
    for index, (name, value) in enumerate(headers):
        changed: list[Any] = list(headers)
        changed[index] = (name, value + b"x")
        found.append((f"{name} changed", changed))
        changed = list(headers)
        changed[index] = (name.upper(), value)
        found.append((f"{name} recased", changed))
        found.append((f"{name} dropped", [h for i, h in enumerate(headers) if i != index]))
        found.append((f"{name} doubled", [*headers[: index + 1], (name, value), *headers[index + 1 :]]))
        changed = list(headers)
        changed[index] = (name, value.decode())
        found.append((f"{name} as text", changed))
        changed = list(headers)
        changed[index] = (name.encode(), value)
        found.append((f"{name} named in bytes", changed))
    moved = list(headers)
    moved[2], moved[3] = moved[3], moved[2]
    found.append(("two headers swapped", moved))
    found.append(("a header that is not a pair", [*headers[:-1], (headers[-1][0],)]))
    return found


@pytest.mark.parametrize("example", EXAMPLES[::5], ids=lambda e: e.WhichOneof(e.DESCRIPTOR.oneofs[0].name))
def test_every_changed_header_gives_the_verdict_the_long_way_gives(example: Any) -> None:
    record = kafka.to_kafka(example)
    refused = 0
    for what, headers in _variants(record.headers):
        one_pass = _outcome(record, headers)
        assert one_pass == _outcome(record, [*headers, UNRELATED]), what
        refused += one_pass[0] != "accepted"
    assert refused >= 2 * len(record.headers)  # each value changed, each required one dropped or doubled


def test_a_key_that_is_not_the_partition_key_is_refused_either_way() -> None:
    record = kafka.to_kafka(cast(Any, EXAMPLES[0]))
    for headers in (record.headers, [*record.headers, UNRELATED]):
        with pytest.raises(DecodeError, match="partition key"):
            kafka.from_kafka(record.topic, b"tenant/other", record.value, headers)


def test_a_record_whose_data_breaks_a_rule_is_refused_as_the_long_way_refuses_it() -> None:
    record = kafka.to_kafka(testing.examples(facts_pb2.SreDomainFact)[5])
    broken = facts_pb2.SreDomainFact.FromString(record.value)
    broken.incident_closed.closing_note = "x" * 10_000
    data = broken.SerializeToString()
    one_pass = _outcome(record, record.headers, data=data)
    assert one_pass == _outcome(record, [*record.headers, UNRELATED], data=data)
    assert one_pass[0] == "ValidationError"


# --- structured events: no larger than a valid envelope makes them -------------------------------------------------


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.DESCRIPTOR.name)
def test_the_largest_valid_envelope_travels_structured_within_the_bound(envelope_type: Any) -> None:
    largest: Any = None
    for example in testing.examples(envelope_type):
        candidate = envelope_type()
        candidate.CopyFrom(example)
        inflate(candidate)
        if largest is None or candidate.ByteSize() > largest.ByteSize():
            largest = candidate
    record = kafka.to_kafka(largest, mode="structured")
    assert len(record.value) < largest_structured(record.topic)
    assert kafka.from_kafka(record) == largest


def test_a_structured_event_larger_than_any_valid_one_is_refused_before_it_is_read() -> None:
    record = kafka.to_kafka(testing.examples(process_facts_pb2.SreProcessFact)[0], mode="structured")
    bound = largest_structured(record.topic)
    event = json.loads(record.value)
    event["padding"] = "x" * bound
    value = json.dumps(event).encode()
    with pytest.raises(DecodeError, match="more than a structured event with a valid envelope takes"):
        kafka.from_kafka(record.topic, None, value, record.headers)
    with pytest.raises(DecodeError, match="attributes exceed"):  # without validation, read and refused as before
        kafka.from_kafka(record.topic, None, value, record.headers, validate=False)
