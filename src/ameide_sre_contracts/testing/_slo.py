"""SLOs, their measurements and budgets, and SLO variants that cover every oneof member."""

from __future__ import annotations

import json

from ameide_core_proto.sre.core.v1 import slo_pb2, sre_pb2
from ameide_sre_contracts.testing._values import SLO_ID, at, seconds

GOOD_QUERY = 'sum(rate(http_requests_total{job="checkout",code!~"5.."}[5m]))'
BAD_QUERY = 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))'
TOTAL_QUERY = 'sum(rate(http_requests_total{job="checkout"}[5m]))'
LATENCY_QUERY = "histogram_quantile(0.99, sum by (le) (rate(http_duration_seconds_bucket[5m])))"


def _source(query: str) -> slo_pb2.MetricSource:
    return slo_pb2.MetricSource(source_ref="prometheus-eu", type="Prometheus", spec_json=json.dumps({"query": query}))


def _ratio_sli() -> slo_pb2.SliDefinition:
    return slo_pb2.SliDefinition(
        backend=slo_pb2.QUERY_BACKEND_PROMETHEUS,
        ratio=slo_pb2.RatioIndicator(good_query=GOOD_QUERY, total_query=TOTAL_QUERY),
        name="checkout-availability-sli",
        display_name="Checkout requests without server error",
        description="Share of checkout requests answered without a 5xx.",
    )


def slo() -> slo_pb2.SLO:
    """A 28-day availability SLO with every field set, two objectives included."""
    return slo_pb2.SLO(
        slo_id=SLO_ID,
        name="Checkout availability",
        description="Share of checkout requests answered without a server error.",
        target_percent=99.9,
        rolling_window=seconds(28 * 86400),
        sli=_ratio_sli(),
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
            type="service",
            id="checkout",
            namespace="checkout",
            cluster="prod-eu-1",
            environment="production",
            api_group="argoproj.io",
            api_version="v1alpha1",
            kind="Application",
            uid="8d1c5e2a-0f3b-4c6d-9e7f-1a2b3c4d5e6f",
        ),
        created_at=at(-30 * 86400),
        budgeting_method=slo_pb2.BUDGETING_METHOD_TIMESLICES,
        objectives=[
            slo_pb2.SloObjective(
                display_name="Internal objective",
                op=slo_pb2.COMPARISON_OPERATOR_GREATER_THAN,
                value=0.99,
                target_ratio=0.999,
                time_slice_target=0.95,
                time_slice_window=seconds(60),
                indicator=_ratio_sli(),
                composite_weight=2,
            ),
            slo_pb2.SloObjective(display_name="SLA", target_percent=99.5),
        ],
        labels={
            "team": slo_pb2.LabelValues(values=["checkout"]),
            "regions": slo_pb2.LabelValues(values=["eu-1", "us-1"], is_list=True),
        },
        annotations={"openslo.com/service-owner": "team-checkout"},
        alert_policies=[slo_pb2.SloAlertPolicy(ref="checkout-fast-burn")],
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


def slo_variants() -> list[slo_pb2.SLO]:
    """Valid SLOs that together set the oneof members `slo()` leaves unset.

    Calendar windows (a period, and a time window aligned to the calendar of a
    time zone), a rolling time window, a latency threshold SLI, bad-event
    ratios, metric-source ratios (counts and a precomputed ratio), a metric
    threshold, a reference to an SLI defined elsewhere, and an inline alert
    policy.
    """
    variants: list[slo_pb2.SLO] = []

    latency = slo()
    latency.calendar_period = slo_pb2.CALENDAR_PERIOD_MONTH
    latency.sli.threshold.CopyFrom(
        slo_pb2.ThresholdIndicator(
            query=LATENCY_QUERY, operator=slo_pb2.COMPARISON_OPERATOR_LESS_THAN, threshold=0.3, slice=seconds(60)
        )
    )
    latency.alert_policies[0].inline_json = json.dumps({"kind": "AlertPolicy", "metadata": {"name": "fast-burn"}})
    variants.append(latency)

    bad_events = slo()
    bad_events.sli.ratio.bad_query = BAD_QUERY
    bad_events.time_window.CopyFrom(
        slo_pb2.TimeWindow(
            count=1,
            unit=slo_pb2.TIME_UNIT_MONTH,
            calendar=slo_pb2.CalendarAnchor(start="2026-01-01 00:00:00", time_zone="Europe/Berlin"),
        )
    )
    variants.append(bad_events)

    counts = slo()
    counts.time_window.CopyFrom(slo_pb2.TimeWindow(count=2, unit=slo_pb2.TIME_UNIT_WEEK, rolling=True))
    counts.sli.metric_ratio.CopyFrom(
        slo_pb2.MetricRatioIndicator(
            counter=True,
            counts=slo_pb2.EventCounts(good=_source(GOOD_QUERY), bad=_source(BAD_QUERY), total=_source(TOTAL_QUERY)),
        )
    )
    variants.append(counts)

    raw = slo()
    raw.sli.metric_ratio.CopyFrom(
        slo_pb2.MetricRatioIndicator(
            raw=slo_pb2.RawRatio(metric=_source("checkout:availability:ratio5m"), type=slo_pb2.RAW_RATIO_TYPE_SUCCESS)
        )
    )
    variants.append(raw)

    threshold = slo()
    threshold.sli.metric_threshold.CopyFrom(slo_pb2.MetricThresholdIndicator(metric=_source(LATENCY_QUERY)))
    variants.append(threshold)

    reference = slo()
    reference.sli.Clear()
    reference.sli.indicator_ref = "checkout-availability-sli"
    variants.append(reference)
    return variants
