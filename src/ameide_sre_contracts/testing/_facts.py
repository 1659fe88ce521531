"""A valid example of every domain fact payload."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import facts_pb2 as f
from ameide_core_proto.sre.core.v1 import intents_pb2 as i
from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts.testing._alert import alert
from ameide_sre_contracts.testing._catalog import runbook, runbook_execution, service
from ameide_sre_contracts.testing._health import fleet_state, health_check
from ameide_sre_contracts.testing._incident import incident, postmortem
from ameide_sre_contracts.testing._slo import error_budget_status, sli_measurement, slo
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    INCIDENT_ID,
    SERVICE_ID,
    at,
    backlog_ref,
    external_ref,
    person,
    seconds,
    timeline_entry,
)

FACTS: dict[type[Message], Callable[[], Message]] = {
    f.IncidentCreated: lambda: f.IncidentCreated(incident=incident(closed=False)),
    f.IncidentSeverityChanged: lambda: f.IncidentSeverityChanged(
        incident_id=INCIDENT_ID,
        previous_severity=sre_pb2.SEVERITY_HIGH,
        severity=sre_pb2.SEVERITY_CRITICAL,
        reason="Failed checkouts now exceed 20%.",
    ),
    f.IncidentAssigned: lambda: f.IncidentAssigned(
        incident_id=INCIDENT_ID,
        assignee=person(),
        previous_assignee=person("u-0815", "Sam Previous"),
        reason="Hand-over at shift change.",
    ),
    f.IncidentTimelineEntryAdded: lambda: f.IncidentTimelineEntryAdded(
        incident_id=INCIDENT_ID, entry=timeline_entry(1)
    ),
    f.IncidentResolved: lambda: f.IncidentResolved(
        incident_id=INCIDENT_ID,
        resolved_at=at(1800),
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
        severity=sre_pb2.SEVERITY_HIGH,
        time_to_resolve=seconds(1800),
    ),
    f.IncidentClosed: lambda: f.IncidentClosed(
        incident_id=INCIDENT_ID,
        closed_at=at(7200),
        closing_note="Documented in BL-450.",
        backlog_refs=[backlog_ref()],
    ),
    f.AlertIngested: lambda: f.AlertIngested(alert=alert()),
    f.AlertAcknowledged: lambda: f.AlertAcknowledged(
        alert_id=ALERT_ID, acknowledged_by=person(), acknowledged_at=at(60), note="Looking."
    ),
    f.AlertsCorrelatedToIncident: lambda: f.AlertsCorrelatedToIncident(incident_id=INCIDENT_ID, alert_ids=[ALERT_ID]),
    f.RunbookCreated: lambda: f.RunbookCreated(runbook=runbook()),
    f.RunbookExecutionCompleted: lambda: f.RunbookExecutionCompleted(execution=runbook_execution()),
    f.SLOCreated: lambda: f.SLOCreated(slo=slo()),
    f.SLIMeasurementRecorded: lambda: f.SLIMeasurementRecorded(
        measurement=sli_measurement(), budget=error_budget_status()
    ),
    f.SLOBudgetExhausted: lambda: f.SLOBudgetExhausted(
        slo_name="Checkout availability", budget=error_budget_status(consumed=1.04), target_percent=99.9
    ),
    f.HealthCheckRecorded: lambda: f.HealthCheckRecorded(
        health_check=health_check(), previous_status=sre_pb2.HEALTH_STATUS_HEALTHY
    ),
    f.FleetStateRecorded: lambda: f.FleetStateRecorded(fleet_state=fleet_state()),
    f.IncidentAcknowledged: lambda: f.IncidentAcknowledged(
        incident_id=INCIDENT_ID,
        acknowledged_by=person(),
        acknowledged_at=at(120),
        note="On it; checking the 09:20 change.",
        time_to_acknowledge=seconds(120),
        previous_status=sre_pb2.INCIDENT_STATUS_OPEN,
    ),
    f.IncidentStatusChanged: lambda: f.IncidentStatusChanged(
        incident_id=INCIDENT_ID,
        previous_status=sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED,
        status=sre_pb2.INCIDENT_STATUS_INVESTIGATING,
        changed_at=at(300),
        reason="Comparing the rollout history.",
        changed_by=person(),
    ),
    f.IncidentExternalRefLinked: lambda: f.IncidentExternalRefLinked(
        incident_id=INCIDENT_ID, external_ref=external_ref()
    ),
    f.RunbookUpdated: lambda: f.RunbookUpdated(
        runbook=runbook(), update_mask=FieldMask(paths=["steps", "approval_required"])
    ),
    f.SLOUpdated: lambda: f.SLOUpdated(slo=slo(), update_mask=FieldMask(paths=["target_percent"])),
    f.ServiceCreated: lambda: f.ServiceCreated(service=service()),
    f.ServiceUpdated: lambda: f.ServiceUpdated(service=service(), update_mask=FieldMask(paths=["tier", "owner"])),
    f.ServiceDeleted: lambda: f.ServiceDeleted(
        service_id=SERVICE_ID, deleted_at=at(86400), reason="Merged into the orders service."
    ),
    f.PostmortemCreated: lambda: f.PostmortemCreated(postmortem=postmortem(published=False)),
    f.PostmortemUpdated: lambda: f.PostmortemUpdated(
        postmortem=postmortem(), update_mask=FieldMask(paths=["summary", "action_items"])
    ),
    f.PostmortemPublished: lambda: f.PostmortemPublished(postmortem=postmortem(), approved_by=person()),
    f.IntentRejected: lambda: f.IntentRejected(
        intent_case="ingest_alert",
        intent_field_number=i.SreDomainIntent.DESCRIPTOR.fields_by_name["ingest_alert"].number,
        reason=f.INTENT_REJECTION_REASON_INVALID,
        detail="The alert carries no fingerprint and a label without a name.",
        violations=[
            f.IntentViolation(
                field_path="alert.fingerprint",
                rule_id="string.min_len",
                message="value length must be at least 1 characters",
            ),
            f.IntentViolation(
                field_path='alert.labels[""]',
                rule_id="string.min_len",
                message="value length must be at least 1 characters",
                for_key=True,
            ),
        ],
        expected_version=3,
    ),
}
"""Every domain fact payload type with a factory of its example."""
