"""Valid, fully populated example messages for tests: ours and our consumers'.

`example(IncidentCreated)` returns a payload with every field set (one member
of each oneof), nested, repeated and map fields included; `examples(SreDomainFact)`
returns one valid envelope per oneof case, with every metadata field set;
`query_example(ListIncidentsRequest)` does the same for the query services.
Values are fixed, so examples are equal across calls and processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TypeVar, cast

from google.protobuf.message import Message

from ameide_core_proto.sre._payloads import DomainFactPayload, DomainIntentPayload, ProcessFactPayload
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts.envelopes import Envelope, MetaOptions, new_fact, new_intent, new_process_fact, reject
from ameide_sre_contracts.errors import ContractDefinitionError, UnknownTopicError, Violation
from ameide_sre_contracts.testing._facts import FACTS
from ameide_sre_contracts.testing._intents import INTENTS
from ameide_sre_contracts.testing._process import PROCESS_FACTS
from ameide_sre_contracts.testing._queries import QUERY_FACTORIES
from ameide_sre_contracts.testing._slo import slo_variants
from ameide_sre_contracts.testing._values import (
    AGGREGATE_IDS,
    CORRELATION_ID,
    INCIDENT_ID,
    PARENT_MESSAGE_ID,
    T0,
    TENANT_ID,
    TRACEPARENT,
    TRACESTATE,
    WORKFLOW_ID,
    agent,
    stable_uuid,
)
from ameide_sre_contracts.topics import PAYLOADS, topic_of

__all__ = [
    "CORRELATION_ID",
    "INCIDENT_ID",
    "PARENT_MESSAGE_ID",
    "TENANT_ID",
    "TRACEPARENT",
    "TRACESTATE",
    "WORKFLOW_ID",
    "example",
    "example_envelope",
    "examples",
    "query_example",
    "variants",
]

M = TypeVar("M", bound=Message)

_FACTORIES: Mapping[type[Message], Callable[[], Message]] = {**INTENTS, **FACTS, **PROCESS_FACTS}
INTENT_CASES: Mapping[str, type[Message]] = {
    info.case: payload for payload, info in PAYLOADS.items() if info.topic.envelope_type is intents_pb2.SreDomainIntent
}


def _built(factories: Mapping[type[Message], Callable[[], Message]], message_type: type[M], what: str) -> M:
    factory = factories.get(message_type)
    if factory is None:
        raise UnknownTopicError(f"no {what} for {message_type.__name__}")
    built = factory()
    if not isinstance(built, message_type):  # a table entry under the wrong key: a defect of this module
        raise ContractDefinitionError(f"the {what} for {message_type.__name__} built a {type(built).__name__}")
    return built


def query_example(message_type: type[M]) -> M:
    """A valid, fully populated request or response of a query RPC (a fresh copy each call).

    Raises:
        UnknownTopicError: `message_type` is not a query request or response (a `KeyError`).
    """
    return _built(QUERY_FACTORIES, message_type, "query example")


def example(payload_type: type[M]) -> M:
    """A valid payload of `payload_type` with every field set (a fresh copy each call).

    Raises:
        UnknownTopicError: `payload_type` is not a payload of the contract (a `KeyError`).
    """
    return _built(_FACTORIES, payload_type, "example")


def example_envelope(payload: Message) -> Envelope:
    """A valid envelope around `payload`, with every metadata field set."""
    info = PAYLOADS[type(payload)]
    parent = intents_pb2.SreDomainIntent()
    parent.meta.message_id = PARENT_MESSAGE_ID
    parent.meta.correlation_id = CORRELATION_ID
    common: MetaOptions = {
        "causation": parent,
        "correlation_id": CORRELATION_ID,
        "traceparent": TRACEPARENT,
        "tracestate": TRACESTATE,
        "actor": agent(),
        "occurred_at": T0 + timedelta(seconds=info.field_number),
        "message_id": stable_uuid(f"message/{info.topic.name}/{info.case}"),
    }
    envelope_type = info.topic.envelope_type
    if envelope_type is intents_pb2.SreDomainIntent:
        return new_intent(
            cast(DomainIntentPayload, payload),  # the payload's topic is the intents topic
            producer="sre-integration-alertmanager",
            aggregate_id=AGGREGATE_IDS[info.aggregate_type],
            expected_version=0 if info.creates_aggregate else 3,
            tenant_id=TENANT_ID,
            **common,
        )
    if info.reports_outcome and isinstance(payload, facts_pb2.IntentRejected):
        refused = example_envelope(example(INTENT_CASES[payload.intent_case]))
        if not isinstance(refused, intents_pb2.SreDomainIntent):
            raise ContractDefinitionError(f"{payload.intent_case} is not an intent case")
        violations = [Violation(v.field_path, v.rule_id, v.message, v.for_key) for v in payload.violations]
        rejection = reject(
            refused,
            payload.reason,
            detail=payload.detail,
            violations=violations,
            producer="sre-domain",
            current_version=4,
            correlation_id=common["correlation_id"],
            traceparent=common["traceparent"],
            tracestate=common["tracestate"],
            actor=common["actor"],
            occurred_at=common["occurred_at"],
            message_id=common["message_id"],
        )
        rejection.intent_rejected.CopyFrom(payload)
        return rejection
    if envelope_type is facts_pb2.SreDomainFact:
        return new_fact(
            cast(DomainFactPayload, payload),
            producer="sre-domain",
            aggregate_id=AGGREGATE_IDS[info.aggregate_type],
            aggregate_version=1 if info.creates_aggregate else 4,
            tenant_id=TENANT_ID,
            **common,
        )
    return new_process_fact(
        cast(ProcessFactPayload, payload),
        producer="sre-process",
        workflow_id=WORKFLOW_ID,
        incident_id=INCIDENT_ID,
        run_id=stable_uuid("run"),
        sequence=info.field_number,
        tenant_id=TENANT_ID,
        **common,
    )


def examples(envelope_type: type[M]) -> list[M]:
    """One valid envelope of `envelope_type` per oneof case, in field-number order."""
    built: list[M] = []
    for payload in topic_of(envelope_type).payload_types:
        envelope = example_envelope(example(payload))
        if not isinstance(envelope, envelope_type):
            raise UnknownTopicError(f"{envelope_type.__name__} is a payload type, not an envelope type")
        built.append(envelope)
    return built


def variants() -> list[Envelope]:
    """Valid envelopes that set what `examples` leaves unset: every other member of each oneof.

    SLO windows and indicators in all their shapes, and a process fact of a
    workflow that serves no incident. Together with `examples` and
    `query_example`, every field of the contract is set somewhere.
    """
    built: list[Envelope] = [example_envelope(intents_pb2.CreateSLORequested(slo=slo)) for slo in slo_variants()]
    change_verification = example_envelope(example(process_facts_pb2.VerificationStarted))
    if isinstance(change_verification, process_facts_pb2.SreProcessFact):
        change_verification.subject.workflow_type = "ChangeVerificationProcess"
        change_verification.subject.ClearField("incident_id")
    built.append(change_verification)
    return built
