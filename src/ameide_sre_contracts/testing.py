"""Valid, fully populated example messages for tests: ours and our consumers'.

`example(IncidentCreated)` returns a payload with every field set (one member
of each oneof), nested, repeated and map fields included; `examples(SreDomainFact)`
returns one valid envelope per oneof case, with every metadata field set.
Values are fixed, so examples are equal across calls and processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import (
    alert_pb2,
    facts_pb2,
    health_pb2,
    incident_pb2,
    intents_pb2,
    query_pb2,
    runbook_pb2,
    slo_pb2,
    sre_pb2,
)
from ameide_core_proto.sre.process.v1 import process_facts_pb2 as process
from ameide_sre_contracts.envelopes import Envelope, MetaOptions, new_fact, new_intent, new_process_fact
from ameide_sre_contracts.topics import PAYLOADS, topic_of

M = TypeVar("M", bound=Message)

TENANT_ID = "tenant-acme"
INCIDENT_ID = "3f1c2a9e-6b7d-4e1f-9a2b-8c3d4e5f6a7b"
ALERT_ID = "a1b2c3d4e5f60718-1773480413"
FINGERPRINT = "a1b2c3d4e5f60718"
RUNBOOK_ID = "restart-crashlooping-deployment"
SLO_ID = "checkout-availability"
HEALTHCHECK_ID = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"
FLEETSTATE_ID = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
WORKFLOW_ID = "incident-triage-3f1c2a9e"
PARENT_MESSAGE_ID = "7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b"
CORRELATION_ID = "corr-3f1c2a9e"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = "ameide=00f067aa0ba902b7,vendor=opaque"
COMMIT_SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
T0 = datetime(2026, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)

_AGGREGATE_IDS = {
    "Incident": INCIDENT_ID,
    "Alert": ALERT_ID,
    "Runbook": RUNBOOK_ID,
    "SLO": SLO_ID,
    "HealthCheck": HEALTHCHECK_ID,
    "FleetState": FLEETSTATE_ID,
}


def _at(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(T0 + timedelta(seconds=seconds))
    return stamp


def _seconds(seconds: int) -> Duration:
    return Duration(seconds=seconds)


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://ameide.io/sre/examples/{name}"))


def _person(user: str = "u-4711", name: str = "Dana Responder") -> sre_pb2.SreActor:
    return sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_PERSON, id=user, display_name=name)


def _agent() -> sre_pb2.SreActor:
    return sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AGENT, id="sre-agent", display_name="SRE agent")


def _resource(index: int = 0) -> sre_pb2.ResourceRef:
    return sre_pb2.ResourceRef(
        type="deployment",
        id=f"checkout-api-{index}" if index else "checkout-api",
        namespace="checkout",
        cluster="prod-eu-1",
        environment="production",
    )


def _backlog_ref() -> incident_pb2.BacklogRef:
    return incident_pb2.BacklogRef(
        item_id="BL-450",
        title="Checkout pods crash-loop after config map change",
        url="https://backlog.ameide.io/items/BL-450",
    )


def _timeline_entry(index: int) -> incident_pb2.IncidentTimelineEntry:
    kinds = list(incident_pb2.TimelineEntryKind.values())[1:]
    return incident_pb2.IncidentTimelineEntry(
        entry_id=_uuid(f"timeline-{index}"),
        occurred_at=_at(60 * index),
        kind=kinds[index % len(kinds)],
        author=_person(),
        text=f"Step {index}: checked rollout history; config map checkout-config changed at 09:20.",
    )


def incident(*, resources: int = 2, timeline: int = 3) -> incident_pb2.Incident:
    """A closed incident with every field set."""
    return incident_pb2.Incident(
        incident_id=INCIDENT_ID,
        title="Checkout API returns 5xx for 12% of requests",
        description="Error rate rose after the 09:20 config change. **Customer impact:** failed checkouts.",
        severity=sre_pb2.SEVERITY_HIGH,
        status=sre_pb2.INCIDENT_STATUS_CLOSED,
        source=incident_pb2.INCIDENT_SOURCE_ALERT,
        affected_resources=[_resource(i) for i in range(resources)],
        assignee=_person(),
        backlog_refs=[_backlog_ref()],
        timeline=[_timeline_entry(i) for i in range(timeline)],
        created_at=_at(0),
        acknowledged_at=_at(120),
        resolved_at=_at(1800),
        closed_at=_at(7200),
        correlated_alert_ids=[ALERT_ID, "b2c3d4e5f6071829-1773480420"],
        external_refs=[
            incident_pb2.ExternalRef(
                system=incident_pb2.EXTERNAL_SYSTEM_PAGERDUTY,
                id="Q1W2E3R4T5",
                url="https://acme.pagerduty.com/incidents/Q1W2E3R4T5",
            )
        ],
    )


def alert() -> alert_pb2.Alert:
    """A resolved Alertmanager alert with every field set."""
    return alert_pb2.Alert(
        alert_id=ALERT_ID,
        fingerprint=FINGERPRINT,
        name="CheckoutHighErrorRate",
        severity=sre_pb2.SEVERITY_HIGH,
        status=sre_pb2.ALERT_STATUS_RESOLVED,
        labels={"alertname": "CheckoutHighErrorRate", "severity": "high", "team": "checkout"},
        annotations={
            "summary": "Checkout 5xx above 5%",
            "runbook_url": "https://runbooks.ameide.io/restart-crashlooping-deployment",
        },
        starts_at=_at(-60),
        ends_at=_at(1700),
        generator_url="http://prometheus.monitoring:9090/graph?g0.expr=rate%28http_requests_total%5B5m%5D%29",
        source=alert_pb2.ALERT_SOURCE_PROMETHEUS,
        incident_id=INCIDENT_ID,
    )


def runbook() -> runbook_pb2.Runbook:
    """An assisted runbook with every field set."""
    steps = [
        runbook_pb2.RunbookStep(
            step_id="inspect-rollout",
            title="Inspect the rollout history",
            instructions="List recent revisions and compare the config hash.",
            command="kubectl -n checkout rollout history deployment/checkout-api",
            automation_level=runbook_pb2.AUTOMATION_LEVEL_AUTOMATED,
            timeout=_seconds(60),
        ),
        runbook_pb2.RunbookStep(
            step_id="revert-config",
            title="Revert the config change in GitOps",
            instructions="Open a revert of the config map commit and ask for approval.",
            command="git revert --no-edit HEAD",
            automation_level=runbook_pb2.AUTOMATION_LEVEL_ASSISTED,
            timeout=_seconds(300),
        ),
    ]
    return runbook_pb2.Runbook(
        runbook_id=RUNBOOK_ID,
        title="Restart a crash-looping deployment",
        description="Use when pods crash-loop after a configuration change.",
        trigger_conditions=[
            runbook_pb2.RunbookTrigger(
                description="Pods crash-loop shortly after a config map change",
                match_labels={"alertname": "KubePodCrashLooping"},
                symptoms=["CrashLoopBackOff", "5xx after deploy"],
            )
        ],
        steps=steps,
        automation_level=runbook_pb2.AUTOMATION_LEVEL_ASSISTED,
        approval_required=True,
        owner="team-checkout",
        created_at=_at(-86400),
    )


def runbook_execution() -> runbook_pb2.RunbookExecution:
    """A succeeded execution with every field set."""
    return runbook_pb2.RunbookExecution(
        execution_id=_uuid("execution"),
        runbook_id=RUNBOOK_ID,
        incident_id=INCIDENT_ID,
        executed_by=_agent(),
        started_at=_at(600),
        finished_at=_at(900),
        outcome=runbook_pb2.RUNBOOK_OUTCOME_SUCCEEDED,
        step_results=[
            runbook_pb2.RunbookStepResult(
                step_id="inspect-rollout",
                outcome=runbook_pb2.STEP_OUTCOME_SUCCEEDED,
                started_at=_at(600),
                finished_at=_at(610),
                output="REVISION 41 config-hash=9f3c…",
            )
        ],
        dry_run=True,
    )


def slo(*, threshold: bool = False) -> slo_pb2.SLO:
    """A 28-day availability SLO with every field set.

    With `threshold=True`, the other member of each oneof: a latency SLI over a
    calendar month, counting bad events.
    """
    if threshold:
        built = slo(threshold=False)
        built.calendar_period = slo_pb2.CALENDAR_PERIOD_MONTH
        built.sli.threshold.CopyFrom(
            slo_pb2.ThresholdIndicator(
                query="histogram_quantile(0.99, sum by (le) (rate(http_duration_seconds_bucket[5m])))",
                operator=slo_pb2.COMPARISON_OPERATOR_LESS_THAN,
                threshold=0.3,
                slice=_seconds(60),
            )
        )
        return built
    return slo_pb2.SLO(
        slo_id=SLO_ID,
        name="Checkout availability",
        description="Share of checkout requests answered without a server error.",
        target_percent=99.9,
        rolling_window=_seconds(28 * 86400),
        sli=slo_pb2.SliDefinition(
            backend=slo_pb2.QUERY_BACKEND_PROMETHEUS,
            ratio=slo_pb2.RatioIndicator(
                good_query='sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))',
                total_query='sum(rate(http_requests_total{job="checkout"}[5m]))',
            ),
        ),
        error_budget_policy=slo_pb2.ErrorBudgetPolicy(
            burn_rate_alerts=[
                slo_pb2.BurnRateAlert(
                    long_window=_seconds(3600),
                    short_window=_seconds(300),
                    burn_rate=14.4,
                    action=slo_pb2.BURN_RATE_ACTION_PAGE,
                ),
                slo_pb2.BurnRateAlert(
                    long_window=_seconds(21600),
                    short_window=_seconds(1800),
                    burn_rate=6,
                    action=slo_pb2.BURN_RATE_ACTION_TICKET,
                ),
            ],
            freeze_changes_when_exhausted=True,
        ),
        owner="team-checkout",
        scope=sre_pb2.ResourceRef(
            type="application",
            id="checkout",
            namespace="checkout",
            cluster="prod-eu-1",
            environment="production",
        ),
        created_at=_at(-30 * 86400),
    )


def sli_measurement() -> slo_pb2.SLIMeasurement:
    """One hour of checkout traffic."""
    return slo_pb2.SLIMeasurement(
        slo_id=SLO_ID, window_start=_at(-3600), window_end=_at(0), good_events=998_812, total_events=1_000_000
    )


def error_budget_status(*, consumed: float = 0.42) -> slo_pb2.ErrorBudgetStatus:
    """The budget of the example SLO, `consumed` spent."""
    return slo_pb2.ErrorBudgetStatus(
        slo_id=SLO_ID,
        evaluated_at=_at(0),
        window_start=_at(-28 * 86400),
        window_end=_at(0),
        consumed_ratio=consumed,
        remaining_ratio=1 - consumed,
        burn_rate=2.5,
    )


def health_check() -> health_pb2.HealthCheck:
    """An Argo CD assessment with every field set."""
    return health_pb2.HealthCheck(
        healthcheck_id=HEALTHCHECK_ID,
        resource=sre_pb2.ResourceRef(
            type="application",
            id="checkout",
            namespace="argocd",
            cluster="prod-eu-1",
            environment="production",
        ),
        checked_at=_at(1750),
        status=sre_pb2.HEALTH_STATUS_DEGRADED,
        sync_status=health_pb2.SYNC_STATUS_OUT_OF_SYNC,
        conditions=[
            health_pb2.HealthCondition(
                type="SyncError",
                status=health_pb2.CONDITION_STATUS_TRUE,
                reason="ComparisonError",
                message="config map checkout-config differs from Git",
                last_transition_time=_at(1700),
            )
        ],
        source=health_pb2.HEALTH_CHECK_SOURCE_ARGOCD,
        revision=COMMIT_SHA,
    )


def fleet_state() -> health_pb2.FleetState:
    """A snapshot whose health counts partition the total."""
    return health_pb2.FleetState(
        fleetstate_id=FLEETSTATE_ID,
        environment_id="production",
        cluster_id="prod-eu-1",
        observed_at=_at(1750),
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


def bad_events_indicator() -> slo_pb2.RatioIndicator:
    """A ratio SLI counting bad events: the other member of `numerator`."""
    return slo_pb2.RatioIndicator(
        bad_query='sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))',
        total_query='sum(rate(http_requests_total{job="checkout"}[5m]))',
    )


def _time_range() -> sre_pb2.TimeRange:
    return sre_pb2.TimeRange(start_time=_at(-7 * 86400), end_time=_at(0))


PAGE_SIZE = 50
PAGE_TOKEN = "eyJvZmZzZXQiOjUwfQ"
_QUERY_FACTORIES: dict[type[Message], Callable[[], Message]] = {
    query_pb2.GetIncidentRequest: lambda: query_pb2.GetIncidentRequest(tenant_id=TENANT_ID, incident_id=INCIDENT_ID),
    query_pb2.GetIncidentResponse: lambda: query_pb2.GetIncidentResponse(incident=incident()),
    query_pb2.ListIncidentsRequest: lambda: query_pb2.ListIncidentsRequest(
        tenant_id=TENANT_ID,
        statuses=[sre_pb2.INCIDENT_STATUS_OPEN, sre_pb2.INCIDENT_STATUS_INVESTIGATING],
        severities=[sre_pb2.SEVERITY_CRITICAL, sre_pb2.SEVERITY_HIGH],
        created=_time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListIncidentsResponse: lambda: query_pb2.ListIncidentsResponse(
        incidents=[incident()], next_page_token="eyJvZmZzZXQiOjEwMH0"
    ),
    query_pb2.SearchIncidentsRequest: lambda: query_pb2.SearchIncidentsRequest(
        tenant_id=TENANT_ID, query="checkout 5xx config", created=_time_range(), page_size=20, page_token="p2"
    ),
    query_pb2.SearchIncidentsResponse: lambda: query_pb2.SearchIncidentsResponse(
        results=[query_pb2.IncidentSearchResult(incident=incident(), score=0.87)], next_page_token="p3"
    ),
    query_pb2.GetIncidentTimelineRequest: lambda: query_pb2.GetIncidentTimelineRequest(
        tenant_id=TENANT_ID,
        incident_id=INCIDENT_ID,
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.GetIncidentTimelineResponse: lambda: query_pb2.GetIncidentTimelineResponse(
        entries=[_timeline_entry(i) for i in range(3)], next_page_token="p2"
    ),
    query_pb2.GetAlertRequest: lambda: query_pb2.GetAlertRequest(tenant_id=TENANT_ID, alert_id=ALERT_ID),
    query_pb2.GetAlertResponse: lambda: query_pb2.GetAlertResponse(alert=alert()),
    query_pb2.ListAlertsRequest: lambda: query_pb2.ListAlertsRequest(
        tenant_id=TENANT_ID,
        statuses=[sre_pb2.ALERT_STATUS_FIRING],
        severities=[sre_pb2.SEVERITY_HIGH],
        label_selector={"team": "checkout"},
        started=_time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListAlertsResponse: lambda: query_pb2.ListAlertsResponse(alerts=[alert()], next_page_token="p2"),
    query_pb2.ListActiveAlertsRequest: lambda: query_pb2.ListActiveAlertsRequest(
        tenant_id=TENANT_ID,
        min_severity=sre_pb2.SEVERITY_HIGH,
        label_selector={"team": "checkout"},
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListActiveAlertsResponse: lambda: query_pb2.ListActiveAlertsResponse(
        alerts=[alert()], next_page_token="p2"
    ),
    query_pb2.GetRunbookRequest: lambda: query_pb2.GetRunbookRequest(tenant_id=TENANT_ID, runbook_id=RUNBOOK_ID),
    query_pb2.GetRunbookResponse: lambda: query_pb2.GetRunbookResponse(runbook=runbook()),
    query_pb2.ListRunbooksRequest: lambda: query_pb2.ListRunbooksRequest(
        tenant_id=TENANT_ID,
        automation_levels=[runbook_pb2.AUTOMATION_LEVEL_ASSISTED],
        owner="team-checkout",
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListRunbooksResponse: lambda: query_pb2.ListRunbooksResponse(runbooks=[runbook()], next_page_token="p2"),
    query_pb2.SearchRunbooksRequest: lambda: query_pb2.SearchRunbooksRequest(
        tenant_id=TENANT_ID,
        symptoms="pods crash-loop after config change",
        labels={"team": "checkout"},
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.SearchRunbooksResponse: lambda: query_pb2.SearchRunbooksResponse(
        results=[query_pb2.RunbookSearchResult(runbook=runbook(), score=0.77)], next_page_token="p2"
    ),
    query_pb2.GetSLORequest: lambda: query_pb2.GetSLORequest(tenant_id=TENANT_ID, slo_id=SLO_ID),
    query_pb2.GetSLOResponse: lambda: query_pb2.GetSLOResponse(slo=slo()),
    query_pb2.ListSLOsRequest: lambda: query_pb2.ListSLOsRequest(
        tenant_id=TENANT_ID,
        owner="team-checkout",
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.ListSLOsResponse: lambda: query_pb2.ListSLOsResponse(slos=[slo()], next_page_token="p2"),
    query_pb2.GetSLOBudgetStatusRequest: lambda: query_pb2.GetSLOBudgetStatusRequest(
        tenant_id=TENANT_ID, slo_id=SLO_ID
    ),
    query_pb2.GetSLOBudgetStatusResponse: lambda: query_pb2.GetSLOBudgetStatusResponse(budget=error_budget_status()),
    query_pb2.GetFleetStateRequest: lambda: query_pb2.GetFleetStateRequest(
        tenant_id=TENANT_ID, environment_id="production", cluster_id="prod-eu-1"
    ),
    query_pb2.GetFleetStateResponse: lambda: query_pb2.GetFleetStateResponse(fleet_state=fleet_state()),
    query_pb2.GetHealthHistoryRequest: lambda: query_pb2.GetHealthHistoryRequest(
        tenant_id=TENANT_ID,
        resource=health_check().resource,
        checked=_time_range(),
        page_size=PAGE_SIZE,
        page_token=PAGE_TOKEN,
    ),
    query_pb2.GetHealthHistoryResponse: lambda: query_pb2.GetHealthHistoryResponse(
        health_checks=[health_check()], next_page_token="p2"
    ),
}


def query_example(message_type: type[M]) -> M:
    """A valid, fully populated request or response of a query RPC (a fresh copy each call).

    Raises:
        KeyError: `message_type` is not a query request or response.
    """
    try:
        built = _QUERY_FACTORIES[message_type]()
    except KeyError:
        raise KeyError(f"no query example for {message_type.__name__}") from None
    assert isinstance(built, message_type)
    return built


def _backlog_match() -> process.BacklogMatch:
    return process.BacklogMatch(item=_backlog_ref(), score=0.92)


_FACTORIES: dict[type[Message], Callable[[], Message]] = {
    # Domain intents
    intents_pb2.CreateIncidentRequested: lambda: intents_pb2.CreateIncidentRequested(
        title="Checkout API returns 5xx for 12% of requests",
        description="Raised from CheckoutHighErrorRate.",
        severity=sre_pb2.SEVERITY_HIGH,
        source=incident_pb2.INCIDENT_SOURCE_ALERT,
        affected_resources=[_resource()],
        alert_ids=[ALERT_ID],
        backlog_refs=[_backlog_ref()],
    ),
    intents_pb2.UpdateIncidentSeverityRequested: lambda: intents_pb2.UpdateIncidentSeverityRequested(
        severity=sre_pb2.SEVERITY_CRITICAL, reason="Failed checkouts now exceed 20%."
    ),
    intents_pb2.AssignIncidentRequested: lambda: intents_pb2.AssignIncidentRequested(
        assignee=_person(), reason="On call for checkout."
    ),
    intents_pb2.AddIncidentTimelineEntryRequested: lambda: intents_pb2.AddIncidentTimelineEntryRequested(
        kind=incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text="Rollback proposed.", occurred_at=_at(900)
    ),
    intents_pb2.ResolveIncidentRequested: lambda: intents_pb2.ResolveIncidentRequested(
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
    ),
    intents_pb2.CloseIncidentRequested: lambda: intents_pb2.CloseIncidentRequested(
        closing_note="Documented in BL-450.", backlog_refs=[_backlog_ref()]
    ),
    intents_pb2.IngestAlertRequested: lambda: intents_pb2.IngestAlertRequested(alert=alert()),
    intents_pb2.AcknowledgeAlertRequested: lambda: intents_pb2.AcknowledgeAlertRequested(
        acknowledged_by=_person(), note="Looking."
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
        assignee=_person(),
        previous_assignee=_person("u-0815", "Sam Previous"),
        reason="Hand-over at shift change.",
    ),
    facts_pb2.IncidentTimelineEntryAdded: lambda: facts_pb2.IncidentTimelineEntryAdded(
        incident_id=INCIDENT_ID, entry=_timeline_entry(1)
    ),
    facts_pb2.IncidentResolved: lambda: facts_pb2.IncidentResolved(
        incident_id=INCIDENT_ID,
        resolved_at=_at(1800),
        resolution_summary="Reverted the config map; error rate back to baseline.",
        root_cause="A typo in checkout-config disabled the payment provider.",
        severity=sre_pb2.SEVERITY_HIGH,
        time_to_resolve=_seconds(1800),
    ),
    facts_pb2.IncidentClosed: lambda: facts_pb2.IncidentClosed(
        incident_id=INCIDENT_ID,
        closed_at=_at(7200),
        closing_note="Documented in BL-450.",
        backlog_refs=[_backlog_ref()],
    ),
    facts_pb2.AlertIngested: lambda: facts_pb2.AlertIngested(alert=alert()),
    facts_pb2.AlertAcknowledged: lambda: facts_pb2.AlertAcknowledged(
        alert_id=ALERT_ID, acknowledged_by=_person(), acknowledged_at=_at(60), note="Looking."
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
        started_at=_at(130),
    ),
    process.BacklogLookupCompleted: lambda: process.BacklogLookupCompleted(
        backlog_items=[_backlog_match()],
        similar_incidents=[
            process.SimilarIncident(
                incident_id=_uuid("past-incident"),
                title="Checkout 5xx after config change",
                resolution_summary="Reverted the config map.",
                score=0.81,
            )
        ],
        runbooks=[process.RunbookMatch(runbook_id=RUNBOOK_ID, title="Restart a crash-looping deployment", score=0.77)],
        duration=_seconds(42),
    ),
    process.TriagePhaseCompleted: lambda: process.TriagePhaseCompleted(
        phase=process.TRIAGE_PHASE_TRIAGE,
        outcome=process.PHASE_OUTCOME_SUCCEEDED,
        summary="Known pattern BL-450 confirmed from the rollout history.",
        duration=_seconds(240),
        known_pattern=True,
    ),
    process.RemediationProposed: lambda: process.RemediationProposed(
        proposal_id=_uuid("proposal"),
        gitops_repository="https://git.ameide.io/platform/gitops.git",
        path="environments/production/checkout/config.yaml",
        change_summary="Revert checkout-config to revision 40.",
        approval_required=True,
        runbook_id=RUNBOOK_ID,
    ),
    process.RemediationApplied: lambda: process.RemediationApplied(
        proposal_id=_uuid("proposal"),
        gitops_repository="https://git.ameide.io/platform/gitops.git",
        commit_sha=COMMIT_SHA,
        approved_by=_person(),
        applied_at=_at(1500),
    ),
    process.VerificationStarted: lambda: process.VerificationStarted(
        commit_sha=COMMIT_SHA, resources=[_resource()], deadline=_seconds(600)
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
        backlog_refs=[_backlog_ref()],
        runbook_id=RUNBOOK_ID,
    ),
    process.IncidentTriageCompleted: lambda: process.IncidentTriageCompleted(
        outcome=process.TRIAGE_OUTCOME_RESOLVED,
        duration=_seconds(7000),
        final_phase=process.TRIAGE_PHASE_DOCUMENTATION,
        summary="Resolved by reverting the config change; documented in BL-450.",
    ),
}


def example(payload_type: type[M]) -> M:
    """A valid payload of `payload_type` with every field set (a fresh copy each call).

    Raises:
        KeyError: `payload_type` is not a payload of the contract, or has no example yet.
    """
    try:
        factory = _FACTORIES[payload_type]
    except KeyError:
        raise KeyError(f"no example for {payload_type.__name__}") from None
    built = factory()
    assert isinstance(built, payload_type)
    return built


def example_envelope(payload: Message) -> Envelope:
    """A valid envelope around `payload`, with every metadata field set."""
    info = PAYLOADS[type(payload)]
    parent = intents_pb2.SreDomainIntent()
    parent.meta.message_id = PARENT_MESSAGE_ID
    parent.meta.correlation_id = CORRELATION_ID
    common: MetaOptions = {
        "causation": parent,
        "correlation_id": CORRELATION_ID,
        "traceparent": TRACEPARENT,
        "tracestate": TRACESTATE,
        "actor": _agent(),
        "occurred_at": T0 + timedelta(seconds=info.field_number),
        "message_id": _uuid(f"message/{info.topic.name}/{info.case}"),
    }
    envelope_type = info.topic.envelope_type
    if envelope_type is intents_pb2.SreDomainIntent:
        return new_intent(
            payload,
            producer="sre-integration-alertmanager",
            aggregate_id=_AGGREGATE_IDS[info.aggregate_type],
            expected_version=0 if info.creates_aggregate else 3,
            tenant_id=TENANT_ID,
            **common,
        )
    if envelope_type is facts_pb2.SreDomainFact:
        return new_fact(
            payload,
            producer="sre-domain",
            aggregate_id=_AGGREGATE_IDS[info.aggregate_type],
            aggregate_version=1 if info.creates_aggregate else 4,
            tenant_id=TENANT_ID,
            **common,
        )
    return new_process_fact(
        payload,
        producer="sre-process",
        workflow_id=WORKFLOW_ID,
        incident_id=INCIDENT_ID,
        run_id=_uuid("run"),
        tenant_id=TENANT_ID,
        **common,
    )


def examples(envelope_type: type[M]) -> list[M]:
    """One valid envelope of `envelope_type` per oneof case, in field-number order."""
    topic = topic_of(envelope_type)
    built = [example_envelope(example(payload)) for payload in topic.payload_types]
    assert all(isinstance(envelope, envelope_type) for envelope in built)
    return built  # type: ignore[return-value]
