"""Argo CD's vocabulary and the contract's values for it; what an Application's health check leaves out."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ameide_core_proto.sre.core.v1 import health_pb2, sre_pb2

HEALTH: Final = MappingProxyType(
    {
        "Healthy": sre_pb2.HEALTH_STATUS_HEALTHY,
        "Progressing": sre_pb2.HEALTH_STATUS_PROGRESSING,
        "Degraded": sre_pb2.HEALTH_STATUS_DEGRADED,
        "Suspended": sre_pb2.HEALTH_STATUS_SUSPENDED,
        "Missing": sre_pb2.HEALTH_STATUS_MISSING,
        "Unknown": sre_pb2.HEALTH_STATUS_UNKNOWN,
    }
)
"""Argo CD's health words and the `HealthStatus` each maps to."""

SYNC: Final = MappingProxyType(
    {
        "Synced": health_pb2.SYNC_STATUS_SYNCED,
        "OutOfSync": health_pb2.SYNC_STATUS_OUT_OF_SYNC,
        "Unknown": health_pb2.SYNC_STATUS_UNKNOWN,
    }
)
"""Argo CD's sync words and the `SyncStatus` each maps to."""

PHASES: Final = MappingProxyType(
    {
        "Running": health_pb2.SYNC_OPERATION_PHASE_RUNNING,
        "Terminating": health_pb2.SYNC_OPERATION_PHASE_TERMINATING,
        "Failed": health_pb2.SYNC_OPERATION_PHASE_FAILED,
        "Error": health_pb2.SYNC_OPERATION_PHASE_ERROR,
        "Succeeded": health_pb2.SYNC_OPERATION_PHASE_SUCCEEDED,
    }
)
"""Argo CD's operation phases and the `SyncOperationPhase` each maps to."""

NOT_CARRIED: Final = (
    "spec",
    "operation",
    "metadata.annotations",
    "metadata.labels",
    "metadata.finalizers",
    "metadata.generation",
    "metadata.resourceVersion",
    "metadata.creationTimestamp",
    "metadata.managedFields",
    "status.history",
    "status.summary",
    "status.sourceType",
    "status.sourceTypes",
    "status.observedAt",
    "status.controllerNamespace",
    "status.resourceHealthSource",
    "status.sync.comparedTo",
    "status.operationState.operation",
    "status.operationState.syncResult.resources",
    "status.operationState.syncResult.source",
    "status.operationState.syncResult.sources",
    "status.resources.requiresPruning",
    "status.resources.syncWave",
)
"""The Application's fields a health check does not carry, as dotted paths (lists without indexes).

The desired state (`spec`, `operation`, the sources compared and synced)
lives in Git, which the revisions point at; `history` and `summary` are
inventory of earlier deployments and images rather than health; the rest
is the API server's and the controller's bookkeeping.
"""
