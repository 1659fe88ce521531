"""Alerts as Alertmanager and Grafana deliver them."""

from __future__ import annotations

from ameide_core_proto.sre.core.v1 import alert_pb2, sre_pb2
from ameide_sre_contracts.testing._values import ALERT_ID, FINGERPRINT, INCIDENT_ID, at, resource

LABELS = {"alertname": "CheckoutHighErrorRate", "severity": "warning", "team": "checkout"}
ANNOTATIONS = {
    "summary": "Checkout 5xx above 5%",
    "runbook_url": "https://runbooks.ameide.io/restart-crashlooping-deployment",
}


def notification() -> alert_pb2.AlertNotification:
    """The webhook notification the example alert arrived in."""
    return alert_pb2.AlertNotification(
        receiver="sre-domain",
        status=sre_pb2.ALERT_STATUS_RESOLVED,
        group_key='{}:{alertname="CheckoutHighErrorRate"}',
        group_labels={"alertname": "CheckoutHighErrorRate"},
        common_labels=LABELS,
        common_annotations={"summary": ANNOTATIONS["summary"]},
        external_url="http://alertmanager.monitoring:9093",
        truncated_alerts=2,
        version="4",
        grafana=alert_pb2.GrafanaNotificationDetails(
            org_id=1, title="[RESOLVED:1] CheckoutHighErrorRate", state="ok", message="**Resolved**"
        ),
        alert_index=1,
        alert_count=3,
    )


def grafana_details() -> alert_pb2.GrafanaAlertDetails:
    """What Grafana adds to the example alert."""
    return alert_pb2.GrafanaAlertDetails(
        silence_url="https://grafana.ameide.io/alerting/silence/new?matcher=alertname%3DCheckoutHighErrorRate",
        dashboard_url="https://grafana.ameide.io/d/checkout",
        panel_url="https://grafana.ameide.io/d/checkout?viewPanel=2",
        image_url="https://grafana.ameide.io/render/checkout.png",
        values={"A": 0.12, "B": 1.0},
        value_string="[ var='A' labels={job=checkout} value=0.12 ]",
        has_values=True,
    )


def alertmanager_state() -> alert_pb2.AlertmanagerAlertState:
    """Alertmanager's view of the example alert: silenced by one silence."""
    return alert_pb2.AlertmanagerAlertState(
        state="suppressed",
        silenced_by=["b6beb8fc-bcd7-4b56-a0be-d2c15633600c"],
        inhibited_by=["54c2f185e49cfccb"],
        muted_by=["weekend-maintenance"],
        receivers=["sre-domain", "team-checkout"],
        updated_at=at(1690),
    )


def alert() -> alert_pb2.Alert:
    """A resolved alert with every field set."""
    return alert_pb2.Alert(
        alert_id=ALERT_ID,
        fingerprint=FINGERPRINT,
        name="CheckoutHighErrorRate",
        severity=sre_pb2.SEVERITY_MEDIUM,
        status=sre_pb2.ALERT_STATUS_RESOLVED,
        labels=LABELS,
        annotations=ANNOTATIONS,
        starts_at=at(-60),
        ends_at=at(1700),
        generator_url="http://prometheus.monitoring:9090/graph?g0.expr=rate%28http_requests_total%5B5m%5D%29",
        source=alert_pb2.ALERT_SOURCE_PROMETHEUS,
        incident_id=INCIDENT_ID,
        raw_severity="warning",
        notification=notification(),
        grafana=grafana_details(),
        alertmanager=alertmanager_state(),
        resource=resource(),
        sent_fingerprint="a1e9b0c2d3f40516",  # the sender's own hash (Grafana's), kept beside the computed one
    )
