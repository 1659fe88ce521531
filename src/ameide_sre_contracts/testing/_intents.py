"""A valid example of every domain intent payload."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import incident_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.core.v1 import intents_pb2 as i
from ameide_sre_contracts.testing._alert import alert
from ameide_sre_contracts.testing._catalog import runbook, service
from ameide_sre_contracts.testing._health import fleet_state, health_check
from ameide_sre_contracts.testing._incident import TITLE, postmortem
from ameide_sre_contracts.testing._slo import sli_measurement, slo
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    INCIDENT_ID,
    POSTMORTEM_ID,
    RUNBOOK_ID,
    SERVICE_ID,
    at,
    backlog_ref,
    external_ref,
    person,
    resource,
)

INTENTS: dict[type[Message], Callable[[], Message]] = {
    i.CreateIncidentRequested: lambda: i.CreateIncidentRequested(
        title=TITLE,
        description="Raised from CheckoutHighErrorRate.",
        severity=sre_pb2.SEVERITY_HIGH,
        source=incident_pb2.INCIDENT_SOURCE_ALERT,
        affected_resources=[resource()],
        alert_ids=[ALERT_ID],
        backlog_refs=[backlog_ref()],
    ),
    i.UpdateIncidentSeverityRequested: lambda: i.UpdateIncidentSeverityRequested(
        severity=sre_pb2.SEVERITY_CRITICAL, reason="Failed checkouts now exceed 20%."
    ),
    i.AssignIncidentRequested: lambda: i.AssignIncidentRequested(assignee=person(), reason="On call for checkout."),
    i.AddIncidentTimelineEntryRequested: lambda: i.AddIncidentTimelineEntryRequested(
        kind=incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text="Rollback proposed.", occurred_at=at(900)
    ),
    i.ResolveIncidentRequested: lambda: i.ResolveIncidentRequested(
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
    ),
    i.CloseIncidentRequested: lambda: i.CloseIncidentRequested(
        closing_note="Documented in BL-450.", backlog_refs=[backlog_ref()]
    ),
    i.AcknowledgeIncidentRequested: lambda: i.AcknowledgeIncidentRequested(
        acknowledged_by=person(), note="On it; checking the 09:20 change."
    ),
    i.TransitionIncidentStatusRequested: lambda: i.TransitionIncidentStatusRequested(
        status=sre_pb2.INCIDENT_STATUS_INVESTIGATING, reason="Comparing the rollout history."
    ),
    i.LinkIncidentExternalRefRequested: lambda: i.LinkIncidentExternalRefRequested(external_ref=external_ref()),
    i.IngestAlertRequested: lambda: i.IngestAlertRequested(alert=alert()),
    i.AcknowledgeAlertRequested: lambda: i.AcknowledgeAlertRequested(acknowledged_by=person(), note="Looking."),
    i.CorrelateAlertsToIncidentRequested: lambda: i.CorrelateAlertsToIncidentRequested(
        incident_id=INCIDENT_ID, alert_ids=[ALERT_ID, "b2c3d4e5f6071829-1773480420"]
    ),
    i.CreateRunbookRequested: lambda: i.CreateRunbookRequested(runbook=runbook()),
    i.ExecuteRunbookRequested: lambda: i.ExecuteRunbookRequested(
        runbook_id=RUNBOOK_ID,
        incident_id=INCIDENT_ID,
        parameters={"deployment": "checkout-api"},
        dry_run=True,
    ),
    i.UpdateRunbookRequested: lambda: i.UpdateRunbookRequested(
        runbook=runbook(), update_mask=FieldMask(paths=["steps", "approval_required"])
    ),
    i.CreateSLORequested: lambda: i.CreateSLORequested(slo=slo()),
    i.RecordSLIMeasurementRequested: lambda: i.RecordSLIMeasurementRequested(measurement=sli_measurement()),
    i.UpdateSLORequested: lambda: i.UpdateSLORequested(slo=slo(), update_mask=FieldMask(paths=["target_percent"])),
    i.RecordHealthCheckRequested: lambda: i.RecordHealthCheckRequested(health_check=health_check()),
    i.RecordFleetStateRequested: lambda: i.RecordFleetStateRequested(fleet_state=fleet_state()),
    i.CreateServiceRequested: lambda: i.CreateServiceRequested(service=service()),
    i.UpdateServiceRequested: lambda: i.UpdateServiceRequested(
        service=service(), update_mask=FieldMask(paths=["tier", "owner"])
    ),
    i.DeleteServiceRequested: lambda: i.DeleteServiceRequested(
        service_id=SERVICE_ID, reason="Merged into the orders service."
    ),
    i.CreatePostmortemRequested: lambda: i.CreatePostmortemRequested(postmortem=postmortem(published=False)),
    i.UpdatePostmortemRequested: lambda: intents_pb2.UpdatePostmortemRequested(
        postmortem=postmortem(), update_mask=FieldMask(paths=["summary", "action_items"])
    ),
    i.PublishPostmortemRequested: lambda: i.PublishPostmortemRequested(
        postmortem_id=POSTMORTEM_ID, approved_by=person()
    ),
}
"""Every domain intent payload type with a factory of its example."""
