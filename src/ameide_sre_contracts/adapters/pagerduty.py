"""PagerDuty: incident facts out as Events API v2 bodies, webhook v3 incident events in as intents.

Outbound (`events_from_fact`), the direction the integration document
describes: the incident's id is the `dedup_key`, so PagerDuty keeps one
incident per SRE incident.

| fact | event_action |
|---|---|
| `IncidentCreated` | `trigger` (summary, severity, source, timestamp, component, group, links, custom details) |
| `IncidentAcknowledged`, `IncidentStatusChanged` to acknowledged | `acknowledge` |
| `IncidentResolved`, `IncidentClosed`, `IncidentStatusChanged` to resolved or closed | `resolve` |
| any other fact | none |

Severity: CRITICAL is `critical`, HIGH `error`, MEDIUM `warning`, LOW and
INFO `info` (PagerDuty's four).

Inbound (`intents_from_webhook`), for webhook v3 (`{"event": {...}}`). Every
`incident.*` event type PagerDuty documents is mapped or ignored by name
(`MAPPED_EVENTS`, `IGNORED_EVENTS`); one it adds later is ignored too, never
refused:

| event_type | intent |
|---|---|
| `incident.acknowledged` | `AcknowledgeIncidentRequested` by the event's agent |
| `incident.resolved` | `ResolveIncidentRequested` (PagerDuty's resolve reason, else who resolved it) |
| `incident.reopened` | `TransitionIncidentStatusRequested` to investigating (a resolved incident reopened) |
| `incident.unacknowledged` | `AddIncidentTimelineEntryRequested` (STATUS_CHANGE): the acknowledgement timed out there |
| `incident.reassigned`, `incident.delegated` | `AssignIncidentRequested` to the first assignee |
| `incident.escalated` | `AddIncidentTimelineEntryRequested` of kind ESCALATION |
| `incident.priority_updated` | `UpdateIncidentSeverityRequested` (the priority through the aliases: `P1` is CRITICAL) |
| `incident.annotated` | `AddIncidentTimelineEntryRequested` (NOTE): the note |
| `incident.status_update_published` | `AddIncidentTimelineEntryRequested` (COMMUNICATION): the update |
| every other `incident.*` event | none |

The SRE incident is found in this order: `incident_id_for(pagerduty_id)`
when given; the PagerDuty incident's `incident_key` when it is a UUID in
its canonical hyphenated spelling (the `dedup_key` this module sent:
PagerDuty's own keys are 32 hex digits, which are not taken for one); else
`derived_id("pagerduty-incident", tenant, pagerduty_id)`, so an incident
first seen in PagerDuty gets the same id wherever it is mapped, whatever its
payload carries. The PagerDuty incident is `data` itself, or `data.incident`
for events about a part of it (notes, status updates, responders).
`message_id` is `derived_id("pagerduty", tenant, event id)`: a redelivered
webhook dedupes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import (
    AcknowledgeIncidentRequested,
    AssignIncidentRequested,
    ResolveIncidentRequested,
    SreDomainIntent,
    TransitionIncidentStatusRequested,
    UpdateIncidentSeverityRequested,
)
from ameide_sre_contracts._rfc3339 import rfc3339
from ameide_sre_contracts.adapters._common import (
    canonical_uuid,
    checked,
    derived_id,
    timeline_entry,
    webhook_root,
)
from ameide_sre_contracts.adapters._json import Node
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.vocabulary import severity_from_label

EVENTS_API_SEVERITY: Final = MappingProxyType(
    {
        sre_pb2.SEVERITY_CRITICAL: "critical",
        sre_pb2.SEVERITY_HIGH: "error",
        sre_pb2.SEVERITY_MEDIUM: "warning",
        sre_pb2.SEVERITY_LOW: "info",
        sre_pb2.SEVERITY_INFO: "info",
    }
)
"""`Severity` to the Events API's `payload.severity`."""

MAX_SUMMARY: Final = 1024
"""The Events API truncates `payload.summary` here; longer titles are cut the same way."""


