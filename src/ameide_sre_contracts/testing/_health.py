"""Health assessments and fleet snapshots, as Argo CD reports them."""

from __future__ import annotations

from ameide_core_proto.sre.core.v1 import health_pb2, sre_pb2
from ameide_sre_contracts.testing._values import (
    COMMIT_SHA,
    FLEETSTATE_ID,
    HEALTHCHECK_ID,
    application,
    at,
    resource,
)

COMPARISON_ERROR = "Failed to load target state: helm template failed: values.yaml: unknown field replicaz"


def health_check() -> health_pb2.HealthCheck:
    """A degraded Argo CD application with every field set."""
    return health_pb2.HealthCheck(
        healthcheck_id=HEALTHCHECK_ID,
        resource=application(),
        checked_at=at(1750),
        status=sre_pb2.HEALTH_STATUS_DEGRADED,
        sync_status=health_pb2.SYNC_STATUS_OUT_OF_SYNC,
        conditions=[
            health_pb2.HealthCondition(
                type="ComparisonError",
                status=health_pb2.CONDITION_STATUS_TRUE,
                reason="ComparisonError",
                message=COMPARISON_ERROR,
                last_transition_time=at(1700),
            )
        ],
        source=health_pb2.HEALTH_CHECK_SOURCE_ARGOCD,
        revision=COMMIT_SHA,
        revisions=[COMMIT_SHA, "1.4.2"],
        operation=health_pb2.SyncOperation(
            phase=health_pb2.SYNC_OPERATION_PHASE_FAILED,
            message="one or more synchronization tasks completed unsuccessfully",
            retry_count=2,
            started_at=at(1600),
            finished_at=at(1650),
            revisions=[COMMIT_SHA, "1.4.2"],
        ),
        health_transitioned_at=at(1660),
        health_message="Deployment checkout-api has 0 of 3 replicas available",
        resources=[
            health_pb2.ResourceHealth(
                resource=resource(),
                status=sre_pb2.HEALTH_STATUS_DEGRADED,
                sync_status=health_pb2.SYNC_STATUS_OUT_OF_SYNC,
                message="Deployment has 0 of 3 replicas available",
            )
        ],
        resource_count=1,
    )


def fleet_state() -> health_pb2.FleetState:
    """A snapshot whose health counts partition the total."""
    return health_pb2.FleetState(
        fleetstate_id=FLEETSTATE_ID,
        environment_id="production",
        cluster_id="prod-eu-1",
        observed_at=at(1750),
        total_applications=42,
        healthy_count=35,
        degraded_count=2,
        unhealthy_count=1,
        progressing_count=1,
        suspended_count=1,
        missing_count=1,
        unknown_count=1,
        out_of_sync_count=3,
    )
