"""Typed helpers over the Ameide SRE v1 contract (`ameide_core_proto.sre`).

Example:
    import ameide_sre_contracts as sre

    fact = sre.new_fact(payload, tenant_id="acme", producer="sre-domain",
                        aggregate_id=incident_id, aggregate_version=1)
    data = sre.encode(fact)
    again = sre.decode(sre.DOMAIN_FACTS_TOPIC, data)
"""

from ameide_core_proto.sre._payloads import DomainFactPayload, DomainIntentPayload, ProcessFactPayload
from ameide_sre_contracts._version import __version__
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode, encode, from_json, to_json
from ameide_sre_contracts.envelopes import Envelope, new_fact, new_intent, new_process_fact, payload_of, reject
from ameide_sre_contracts.errors import (
    AdapterInputError,
    ContractDefinitionError,
    ContractError,
    DecodeError,
    DuplicateHandlerError,
    FactNotApplicableError,
    InvalidArgumentError,
    NewerContractError,
    PageTokenError,
    PayloadTypeError,
    SignatureError,
    UnboundedFieldError,
    UnhandledPayloadError,
    UnknownEnumValueError,
    UnknownPayloadError,
    UnknownTopicError,
    ValidationError,
    Violation,
    WrongTopicError,
    violation_order,
)
from ameide_sre_contracts.routing import Router, SeenMessages, VersionCheck, check_version, dedupe_key
from ameide_sre_contracts.topics import (
    CONTRACT_VERSION,
    DOMAIN_FACTS_TOPIC,
    DOMAIN_INTENTS_TOPIC,
    ENVELOPE_TOPICS,
    PAYLOADS,
    PROCESS_FACTS_TOPIC,
    TOPICS,
    PayloadInfo,
    Topic,
    envelope_type,
    payload_info,
    topic_of,
)
from ameide_sre_contracts.validation import validate, violations
from ameide_sre_contracts.vocabulary import (
    ACKNOWLEDGEABLE_STATUSES,
    INCIDENT_TRANSITIONS,
    SEVERITY_ALIASES,
    can_transition,
    incident_transitions,
    severity_from_label,
    status_after_acknowledgement,
)

__all__ = [
    "ACKNOWLEDGEABLE_STATUSES",
    "CONTRACT_VERSION",
    "DEFAULT_MAX_BYTES",
    "DOMAIN_FACTS_TOPIC",
    "DOMAIN_INTENTS_TOPIC",
    "ENVELOPE_TOPICS",
    "INCIDENT_TRANSITIONS",
    "PAYLOADS",
    "PROCESS_FACTS_TOPIC",
    "SEVERITY_ALIASES",
    "TOPICS",
    "AdapterInputError",
    "ContractDefinitionError",
    "ContractError",
    "DecodeError",
    "DomainFactPayload",
    "DomainIntentPayload",
    "DuplicateHandlerError",
    "Envelope",
    "FactNotApplicableError",
    "InvalidArgumentError",
    "NewerContractError",
    "PageTokenError",
    "PayloadInfo",
    "PayloadTypeError",
    "ProcessFactPayload",
    "Router",
    "SeenMessages",
    "SignatureError",
    "Topic",
    "UnboundedFieldError",
    "UnhandledPayloadError",
    "UnknownEnumValueError",
    "UnknownPayloadError",
    "UnknownTopicError",
    "ValidationError",
    "VersionCheck",
    "Violation",
    "WrongTopicError",
    "__version__",
    "can_transition",
    "check_version",
    "decode",
    "dedupe_key",
    "encode",
    "envelope_type",
    "from_json",
    "incident_transitions",
    "new_fact",
    "new_intent",
    "new_process_fact",
    "payload_info",
    "payload_of",
    "reject",
    "severity_from_label",
    "status_after_acknowledgement",
    "to_json",
    "topic_of",
    "validate",
    "violation_order",
    "violations",
]
