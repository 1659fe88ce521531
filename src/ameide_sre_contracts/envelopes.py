"""Build envelopes with correct metadata; read their payloads back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeAlias, TypedDict, TypeVar, Unpack, overload

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre._payloads import DomainFactPayload, DomainIntentPayload, ProcessFactPayload
from ameide_core_proto.sre.core.v1.facts_pb2 import (
    INTENT_REJECTION_REASON_INVALID,
    IntentRejected,
    IntentRejectionReason,
    IntentViolation,
    SreDomainFact,
)
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_core_proto.sre.core.v1.sre_pb2 import SreActor, SreMessageMeta
from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts._precheck import MAX_VIOLATIONS
from ameide_sre_contracts.errors import (
    InvalidArgumentError,
    PayloadTypeError,
    UnknownTopicError,
    Violation,
    printable,
    violation_order,
)
from ameide_sre_contracts.topics import CONTRACT_VERSION, ENVELOPE_TOPICS, PAYLOADS, newer_case, required_case

Envelope: TypeAlias = SreDomainIntent | SreDomainFact | SreProcessFact
"""Any of the three envelopes."""

TimeLike: TypeAlias = datetime | Timestamp
E = TypeVar("E", SreDomainIntent, SreDomainFact, SreProcessFact)


def _timestamp(value: TimeLike | None) -> Timestamp:
    stamp = Timestamp()
    if value is None:
        stamp.FromDatetime(datetime.now(UTC))
    elif isinstance(value, Timestamp):
        stamp.CopyFrom(value)
    else:
        if value.tzinfo is None:
            raise InvalidArgumentError("occurred_at must be timezone-aware (a naive datetime has no defined instant)")
        stamp.FromDatetime(value)
    return stamp


class MetaOptions(TypedDict, total=False):
    """Optional metadata every builder accepts, by keyword."""

    correlation_id: str | None
    """Groups the messages of one flow; defaults to the causing message's correlation (or id)."""
    causation: Envelope | None
    """The envelope that caused this one."""
    traceparent: str | None
    """W3C `traceparent` of the producing span."""
    tracestate: str | None
    """W3C `tracestate` accompanying `traceparent`."""
    actor: SreActor | None
    """Who caused the change."""
    occurred_at: TimeLike | None
    """When the change happened (timezone-aware); defaults to now."""
    message_id: str | None
    """The idempotency key; defaults to a fresh UUID."""


def _meta(tenant_id: str, producer: str, options: MetaOptions) -> SreMessageMeta:
    import uuid  # on first use: the module costs more to import than the package's own code

    meta = SreMessageMeta(
        message_id=options.get("message_id") or str(uuid.uuid4()),
        tenant_id=tenant_id,
        producer=producer,
        schema_version=CONTRACT_VERSION,
        traceparent=options.get("traceparent") or "",
        tracestate=options.get("tracestate") or "",
    )
    meta.occurred_at.CopyFrom(_timestamp(options.get("occurred_at")))
    causation = options.get("causation")
    if causation is not None:
        parent = causation.meta
        meta.causation_id = parent.message_id
        meta.correlation_id = parent.correlation_id or parent.message_id
    correlation_id = options.get("correlation_id")
    if correlation_id is not None:
        meta.correlation_id = correlation_id
    actor = options.get("actor")
    if actor is not None:
        meta.actor.CopyFrom(actor)
    return meta


def _envelope(envelope_type: type[E], payload: Message, tenant_id: str, producer: str, options: MetaOptions) -> E:
    """A new envelope with `payload` in the case its type picks, and metadata filled in."""
    topic = ENVELOPE_TOPICS[envelope_type]
    info = PAYLOADS.get(type(payload))
    if info is None or info.topic is not topic:
        where = f"a payload of {info.topic.envelope_type.__name__}" if info else "not a payload of any envelope"
        raise PayloadTypeError(f"{type(payload).__name__} cannot go in {envelope_type.__name__}: it is {where}")
    envelope = envelope_type()
    getattr(envelope, info.case).CopyFrom(payload)
    envelope.meta.CopyFrom(_meta(tenant_id, producer, options))
    return envelope


