"""Alertmanager and Grafana alerts into `IngestAlertRequested` intents, and back.

One intent per alert of a webhook notification (Alertmanager's version 4,
Grafana's version 1) or of Alertmanager's API v2 (`GET /api/v2/alerts`, or
`/api/v2/alerts/groups`). The mapping is lossless: `webhook_from_intents`
rebuilds the notification, and every field of the input comes back.

Identity, so that a redelivered webhook dedupes, a resolve does not, and a
sender cannot take another alert's identity:

- `fingerprint` is computed from the labels as Alertmanager computes it
  (`fingerprint`), never taken from the sender; a sent fingerprint that
  differs (a hand-written sender's, or Grafana's own hash) is kept as sent
  in `sent_fingerprint` and comes back out of `webhook_from_intents`.
- `alert_id` is `<fingerprint>-<startsAt in Unix seconds>`: each firing of
  a rule is its own alert. The fingerprint is 16 hex digits, so no two
  (fingerprint, start) pairs share an id, and no other adapter's ids (which
  start with their source's name and a colon) can meet these.
- `message_id` is `derived_id("alert", tenant, fingerprint, startsAt, status)`
  (UUIDv5, see `message_id`): the same alert in the same status always
  gets the same id, a resolve gets a new one.

Size: the notification's context (receiver, group, common labels and
annotations, link, Grafana's details) travels once, in the first alert's
intent; every intent's `correlation_id` is the first intent's
`message_id`. So the intents of a notification are at most
`OUTPUT_FACTOR` times its size plus `INTENT_OVERHEAD` bytes per alert. A
notification of more than `max_alerts` alerts (`MAX_ALERTS` unless the
caller says) is refused whole, so that the sender retries it rather than
losing some: set `max_alerts` in Alertmanager's `webhook_config` to at most
that many, and Alertmanager counts what it leaves out in `truncatedAlerts`.

Severity: the `severity` label, kept as sent in `raw_severity`, mapped
through the contract's `Severity` aliases (`sre.SEVERITY_ALIASES`:
`critical`, `page`, `p1`, `1` to CRITICAL; `error`, `high` to HIGH;
`warning` to MEDIUM; `low` to LOW; `info`, `none` to INFO); no label or an
unknown one leaves it unspecified.

Example:
    from ameide_sre_contracts.adapters import alertmanager

    intents = alertmanager.intents_from_webhook(request.body, tenant_id="acme", producer="alertmanager-adapter")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import alert_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import IngestAlertRequested, SreDomainIntent
from ameide_sre_contracts._rfc3339 import has_time, rfc3339
from ameide_sre_contracts.adapters._alertmanager_out import status_word, webhook_from_intents
from ameide_sre_contracts.adapters._common import checked, derived_id, require_text
from ameide_sre_contracts.adapters._json import Node, integer_range, load_json
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.errors import AdapterInputError
from ameide_sre_contracts.vocabulary import severity_from_label

__all__ = [
    "INTENT_OVERHEAD",
    "MAX_ALERTS",
    "OUTPUT_FACTOR",
    "SEVERITY_LABEL",
    "UNNAMED_ALERT",
    "alert_id",
    "fingerprint",
    "intents_from_api_alerts",
    "intents_from_webhook",
    "message_id",
    "webhook_from_intents",
]

SEVERITY_LABEL: Final = "severity"
"""The label whose value is the alert's severity."""

UNNAMED_ALERT: Final = "(unnamed)"
"""The `Alert.name` of an alert without an `alertname` label (its labels are kept as sent)."""

MAX_ALERTS: Final = 1000
"""The most alerts of one notification `intents_from_webhook` maps unless told otherwise; more are refused."""

OUTPUT_FACTOR: Final = 4
"""The intents of a notification are at most this many times its size in bytes, plus `INTENT_OVERHEAD` per alert."""

INTENT_OVERHEAD: Final = 1024
"""The bytes an intent may add to its alert's own: envelope metadata, ids, and the alert's defaults spelled out."""

