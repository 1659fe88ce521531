"""The webhook notification of ingested alerts: the outbound half of the Alertmanager adapter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ameide_core_proto.sre.core.v1 import alert_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts._rfc3339 import has_time, rfc3339
from ameide_sre_contracts.adapters._common import plain_number
from ameide_sre_contracts.errors import InvalidArgumentError


def status_word(status: sre_pb2.AlertStatus.ValueType) -> str:
    """The status as webhooks spell it: `firing`, `resolved`, `silenced`, `inhibited`."""
    return sre_pb2.AlertStatus.Name(status).removeprefix("ALERT_STATUS_").lower()


def _alert_json(alert: alert_pb2.Alert) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "status": status_word(alert.status),
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": rfc3339(alert.starts_at),
        "endsAt": rfc3339(has_time(alert, "ends_at")),
        "generatorURL": alert.generator_url,
        "fingerprint": alert.sent_fingerprint or alert.fingerprint,
    }
    if alert.HasField("grafana"):
        grafana = alert.grafana
        entry["silenceURL"] = grafana.silence_url
        entry["dashboardURL"] = grafana.dashboard_url
        entry["panelURL"] = grafana.panel_url
        if grafana.image_url:
            entry["imageURL"] = grafana.image_url
        if grafana.has_values:
            entry["values"] = {key: plain_number(value) for key, value in grafana.values.items()}
        if grafana.value_string:
            entry["valueString"] = grafana.value_string
    return entry


_PER_ALERT_FIELDS = ("status", "version", "truncated_alerts", "alert_count")


def _per_alert(notification: alert_pb2.AlertNotification) -> tuple[object, ...]:
    return tuple(getattr(notification, name) for name in _PER_ALERT_FIELDS)


def webhook_from_intents(intents: Iterable[SreDomainIntent]) -> dict[str, Any]:
    """The webhook notification the intents came from (the inverse of `intents_from_webhook`).

    Every field of the original comes back; timestamps are spelled in UTC,
    an unset end as Alertmanager's zero time, and fields an older sender
    left out come back with the value it implied (the computed fingerprint,
    the notification's status). The context is the first alert's
    (`alert_index` 0); the other intents must agree with it on what every
    alert carries and on their `correlation_id`.

    Raises:
        InvalidArgumentError: no intents, an intent that is not an ingested
            alert, no first alert, or intents from different notifications.
    """
    alerts: list[alert_pb2.Alert] = []
    shared: tuple[object, ...] | None = None
    correlation: str | None = None
    for intent in intents:
        if intent.WhichOneof("intent") != "ingest_alert":
            raise InvalidArgumentError("webhook_from_intents takes IngestAlertRequested intents only")
        alert = intent.ingest_alert.alert
        if shared is None:
            shared, correlation = _per_alert(alert.notification), intent.meta.correlation_id
        elif _per_alert(alert.notification) != shared or intent.meta.correlation_id != correlation:
            raise InvalidArgumentError("the intents come from different notifications")
        alerts.append(alert)
    if not alerts:
        raise InvalidArgumentError("webhook_from_intents needs at least one intent")
    alerts.sort(key=lambda alert: alert.notification.alert_index)
    if len({alert.notification.alert_index for alert in alerts}) != len(alerts):
        raise InvalidArgumentError("the intents come from different notifications (an alert_index twice)")
    context = alerts[0].notification
    if context.alert_index != 0:
        raise InvalidArgumentError("the notification's context travels with its first alert (alert_index 0)")
    statuses = {alert.status for alert in alerts}
    group_status = context.status or (
        sre_pb2.ALERT_STATUS_FIRING if sre_pb2.ALERT_STATUS_FIRING in statuses else sre_pb2.ALERT_STATUS_RESOLVED
    )
    body: dict[str, Any] = {
        "receiver": context.receiver,
        "status": status_word(group_status),
        "alerts": [_alert_json(alert) for alert in alerts],
        "groupLabels": dict(context.group_labels),
        "commonLabels": dict(context.common_labels),
        "commonAnnotations": dict(context.common_annotations),
        "externalURL": context.external_url,
        "version": context.version,
        "groupKey": context.group_key,
        "truncatedAlerts": context.truncated_alerts,
    }
    if context.HasField("grafana"):
        body["orgId"] = context.grafana.org_id
        body["title"] = context.grafana.title
        body["state"] = context.grafana.state
        body["message"] = context.grafana.message
    return body