def new_intent(
    payload: DomainIntentPayload,
    *,
    tenant_id: str,
    producer: str,
    aggregate_id: str,
    expected_version: int = 0,
    **options: Unpack[MetaOptions],
) -> SreDomainIntent:
    """An intent carrying `payload`; the payload's type picks the oneof case.

    `expected_version` is the aggregate version the sender expects (0 to
    create). `causation` is the envelope that caused this one: its
    `message_id` becomes `causation_id` and its correlation id (or, when it has
    none, its `message_id`) becomes `correlation_id`. `message_id` defaults to
    a fresh UUID, `occurred_at` to now (UTC), `schema_version` to the contract
    version and `subject.aggregate_type` to the payload's aggregate. See
    `MetaOptions` for the other keywords.

    Raises:
        PayloadTypeError: `payload` is not an intent payload.
    """
    envelope = _envelope(SreDomainIntent, payload, tenant_id, producer, options)
    envelope.subject.aggregate_type = PAYLOADS[type(payload)].aggregate_type
    envelope.subject.aggregate_id = aggregate_id
    envelope.subject.aggregate_version = expected_version
    return envelope


def new_fact(
    payload: DomainFactPayload,
    *,
    tenant_id: str,
    producer: str,
    aggregate_id: str,
    aggregate_version: int,
    **options: Unpack[MetaOptions],
) -> SreDomainFact:
    """A domain fact carrying `payload`; `aggregate_version` is the version after the change (1 or more).

    Metadata defaults as for `new_intent`.

    Raises:
        PayloadTypeError: `payload` is not a domain fact payload, or reports an intent's outcome (use `reject`).
    """
    info = PAYLOADS.get(type(payload))
    if info is not None and info.reports_outcome:
        raise PayloadTypeError(f"{type(payload).__name__} reports a refused intent: build it with reject(intent, ...)")
    envelope = _envelope(SreDomainFact, payload, tenant_id, producer, options)
    envelope.subject.aggregate_type = PAYLOADS[type(payload)].aggregate_type
    envelope.subject.aggregate_id = aggregate_id
    envelope.subject.aggregate_version = aggregate_version
    return envelope


def new_process_fact(
    payload: ProcessFactPayload,
    *,
    tenant_id: str,
    producer: str,
    workflow_id: str,
    incident_id: str = "",
    workflow_type: str = "IncidentTriageProcess",
    run_id: str | None = None,
    sequence: int = 0,
    **options: Unpack[MetaOptions],
) -> SreProcessFact:
    """A process fact carrying `payload` for one workflow instance.

    `incident_id` is the incident the workflow serves: required for the
    `IncidentTriageProcess` (the default), empty for a workflow that serves
    none (change verification, SLO burn). `sequence` numbers the workflow's
    facts from 1, so consumers can order and deduplicate them
    (`check_version`). Metadata defaults as for `new_intent`.

    Raises:
        PayloadTypeError: `payload` is not a process fact payload.
    """
    envelope = _envelope(SreProcessFact, payload, tenant_id, producer, options)
    envelope.subject.workflow_type = workflow_type
    envelope.subject.workflow_id = workflow_id
    envelope.subject.incident_id = incident_id
    envelope.subject.run_id = run_id or ""
    envelope.subject.sequence = sequence
    return envelope


@overload
def payload_of(envelope: SreDomainIntent) -> DomainIntentPayload: ...
@overload
def payload_of(envelope: SreDomainFact) -> DomainFactPayload: ...
@overload
def payload_of(envelope: SreProcessFact) -> ProcessFactPayload: ...
@overload
def payload_of(envelope: Message) -> Message: ...
def payload_of(envelope: Message) -> Message:
    """The payload message set in an envelope's oneof.

    Raises:
        UnknownTopicError: `envelope` is not an SRE envelope.
        UnknownPayloadError: no known case is set (empty, or a case newer than this version).
    """
    topic = ENVELOPE_TOPICS.get(type(envelope))
    if topic is None:
        raise UnknownTopicError(f"{type(envelope).__name__} is not an SRE envelope")
    payload: Message = getattr(envelope, required_case(envelope, topic))
    return payload


