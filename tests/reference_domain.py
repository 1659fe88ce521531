"""The SRE domain as a service team writes it, for incidents and alerts: state in dicts, changed in place.

It does not use `ameide_sre_contracts.aggregates`: the property tests fold its
facts with that module and compare with what it holds, so two readings of the
contract meet. Each intent gives one fact: the change, or `IntentRejected`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import alert_pb2, facts_pb2, incident_pb2, intents_pb2, sre_pb2

PRODUCER = "sre-domain"
_REASON = facts_pb2.IntentRejectionReason
_STATUS = sre_pb2.IncidentStatus
_FIRST_STAMPS = {
    sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED: "acknowledged_at",
    sre_pb2.INCIDENT_STATUS_INVESTIGATING: "investigating_at",
    sre_pb2.INCIDENT_STATUS_MITIGATING: "mitigating_at",
}


class Refused(Exception):
    """The domain refuses the intent for `reason`."""

    def __init__(self, reason: int, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Held:
    """One aggregate as the domain holds it."""

    version: int
    value: Message
    acknowledged: facts_pb2.AlertAcknowledged | None = None


@dataclass
class ReferenceDomain:
    """Incidents and alerts of one tenant; `handle` answers every intent with one fact."""

    incidents: dict[str, Held] = field(default_factory=dict)
    alerts: dict[str, Held] = field(default_factory=dict)

    def handle(self, intent: intents_pb2.SreDomainIntent) -> facts_pb2.SreDomainFact:
        held = self.alerts if intent.subject.aggregate_type == "Alert" else self.incidents
        current = held.get(intent.subject.aggregate_id)
        try:
            payload = self._decide(intent, current)
        except Refused as refused:
            return sre.reject(
                intent,
                refused.reason,  # type: ignore[arg-type]
                detail=refused.detail,
                producer=PRODUCER,
                current_version=current.version if current else 0,
                occurred_at=intent.meta.occurred_at,
            )
        version = held[intent.subject.aggregate_id].version  # as the change left it
        return sre.new_fact(
            payload,
            tenant_id=intent.meta.tenant_id,
            producer=PRODUCER,
            aggregate_id=intent.subject.aggregate_id,
            aggregate_version=version,
            causation=intent,
            occurred_at=intent.meta.occurred_at,
        )

    def _decide(self, intent: intents_pb2.SreDomainIntent, current: Held | None) -> sre.DomainFactPayload:
        case = intent.WhichOneof("intent")
        now = intent.meta.occurred_at
        aggregate_id = intent.subject.aggregate_id
        if case == "create_incident":
            if current is not None:
                raise Refused(_REASON.Value("INTENT_REJECTION_REASON_ALREADY_EXISTS"), "the incident exists")
            return self._create(intent, now)
        if case == "ingest_alert":
            return self._ingest(intent, current)
        if current is None:
            raise Refused(_REASON.Value("INTENT_REJECTION_REASON_NOT_FOUND"), f"no aggregate {aggregate_id}")
        expected = intent.subject.aggregate_version
        if expected not in (0, current.version):
            raise Refused(
                _REASON.Value("INTENT_REJECTION_REASON_VERSION_CONFLICT"),
                f"expected version {expected}, the domain holds {current.version}",
            )
        if case == "acknowledge_alert":
            alert: alert_pb2.Alert = current.value  # type: ignore[assignment]
            alert.status = sre_pb2.ALERT_STATUS_ACKNOWLEDGED
            acknowledged = facts_pb2.AlertAcknowledged(
                alert_id=aggregate_id,
                acknowledged_by=intent.acknowledge_alert.acknowledged_by,
                acknowledged_at=now,
                note=intent.acknowledge_alert.note,
            )
            current.acknowledged = acknowledged
            current.version += 1
            return acknowledged
        incident: incident_pb2.Incident = current.value  # type: ignore[assignment]
        payload = self._change(intent, incident, now)
        current.version += 1
        return payload

    def _create(self, intent: intents_pb2.SreDomainIntent, now: Timestamp) -> sre.DomainFactPayload:
        request = intent.create_incident
        incident = incident_pb2.Incident(
            incident_id=intent.subject.aggregate_id,
            title=request.title,
            description=request.description,
            severity=request.severity,
            status=sre_pb2.INCIDENT_STATUS_OPEN,
            source=request.source,
            affected_resources=request.affected_resources,
            backlog_refs=request.backlog_refs,
            created_at=now,
            correlated_alert_ids=request.alert_ids,
        )
        self.incidents[incident.incident_id] = Held(1, incident)
        created = facts_pb2.IncidentCreated()
        created.incident.CopyFrom(incident)
        return created

    def _ingest(self, intent: intents_pb2.SreDomainIntent, current: Held | None) -> sre.DomainFactPayload:
        alert = alert_pb2.Alert()
        alert.CopyFrom(intent.ingest_alert.alert)
        if current is None:
            self.alerts[intent.subject.aggregate_id] = Held(1, alert)
        else:
            current.value = alert
            current.version += 1
        ingested = facts_pb2.AlertIngested()
        ingested.alert.CopyFrom(alert)
        return ingested

    def _change(
        self, intent: intents_pb2.SreDomainIntent, incident: incident_pb2.Incident, now: Timestamp
    ) -> sre.DomainFactPayload:
        case = intent.WhichOneof("intent")
        incident_id = incident.incident_id
        illegal = _REASON.Value("INTENT_REJECTION_REASON_ILLEGAL_TRANSITION")
        if case == "update_incident_severity":
            wanted = intent.update_incident_severity.severity
            if wanted == incident.severity:
                raise Refused(_REASON.Value("INTENT_REJECTION_REASON_DUPLICATE"), "the severity is already that")
            changed = facts_pb2.IncidentSeverityChanged(
                incident_id=incident_id,
                previous_severity=incident.severity,
                severity=wanted,
                reason=intent.update_incident_severity.reason,
            )
            incident.severity = wanted
            return changed
        if case == "assign_incident":
            assigned = facts_pb2.IncidentAssigned(
                incident_id=incident_id,
                assignee=intent.assign_incident.assignee,
                reason=intent.assign_incident.reason,
            )
            if incident.HasField("assignee"):
                assigned.previous_assignee.CopyFrom(incident.assignee)
            incident.assignee.CopyFrom(intent.assign_incident.assignee)
            return assigned
        if case == "add_timeline_entry":
            request = intent.add_timeline_entry
            entry = incident_pb2.IncidentTimelineEntry(
                entry_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{incident_id}/{intent.meta.message_id}")),
                occurred_at=request.occurred_at if request.HasField("occurred_at") else now,
                kind=request.kind,
                author=intent.meta.actor,
                text=request.text,
            )
            incident.timeline.append(entry)
            if len(incident.timeline) > 50:
                del incident.timeline[0]
            return facts_pb2.IncidentTimelineEntryAdded(incident_id=incident_id, entry=entry)
        if case == "correlate_alerts":
            known = set(incident.correlated_alert_ids)
            new = [alert_id for alert_id in intent.correlate_alerts.alert_ids if alert_id not in known]
            if not new:
                raise Refused(_REASON.Value("INTENT_REJECTION_REASON_DUPLICATE"), "those alerts are correlated")
            incident.correlated_alert_ids.extend(new)
            return facts_pb2.AlertsCorrelatedToIncident(incident_id=incident_id, alert_ids=new)
        if case == "acknowledge_incident":
            before = incident.status
            if before not in sre.ACKNOWLEDGEABLE_STATUSES:
                raise Refused(illegal, f"a {_STATUS.Name(before)} incident cannot be acknowledged")
            if before == sre_pb2.INCIDENT_STATUS_OPEN:
                self._enter(incident, sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED, now)
            incident.assignee.CopyFrom(intent.acknowledge_incident.acknowledged_by)
            if not incident.HasField("acknowledged_at"):
                incident.acknowledged_at.CopyFrom(now)
            return facts_pb2.IncidentAcknowledged(
                incident_id=incident_id,
                acknowledged_by=intent.acknowledge_incident.acknowledged_by,
                acknowledged_at=now,
                note=intent.acknowledge_incident.note,
                time_to_acknowledge=_duration(incident.created_at, now),
                previous_status=before,
            )
        if case == "resolve_incident":
            if not sre.can_transition(incident.status, sre_pb2.INCIDENT_STATUS_RESOLVED):
                raise Refused(illegal, f"a {_STATUS.Name(incident.status)} incident cannot be resolved")
            self._enter(incident, sre_pb2.INCIDENT_STATUS_RESOLVED, now)
            return facts_pb2.IncidentResolved(
                incident_id=incident_id,
                resolved_at=now,
                resolution_summary=intent.resolve_incident.resolution_summary,
                root_cause=intent.resolve_incident.root_cause,
                severity=incident.severity,
                time_to_resolve=_duration(incident.created_at, now),
            )
        if case == "close_incident":
            if incident.status != sre_pb2.INCIDENT_STATUS_RESOLVED:
                raise Refused(illegal, f"a {_STATUS.Name(incident.status)} incident cannot be closed")
            self._enter(incident, sre_pb2.INCIDENT_STATUS_CLOSED, now)
            incident.backlog_refs.extend(intent.close_incident.backlog_refs)
            del incident.backlog_refs[: max(0, len(incident.backlog_refs) - 20)]
            return facts_pb2.IncidentClosed(
                incident_id=incident_id,
                closed_at=now,
                closing_note=intent.close_incident.closing_note,
                backlog_refs=intent.close_incident.backlog_refs,
            )
        if case == "transition_incident_status":
            target = intent.transition_incident_status.status
            before = incident.status
            if not sre.can_transition(before, target):
                raise Refused(illegal, f"{_STATUS.Name(before)} cannot become {_STATUS.Name(target)}")
            self._enter(incident, target, now)
            return facts_pb2.IncidentStatusChanged(
                incident_id=incident_id,
                previous_status=before,
                status=target,
                changed_at=now,
                reason=intent.transition_incident_status.reason,
                changed_by=intent.meta.actor,
            )
        if case == "link_external_ref":
            linked = intent.link_external_ref.external_ref
            same = [ref for ref in incident.external_refs if (ref.system, ref.id) == (linked.system, linked.id)]
            if same and same[0].url == linked.url:
                raise Refused(_REASON.Value("INTENT_REJECTION_REASON_DUPLICATE"), "that counterpart is linked")
            if same:
                same[0].url = linked.url
            elif len(incident.external_refs) == 10:
                raise Refused(illegal, "the incident holds ten counterparts")
            else:
                incident.external_refs.append(linked)
            return facts_pb2.IncidentExternalRefLinked(incident_id=incident_id, external_ref=linked)
        raise Refused(_REASON.Value("INTENT_REJECTION_REASON_UNSUPPORTED"), f"{case} is not handled here")

    @staticmethod
    def _enter(incident: incident_pb2.Incident, status: int, now: Timestamp) -> None:
        if incident.status == sre_pb2.INCIDENT_STATUS_RESOLVED and status != sre_pb2.INCIDENT_STATUS_CLOSED:
            incident.ClearField("resolved_at")  # reopened
        incident.status = status  # type: ignore[assignment]
        stamp = _FIRST_STAMPS.get(status)  # type: ignore[call-overload]
        if stamp and not incident.HasField(stamp):
            getattr(incident, stamp).CopyFrom(now)
        if status == sre_pb2.INCIDENT_STATUS_RESOLVED:
            incident.resolved_at.CopyFrom(now)
        if status == sre_pb2.INCIDENT_STATUS_CLOSED:
            incident.closed_at.CopyFrom(now)


def _duration(start: Timestamp, end: Timestamp) -> Duration:
    spent = Duration()
    spent.FromTimedelta(max(timedelta(0), end.ToDatetime() - start.ToDatetime()))
    return spent
