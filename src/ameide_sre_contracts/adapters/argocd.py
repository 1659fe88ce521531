"""Argo CD Applications into `RecordHealthCheckRequested` and `RecordFleetStateRequested` intents.

An Application (as `kubectl get application -o yaml` or Argo CD's API
returns it) maps field for field into a `HealthCheck`: `status.health`
(status, message, `lastTransitionTime`), `status.sync` (status, `revision`,
multi-source `revisions`), `status.operationState` (phase, message,
`retryCount`, `startedAt`, `finishedAt`, the synced revisions),
`status.conditions` and `status.resources` (each resource's health and
sync status). An Application without status (not reconciled yet) is
UNKNOWN.

The assessment's time is `status.reconciledAt`, else the operation's end,
else `checked_at`, else now. Its id (and the intent's `message_id`) is
`derived_id("argocd-application", tenant, cluster, namespace, name, uid,
<assessment time>, <digest of the check>)`, the digest a SHA-256 of the
`HealthCheck` built (deterministic serialization, without its id and
time): the same observed state always gets the same id, any change to
what the check carries a new one, and the cost is that of the check, not
of the input.

Not carried, on purpose: `spec` (the desired state lives in Git, which
`revision` points at), `status.history` (earlier deployments, each recorded
when it happened), `status.summary` (images and URLs, inventory rather than
health), and `status.sync.comparedTo` (a copy of `spec`'s sources).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import health_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import (
    RecordFleetStateRequested,
    RecordHealthCheckRequested,
    SreDomainIntent,
)
from ameide_sre_contracts._rfc3339 import rfc3339
from ameide_sre_contracts.adapters._argocd_terms import HEALTH, NOT_CARRIED, PHASES, SYNC
from ameide_sre_contracts.adapters._common import checked, content_digest, derived_id, require_text, resource_ref_at
from ameide_sre_contracts.adapters._json import Node, integer_range, load_json
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.errors import InvalidArgumentError

__all__ = [
    "HEALTH",
    "MAX_RESOURCES",
    "NOT_CARRIED",
    "PHASES",
    "SYNC",
    "fleet_state_from_applications",
    "health_check",
    "intents_from_application",
]

_RETRY_RANGE: Final = integer_range(health_pb2.SyncOperation, "retry_count")

MAX_RESOURCES: Final = 200
"""Resources kept per health check; `resource_count` tells how many there were beyond."""


def _operation(node: Node) -> health_pb2.SyncOperation | None:
    if not node.present:
        return None
    result = node["syncResult"]
    sync = node["operation"]["sync"]
    revisions = [item.required_string() for item in result["revisions"].items()] or [
        item.required_string() for item in sync["revisions"].items()
    ]
    revision = result["revision"].text() or sync["revision"].text()
    if not revisions and revision:
        revisions = [revision]
    operation = health_pb2.SyncOperation(
        phase=node["phase"].word(PHASES, "an operation phase", health_pb2.SYNC_OPERATION_PHASE_UNSPECIFIED),
        message=node["message"].text(),
        retry_count=node["retryCount"].integer(_RETRY_RANGE),
        revisions=revisions,
    )
    for field, key in (("started_at", "startedAt"), ("finished_at", "finishedAt")):
        stamp = node[key].timestamp()
        if stamp is not None:
            getattr(operation, field).CopyFrom(stamp)
    return operation


def _condition(node: Node) -> health_pb2.HealthCondition:
    condition = health_pb2.HealthCondition(
        type=node["type"].required_text(),
        message=node["message"].text(),
        reason=node["reason"].text(),
    )
    stamp = node["lastTransitionTime"].timestamp()
    if stamp is not None:
        condition.last_transition_time.CopyFrom(stamp)
    return condition


def _resource(node: Node, cluster: str | None, environment: str | None) -> health_pb2.ResourceHealth:
    return health_pb2.ResourceHealth(
        resource=resource_ref_at(node, cluster, environment),
        status=node["health"]["status"].word(HEALTH, "a health status", sre_pb2.HEALTH_STATUS_UNSPECIFIED),
        sync_status=node["status"].word(SYNC, "a sync status", health_pb2.SYNC_STATUS_UNSPECIFIED),
        message=node["health"]["message"].text(),
    )


def _when(status: Node, checked_at: datetime | None) -> tuple[Timestamp, bool]:
    """The assessment's time, and whether the Application said it."""
    for stamp in (status["reconciledAt"].timestamp(), status["operationState"]["finishedAt"].timestamp()):
        if stamp is not None:
            return stamp, True
    moment = Timestamp()
    moment.FromDatetime(checked_at or datetime.now(UTC))
    return moment, False