def _bounded(text: str, owner: type[Message], field: str) -> str:
    """`text` made printable (controls and lone surrogates escaped) and cut to the field's `string.max_len` rule."""
    limit = field_rules(owner.DESCRIPTOR.fields_by_name[field]).string.max_len
    shown = printable(text)
    return shown[:limit] if limit else shown


def reject(
    intent: SreDomainIntent,
    reason: IntentRejectionReason.ValueType,
    *,
    detail: str,
    producer: str,
    current_version: int,
    violations: Iterable[Violation] = (),
    **options: Unpack[MetaOptions],
) -> SreDomainFact:
    """The `IntentRejected` fact that tells an intent's sender the domain refused it, and why.

    Its subject is the intent's aggregate at `current_version`, the version
    the domain holds (0 when the aggregate does not exist), which it does not
    advance: `check_version` answers OUTCOME for it. `causation_id` is the
    intent's message id and `correlation_id` its correlation; the trace
    context continues the intent's unless given. `violations` (reason
    INVALID, for example a `ValidationError`'s) are kept in
    `violation_order`, at most 100, their texts and `detail` made printable and
    cut to the contract's bounds. An intent of a case newer than this version (reason
    UNSUPPORTED) is named by its field number alone.

    Example:
        sre.reject(intent, facts_pb2.INTENT_REJECTION_REASON_ILLEGAL_TRANSITION,
                   detail="a closed incident cannot be resolved", producer="sre-domain", current_version=7)

    Raises:
        PayloadTypeError: `intent` is not an intent envelope.
        InvalidArgumentError: `current_version` is negative, `detail` is empty, `causation` is given, violations
            are given for a reason other than INVALID (or none for INVALID), or the intent carries no case at all.
    """
    if not isinstance(intent, SreDomainIntent):
        raise PayloadTypeError(f"reject takes the refused SreDomainIntent, not {type(intent).__name__}")
    if "causation" in options:
        raise InvalidArgumentError("a rejection's causation is the refused intent; do not pass causation")
    if current_version < 0:
        raise InvalidArgumentError(f"current_version cannot be negative ({current_version})")
    if not detail:
        raise InvalidArgumentError("detail must say why the intent was refused")
    listed = sorted(violations, key=violation_order)[:MAX_VIOLATIONS]
    invalid = reason == INTENT_REJECTION_REASON_INVALID
    if invalid != bool(listed):
        raise InvalidArgumentError("violations are given when, and only when, the reason is INVALID")
    topic = ENVELOPE_TOPICS[SreDomainIntent]
    case = intent.WhichOneof("intent")
    number = PAYLOADS[type(getattr(intent, case))].field_number if case else newer_case(intent, topic)
    if number is None:
        raise InvalidArgumentError("the intent carries no payload case to report on")
    payload = IntentRejected(
        intent_case=case or "",
        intent_field_number=number,
        reason=reason,
        detail=_bounded(detail, IntentRejected, "detail"),
        expected_version=intent.subject.aggregate_version,
        violations=[
            IntentViolation(
                field_path=_bounded(v.field_path, IntentViolation, "field_path"),
                rule_id=_bounded(v.rule_id, IntentViolation, "rule_id"),
                message=_bounded(v.message, IntentViolation, "message"),
                for_key=v.for_key,
            )
            for v in listed
        ],
    )
    meta_options: MetaOptions = {
        "traceparent": intent.meta.traceparent or None,
        "tracestate": intent.meta.tracestate or None,
        **options,
        "causation": intent,
    }
    envelope = _envelope(SreDomainFact, payload, intent.meta.tenant_id, producer, meta_options)
    envelope.subject.aggregate_type = intent.subject.aggregate_type
    envelope.subject.aggregate_id = intent.subject.aggregate_id
    envelope.subject.aggregate_version = current_version
    return envelope
