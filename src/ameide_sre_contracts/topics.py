"""Tables derived once, at import, from the contract's descriptors and custom options.

Nothing here is kept by hand: topics come from each envelope's `(sre).topic`
option, payload types and oneof cases from the envelopes' oneofs, CloudEvents
types from each payload's `(sre).event_type`, and aggregates from its
`(sre).aggregate_type`, `creates_aggregate`, `aggregate_id_field` and
`reports_outcome`.
A case added to the proto appears here without a code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, overload

from google.protobuf import unknown_fields
from google.protobuf.descriptor import FieldDescriptor, OneofDescriptor
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts.errors import ContractDefinitionError, UnknownPayloadError, UnknownTopicError, shown

_ENVELOPE_MODULES = (intents_pb2, facts_pb2, process_facts_pb2)


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic family and the one envelope type that travels on it."""

    name: str
    envelope_type: type[Message]
    payload_types: tuple[type[Message], ...]
    oneof: str
    min_aggregate_version: int = 0

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class PayloadInfo:
    """What the contract says about one payload type."""

    topic: Topic
    payload_type: type[Message]
    case: str
    field_number: int
    event_type: str
    aggregate_type: str
    creates_aggregate: bool
    aggregate_id_field: tuple[str, ...] = ()
    """The path of the payload field holding the aggregate's id (empty when the payload names none)."""
    reports_outcome: bool = False
    """It reports what became of an intent (`IntentRejected`): any aggregate, whose version it does not advance."""


def sre_options(descriptor: Any) -> sre_pb2.SreMessageOptions:
    """A message's `(sre)` option (empty when it declares none)."""
    options = descriptor.GetOptions()
    declared: sre_pb2.SreMessageOptions = options.Extensions[sre_pb2.sre]
    return declared


def _field_path(descriptor: Any, dotted: str) -> tuple[str, ...]:
    """A dotted field path checked against the descriptors: it must end in a string field."""
    if not dotted:
        return ()
    current = descriptor
    names = tuple(dotted.split("."))
    for index, name in enumerate(names):
        field = current.fields_by_name.get(name)
        if field is None:
            raise ContractDefinitionError(
                f"{descriptor.full_name}: aggregate_id_field {dotted!r} names no field {name!r}"
            )
        last = index == len(names) - 1
        if last != (field.message_type is None) or field.is_repeated:
            raise ContractDefinitionError(
                f"{descriptor.full_name}: aggregate_id_field {dotted!r} must lead to a singular string"
            )
        current = field.message_type
    return names


def _payload_oneof(envelope: Any) -> OneofDescriptor:
    oneofs: list[OneofDescriptor] = list(envelope.oneofs)
    if len(oneofs) != 1:
        raise ContractDefinitionError(f"envelope {envelope.full_name} must have exactly one oneof, has {len(oneofs)}")
    return oneofs[0]


def _class(field: FieldDescriptor, module_classes: Mapping[str, type[Message]]) -> type[Message]:
    if field.message_type is None:
        raise ContractDefinitionError(f"oneof case {field.full_name} is not a message")
    return module_classes[field.message_type.full_name]


def _build() -> tuple[dict[str, Topic], dict[type[Message], PayloadInfo]]:
    classes: dict[str, type[Message]] = {}
    for module in _ENVELOPE_MODULES:
        for name in module.DESCRIPTOR.message_types_by_name:
            cls = getattr(module, name)
            classes[cls.DESCRIPTOR.full_name] = cls
    topics: dict[str, Topic] = {}
    payloads: dict[type[Message], PayloadInfo] = {}
    for full_name, envelope in classes.items():
        envelope_options = sre_options(envelope.DESCRIPTOR)
        topic_name = envelope_options.topic
        if not topic_name:
            continue
        oneof = _payload_oneof(envelope.DESCRIPTOR)
        payload_types = tuple(_class(field, classes) for field in oneof.fields)
        topic = Topic(
            topic_name,
            envelope,
            payload_types,
            oneof.name,
            envelope_options.min_aggregate_version,
        )
        if topic_name in topics:
            raise ContractDefinitionError(f"topic {topic_name} is declared by two envelopes, the second is {full_name}")
        topics[topic_name] = topic
        for field, payload in zip(oneof.fields, payload_types, strict=True):
            declared = sre_options(payload.DESCRIPTOR)
            if declared.reports_outcome and (declared.aggregate_type or declared.creates_aggregate):
                raise ContractDefinitionError(
                    f"{payload.DESCRIPTOR.full_name} reports an outcome: it belongs to no one aggregate type"
                )
            payloads[payload] = PayloadInfo(
                topic=topic,
                payload_type=payload,
                case=field.name,
                field_number=field.number,
                event_type=declared.event_type,
                aggregate_type=declared.aggregate_type,
                creates_aggregate=declared.creates_aggregate,
                aggregate_id_field=_field_path(payload.DESCRIPTOR, declared.aggregate_id_field),
                reports_outcome=declared.reports_outcome,
            )
    return topics, payloads


_TOPICS, _PAYLOADS = _build()

TOPICS: Final[Mapping[str, Topic]] = MappingProxyType(_TOPICS)
"""Every topic family by name."""

PAYLOADS: Final[Mapping[type[Message], PayloadInfo]] = MappingProxyType(_PAYLOADS)
"""Every payload type with its topic, oneof case, CloudEvents type and aggregate."""

