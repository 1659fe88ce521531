"""Opsgenie: incident facts out as Alert API v2 requests, webhook actions in as intents.

Outbound (`requests_from_fact`): one Opsgenie alert per SRE incident, its
`alias` the incident's id, so Opsgenie deduplicates by incident and every
later request names the alert by alias (`identifierType=alias`).

| fact | request |
|---|---|
| `IncidentCreated` | `POST /v2/alerts` (message, alias, description, priority, source, entity, tags, details) |
| `IncidentAcknowledged`, `IncidentStatusChanged` to acknowledged | `POST /v2/alerts/{alias}/acknowledge` |
| `IncidentResolved`, `IncidentClosed`, a status change to resolved or closed | `POST /v2/alerts/{alias}/close` |
| `IncidentTimelineEntryAdded` | `POST /v2/alerts/{alias}/notes` |
| `IncidentSeverityChanged` | `PUT /v2/alerts/{alias}/priority` |
| any other fact | none |

Priority (`PRIORITY`): CRITICAL is `P1`, HIGH `P2`, MEDIUM `P3`, LOW `P4`,
INFO `P5`. Texts are cut to Opsgenie's limits (message 130 characters,
description 15,000, note 25,000, alias 512).

Inbound (`intents_from_webhook`), Opsgenie's webhook integration. Every
action it documents is mapped or ignored by name (`MAPPED_ACTIONS`,
`IGNORED_ACTIONS`); one it adds later is ignored, never refused:

| action | intent |
|---|---|
| `Acknowledge` | `AcknowledgeIncidentRequested` by the alert's `username` |
| `UnAcknowledge` | `AddIncidentTimelineEntryRequested` (STATUS_CHANGE) |
| `Close` | `ResolveIncidentRequested`: the alert closed is impact ended |
| `AddNote` | `AddIncidentTimelineEntryRequested` (NOTE): the note |
| `Escalate`, `EscalateToNext` | `AddIncidentTimelineEntryRequested` (ESCALATION): the escalation and whom it notified |
| `AssignOwnership` | `AssignIncidentRequested` to the alert's `owner` |
| `TakeOwnership` | `AssignIncidentRequested` to the alert's `username` |
| `UpdatePriority` | `UpdateIncidentSeverityRequested` (the priority through the aliases: `P1` is CRITICAL) |

The SRE incident is `incident_id_for(alertId)` when given; else the alert's
`alias` when it is a hyphenated UUID other than the alert id (the alias this
module sent; Opsgenie's own default alias is the alert id); else
`derived_id("opsgenie-alert", tenant, alertId)`. `message_id` is
`derived_id("opsgenie", tenant, alertId, action, updatedAt or escalationId
and repeatCount)`: a redelivered webhook dedupes. `occurred_at` is the
alert's `updatedAt` (nanoseconds since the epoch), else now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypedDict

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import (
    AcknowledgeIncidentRequested,
    AssignIncidentRequested,
    ResolveIncidentRequested,
    SreDomainIntent,
    UpdateIncidentSeverityRequested,
)
from ameide_sre_contracts.adapters._common import (
    canonical_uuid,
    checked,
    derived_id,
    timeline_entry,
    webhook_root,
)
from ameide_sre_contracts.adapters._json import Node
from ameide_sre_contracts.adapters._ticketing import person
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.vocabulary import severity_from_label

__all__ = [
    "IGNORED_ACTIONS",
    "MAPPED_ACTIONS",
    "PRIORITY",
    "OpsgenieRequest",
    "intents_from_webhook",
    "requests_from_fact",
]

PRIORITY: Final = MappingProxyType(
    {
        sre_pb2.SEVERITY_CRITICAL: "P1",
        sre_pb2.SEVERITY_HIGH: "P2",
        sre_pb2.SEVERITY_MEDIUM: "P3",
        sre_pb2.SEVERITY_LOW: "P4",
        sre_pb2.SEVERITY_INFO: "P5",
    }
)
"""`Severity` to Opsgenie's alert priority."""

