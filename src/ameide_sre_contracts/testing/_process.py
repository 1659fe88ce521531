"""A valid example of every process fact payload."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import health_pb2, incident_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2 as process
from ameide_sre_contracts.testing._incident import TITLE
from ameide_sre_contracts.testing._values import (
    COMMIT_SHA,
    RUNBOOK_ID,
    agent,
    at,
    backlog_ref,
    person,
    resource,
    seconds,
    stable_uuid,
)


def backlog_match() -> process.BacklogMatch:
    """A strong backlog match for the example incident."""
    return process.BacklogMatch(item=backlog_ref(), score=0.92)


PROCESS_FACTS: dict[type[Message], Callable[[], Message]] = {
    process.IncidentTriageStarted: lambda: process.IncidentTriageStarted(
        trigger=process.TRIAGE_TRIGGER_ALERT,
        severity=sre_pb2.SEVERITY_HIGH,
        incident_title=TITLE,
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
    process.RemediationApprovalRequested: lambda: process.RemediationApprovalRequested(
        proposal_id=stable_uuid("proposal"),
        approvers=[person()],
        deadline=seconds(3600),
        change_summary="Revert checkout-config to revision 40.",
    ),
    process.RemediationApproved: lambda: process.RemediationApproved(
        proposal_id=stable_uuid("proposal"), approved_by=person(), approved_at=at(1400), comment="Go ahead."
    ),
    process.RemediationRejected: lambda: process.RemediationRejected(
        proposal_id=stable_uuid("proposal"),
        rejected_by=person(),
        rejected_at=at(1400),
        reason="Revert the whole release instead.",
    ),
    process.TriageEscalated: lambda: process.TriageEscalated(
        escalated_at=at(900),
        reason="No known pattern after 15 minutes.",
        escalated_by=agent(),
        level=2,
        target=incident_pb2.ExternalRef(
            system=incident_pb2.EXTERNAL_SYSTEM_PAGERDUTY,
            id="Q1W2E3R4T5",
            url="https://acme.pagerduty.com/incidents/Q1W2E3R4T5",
        ),
        phase=process.TRIAGE_PHASE_TRIAGE,
    ),
    process.TriageCancelled: lambda: process.TriageCancelled(
        cancelled_at=at(600),
        reason="Duplicate of an incident already in triage.",
        cancelled_by=person(),
        phase=process.TRIAGE_PHASE_BACKLOG_LOOKUP,
    ),
}
"""Every process fact payload type with a factory of its example."""
