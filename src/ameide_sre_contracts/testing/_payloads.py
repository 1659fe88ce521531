"""A valid, fully populated example of every payload, by payload type."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import facts_pb2, health_pb2, incident_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2 as process
from ameide_sre_contracts.testing._domain import (
    alert,
    error_budget_status,
    fleet_state,
    health_check,
    incident,
    runbook,
    runbook_execution,
    sli_measurement,
    slo,
)
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    COMMIT_SHA,
    INCIDENT_ID,
    RUNBOOK_ID,
    at,
    backlog_ref,
    person,
    resource,
    seconds,
    stable_uuid,
    timeline_entry,
)


def backlog_match() -> process.BacklogMatch:
    """A strong backlog match for the example incident."""
    return process.BacklogMatch(item=backlog_ref(), score=0.92)


FACTORIES: dict[type[Message], Callable[[], Message]] = {
    # Domain intents
    intents_pb2.CreateIncidentRequested: lambda: intents_pb2.CreateIncidentRequested(
        title="Checkout API returns 5xx for 12% of requests",
        description="Raised from CheckoutHighErrorRate.",
        severity=sre_pb2.SEVERITY_HIGH,
        source=incident_pb2.INCIDENT_SOURCE_ALERT,
        affected_resources=[resource()],
        alert_ids=[ALERT_ID],
        backlog_refs=[backlog_ref()],
    ),
    intents_pb2.UpdateIncidentSeverityRequested: lambda: intents_pb2.UpdateIncidentSeverityRequested(
        severity=sre_pb2.SEVERITY_CRITICAL, reason="Failed checkouts now exceed 20%."
    ),
    intents_pb2.AssignIncidentRequested: lambda: intents_pb2.AssignIncidentRequested(
        assignee=person(), reason="On call for checkout."
    ),
    intents_pb2.AddIncidentTimelineEntryRequested: lambda: intents_pb2.AddIncidentTimelineEntryRequested(
        kind=incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text="Rollback proposed.", occurred_at=at(900)
    ),
    intents_pb2.ResolveIncidentRequested: lambda: intents_pb2.ResolveIncidentRequested(
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
    ),
    intents_pb2.CloseIncidentRequested: lambda: intents_pb2.CloseIncidentRequested(
        closing_note="Documented in BL-450.", backlog_refs=[backlog_ref()]
    ),
    intents_pb2.IngestAlertRequested: lambda: intents_pb2.IngestAlertRequested(alert=alert()),
    intents_pb2.AcknowledgeAlertRequested: lambda: intents_pb2.AcknowledgeAlertRequested(
        acknowledged_by=person(), note="Looking."
    ),
    intents_pb2.CorrelateAlertsToIncidentRequested: lambda: intents_pb2.CorrelateAlertsToIncidentRequested(
        incident_id=INCIDENT_ID, alert_ids=[ALERT_ID, "b2c3d4e5f6071829-1773480420"]
    ),
    intents_pb2.CreateRunbookRequested: lambda: intents_pb2.CreateRunbookRequested(runbook=runbook()),
    intents_pb2.ExecuteRunbookRequested: lambda: intents_pb2.ExecuteRunbookRequested(
        runbook_id=RUNBOOK_ID,
        incident_id=INCIDENT_ID,
        parameters={"deployment": "checkout-api"},
        dry_run=True,
    ),
    intents_pb2.CreateSLORequested: lambda: intents_pb2.CreateSLORequested(slo=slo()),
    intents_pb2.RecordSLIMeasurementRequested: lambda: intents_pb2.RecordSLIMeasurementRequested(
        measurement=sli_measurement()
    ),
    intents_pb2.RecordHealthCheckRequested: lambda: intents_pb2.RecordHealthCheckRequested(health_check=health_check()),
    intents_pb2.RecordFleetStateRequested: lambda: intents_pb2.RecordFleetStateRequested(fleet_state=fleet_state()),
    # Domain facts
    facts_pb2.IncidentCreated: lambda: facts_pb2.IncidentCreated(incident=incident()),
    facts_pb2.IncidentSeverityChanged: lambda: facts_pb2.IncidentSeverityChanged(
        incident_id=INCIDENT_ID,
        previous_severity=sre_pb2.SEVERITY_HIGH,
        severity=sre_pb2.SEVERITY_CRITICAL,
        reason="Failed checkouts now exceed 20%.",
    ),
    facts_pb2.IncidentAssigned: lambda: facts_pb2.IncidentAssigned(
        incident_id=INCIDENT_ID,
        assignee=person(),
        previous_assignee=person("u-0815", "Sam Previous"),
        reason="Hand-over at shift change.",
    ),
    facts_pb2.IncidentTimelineEntryAdded: lambda: facts_pb2.IncidentTimelineEntryAdded(
        incident_id=INCIDENT_ID, entry=timeline_entry(1)
    ),
    facts_pb2.IncidentResolved: lambda: facts_pb2.IncidentResolved(
        incident_id=INCIDENT_ID,
        resolved_at=at(1800),
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
        severity=sre_pb2.SEVERITY_HIGH,
        time_to_resolve=seconds(1800),
    ),
    facts_pb2.IncidentClosed: lambda: facts_pb2.IncidentClosed(
        incident_id=INCIDENT_ID,
        closed_at=at(7200),
        closing_note="Documented in BL-450.",
        backlog_refs=[backlog_ref()],
    ),
    facts_pb2.AlertIngested: lambda: facts_pb2.AlertIngested(alert=alert()),
    facts_pb2.AlertAcknowledged: lambda: facts_pb2.AlertAcknowledged(
        alert_id=ALERT_ID, acknowledged_by=person(), acknowledged_at=at(60), note="Looking."
    ),
    facts_pb2.AlertsCorrelatedToIncident: lambda: facts_pb2.AlertsCorrelatedToIncident(
        incident_id=INCIDENT_ID, alert_ids=[ALERT_ID]
    ),
    facts_pb2.RunbookCreated: lambda: facts_pb2.RunbookCreated(runbook=runbook()),
    facts_pb2.RunbookExecutionCompleted: lambda: facts_pb2.RunbookExecutionCompleted(execution=runbook_execution()),
    facts_pb2.SLOCreated: lambda: facts_pb2.SLOCreated(slo=slo()),
    facts_pb2.SLIMeasurementRecorded: lambda: facts_pb2.SLIMeasurementRecorded(
        measurement=sli_measurement(), budget=error_budget_status()
    ),
    facts_pb2.SLOBudgetExhausted: lambda: facts_pb2.SLOBudgetExhausted(
        slo_name="Checkout availability", budget=error_budget_status(consumed=1.04), target_percent=99.9
    ),
    facts_pb2.HealthCheckRecorded: lambda: facts_pb2.HealthCheckRecorded(
        health_check=health_check(), previous_status=sre_pb2.HEALTH_STATUS_HEALTHY
    ),
    facts_pb2.FleetStateRecorded: lambda: facts_pb2.FleetStateRecorded(fleet_state=fleet_state()),
    # Process facts
    process.IncidentTriageStarted: lambda: process.IncidentTriageStarted(
        trigger=process.TRIAGE_TRIGGER_ALERT,
        severity=sre_pb2.SEVERITY_HIGH,
        incident_title="Checkout API returns 5xx for 12% of requests",
        started_at=at(130),
    ),
    process.BacklogLookupCompleted: lambda: process.BacklogLookupCompleted(
        backlog_items=[backlog_match()],
        similar_incidents=[
            process.SimilarIncident(
                incident_id=stable_uuid("past-incident"),
                title="Checkout 5xx after config change",
                resolution_summary="Reverted the config map.",
                score=0.81,
            )
        ],
        runbooks=[process.RunbookMatch(runbook_id=RUNBOOK_ID, title="Restart a crash-looping deployment", score=0.77)],
        duration=seconds(42),
    ),
    process.TriagePhaseCompleted: lambda: process.TriagePhaseCompleted(
        phase=process.TRIAGE_PHASE_TRIAGE,
        outcome=process.PHASE_OUTCOME_SUCCEEDED,
        summary="Known pattern BL-450 confirmed from the rollout history.",
        duration=seconds(240),
        known_pattern=True,
    ),
    process.RemediationProposed: lambda: process.RemediationProposed(
        proposal_id=stable_uuid("proposal"),
        gitops_repository="https://git.ameide.io/platform/gitops.git",
        path="environments/production/checkout/config.yaml",
        change_summary="Revert checkout-config to revision 40.",
        approval_required=True,
        runbook_id=RUNBOOK_ID,
    ),
    process.RemediationApplied: lambda: process.RemediationApplied(
        proposal_id=stable_uuid("proposal"),
        gitops_repository="https://git.ameide.io/platform/gitops.git",
        commit_sha=COMMIT_SHA,
        approved_by=person(),
        applied_at=at(1500),
    ),
    process.VerificationStarted: lambda: process.VerificationStarted(
        commit_sha=COMMIT_SHA, resources=[resource()], deadline=seconds(600)
    ),
    process.VerificationCompleted: lambda: process.VerificationCompleted(
        outcome=process.VERIFICATION_OUTCOME_PASSED,
        sync_status=health_pb2.SYNC_STATUS_SYNCED,
        health_status=sre_pb2.HEALTH_STATUS_HEALTHY,
        firing_alert_ids=["c3d4e5f607182930-1773482000"],
        summary="Synced and healthy; one unrelated alert still fires.",
    ),
    process.DocumentationRequested: lambda: process.DocumentationRequested(
        incident_summary="Config typo disabled the payment provider; reverted in 25 minutes.",
        backlog_refs=[backlog_ref()],
        runbook_id=RUNBOOK_ID,
    ),
    process.IncidentTriageCompleted: lambda: process.IncidentTriageCompleted(
        outcome=process.TRIAGE_OUTCOME_RESOLVED,
        duration=seconds(7000),
        final_phase=process.TRIAGE_PHASE_DOCUMENTATION,
        summary="Resolved by reverting the config change; documented in BL-450.",
    ),
}
