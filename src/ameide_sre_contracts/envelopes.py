"""Build envelopes with correct metadata; read their payloads back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeAlias

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.core.v1.sre_pb2 import SreActor, SreMessageMeta
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts.errors import PayloadTypeError, UnknownPayloadError, UnknownTopicError
from ameide_sre_contracts.topics import CONTRACT_VERSION, ENVELOPE_TOPICS, PAYLOADS, Topic, newer_case

Envelope: TypeAlias = SreDomainIntent | SreDomainFact | SreProcessFact
"""Any of the three envelopes."""

TimeLike: TypeAlias = datetime | Timestamp


def _timestamp(value: TimeLike | None) -> Timestamp:
    stamp = Timestamp()
    if value is None:
        stamp.FromDatetime(datetime.now(UTC))
    elif isinstance(value, Timestamp):
        stamp.CopyFrom(value)
    else:
        if value.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware (a naive datetime has no defined instant)")
        stamp.FromDatetime(value)
    return stamp


def _meta(
    *,
    tenant_id: str,
    producer: str,
    correlation_id: str | None,
    causation: Envelope | None,
    traceparent: str | None,
    tracestate: str | None,
    actor: SreActor | None,
    occurred_at: TimeLike | None,
    message_id: str | None,
) -> SreMessageMeta:
    meta = SreMessageMeta(
        message_id=message_id or str(uuid.uuid4()),
        tenant_id=tenant_id,
        producer=producer,
        schema_version=CONTRACT_VERSION,
        traceparent=traceparent or "",
        tracestate=tracestate or "",
    )
    meta.occurred_at.CopyFrom(_timestamp(occurred_at))
    if causation is not None:
        parent = causation.meta
        meta.causation_id = parent.message_id
        meta.correlation_id = parent.correlation_id or parent.message_id
    if correlation_id is not None:
        meta.correlation_id = correlation_id
    if actor is not None:
        meta.actor.CopyFrom(actor)
    return meta


def _place(envelope: Message, topic: Topic, payload: Message) -> None:
    info = PAYLOADS.get(type(payload))
    if info is None or info.topic is not topic:
        where = (
            f"a payload of {info.topic.envelope_type.__name__}" if info else "not a payload of any envelope"
        )
        raise PayloadTypeError(
            f"{type(payload).__name__} cannot go in {topic.envelope_type.__name__}: it is {where}"
        )
    getattr(envelope, info.case).CopyFrom(payload)


def new_intent(
    payload: Message,
    *,
    tenant_id: str,
    producer: str,
    aggregate_id: str,
    expected_version: int = 0,
    correlation_id: str | None = None,
    causation: Envelope | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
    actor: SreActor | None = None,
    occurred_at: TimeLike | None = None,
    message_id: str | None = None,
) -> SreDomainIntent:
    """An intent carrying `payload`; the payload's type picks the oneof case.

    `expected_version` is the aggregate version the sender expects (0 to
    create). `causation` is the envelope that caused this one: its
    `message_id` becomes `causation_id` and its correlation id (or, when it has
    none, its `message_id`) becomes `correlation_id`. `message_id` defaults to
    a fresh UUID, `occurred_at` to now (UTC), `schema_version` to the contract
    version and `subject.aggregate_type` to the payload's aggregate.

    Raises:
        PayloadTypeError: `payload` is not an intent payload.
    """
    topic = ENVELOPE_TOPICS[SreDomainIntent]
    envelope = SreDomainIntent()
    _place(envelope, topic, payload)
    envelope.meta.CopyFrom(
        _meta(
            tenant_id=tenant_id,
            producer=producer,
            correlation_id=correlation_id,
            causation=causation,
            traceparent=traceparent,
            tracestate=tracestate,
            actor=actor,
            occurred_at=occurred_at,
            message_id=message_id,
        )
    )
    envelope.subject.aggregate_type = PAYLOADS[type(payload)].aggregate_type
    envelope.subject.aggregate_id = aggregate_id
    envelope.subject.aggregate_version = expected_version
    return envelope


def new_fact(
    payload: Message,
    *,
    tenant_id: str,
    producer: str,
    aggregate_id: str,
    aggregate_version: int,
    correlation_id: str | None = None,
    causation: Envelope | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
    actor: SreActor | None = None,
    occurred_at: TimeLike | None = None,
    message_id: str | None = None,
) -> SreDomainFact:
    """A domain fact carrying `payload`; `aggregate_version` is the version after the change (1 or more).

    Metadata defaults as for `new_intent`.

    Raises:
        PayloadTypeError: `payload` is not a domain fact payload.
    """
    topic = ENVELOPE_TOPICS[SreDomainFact]
    envelope = SreDomainFact()
    _place(envelope, topic, payload)
    envelope.meta.CopyFrom(
        _meta(
            tenant_id=tenant_id,
            producer=producer,
            correlation_id=correlation_id,
            causation=causation,
            traceparent=traceparent,
            tracestate=tracestate,
            actor=actor,
            occurred_at=occurred_at,
            message_id=message_id,
        )
    )
    envelope.subject.aggregate_type = PAYLOADS[type(payload)].aggregate_type
    envelope.subject.aggregate_id = aggregate_id
    envelope.subject.aggregate_version = aggregate_version
    return envelope


def new_process_fact(
    payload: Message,
    *,
    tenant_id: str,
    producer: str,
    workflow_id: str,
    incident_id: str,
    workflow_type: str = "IncidentTriageProcess",
    run_id: str | None = None,
    correlation_id: str | None = None,
    causation: Envelope | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
    actor: SreActor | None = None,
    occurred_at: TimeLike | None = None,
    message_id: str | None = None,
) -> SreProcessFact:
    """A process fact carrying `payload` for one workflow instance serving one incident.

    Metadata defaults as for `new_intent`.

    Raises:
        PayloadTypeError: `payload` is not a process fact payload.
    """
    topic = ENVELOPE_TOPICS[SreProcessFact]
    envelope = SreProcessFact()
    _place(envelope, topic, payload)
    envelope.meta.CopyFrom(
        _meta(
            tenant_id=tenant_id,
            producer=producer,
            correlation_id=correlation_id,
            causation=causation,
            traceparent=traceparent,
            tracestate=tracestate,
            actor=actor,
            occurred_at=occurred_at,
            message_id=message_id,
        )
    )
    envelope.subject.workflow_type = workflow_type
    envelope.subject.workflow_id = workflow_id
    envelope.subject.incident_id = incident_id
    envelope.subject.run_id = run_id or ""
    return envelope


def payload_of(envelope: Message) -> Message:
    """The payload message set in an envelope's oneof.

    Raises:
        UnknownTopicError: `envelope` is not an SRE envelope.
        UnknownPayloadError: no known case is set (empty, or a case newer than this version).
    """
    topic = ENVELOPE_TOPICS.get(type(envelope))
    if topic is None:
        raise UnknownTopicError(f"{type(envelope).__name__} is not an SRE envelope")
    case = envelope.WhichOneof(topic.oneof)
    if case is None:
        raise UnknownPayloadError(envelope, newer_case(envelope, topic))
    payload: Message = getattr(envelope, case)
    return payload