_STATUS_WORDS: Final[dict[str, sre_pb2.AlertStatus.ValueType]] = {
    "firing": sre_pb2.ALERT_STATUS_FIRING,
    "resolved": sre_pb2.ALERT_STATUS_RESOLVED,
}
_PER_ALERT_FIELDS: Final = ("status", "version", "truncated_alerts", "alert_count")
"""What every alert's notification carries; the rest of the context only the first alert's does."""
_TRUNCATED_RANGE: Final = integer_range(alert_pb2.AlertNotification, "truncated_alerts")
_ORG_ID_RANGE: Final = integer_range(alert_pb2.GrafanaNotificationDetails, "org_id")
_GRAFANA_ALERT_KEYS: Final = ("silenceURL", "dashboardURL", "panelURL", "imageURL", "values", "valueString")
_GRAFANA_NOTIFICATION_KEYS: Final = ("orgId", "title", "state", "message")
_FNV_OFFSET: Final = 14695981039346656037
_FNV_PRIME: Final = 1099511628211
_SEPARATOR_BYTE: Final = 0xFF


def fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's fingerprint of a label set: FNV-1a 64 over the sorted names and values, each ended by 0xFF.

    Example:
        fingerprint({"Message": "message"})  # "4ea129fd903f0e45"
    """
    value = _FNV_OFFSET
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode("utf-8"):
                value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
            value = ((value ^ _SEPARATOR_BYTE) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def alert_id(alert_fingerprint: str, starts_at: Timestamp) -> str:
    """The `Alert.alert_id` of one firing: `<fingerprint>-<starts_at in Unix seconds>`."""
    return f"{alert_fingerprint}-{starts_at.seconds}"


def message_id(
    tenant_id: str, alert_fingerprint: str, starts_at: Timestamp, status: sre_pb2.AlertStatus.ValueType
) -> str:
    """The intent's idempotency key: UUIDv5 over tenant, fingerprint, start (RFC 3339, UTC) and status word."""
    return derived_id("alert", tenant_id, alert_fingerprint, rfc3339(starts_at), status_word(status))


def _alert_core(
    item: Node, status: sre_pb2.AlertStatus.ValueType, source: alert_pb2.AlertSource.ValueType
) -> alert_pb2.Alert:
    labels = item["labels"].string_map()
    starts_at = item["startsAt"].required_timestamp()
    alert_fingerprint = fingerprint(labels)
    sent = item["fingerprint"].text()
    raw_severity = labels.get(SEVERITY_LABEL, "")
    alert = alert_pb2.Alert(
        alert_id=alert_id(alert_fingerprint, starts_at),
        fingerprint=alert_fingerprint,
        name=labels.get("alertname") or UNNAMED_ALERT,
        severity=severity_from_label(raw_severity),
        raw_severity=raw_severity,
        status=status,
        labels=labels,
        annotations=item["annotations"].string_map(),
        generator_url=item["generatorURL"].text(),
        source=source,
        sent_fingerprint="" if sent == alert_fingerprint else sent,
    )
    alert.starts_at.CopyFrom(starts_at)
    ends_at = item["endsAt"].timestamp()
    if ends_at is not None:
        alert.ends_at.CopyFrom(ends_at)
    return alert


def _grafana_details(item: Node) -> alert_pb2.GrafanaAlertDetails | None:
    if not any(item[key].exists for key in _GRAFANA_ALERT_KEYS):
        return None
    values = item["values"]
    details = alert_pb2.GrafanaAlertDetails(
        silence_url=item["silenceURL"].text(),
        dashboard_url=item["dashboardURL"].text(),
        panel_url=item["panelURL"].text(),
        image_url=item["imageURL"].text(),
        value_string=item["valueString"].text(),
        has_values=values.present,
    )
    for key in values.mapping():
        details.values[key] = values[key].number()
    return details