def _application(app: bytes | str | Mapping[str, Any]) -> Node:
    node = Node(load_json(app, what="the Application"))
    node.required_mapping()
    kind = node["kind"]
    if kind.exists and kind.text() != "Application":
        raise kind.fail('"Application"')
    return node


def health_check(
    app: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    cluster: str | None = None,
    environment: str | None = None,
    checked_at: datetime | None = None,
) -> health_pb2.HealthCheck:
    """The `HealthCheck` of one Argo CD Application (see the module's description).

    Raises:
        AdapterInputError: not an Application, or values the contract refuses.
    """
    node = _application(app)
    metadata = node["metadata"]
    status = node["status"]
    health = status["health"]
    sync = status["sync"]
    reference = {
        "apiVersion": node["apiVersion"].text() or "argoproj.io/v1alpha1",
        "kind": "Application",
        # as found, absent keys left absent, so a refusal says what was there
        "metadata": {key: metadata[key].value for key in ("name", "namespace", "uid") if metadata[key].exists},
    }
    resource = resource_ref_at(Node(reference, node.path), cluster, environment)
    revisions = [item.required_string() for item in sync["revisions"].items()]
    check = health_pb2.HealthCheck(
        resource=resource,
        status=health["status"].word(HEALTH, "a health status", sre_pb2.HEALTH_STATUS_UNKNOWN),
        sync_status=sync["status"].word(SYNC, "a sync status", health_pb2.SYNC_STATUS_UNSPECIFIED),
        conditions=[_condition(item) for item in status["conditions"].items()],
        source=health_pb2.HEALTH_CHECK_SOURCE_ARGOCD,
        revision=sync["revision"].text() or (revisions[0] if revisions else ""),
        revisions=revisions,
        health_message=health["message"].text(),
    )
    when, said = _when(status, checked_at)
    operation = _operation(status["operationState"])
    if operation is not None:
        check.operation.CopyFrom(operation)
    transitioned = health["lastTransitionTime"].timestamp()
    if transitioned is not None:
        check.health_transitioned_at.CopyFrom(transitioned)
    resources = list(status["resources"].items())
    check.resources.extend(_resource(item, cluster, environment) for item in resources[:MAX_RESOURCES])
    if len(resources) > MAX_RESOURCES:
        check.resource_count = len(resources)
    check.healthcheck_id = derived_id(
        "argocd-application",
        tenant_id,
        cluster or "",
        resource.namespace,
        resource.id,
        resource.uid,
        rfc3339(when) if said else "",
        content_digest(check, "healthcheck_id", "checked_at"),
    )
    check.checked_at.CopyFrom(when)
    return check


