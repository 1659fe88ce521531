"""ameide_sre_contracts.envelopes: builders set correct metadata; payload_of reads it back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing

INCIDENT_ID = testing.INCIDENT_ID


def _create() -> intents_pb2.CreateIncidentRequested:
    return testing.example(intents_pb2.CreateIncidentRequested)


def test_new_intent_fills_metadata_and_picks_the_case() -> None:
    """Defaults: fresh UUID, now (UTC), contract version, aggregate from the payload; the result validates."""
    before = datetime.now(UTC)
    intent = sre.new_intent(_create(), tenant_id="acme", producer="sre-ui", aggregate_id=INCIDENT_ID)
    after = datetime.now(UTC)
    assert intent.WhichOneof("intent") == "create_incident"
    assert intent.create_incident == _create()
    assert uuid.UUID(intent.meta.message_id).version == 4
    assert before - timedelta(microseconds=1) <= intent.meta.occurred_at.ToDatetime(UTC) <= after
    assert intent.meta.schema_version == sre.CONTRACT_VERSION
    assert (intent.subject.aggregate_type, intent.subject.aggregate_id) == ("Incident", INCIDENT_ID)
    assert intent.subject.aggregate_version == 0
    assert (intent.meta.tenant_id, intent.meta.producer) == ("acme", "sre-ui")
    assert not intent.meta.correlation_id
    assert not intent.meta.causation_id
    sre.validate(intent)


def test_two_builds_get_distinct_message_ids() -> None:
    """Every message gets its own idempotency key."""
    ids = {
        sre.new_intent(_create(), tenant_id="t", producer="p", aggregate_id=INCIDENT_ID).meta.message_id
        for _ in range(50)
    }
    assert len(ids) == 50


def test_causation_copies_correlation_or_the_parents_id() -> None:
    """A parent without a correlation id starts the flow: its message_id becomes the correlation id."""
    parent = sre.new_intent(_create(), tenant_id="t", producer="ui", aggregate_id=INCIDENT_ID)
    child = sre.new_fact(
        testing.example(facts_pb2.IncidentCreated),
        tenant_id="t",
        producer="sre-domain",
        aggregate_id=INCIDENT_ID,
        aggregate_version=1,
        causation=parent,
    )
    assert child.meta.causation_id == parent.meta.message_id
    assert child.meta.correlation_id == parent.meta.message_id
    grandchild = sre.new_process_fact(
        testing.example(process_facts_pb2.IncidentTriageStarted),
        tenant_id="t",
        producer="sre-process",
        workflow_id="triage-1",
        incident_id=INCIDENT_ID,
        causation=child,
    )
    assert grandchild.meta.causation_id == child.meta.message_id
    assert grandchild.meta.correlation_id == parent.meta.message_id
    explicit = sre.new_intent(
        _create(),
        tenant_id="t",
        producer="ui",
        aggregate_id=INCIDENT_ID,
        causation=child,
        correlation_id="c-9",
    )
    assert explicit.meta.correlation_id == "c-9"


def test_explicit_metadata_is_kept() -> None:
    """message_id, occurred_at (datetime or Timestamp), trace context and actor pass through."""
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    actor = sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AGENT, id="sre-agent")
    fact = sre.new_fact(
        testing.example(facts_pb2.IncidentClosed),
        tenant_id="t",
        producer="sre-domain",
        aggregate_id=INCIDENT_ID,
        aggregate_version=7,
        message_id="0e9f3c52-3a55-4c5a-9d7e-5b0f0c4c2a11",
        occurred_at=at,
        traceparent=testing.TRACEPARENT,
        tracestate="a=b",
        actor=actor,
    )
    assert fact.meta.message_id == "0e9f3c52-3a55-4c5a-9d7e-5b0f0c4c2a11"
    assert fact.meta.occurred_at.ToDatetime(UTC) == at
    assert (fact.meta.traceparent, fact.meta.tracestate) == (testing.TRACEPARENT, "a=b")
    assert fact.meta.actor == actor
    assert fact.subject.aggregate_version == 7
    stamp = Timestamp(seconds=1_700_000_000, nanos=5)
    again = sre.new_fact(
        testing.example(facts_pb2.IncidentClosed),
        tenant_id="t",
        producer="p",
        aggregate_id=INCIDENT_ID,
        aggregate_version=2,
        occurred_at=stamp,
    )
    assert again.meta.occurred_at == stamp
    sre.validate(fact)


def test_naive_datetime_is_refused() -> None:
    """A naive datetime has no defined instant."""
    with pytest.raises(ValueError, match="timezone-aware"):
        sre.new_intent(
            _create(), tenant_id="t", producer="p", aggregate_id=INCIDENT_ID, occurred_at=datetime(2026, 1, 1)
        )


def test_new_process_fact_sets_the_workflow_subject() -> None:
    """The subject names the workflow type, instance, run and incident."""
    fact = sre.new_process_fact(
        testing.example(process_facts_pb2.BacklogLookupCompleted),
        tenant_id="t",
        producer="sre-process",
        workflow_id="triage-1",
        incident_id=INCIDENT_ID,
        run_id="run-2",
    )
    assert fact.WhichOneof("fact") == "backlog_lookup_completed"
    assert (fact.subject.workflow_type, fact.subject.workflow_id) == ("IncidentTriageProcess", "triage-1")
    assert (fact.subject.incident_id, fact.subject.run_id) == (INCIDENT_ID, "run-2")
    sre.validate(fact)


@pytest.mark.parametrize(
    ("builder", "payload"),
    [
        ("new_intent", facts_pb2.IncidentCreated()),
        ("new_fact", intents_pb2.CreateIncidentRequested()),
        ("new_fact", process_facts_pb2.TriagePhaseCompleted()),
        ("new_intent", sre_pb2.ResourceRef()),
    ],
)
def test_payload_of_another_envelope_is_a_type_error(builder: str, payload: object) -> None:
    """Builders refuse a payload that does not belong in their envelope."""
    with pytest.raises(sre.PayloadTypeError) as raised:
        getattr(sre, builder)(
            payload,
            tenant_id="t",
            producer="p",
            aggregate_id="a",
            **({"aggregate_version": 1} if builder == "new_fact" else {}),
        )
    assert isinstance(raised.value, TypeError)


def test_payload_of_returns_the_set_payload() -> None:
    """payload_of gives the message in the oneof, for every example."""
    for envelope_type in (
        intents_pb2.SreDomainIntent,
        facts_pb2.SreDomainFact,
        process_facts_pb2.SreProcessFact,
    ):
        for envelope in testing.examples(envelope_type):
            payload = sre.payload_of(envelope)
            assert sre.payload_info(payload).topic.envelope_type is envelope_type
            assert payload == getattr(envelope, envelope.WhichOneof(sre.topic_of(envelope).oneof) or "")


def test_payload_of_an_empty_envelope_or_a_non_envelope() -> None:
    """An envelope without payload raises UnknownPayloadError; a non-envelope UnknownTopicError."""
    with pytest.raises(sre.UnknownPayloadError) as raised:
        sre.payload_of(facts_pb2.SreDomainFact())
    assert raised.value.field_number is None
    with pytest.raises(sre.UnknownTopicError):
        sre.payload_of(facts_pb2.IncidentCreated())