MAPPED_ACTIONS: Final = frozenset(
    {
        "Acknowledge",
        "AddNote",
        "AssignOwnership",
        "Close",
        "Escalate",
        "EscalateToNext",
        "TakeOwnership",
        "UnAcknowledge",
        "UpdatePriority",
    }
)
"""The webhook actions that reach the contract."""

IGNORED_ACTIONS: Final = frozenset(
    {
        "AddDetails",
        "AddRecipient",
        "AddResponder",
        "AddTags",
        "AddTeam",
        "Create",
        "CustomAction",
        "Delete",
        "RemoveDetails",
        "RemoveTags",
        "Snooze",
        "SnoozeEnded",
        "UpdateAlias",
        "UpdateDescription",
        "UpdateMessage",
    }
)
"""The webhook actions that change nothing the contract holds: an alert Opsgenie created (the SRE incident comes
from the alert or a person), its recipients, teams, responders, tags, details, texts, snoozes and custom actions."""

MAX_MESSAGE: Final = 130
MAX_DESCRIPTION: Final = 15000
MAX_NOTE: Final = 25000
MAX_ALIAS: Final = 512
_NANOS: Final = (0, 2**63 - 1)


class OpsgenieRequest(TypedDict):
    """One Alert API v2 call: the method, the path under `https://api.opsgenie.com` (with its query), the body."""

    method: str
    path: str
    body: dict[str, Any]


def _by_alias(alias: str, action: str, body: dict[str, Any], method: str = "POST") -> OpsgenieRequest:
    return {"method": method, "path": f"/v2/alerts/{alias}/{action}?identifierType=alias", "body": body}


def _create(fact: SreDomainFact, incident: incident_pb2.Incident) -> OpsgenieRequest:
    details = {
        "incident_id": incident.incident_id,
        "tenant_id": fact.meta.tenant_id,
        "status": sre_pb2.IncidentStatus.Name(incident.status).removeprefix("INCIDENT_STATUS_").lower(),
    }
    body: dict[str, Any] = {
        "message": incident.title[:MAX_MESSAGE],
        "alias": incident.incident_id[:MAX_ALIAS],
        "priority": PRIORITY.get(incident.severity, "P3"),
        "source": fact.meta.producer,
        "details": details,
    }
    if incident.description:
        body["description"] = incident.description[:MAX_DESCRIPTION]
    if incident.affected_resources:
        body["entity"] = incident.affected_resources[0].id
        body["tags"] = sorted({resource.type for resource in incident.affected_resources})
    return {"method": "POST", "path": "/v2/alerts", "body": body}


def requests_from_fact(fact: SreDomainFact) -> list[OpsgenieRequest]:
    """The Alert API v2 requests an incident fact calls for (see the module's table); none for other facts.

    The caller sends each with its `Authorization: GenieKey ...` header.
    """
    case = fact.WhichOneof("fact")
    source = fact.meta.producer
    if case == "incident_created":
        return [_create(fact, fact.incident_created.incident)]
    if case == "incident_acknowledged":
        acknowledged = fact.incident_acknowledged
        body: dict[str, Any] = {"source": source, "user": acknowledged.acknowledged_by.display_name}
        if acknowledged.note:
            body["note"] = acknowledged.note[:MAX_NOTE]
        return [_by_alias(acknowledged.incident_id, "acknowledge", body)]
    if case in ("incident_resolved", "incident_closed"):
        ended = getattr(fact, case)
        note = ended.resolution_summary if case == "incident_resolved" else ended.closing_note
        body = {"source": source, **({"note": note[:MAX_NOTE]} if note else {})}
        return [_by_alias(ended.incident_id, "close", body)]
    if case == "incident_status_changed":
        changed = fact.incident_status_changed
        if changed.status == sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED:
            return [_by_alias(changed.incident_id, "acknowledge", {"source": source})]
        if changed.status in (sre_pb2.INCIDENT_STATUS_RESOLVED, sre_pb2.INCIDENT_STATUS_CLOSED):
            return [_by_alias(changed.incident_id, "close", {"source": source})]
        return []
    if case == "incident_timeline_entry_added":
        added = fact.incident_timeline_entry_added
        return [_by_alias(added.incident_id, "notes", {"source": source, "note": added.entry.text[:MAX_NOTE]})]
    if case == "incident_severity_changed":
        changed_severity = fact.incident_severity_changed
        priority = {"priority": PRIORITY.get(changed_severity.severity, "P3")}
        return [_by_alias(changed_severity.incident_id, "priority", priority, method="PUT")]
    return []


