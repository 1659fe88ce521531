"""Fully populated aggregates and value objects, valid by the contract's rules."""

from __future__ import annotations

from ameide_core_proto.sre.core.v1 import alert_pb2, health_pb2, incident_pb2, runbook_pb2, slo_pb2, sre_pb2
from ameide_sre_contracts.testing._values import (
    ALERT_ID,
    COMMIT_SHA,
    FINGERPRINT,
    FLEETSTATE_ID,
    HEALTHCHECK_ID,
    INCIDENT_ID,
    RUNBOOK_ID,
    SLO_ID,
    agent,
    at,
    backlog_ref,
    person,
    resource,
    seconds,
    stable_uuid,
    timeline_entry,
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
        affected_resources=[resource(i) for i in range(resources)],
        assignee=person(),
        backlog_refs=[backlog_ref()],
        timeline=[timeline_entry(i) for i in range(timeline)],
        created_at=at(0),
        acknowledged_at=at(120),
        resolved_at=at(1800),
        closed_at=at(7200),
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
        starts_at=at(-60),
        ends_at=at(1700),
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
            timeout=seconds(60),
        ),
        runbook_pb2.RunbookStep(
            step_id="revert-config",
            title="Revert the config change in GitOps",
            instructions="Open a revert of the config map commit and ask for approval.",
            command="git revert --no-edit HEAD",
            automation_level=runbook_pb2.AUTOMATION_LEVEL_ASSISTED,
            timeout=seconds(300),
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
        created_at=at(-86400),
    )


def runbook_execution() -> runbook_pb2.RunbookExecution:
    """A succeeded execution with every field set."""
    return runbook_pb2.RunbookExecution(
        execution_id=stable_uuid("execution"),
        runbook_id=RUNBOOK_ID,
        incident_id=INCIDENT_ID,
        executed_by=agent(),
        started_at=at(600),
        finished_at=at(900),
        outcome=runbook_pb2.RUNBOOK_OUTCOME_SUCCEEDED,
        step_results=[
            runbook_pb2.RunbookStepResult(
                step_id="inspect-rollout",
                outcome=runbook_pb2.STEP_OUTCOME_SUCCEEDED,
                started_at=at(600),
                finished_at=at(610),
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
                slice=seconds(60),
            )
        )
        return built
    return slo_pb2.SLO(
        slo_id=SLO_ID,
        name="Checkout availability",
        description="Share of checkout requests answered without a server error.",
        target_percent=99.9,
        rolling_window=seconds(28 * 86400),
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
                    long_window=seconds(3600),
                    short_window=seconds(300),
                    burn_rate=14.4,
                    action=slo_pb2.BURN_RATE_ACTION_PAGE,
                ),
                slo_pb2.BurnRateAlert(
                    long_window=seconds(21600),
                    short_window=seconds(1800),
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
        created_at=at(-30 * 86400),
    )


def sli_measurement() -> slo_pb2.SLIMeasurement:
    """One hour of checkout traffic."""
    return slo_pb2.SLIMeasurement(
        slo_id=SLO_ID, window_start=at(-3600), window_end=at(0), good_events=998_812, total_events=1_000_000
    )


def error_budget_status(*, consumed: float = 0.42) -> slo_pb2.ErrorBudgetStatus:
    """The budget of the example SLO, `consumed` spent."""
    return slo_pb2.ErrorBudgetStatus(
        slo_id=SLO_ID,
        evaluated_at=at(0),
        window_start=at(-28 * 86400),
        window_end=at(0),
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
        checked_at=at(1750),
        status=sre_pb2.HEALTH_STATUS_DEGRADED,
        sync_status=health_pb2.SYNC_STATUS_OUT_OF_SYNC,
        conditions=[
            health_pb2.HealthCondition(
                type="SyncError",
                status=health_pb2.CONDITION_STATUS_TRUE,
                reason="ComparisonError",
                message="config map checkout-config differs from Git",
                last_transition_time=at(1700),
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


def bad_events_indicator() -> slo_pb2.RatioIndicator:
    """A ratio SLI counting bad events: the other member of `numerator`."""
    return slo_pb2.RatioIndicator(
        bad_query='sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))',
        total_query='sum(rate(http_requests_total{job="checkout"}[5m]))',
    )


def time_range() -> sre_pb2.TimeRange:
    """The week before `T0`."""
    return sre_pb2.TimeRange(start_time=at(-7 * 86400), end_time=at(0))
