"""What the ticketing adapters (Jira, GitHub Issues) share: the incident's label, people, times, the link back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import LinkIncidentExternalRefRequested, SreDomainIntent
from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts.adapters._common import canonical_uuid, checked, derived_id, require_text
from ameide_sre_contracts.adapters._json import Node
from ameide_sre_contracts.envelopes import Envelope, new_intent

INCIDENT_LABEL_PREFIX: Final = "sre-incident-"
"""A ticket this package opens carries the label `sre-incident-<incident id>` (49 characters, within GitHub's 50):
how a webhook about the ticket finds its incident again without a lookup table."""

_MILLIS: Final = (0, 253402300799999)  # the contract's instants, in milliseconds since the epoch
_ACTOR_TEXT: Final = field_rules(sre_pb2.SreActor.DESCRIPTOR.fields_by_name["id"]).string.max_len


def incident_label(incident_id: str) -> str:
    """The label that ties a ticket to its incident."""
    return INCIDENT_LABEL_PREFIX + incident_id


def incident_from_labels(labels: Iterable[str]) -> str | None:
    """The incident id an `incident_label` names, when one of `labels` is one."""
    for label in labels:
        if label.startswith(INCIDENT_LABEL_PREFIX):
            found = canonical_uuid(label.removeprefix(INCIDENT_LABEL_PREFIX))
            if found:
                return found
    return None


def person(system: str, key: str, name: str) -> sre_pb2.SreActor:
    """A person of another system: `system:key` as id, the name shown there as display name."""
    return sre_pb2.SreActor(
        kind=sre_pb2.SRE_ACTOR_KIND_PERSON, id=f"{system}:{key}"[:_ACTOR_TEXT], display_name=(name or key)[:256]
    )


def millis(node: Node) -> Timestamp | None:
    """An instant sent as milliseconds since the epoch; None when absent."""
    value = node.integer(_MILLIS, default=-1)
    if value < 0:
        return None
    return Timestamp(seconds=value // 1000, nanos=value % 1000 * 1_000_000)


def ignored_sender(key: str, ignore: Collection[str]) -> bool:
    """Whether the event was made by the integration itself (its own comment or change coming back)."""
    return bool(key) and key in ignore


def external_ref_link(
    system: incident_pb2.ExternalSystem.ValueType,
    ticket_id: str,
    url: str,
    *,
    incident_id: str,
    tenant_id: str,
    producer: str,
    causation: Envelope | None,
    path: str,
) -> SreDomainIntent:
    """The intent that records a ticket as the incident's counterpart, once its system has answered."""
    require_text(incident_id, "incident_id")
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    ref = incident_pb2.ExternalRef(system=system, id=ticket_id, url=url)
    intent = new_intent(
        LinkIncidentExternalRefRequested(external_ref=ref),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=incident_id,
        message_id=derived_id("external-ref", str(system), tenant_id, incident_id, ticket_id, url),
        causation=causation,
    )
    return checked(intent, path, "a ticket reference")