ENVELOPE_TOPICS: Final[Mapping[type[Message], Topic]] = MappingProxyType(
    {topic.envelope_type: topic for topic in _TOPICS.values()}
)
"""Every envelope type with its topic."""

EVENT_TYPES: Final[Mapping[str, PayloadInfo]] = MappingProxyType({info.event_type: info for info in _PAYLOADS.values()})
"""Every payload's CloudEvents type, with what the contract says about it."""

DomainIntentsTopic: TypeAlias = Literal["sre.domain.intents.v1"]
DomainFactsTopic: TypeAlias = Literal["sre.domain.facts.v1"]
ProcessFactsTopic: TypeAlias = Literal["sre.process.facts.v1"]

# Spelled out so that type checkers see each topic's envelope; checked against
# the envelopes' `(sre).topic` options just below, so they cannot drift.
DOMAIN_INTENTS_TOPIC: Final = "sre.domain.intents.v1"
DOMAIN_FACTS_TOPIC: Final = "sre.domain.facts.v1"
PROCESS_FACTS_TOPIC: Final = "sre.process.facts.v1"

for _name, _envelope in (
    (DOMAIN_INTENTS_TOPIC, intents_pb2.SreDomainIntent),
    (DOMAIN_FACTS_TOPIC, facts_pb2.SreDomainFact),
    (PROCESS_FACTS_TOPIC, process_facts_pb2.SreProcessFact),
):
    if sre_options(_envelope.DESCRIPTOR).topic != _name:
        raise ContractDefinitionError(f"{_envelope.__name__} travels on {sre_options(_envelope.DESCRIPTOR).topic!r}")

CONTRACT_VERSION: Final[str] = sre_pb2.DESCRIPTOR.GetOptions().Extensions[sre_pb2.sre_file].contract_version
"""The contract's semantic version; builders put it in `meta.schema_version`."""


def topic_of(item: str | Topic | Message | type[Message]) -> Topic:
    """The topic of a topic name, an envelope or payload (message or type).

    Raises `UnknownTopicError` for anything the contract does not route.
    """
    if isinstance(item, Topic):
        return item
    if isinstance(item, str):
        try:
            return _TOPICS[item]
        except KeyError:
            raise UnknownTopicError(f"unknown topic {shown(item)}; known: {', '.join(sorted(_TOPICS))}") from None
    cls = item if isinstance(item, type) else type(item)
    topic = ENVELOPE_TOPICS.get(cls)
    if topic is not None:
        return topic
    info = _PAYLOADS.get(cls)
    if info is not None:
        return info.topic
    raise UnknownTopicError(f"{getattr(cls, '__qualname__', cls)} is neither an SRE envelope nor a payload")


def payload_info(payload: Message | type[Message]) -> PayloadInfo:
    """The contract's facts about one payload type; `UnknownTopicError` if it is not a payload."""
    cls = payload if isinstance(payload, type) else type(payload)
    try:
        return _PAYLOADS[cls]
    except KeyError:
        raise UnknownTopicError(f"{cls.__qualname__} is not a payload of any SRE envelope") from None


@overload
def envelope_type(item: DomainIntentsTopic) -> type[intents_pb2.SreDomainIntent]: ...
@overload
def envelope_type(item: DomainFactsTopic) -> type[facts_pb2.SreDomainFact]: ...
@overload
def envelope_type(item: ProcessFactsTopic) -> type[process_facts_pb2.SreProcessFact]: ...
@overload
def envelope_type(item: str | Topic | type[Message]) -> type[Message]: ...
def envelope_type(item: str | Topic | type[Message]) -> type[Message]:
    """The envelope type for a topic name, a `Topic` or an envelope type."""
    topic = topic_of(item)
    if isinstance(item, type) and item is not topic.envelope_type:
        raise UnknownTopicError(
            f"{item.__qualname__} is a payload, not an envelope; use {topic.envelope_type.__qualname__}"
        )
    return topic.envelope_type


def newer_case(envelope: Message, topic: Topic) -> int | None:
    """The field number of a oneof case newer than this version, when no known case is set.

    Payload cases are numbered from the envelope's first case (10) up; an
    unknown field below that is a newer envelope field, carried as an unknown
    field, not a case.

    Only called when `WhichOneof` finds nothing, so the hot path never walks
    unknown fields.
    """
    unknown = unknown_fields.UnknownFieldSet(envelope)
    numbers: list[int] = [unknown[index].field_number for index in range(len(unknown))]
    if not numbers:
        return None
    first_case = min(_PAYLOADS[payload].field_number for payload in topic.payload_types)
    newer = [number for number in numbers if number >= first_case]  # lower numbers are envelope fields
    return newer[0] if newer else None


def payload_case(envelope: Message, topic: Topic) -> str | None:
    """The name of the oneof case set in `envelope`, or None when no case is set at all.

    The one place that tells a known payload from a newer one: codec, envelopes
    and routing all ask here.

    Raises:
        UnknownPayloadError: the payload is a case newer than this version.
    """
    case: str | None = envelope.WhichOneof(topic.oneof)
    if case is None:
        number = newer_case(envelope, topic)
        if number is not None:
            raise UnknownPayloadError(envelope, number)
    return case


def required_case(envelope: Message, topic: Topic) -> str:
    """`payload_case`, for callers that need a payload: an envelope without one raises too.

    Raises:
        UnknownPayloadError: no case is set (`field_number` None), or a case newer than this version.
    """
    case = payload_case(envelope, topic)
    if case is None:
        raise UnknownPayloadError(envelope, None)
    return case
