"""Fixed identifiers, instants and small value builders every example shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2

TENANT_ID = "tenant-acme"
INCIDENT_ID = "3f1c2a9e-6b7d-4e1f-9a2b-8c3d4e5f6a7b"
ALERT_ID = "a1b2c3d4e5f60718-1773480413"
FINGERPRINT = "a1b2c3d4e5f60718"
RUNBOOK_ID = "restart-crashlooping-deployment"
SLO_ID = "checkout-availability"
HEALTHCHECK_ID = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"
FLEETSTATE_ID = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
SERVICE_ID = "checkout"
POSTMORTEM_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
WORKFLOW_ID = "incident-triage-3f1c2a9e"
PARENT_MESSAGE_ID = "7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b"
CORRELATION_ID = "corr-3f1c2a9e"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = "ameide=00f067aa0ba902b7,vendor=opaque"
COMMIT_SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
T0 = datetime(2026, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)

AGGREGATE_IDS = {
    "Incident": INCIDENT_ID,
    "Alert": ALERT_ID,
    "Runbook": RUNBOOK_ID,
    "SLO": SLO_ID,
    "HealthCheck": HEALTHCHECK_ID,
    "FleetState": FLEETSTATE_ID,
    "Service": SERVICE_ID,
    "Postmortem": POSTMORTEM_ID,
}


def at(offset: float) -> Timestamp:
    """The instant `offset` seconds after `T0`."""
    stamp = Timestamp()
    stamp.FromDatetime(T0 + timedelta(seconds=offset))
    return stamp


def seconds(count: int) -> Duration:
    """A duration of `count` seconds."""
    return Duration(seconds=count)


def stable_uuid(name: str) -> str:
    """A UUID derived from `name`: the same in every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://ameide.io/sre/examples/{name}"))


def person(user: str = "u-4711", name: str = "Dana Responder") -> sre_pb2.SreActor:
    """A responder."""
    return sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_PERSON, id=user, display_name=name)


def agent() -> sre_pb2.SreActor:
    """The SRE agent."""
    return sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AGENT, id="sre-agent", display_name="SRE agent")


def resource(index: int = 0) -> sre_pb2.ResourceRef:
    """A Kubernetes deployment of the checkout service; `index` tells several apart."""
    return sre_pb2.ResourceRef(
        type="deployment",
        id=f"checkout-api-{index}" if index else "checkout-api",
        namespace="checkout",
        cluster="prod-eu-1",
        environment="production",
        api_group="apps",
        api_version="v1",
        kind="Deployment",
        uid=stable_uuid(f"deployment-{index}"),
    )


def application() -> sre_pb2.ResourceRef:
    """The Argo CD application that deploys the checkout service."""
    return sre_pb2.ResourceRef(
        type="application",
        id="checkout",
        namespace="argocd",
        cluster="prod-eu-1",
        environment="production",
        api_group="argoproj.io",
        api_version="v1alpha1",
        kind="Application",
        uid=stable_uuid("application"),
    )


def external_ref() -> incident_pb2.ExternalRef:
    """The incident's Jira issue."""
    return incident_pb2.ExternalRef(
        system=incident_pb2.EXTERNAL_SYSTEM_JIRA, id="SRE-123", url="https://acme.atlassian.net/browse/SRE-123"
    )


def backlog_ref() -> incident_pb2.BacklogRef:
    """A backlog item documenting the known pattern."""
    return incident_pb2.BacklogRef(
        item_id="BL-450",
        title="Checkout pods crash-loop after config map change",
        url="https://backlog.ameide.io/items/BL-450",
    )


def timeline_entry(index: int) -> incident_pb2.IncidentTimelineEntry:
    """The `index`-th timeline entry, one minute after the previous one."""
    kinds = list(incident_pb2.TimelineEntryKind.values())[1:]
    return incident_pb2.IncidentTimelineEntry(
        entry_id=stable_uuid(f"timeline-{index}"),
        occurred_at=at(60 * index),
        kind=kinds[index % len(kinds)],
        author=person(),
        text=f"Step {index}: checked rollout history; config map checkout-config changed at 09:20.",
    )


def time_range() -> sre_pb2.TimeRange:
    """The week before `T0`."""
    return sre_pb2.TimeRange(start_time=at(-7 * 86400), end_time=at(0))
