"""Typed helpers over the Ameide SRE v1 contract (`ameide_core_proto.sre`).

Example:
    import ameide_sre_contracts as sre

    fact = sre.new_fact(payload, tenant_id="acme", producer="sre-domain",
                        aggregate_id=incident_id, aggregate_version=1)
    data = sre.encode(fact)
    again = sre.decode(sre.DOMAIN_FACTS_TOPIC, data)
"""

from typing import Any

from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode, encode, from_json, to_json
from ameide_sre_contracts.envelopes import Envelope, new_fact, new_intent, new_process_fact, payload_of
from ameide_sre_contracts.errors import (
    ContractError,
    DecodeError,
    PayloadTypeError,
    UnknownPayloadError,
    UnknownTopicError,
    ValidationError,
    Violation,
)
from ameide_sre_contracts.routing import Router, UnhandledPayloadError, VersionCheck, check_version
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


def __getattr__(name: str) -> Any:
    # The distribution's version, looked up on first use: importlib.metadata
    # alone would double the package's import time.
    if name == "__version__":
        from importlib.metadata import version

        return version("ameide-sre-contracts")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONTRACT_VERSION",
    "DEFAULT_MAX_BYTES",
    "DOMAIN_FACTS_TOPIC",
    "DOMAIN_INTENTS_TOPIC",
    "ENVELOPE_TOPICS",
    "PAYLOADS",
    "PROCESS_FACTS_TOPIC",
    "TOPICS",
    "ContractError",
    "DecodeError",
    "Envelope",
    "PayloadInfo",
    "PayloadTypeError",
    "Router",
    "Topic",
    "UnhandledPayloadError",
    "UnknownPayloadError",
    "UnknownTopicError",
    "ValidationError",
    "VersionCheck",
    "Violation",
    "check_version",
    "decode",
    "encode",
    "envelope_type",
    "from_json",
    "new_fact",
    "new_intent",
    "new_process_fact",
    "payload_info",
    "payload_of",
    "to_json",
    "topic_of",
    "validate",
    "violations",
]