def _intent(
    alert: alert_pb2.Alert,
    tenant_id: str,
    producer: str,
    occurred_at: Timestamp,
    path: str,
    correlation_id: str | None = None,
) -> SreDomainIntent:
    intent = new_intent(
        IngestAlertRequested(alert=alert),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=alert.alert_id,
        message_id=message_id(tenant_id, alert.fingerprint, alert.starts_at, alert.status),
        occurred_at=occurred_at,
        correlation_id=correlation_id,
    )
    return checked(intent, path, "an alert")


def _is_grafana(root: Node, alerts: list[Node]) -> bool:
    if any(root[key].exists for key in _GRAFANA_NOTIFICATION_KEYS):
        return True
    return any(item[key].exists for item in alerts for key in _GRAFANA_ALERT_KEYS)


def _status(node: Node, fallback: sre_pb2.AlertStatus.ValueType | None) -> sre_pb2.AlertStatus.ValueType:
    word = node.text()
    if not word:
        if fallback is None:
            raise node.fail('"firing" or "resolved" (here or on the notification)')
        return fallback
    if word not in _STATUS_WORDS:
        raise node.fail('"firing" or "resolved"')
    return _STATUS_WORDS[word]


def intents_from_webhook(
    body: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    source: alert_pb2.AlertSource.ValueType | None = None,
    max_alerts: int = MAX_ALERTS,
) -> list[SreDomainIntent]:
    """One `IngestAlertRequested` intent per alert of an Alertmanager or Grafana webhook notification.

    `source` defaults to Grafana when the notification carries Grafana's
    fields, else Prometheus; pass `ALERT_SOURCE_LOKI` for Loki's ruler.
    Each intent's `occurred_at` is the alert's end when resolved, else its
    start, so a redelivered notification yields identical intents. The
    notification's context travels in the first intent only (see the
    module's description).

    Raises:
        AdapterInputError: the body is not a webhook notification, it holds
            more than `max_alerts` alerts, or an alert does not fit the
            contract; the error names the JSON path.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    root = Node(load_json(body, what="the webhook body"))
    root.required_mapping()
    alerts_node = root["alerts"]
    if not isinstance(alerts_node.value, list):
        raise alerts_node.fail("the notification's array of alerts")
    if len(alerts_node.value) > max_alerts:
        raise AdapterInputError(
            alerts_node.path,
            f"at most {max_alerts} alerts (set max_alerts in the sender's webhook_config)",
            f"{len(alerts_node.value)} alerts",
        )
    alerts = list(alerts_node.items())
    grafana = _is_grafana(root, alerts)
    chosen_source = source if source is not None else (alert_pb2.ALERT_SOURCE_GRAFANA if grafana else None)
    alert_source = chosen_source if chosen_source is not None else alert_pb2.ALERT_SOURCE_PROMETHEUS

    notification = alert_pb2.AlertNotification(
        receiver=root["receiver"].text(),
        group_key=root["groupKey"].text(),
        group_labels=root["groupLabels"].string_map(),
        common_labels=root["commonLabels"].string_map(),
        common_annotations=root["commonAnnotations"].string_map(),
        external_url=root["externalURL"].text(),
        truncated_alerts=root["truncatedAlerts"].integer(_TRUNCATED_RANGE),
        version=root["version"].text(),
        alert_count=len(alerts),
    )
    group_status = _status(root["status"], sre_pb2.ALERT_STATUS_UNSPECIFIED) or None
    if group_status is not None:
        notification.status = group_status
    per_alert = alert_pb2.AlertNotification()
    for name in _PER_ALERT_FIELDS:
        setattr(per_alert, name, getattr(notification, name))
    if grafana and any(root[key].exists for key in _GRAFANA_NOTIFICATION_KEYS):
        notification.grafana.CopyFrom(
            alert_pb2.GrafanaNotificationDetails(
                org_id=root["orgId"].integer(_ORG_ID_RANGE),
                title=root["title"].text(),
                state=root["state"].text(),
                message=root["message"].text(),
            )
        )

    intents: list[SreDomainIntent] = []
    for index, item in enumerate(alerts):
        item.required_mapping()
        status = _status(item["status"], group_status)
        alert = _alert_core(item, status, alert_source)
        details = _grafana_details(item)
        if details is not None:
            alert.grafana.CopyFrom(details)
        alert.notification.CopyFrom(notification if index == 0 else per_alert)
        alert.notification.alert_index = index
        occurred = has_time(alert, "ends_at") if status == sre_pb2.ALERT_STATUS_RESOLVED else None
        first = intents[0].meta.message_id if intents else None
        intents.append(_intent(alert, tenant_id, producer, occurred or alert.starts_at, item.path, first))
    if intents:
        intents[0].meta.correlation_id = intents[0].meta.message_id
    return intents


def _api_status(
    state_node: Node, silenced_by: list[str], inhibited_by: list[str], muted_by: list[str]
) -> sre_pb2.AlertStatus.ValueType:
    state = state_node.text()
    if state in ("active", "unprocessed"):
        return sre_pb2.ALERT_STATUS_FIRING
    if state == "suppressed":
        if silenced_by or (muted_by and not inhibited_by):
            return sre_pb2.ALERT_STATUS_SILENCED
        return sre_pb2.ALERT_STATUS_INHIBITED
    raise state_node.fail('"active", "suppressed" or "unprocessed"')


def _strings(node: Node) -> list[str]:
    return [item.required_text() for item in node.items()]


def intents_from_api_alerts(
    alerts: bytes | str | list[Any],
    *,
    tenant_id: str,
    producer: str,
    source: alert_pb2.AlertSource.ValueType = alert_pb2.ALERT_SOURCE_PROMETHEUS,
) -> list[SreDomainIntent]:
    """One `IngestAlertRequested` intent per alert Alertmanager's API v2 returns.

    Accepts the body of `GET /api/v2/alerts` (an array of alerts) or of
    `GET /api/v2/alerts/groups` (an array of groups, flattened: an alert
    routed to several groups is one intent, its receivers and every group's
    `receiver` listed, each once).
    Alertmanager's state travels in `Alert.alertmanager`; a suppressed alert
    is SILENCED when a silence or a mute time interval holds it, else
    INHIBITED. `endsAt` of an active alert is in the future: when it will be
    considered resolved unless it fires again.

    Raises:
        AdapterInputError: the body is not such an array, or an alert does
            not fit the contract; the error names the JSON path.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    root = Node(load_json(alerts, what="the API response"))
    if not isinstance(root.value, list):
        raise root.fail("an array of alerts or of alert groups")
    flat: dict[str, Node] = {}
    routed: dict[str, dict[str, None]] = {}  # each alert's receivers, in order, each once
    for entry in root.items():
        group = "alerts" in entry.required_mapping()
        members = list(entry["alerts"].items()) if group else [entry]
        group_receiver = entry["receiver"]["name"].required_text() if group and entry["receiver"].present else ""
        for item in members:
            key = fingerprint(item["labels"].string_map())
            flat.setdefault(key, item)
            receivers = routed.setdefault(key, {})
            receivers.update(dict.fromkeys(receiver["name"].required_text() for receiver in item["receivers"].items()))
            if group_receiver:
                receivers[group_receiver] = None  # the group's receiver, which its alerts need not repeat
    intents = []
    for key, item in flat.items():
        state = item["status"]
        silenced_by = _strings(state["silencedBy"])
        inhibited_by = _strings(state["inhibitedBy"])
        muted_by = _strings(state["mutedBy"])
        status = _api_status(state["state"], silenced_by, inhibited_by, muted_by)
        alert = _alert_core(item, status, source)
        alert.alertmanager.CopyFrom(
            alert_pb2.AlertmanagerAlertState(
                state=state["state"].text(),
                silenced_by=silenced_by,
                inhibited_by=inhibited_by,
                muted_by=muted_by,
                receivers=list(routed[key]),
            )
        )
        updated_at = item["updatedAt"].timestamp()
        if updated_at is not None:
            alert.alertmanager.updated_at.CopyFrom(updated_at)
        intents.append(_intent(alert, tenant_id, producer, updated_at or alert.starts_at, item.path))
    return intents