def _trigger(fact: SreDomainFact, incident: incident_pb2.Incident) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "summary": incident.title[:MAX_SUMMARY],
        "severity": EVENTS_API_SEVERITY.get(incident.severity, "error"),
        "source": incident.affected_resources[0].id if incident.affected_resources else fact.meta.producer,
        "timestamp": rfc3339(incident.created_at),
        "custom_details": {
            "incident_id": incident.incident_id,
            "tenant_id": fact.meta.tenant_id,
            "status": sre_pb2.IncidentStatus.Name(incident.status).removeprefix("INCIDENT_STATUS_").lower(),
            "source": incident_pb2.IncidentSource.Name(incident.source).removeprefix("INCIDENT_SOURCE_").lower(),
        },
    }
    if incident.description:
        payload["custom_details"]["description"] = incident.description
    if incident.correlated_alert_ids:
        payload["custom_details"]["alert_ids"] = list(incident.correlated_alert_ids)
    if incident.affected_resources:
        first = incident.affected_resources[0]
        payload["component"] = first.id
        if first.namespace or first.cluster:
            payload["group"] = "/".join(part for part in (first.cluster, first.namespace) if part)
        payload["class"] = first.type
        payload["custom_details"]["affected_resources"] = [
            "/".join(part for part in (resource.cluster, resource.namespace, resource.type, resource.id) if part)
            for resource in incident.affected_resources
        ]
    body: dict[str, Any] = {"event_action": "trigger", "dedup_key": incident.incident_id, "payload": payload}
    links = [
        {
            "href": ref.url,
            "text": f"{incident_pb2.ExternalSystem.Name(ref.system).removeprefix('EXTERNAL_SYSTEM_')} {ref.id}",
        }
        for ref in incident.external_refs
        if ref.url
    ]
    if links:
        body["links"] = links
    return body


def _action(action: str, incident_id: str) -> dict[str, Any]:
    return {"event_action": action, "dedup_key": incident_id}


def events_from_fact(fact: SreDomainFact, *, routing_key: str | None = None) -> list[dict[str, Any]]:
    """The PagerDuty Events API v2 bodies an incident fact calls for (none for other facts).

    `routing_key` (the integration key) is added to each body when given;
    otherwise the caller adds it.
    """
    case = fact.WhichOneof("fact")
    bodies: list[dict[str, Any]] = []
    if case == "incident_created":
        bodies.append(_trigger(fact, fact.incident_created.incident))
    elif case == "incident_acknowledged":
        bodies.append(_action("acknowledge", fact.incident_acknowledged.incident_id))
    elif case in ("incident_resolved", "incident_closed"):
        bodies.append(_action("resolve", getattr(fact, case).incident_id))
    elif case == "incident_status_changed":
        changed = fact.incident_status_changed
        if changed.status == sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED:
            bodies.append(_action("acknowledge", changed.incident_id))
        elif changed.status in (sre_pb2.INCIDENT_STATUS_RESOLVED, sre_pb2.INCIDENT_STATUS_CLOSED):
            bodies.append(_action("resolve", changed.incident_id))
    if routing_key:
        for body in bodies:
            body["routing_key"] = routing_key
    return bodies


MAPPED_EVENTS: Final = frozenset(
    {
        "incident.acknowledged",
        "incident.annotated",
        "incident.delegated",
        "incident.escalated",
        "incident.priority_updated",
        "incident.reassigned",
        "incident.reopened",
        "incident.resolved",
        "incident.status_update_published",
        "incident.unacknowledged",
    }
)
"""The webhook v3 incident events that reach the contract."""

IGNORED_EVENTS: Final = frozenset(
    {
        "incident.action_invocation.created",
        "incident.action_invocation.terminated",
        "incident.action_invocation.updated",
        "incident.conference_bridge.updated",
        "incident.custom_field_values.updated",
        "incident.incident_type.changed",
        "incident.responder.added",
        "incident.responder.replied",
        "incident.role.assigned",
        "incident.service_updated",
        "incident.task.completed",
        "incident.task.created",
        "incident.task.updated",
        "incident.title_updated",
        "incident.triggered",
        "incident.urgency_updated",
        "incident.workflow.completed",
        "incident.workflow.started",
    }
)
"""The webhook v3 incident events (documented, early access, or seen delivered) that change nothing the contract
holds: an incident PagerDuty created (the SRE incident comes from the alert or a person), its responders, bridge,
custom fields, type, roles, tasks, title, urgency, service move, automation actions and workflows."""


def _actor(agent: Node) -> sre_pb2.SreActor:
    kind = agent["type"].text()
    person = kind in ("user_reference", "user")
    return sre_pb2.SreActor(
        kind=sre_pb2.SRE_ACTOR_KIND_PERSON if person else sre_pb2.SRE_ACTOR_KIND_AUTOMATION,
        id=f"pagerduty:{agent['id'].text() or 'unknown'}",
        display_name=agent["summary"].text(),
    )