def intents_from_application(
    app: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    cluster: str | None = None,
    environment: str | None = None,
    checked_at: datetime | None = None,
) -> list[SreDomainIntent]:
    """The `RecordHealthCheckRequested` intent for one Argo CD Application.

    Raises:
        AdapterInputError: not an Application, or values the contract refuses.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    check = health_check(app, tenant_id=tenant_id, cluster=cluster, environment=environment, checked_at=checked_at)
    intent = new_intent(
        RecordHealthCheckRequested(health_check=check),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=check.healthcheck_id,
        message_id=check.healthcheck_id,
        occurred_at=check.checked_at,
    )
    return [checked(intent, "$", "an Application")]


_COUNTS: Final[dict[sre_pb2.HealthStatus.ValueType, str]] = {
    sre_pb2.HEALTH_STATUS_HEALTHY: "healthy_count",
    sre_pb2.HEALTH_STATUS_DEGRADED: "degraded_count",
    sre_pb2.HEALTH_STATUS_UNHEALTHY: "unhealthy_count",
    sre_pb2.HEALTH_STATUS_PROGRESSING: "progressing_count",
    sre_pb2.HEALTH_STATUS_SUSPENDED: "suspended_count",
    sre_pb2.HEALTH_STATUS_MISSING: "missing_count",
    sre_pb2.HEALTH_STATUS_UNKNOWN: "unknown_count",
}


def fleet_state_from_applications(
    apps: bytes | str | Iterable[Mapping[str, Any]],
    *,
    tenant_id: str,
    producer: str,
    cluster: str,
    environment: str,
    observed_at: datetime | None = None,
) -> SreDomainIntent:
    """One `RecordFleetStateRequested` counting the Applications of one cluster by health and sync.

    Accepts a list of Applications or an `ApplicationList` (`items`).
    `observed_at` defaults to the latest `reconciledAt`, else now. The
    snapshot's id is derived from the tenant, cluster, environment, time and
    counts; when no time is known (no `observed_at`, no `reconciledAt`), from
    the Applications' namespaces, names, health and sync instead of the time,
    so the same snapshot always gets the same id.

    Raises:
        AdapterInputError: an entry is not an Application.
        InvalidArgumentError: cluster or environment is empty.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    if not cluster or not environment:
        raise InvalidArgumentError("cluster and environment name the fleet; both are required")
    loaded = load_json(apps, what="the Applications") if isinstance(apps, bytes | str) else apps
    root = Node(loaded)
    if isinstance(loaded, Mapping):
        root = root["items"]
    elif not isinstance(loaded, list):
        loaded = list(loaded)
        root = Node(loaded)
    counts = dict.fromkeys(_COUNTS.values(), 0)
    out_of_sync = total = 0
    latest: Timestamp | None = None
    states: list[str] = []  # who is in the snapshot and how each stands
    for node in root.items():
        application = _application(node.value)
        status = application["status"]
        metadata = application["metadata"]
        states.append(
            json.dumps(
                [
                    metadata["namespace"].text(),
                    metadata["name"].text(),
                    status["health"]["status"].text(),
                    status["sync"]["status"].text(),
                ]
            )
        )
        health = status["health"]["status"].word(HEALTH, "a health status", sre_pb2.HEALTH_STATUS_UNKNOWN)
        counts[_COUNTS[health]] += 1
        sync = status["sync"]["status"].word(SYNC, "a sync status", health_pb2.SYNC_STATUS_UNSPECIFIED)
        out_of_sync += sync == health_pb2.SYNC_STATUS_OUT_OF_SYNC
        total += 1
        reconciled = status["reconciledAt"].timestamp()
        if reconciled is not None and (latest is None or reconciled.ToNanoseconds() > latest.ToNanoseconds()):
            latest = reconciled
    when = Timestamp()
    if observed_at is not None:
        when.FromDatetime(observed_at)
    elif latest is not None:
        when.CopyFrom(latest)
    else:
        when.FromDatetime(datetime.now(UTC))
    members = hashlib.sha256("".join(f"{state}\n" for state in sorted(states)).encode())
    # A snapshot with a time of its own (given, or a reconciledAt) is identified by it; one without, by its members.
    moment = rfc3339(when) if observed_at is not None or latest is not None else f"members={members.hexdigest()[:32]}"
    fleet_id = derived_id(
        "argocd-fleet",
        tenant_id,
        cluster,
        environment,
        moment,
        *(f"{field}={count}" for field, count in sorted(counts.items())),
        f"total={total}",
    )
    fleet = health_pb2.FleetState(
        fleetstate_id=fleet_id,
        environment_id=environment,
        cluster_id=cluster,
        total_applications=total,
        out_of_sync_count=out_of_sync,
    )
    for field, count in counts.items():
        setattr(fleet, field, count)
    fleet.observed_at.CopyFrom(when)
    intent = new_intent(
        RecordFleetStateRequested(fleet_state=fleet),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=fleet_id,
        message_id=fleet_id,
        occurred_at=when,
    )
    return checked(intent, root.path, "Applications")