def _person(name: str) -> sre_pb2.SreActor:
    return person("opsgenie", name, name)


def _payload(action: str, root: Node, alert: Node, at: Timestamp | None) -> Any:
    """The intent payload an action calls for, or None when it changes nothing here."""
    username = alert["username"].text()
    if action == "Acknowledge":
        who = _person(username) if username else sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AUTOMATION, id="opsgenie")
        return AcknowledgeIncidentRequested(acknowledged_by=who, note="Acknowledged in Opsgenie")
    if action == "UnAcknowledge":
        return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_STATUS_CHANGE, "Unacknowledged in Opsgenie", at)
    if action == "Close":
        by = f" by {username}" if username else ""
        return ResolveIncidentRequested(resolution_summary=f"Closed in Opsgenie{by}")
    if action == "AddNote":
        note = alert["note"].text()
        return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_NOTE, note, at) if note.strip() else None
    if action in ("Escalate", "EscalateToNext"):
        name = root["escalationName"].text()
        notified = root["escalationNotify"]["name"].text()
        text = "Escalated in Opsgenie" + (f" by {name}" if name else "") + (f" to {notified}" if notified else "")
        return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_ESCALATION, text, at)
    if action in ("AssignOwnership", "TakeOwnership"):
        owner = alert["owner"].text() if action == "AssignOwnership" else username
        if not owner:
            return None
        return AssignIncidentRequested(assignee=_person(owner), reason=f"{action} in Opsgenie")
    if action == "UpdatePriority":
        priority = alert["priority"].text() if isinstance(alert["priority"].value, str) else ""
        severity = severity_from_label(priority)
        if severity == sre_pb2.SEVERITY_UNSPECIFIED:
            return None
        return UpdateIncidentSeverityRequested(severity=severity, reason=f"Opsgenie priority set to {priority}")
    return None


def _updated_at(node: Node) -> Timestamp | None:
    nanos = node.integer(_NANOS, default=-1)
    if nanos < 0:
        return None
    return Timestamp(seconds=nanos // 1_000_000_000, nanos=nanos % 1_000_000_000)


def intents_from_webhook(
    body: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    incident_id_for: Callable[[str], str | None] | None = None,
) -> list[SreDomainIntent]:
    """The intent an Opsgenie webhook action calls for (see the module's table), or none.

    Raises:
        AdapterInputError: not an Opsgenie webhook, or a mapped action that does not fit the contract.
    """
    root = webhook_root(body, tenant_id, producer)
    action = root["action"].required_text()
    if action not in MAPPED_ACTIONS:
        return []  # one of IGNORED_ACTIONS, or one Opsgenie added since
    alert = root["alert"]
    alert.required_mapping()
    alert_id = alert["alertId"].required_text()
    alias = alert["alias"].text()
    at = _updated_at(alert["updatedAt"])
    payload = _payload(action, root, alert, at)
    if payload is None:
        return []
    incident_id = (
        (incident_id_for(alert_id) if incident_id_for else None)
        or (canonical_uuid(alias) if alias != alert_id else None)  # Opsgenie's default alias is the alert id
        or derived_id("opsgenie-alert", tenant_id, alert_id)
    )
    moment = (
        str(at.ToNanoseconds())
        if at is not None
        else "/".join((root["escalationId"].text(), str(root["repeatCount"].integer((0, 2**31 - 1)))))
    )
    username = alert["username"].text()
    intent = new_intent(
        payload,
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=incident_id,
        message_id=derived_id("opsgenie", tenant_id, alert_id, action, moment),
        occurred_at=at,
        actor=_person(username) if username else None,
    )
    return [checked(intent, root.path, "an Opsgenie alert action")]