def _payload(event_type: str, data: Node, actor: sre_pb2.SreActor | None, occurred_at: Timestamp) -> Any:
    """The intent payload an incident event calls for, or None when it changes nothing here."""
    link = data["html_url"].text()
    if event_type == "incident.acknowledged":
        return AcknowledgeIncidentRequested(
            acknowledged_by=actor or sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AUTOMATION, id="pagerduty"),
            note=f"Acknowledged in PagerDuty: {link}" if link else "Acknowledged in PagerDuty",
        )
    if event_type == "incident.resolved":
        reason = data["resolve_reason"]
        text = reason.text() if isinstance(reason.value, str) else reason["message"].text() if reason.present else ""
        who = f" by {actor.display_name}" if actor and actor.display_name else ""
        return ResolveIncidentRequested(resolution_summary=text or f"Resolved in PagerDuty{who}")
    if event_type == "incident.reopened":
        return TransitionIncidentStatusRequested(
            status=sre_pb2.INCIDENT_STATUS_INVESTIGATING,
            reason=f"Reopened in PagerDuty: {link}" if link else "Reopened",
        )
    if event_type == "incident.unacknowledged":
        return timeline_entry(
            incident_pb2.TIMELINE_ENTRY_KIND_STATUS_CHANGE,
            "Unacknowledged in PagerDuty: the acknowledgement timed out and responders are notified again",
            occurred_at,
        )
    if event_type in ("incident.reassigned", "incident.delegated"):
        first = next(iter(data["assignees"].items()), None)
        policy = data["escalation_policy"]["summary"].text()
        if first is None:  # delegated to a policy nobody is on call for yet
            return timeline_entry(
                incident_pb2.TIMELINE_ENTRY_KIND_ESCALATION,
                f"Delegated in PagerDuty to {policy or 'another policy'}",
                occurred_at,
            )
        verb = "Delegated" if event_type == "incident.delegated" else "Reassigned"
        under = f" under {policy}" if policy and event_type == "incident.delegated" else ""
        return AssignIncidentRequested(assignee=_actor(first), reason=f"{verb} in PagerDuty{under}")
    if event_type == "incident.escalated":
        policy = data["escalation_policy"]["summary"].text()
        assignees = ", ".join(item["summary"].text() for item in data["assignees"].items() if item["summary"].text())
        text = "Escalated in PagerDuty"
        text += f" under {policy}" if policy else ""
        text += f" to {assignees}" if assignees else ""
        return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_ESCALATION, text, occurred_at)
    if event_type == "incident.priority_updated":
        priority = data["priority"]["summary"].text() if data["priority"].present else ""
        severity = severity_from_label(priority)
        if severity == sre_pb2.SEVERITY_UNSPECIFIED:
            return None  # priority removed, or one no alias covers: nothing to change
        return UpdateIncidentSeverityRequested(severity=severity, reason=f"PagerDuty priority set to {priority}")
    if event_type in ("incident.annotated", "incident.status_update_published"):
        note = event_type == "incident.annotated"
        text = data["content" if note else "message"].text()
        if not text.strip():
            return None  # nothing written: nothing to record
        kind = incident_pb2.TIMELINE_ENTRY_KIND_NOTE if note else incident_pb2.TIMELINE_ENTRY_KIND_COMMUNICATION
        return timeline_entry(kind, text, occurred_at)
    return None


def intents_from_webhook(
    body: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    incident_id_for: Callable[[str], str | None] | None = None,
) -> list[SreDomainIntent]:
    """The intent a PagerDuty webhook v3 incident event calls for (see the module's table), or none.

    Raises:
        AdapterInputError: not a webhook v3 event, or a mapped one that does not fit the contract.
    """
    root = webhook_root(body, tenant_id, producer)
    event = root["event"]
    event.required_mapping()
    event_type = event["event_type"].required_text()
    if event_type not in MAPPED_EVENTS:
        return []  # another resource's event, one of IGNORED_EVENTS, or one PagerDuty added since
    data = event["data"]
    data.required_mapping()
    incident = data if data["type"].text("incident") == "incident" else data["incident"]
    pagerduty_id = incident["id"].required_text()
    occurred_at: Timestamp = event["occurred_at"].required_timestamp()
    actor = _actor(event["agent"]) if event["agent"].present else None
    payload = _payload(event_type, data, actor, occurred_at)
    if payload is None:
        return []
    incident_id = (
        (incident_id_for(pagerduty_id) if incident_id_for else None)
        or canonical_uuid(incident["incident_key"].text())
        or derived_id("pagerduty-incident", tenant_id, pagerduty_id)
    )
    intent = new_intent(
        payload,
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=incident_id,
        message_id=derived_id("pagerduty", tenant_id, event["id"].required_text()),
        occurred_at=occurred_at,
        actor=actor,
    )
    return [checked(intent, event.path, "a PagerDuty incident event")]
