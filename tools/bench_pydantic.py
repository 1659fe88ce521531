"""Pydantic v2 models of the benchmarked envelopes, with the contract's rules, for `make bench`.

What a team might write instead of the contract: the same shapes and bounds,
validating the envelope's dict form (`MessageToDict(preserving_proto_field_name=True)`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(max_length=256)]
Name = Annotated[str, Field(min_length=1, max_length=256)]
Id128 = Annotated[str, Field(min_length=1, max_length=128)]
Duration = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?s$")]
Severity = Literal["SEVERITY_CRITICAL", "SEVERITY_HIGH", "SEVERITY_MEDIUM", "SEVERITY_LOW"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Actor(Strict):
    kind: Literal["SRE_ACTOR_KIND_PERSON", "SRE_ACTOR_KIND_AGENT", "SRE_ACTOR_KIND_AUTOMATION"]
    id: Name
    display_name: Text = ""


class Meta(Strict):
    message_id: UUID
    tenant_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
    occurred_at: datetime
    producer: Annotated[str, Field(min_length=1, max_length=253)]
    correlation_id: Annotated[str, Field(max_length=128)] = ""
    causation_id: UUID | None = None
    schema_version: Annotated[str, Field(max_length=32, pattern=r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")]
    traceparent: Annotated[str, Field(pattern=r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")] | None = None
    tracestate: Annotated[str, Field(max_length=512)] = ""
    actor: Actor | None = None


class Subject(Strict):
    aggregate_type: Literal["Incident", "Alert", "Runbook", "SLO", "HealthCheck", "FleetState", "Service", "Postmortem"]
    aggregate_id: Id128
    aggregate_version: Annotated[int, Field(ge=1)]


class ProcessSubject(Strict):
    workflow_type: Literal[
        "IncidentTriageProcess", "ChangeVerificationProcess", "SLOBurnAlertProcess", "AlertCorrelationProcess"
    ]
    workflow_id: Annotated[str, Field(min_length=1, max_length=255)]
    incident_id: UUID | None = None
    run_id: Annotated[str, Field(max_length=255)] = ""
    sequence: Annotated[int, Field(ge=0)] = 0


class ResourceRef(Strict):
    type: Annotated[str, Field(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_.-]*$")]
    id: Annotated[str, Field(min_length=1, max_length=253)]
    namespace: Annotated[str, Field(max_length=63)] = ""
    cluster: Annotated[str, Field(max_length=253)] = ""
    environment: Annotated[str, Field(max_length=63)] = ""
    api_group: Annotated[str, Field(max_length=253, pattern=r"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$")] = ""
    api_version: Annotated[str, Field(max_length=63, pattern=r"^([a-z0-9]+)?$")] = ""
    kind: Annotated[str, Field(max_length=63, pattern=r"^([A-Za-z][A-Za-z0-9]*)?$")] = ""
    uid: Annotated[str, Field(max_length=128, pattern=r"^[A-Za-z0-9._:-]*$")] = ""


class BacklogRef(Strict):
    item_id: Id128
    title: Text = ""
    url: Annotated[str, Field(max_length=2048)] = ""


class ExternalRef(Strict):
    system: Literal[
        "EXTERNAL_SYSTEM_JIRA", "EXTERNAL_SYSTEM_GITHUB_ISSUES", "EXTERNAL_SYSTEM_PAGERDUTY", "EXTERNAL_SYSTEM_OPSGENIE"
    ]
    id: Name
    url: Annotated[str, Field(max_length=2048)] = ""


class TimelineEntry(Strict):
    entry_id: UUID
    occurred_at: datetime
    kind: str
    author: Actor
    text: Annotated[str, Field(min_length=1, max_length=4096)]


class Incident(Strict):
    incident_id: UUID
    title: Name
    description: Annotated[str, Field(max_length=4096)] = ""
    severity: Severity
    status: str
    source: str
    affected_resources: Annotated[list[ResourceRef], Field(max_length=50)] = []
    assignee: Actor | None = None
    backlog_refs: Annotated[list[BacklogRef], Field(max_length=20)] = []
    timeline: Annotated[list[TimelineEntry], Field(max_length=50)] = []
    created_at: datetime
    acknowledged_at: datetime | None = None
    investigating_at: datetime | None = None
    mitigating_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    correlated_alert_ids: Annotated[list[Id128], Field(max_length=500)] = []
    external_refs: Annotated[list[ExternalRef], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _times_in_order(self) -> Incident:
        if self.resolved_at and self.resolved_at < self.created_at:
            raise ValueError("resolved_at must not be before created_at")
        if self.closed_at and (not self.resolved_at or self.closed_at < self.resolved_at):
            raise ValueError("closed_at must not be before resolved_at")
        return self


class IncidentCreated(Strict):
    incident: Incident


class IncidentClosed(Strict):
    incident_id: UUID
    closed_at: datetime
    closing_note: Annotated[str, Field(max_length=4096)] = ""
    backlog_refs: Annotated[list[BacklogRef], Field(max_length=20)] = []


class BacklogMatch(Strict):
    item: BacklogRef
    score: Annotated[float, Field(ge=0, le=1)]


class SimilarIncident(Strict):
    incident_id: UUID
    title: Name
    resolution_summary: Annotated[str, Field(max_length=4096)] = ""
    score: Annotated[float, Field(ge=0, le=1)]


class RunbookMatch(Strict):
    runbook_id: Annotated[str, Field(min_length=1, max_length=63, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    title: Name
    score: Annotated[float, Field(ge=0, le=1)]


class BacklogLookupCompleted(Strict):
    backlog_items: Annotated[list[BacklogMatch], Field(max_length=20)] = []
    similar_incidents: Annotated[list[SimilarIncident], Field(max_length=20)] = []
    runbooks: Annotated[list[RunbookMatch], Field(max_length=20)] = []
    duration: Duration


class IncidentCreatedFact(Strict):
    meta: Meta
    subject: Subject
    incident_created: IncidentCreated


class IncidentClosedFact(Strict):
    meta: Meta
    subject: Subject
    incident_closed: IncidentClosed


class BacklogLookupCompletedFact(Strict):
    meta: Meta
    subject: ProcessSubject
    backlog_lookup_completed: BacklogLookupCompleted


MODELS = {
    "incident_closed": IncidentClosedFact,
    "incident_created": IncidentCreatedFact,
    "backlog_lookup_completed": BacklogLookupCompletedFact,
}
