"""Payloads other projects published, through the adapters: each maps to valid intents and nothing is lost.

The fixtures are in tests/fixtures/real/, each listed in SOURCES.yaml with
where it was published and under which licence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ameide_core_proto.sre.core.v1 import alert_pb2, health_pb2, incident_pb2, slo_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts import adapters, decode, encode, to_json, validate
from ameide_sre_contracts.adapters import (
    AdapterInputError,
    alertmanager,
    argocd,
    derived_id,
    kubernetes,
    openslo,
    pagerduty,
)
from tests.adapter_checks import REAL, SOURCES, contained, documents, dropped, extra_keys, fixtures

TENANT = "acme"
PRODUCER = "adapter-tests"
PERMISSIVE = {"Apache-2.0", "MIT", "Apache-2.0 OR GPL-2.0", "CC-BY-4.0"}

WEBHOOKS = [path for folder in ("alertmanager", "grafana") for path in fixtures(folder) if "api-v2" not in path.name]
API_V2 = [path for path in fixtures("alertmanager") if "api-v2" in path.name]


def _ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def _valid_on_the_wire(intents: list[SreDomainIntent]) -> None:
    for intent in intents:
        validate(intent)
        assert decode(SreDomainIntent, encode(intent)) == intent


def test_every_fixture_names_its_source_and_every_source_is_here() -> None:
    on_disk = {
        str(path.relative_to(REAL)) for path in REAL.rglob("*") if path.is_file() and path.name != "SOURCES.yaml"
    }
    assert on_disk == set(SOURCES)
    for name, source in SOURCES.items():
        assert {"repository", "path", "commit", "licence", "shows"} <= set(source), name
        assert len(source["commit"]) == 40, name
        assert source["licence"] in PERMISSIVE, name


@pytest.mark.parametrize("path", WEBHOOKS, ids=_ids(WEBHOOKS))
def test_a_webhook_maps_to_one_valid_intent_per_alert(path: Path) -> None:
    body = json.loads(path.read_bytes())
    intents = alertmanager.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    assert len(intents) == len(body["alerts"])
    _valid_on_the_wire(intents)
    for index, intent in enumerate(intents):
        alert = intent.ingest_alert.alert
        assert intent.subject.aggregate_id == alert.alert_id
        assert alert.notification.alert_index == index
        assert alert.notification.alert_count == len(body["alerts"])
        given = body["alerts"][index]
        assert dict(alert.labels) == given["labels"]
        assert alert.raw_severity == given["labels"].get("severity", "")
        assert alert.name == given["labels"].get("alertname", alertmanager.UNNAMED_ALERT)
        # Identity is computed from the labels, as Alertmanager computes it; a sender's differing one is kept.
        assert alert.fingerprint == alertmanager.fingerprint(given["labels"])
        sent = given.get("fingerprint") or ""
        assert alert.sent_fingerprint == ("" if sent == alert.fingerprint else sent)
        if path.name == "alertmanager-exec-success.json":  # captured from a running Alertmanager
            assert sent
            assert alert.sent_fingerprint == ""
        expected_source = (
            alert_pb2.ALERT_SOURCE_GRAFANA if "grafana" in str(path) else alert_pb2.ALERT_SOURCE_PROMETHEUS
        )
        assert alert.source == expected_source


@pytest.mark.parametrize("path", WEBHOOKS, ids=_ids(WEBHOOKS))
def test_a_webhook_mapped_in_and_back_out_gives_back_every_field(path: Path) -> None:
    body = json.loads(path.read_bytes())
    intents = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    returned = alertmanager.webhook_from_intents(intents)
    assert contained(body, returned) == []
    # What the output adds is only what the input implied: a computed fingerprint, the
    # notification's status on each alert, and zero values of keys an older sender omits.
    for where, value in extra_keys(body, returned):
        key = where.rsplit(".", 1)[-1]
        implied = key == "fingerprint" or (key == "status" and value == body["status"])
        assert implied or value in ("", 0, "0001-01-01T00:00:00Z"), (where, value)


def test_a_webhook_from_an_older_sender_gets_alertmanagers_own_fingerprint() -> None:
    # Alertmanager's own test notification carries the fingerprint Alertmanager computed for {"Message": "message"}.
    body = json.loads((REAL / "alertmanager" / "alertmanager-exec-success.json").read_bytes())
    published = body["alerts"][0]["fingerprint"]
    assert alertmanager.fingerprint(body["alerts"][0]["labels"]) == published
    del body["alerts"][0]["fingerprint"]
    (intent,) = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    assert intent.ingest_alert.alert.fingerprint == published


@pytest.mark.parametrize("path", WEBHOOKS + API_V2, ids=_ids(WEBHOOKS + API_V2))
def test_redelivery_yields_identical_intents(path: Path) -> None:
    mapper = alertmanager.intents_from_api_alerts if path in API_V2 else alertmanager.intents_from_webhook
    first = mapper(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    again = mapper(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    assert [encode(intent) for intent in first] == [encode(intent) for intent in again]


def test_firing_then_resolved_are_distinct_messages_about_the_same_alert() -> None:
    firing_body = json.loads((REAL / "alertmanager" / "zulip-alert.json").read_bytes())
    resolved_body = json.loads((REAL / "alertmanager" / "zulip-alert.json").read_bytes())
    resolved_body["status"] = "resolved"
    for alert in resolved_body["alerts"]:
        alert["status"] = "resolved"
        alert["endsAt"] = "2020-02-06T00:27:58.432911368Z"
    firing = alertmanager.intents_from_webhook(firing_body, tenant_id=TENANT, producer=PRODUCER)
    resolved = alertmanager.intents_from_webhook(resolved_body, tenant_id=TENANT, producer=PRODUCER)
    for before, after in zip(firing, resolved, strict=True):
        assert before.meta.message_id != after.meta.message_id
        assert before.ingest_alert.alert.alert_id == after.ingest_alert.alert.alert_id
        assert after.ingest_alert.alert.status == sre_pb2.ALERT_STATUS_RESOLVED
        assert after.meta.occurred_at == after.ingest_alert.alert.ends_at
    other_tenant = alertmanager.intents_from_webhook(firing_body, tenant_id="globex", producer=PRODUCER)
    assert {i.meta.message_id for i in other_tenant}.isdisjoint({i.meta.message_id for i in firing})


def test_an_offset_timestamp_is_the_same_instant_in_utc() -> None:
    path = REAL / "alertmanager" / "prometheus-msteams-prom_post_request.json"
    (intent,) = alertmanager.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    # 2018-03-07T06:33:21.873077559-05:00, worked out by hand: 11:33:21 UTC.
    assert intent.ingest_alert.alert.starts_at.ToJsonString() == "2018-03-07T11:33:21.873077559Z"
    assert not intent.ingest_alert.alert.HasField("ends_at")  # Go's zero time


def test_grafanas_extras_are_kept() -> None:
    path = REAL / "grafana" / "zulip-alert_values_v11.json"
    (intent,) = alertmanager.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    alert = intent.ingest_alert.alert
    assert dict(alert.grafana.values) == {"A": 2473545728.0, "B": 0.0, "C": 1.0, "minute": 9.0}
    assert alert.grafana.image_url == "https://grafana.com/assets/img/blog/mixed_styles.png"
    assert alert.notification.grafana.org_id == 1
    assert alert.notification.grafana.title == "[FIRING:1] Memory (copy) device (true)"
    assert alert.notification.version == "1"


@pytest.mark.parametrize("path", API_V2, ids=_ids(API_V2))
def test_api_v2_groups_map_each_alert_once_with_its_silences(path: Path) -> None:
    groups = json.loads(path.read_bytes())
    listed = [alert for group in groups for alert in group["alerts"]]
    distinct = {alert["fingerprint"]: alert for alert in listed}
    intents = alertmanager.intents_from_api_alerts(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    _valid_on_the_wire(intents)
    assert len(listed) == 24
    assert len(intents) == len(distinct) == 12
    for intent in intents:
        alert = intent.ingest_alert.alert
        given = distinct[alert.fingerprint]
        assert list(alert.alertmanager.silenced_by) == given["status"]["silencedBy"]
        assert alert.alertmanager.state == given["status"]["state"]
        assert list(alert.alertmanager.receivers) == [receiver["name"] for receiver in given["receivers"]]
        expected = sre_pb2.ALERT_STATUS_SILENCED if given["status"]["silencedBy"] else sre_pb2.ALERT_STATUS_FIRING
        assert alert.status == expected
        # An active alert's endsAt is in the future of its last update: it is kept.
        assert alert.ends_at.ToJsonString() == "2024-02-29T09:45:32.627Z"
        assert alert.ends_at.ToNanoseconds() > alert.alertmanager.updated_at.ToNanoseconds()
        assert dropped(given, [intent]) == []


@pytest.mark.parametrize("path", WEBHOOKS, ids=_ids(WEBHOOKS))
def test_no_field_of_a_webhook_is_dropped(path: Path) -> None:
    body = json.loads(path.read_bytes())
    intents = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    assert dropped(body, intents) == []


EVENTS = fixtures("kubernetes")


@pytest.mark.parametrize("path", EVENTS, ids=_ids(EVENTS))
def test_a_kubernetes_event_maps_to_a_valid_alert_about_its_object(path: Path) -> None:
    (event,) = documents(path)
    intents = kubernetes.intents_from_event(
        event, tenant_id=TENANT, producer=PRODUCER, cluster="gke-1", include_normal=True
    )
    _valid_on_the_wire(intents)
    (intent,) = intents
    alert = intent.ingest_alert.alert
    regarding = event.get("regarding") or event["involvedObject"]
    assert alert.resource.kind == regarding["kind"]
    assert alert.resource.id == regarding["name"]
    assert alert.resource.uid == regarding.get("uid", "")
    assert alert.source == alert_pb2.ALERT_SOURCE_KUBERNETES
    assert alert.raw_severity == event["type"]
    expected = sre_pb2.SEVERITY_MEDIUM if event["type"] == "Warning" else sre_pb2.SEVERITY_INFO
    assert alert.severity == expected
    assert dropped(event, intents, kubernetes.NOT_CARRIED) == []
    skipped = kubernetes.intents_from_event(event, tenant_id=TENANT, producer=PRODUCER)
    assert (skipped == []) == (event["type"] == "Normal")


def test_a_kubernetes_event_is_identified_by_its_uid_and_count() -> None:
    (event,) = documents(REAL / "kubernetes" / "knative-docs-apiserversource-event.json")
    (first,) = kubernetes.intents_from_event(event, tenant_id=TENANT, producer=PRODUCER, include_normal=True)
    assert first.ingest_alert.alert.fingerprint == event["metadata"]["uid"]
    # firstTimestamp 2019-05-10T23:27:06Z is 1557530826 Unix seconds.
    assert first.ingest_alert.alert.alert_id == f"kubernetes:{event['metadata']['uid']}:1557530826"
    repeated = dict(event, count=2, lastTimestamp="2019-05-10T23:29:06Z")
    (second,) = kubernetes.intents_from_event(repeated, tenant_id=TENANT, producer=PRODUCER, include_normal=True)
    assert second.ingest_alert.alert.alert_id == first.ingest_alert.alert.alert_id
    assert second.meta.message_id != first.meta.message_id
    (again,) = kubernetes.intents_from_event(repeated, tenant_id=TENANT, producer=PRODUCER, include_normal=True)
    assert again.meta.message_id == second.meta.message_id


APPLICATIONS = fixtures("argocd")


@pytest.mark.parametrize("path", APPLICATIONS, ids=_ids(APPLICATIONS))
def test_an_argo_cd_application_maps_to_a_valid_health_check(path: Path) -> None:
    (app,) = documents(path)
    intents = argocd.intents_from_application(app, tenant_id=TENANT, producer=PRODUCER, cluster="in-cluster")
    _valid_on_the_wire(intents)
    check = intents[0].record_health_check.health_check
    assert check.resource.kind == "Application"
    assert check.resource.api_group == "argoproj.io"
    assert check.resource.id == app["metadata"]["name"]
    assert check.source == health_pb2.HEALTH_CHECK_SOURCE_ARGOCD
    if "status" not in app:  # not reconciled yet
        assert check.status == sre_pb2.HEALTH_STATUS_UNKNOWN
    assert dropped(app, intents, argocd.NOT_CARRIED) == []


SLOS = [(path, index) for path in fixtures("openslo") for index, _ in enumerate(documents(path))]


@pytest.mark.parametrize(("path", "index"), SLOS, ids=[f"{path.name}[{index}]" for path, index in SLOS])
def test_an_openslo_document_maps_to_a_valid_slo_and_back(path: Path, index: int) -> None:
    document: dict[str, Any] = documents(path)[index]
    intents = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER)
    _valid_on_the_wire(intents)
    definition = intents[0].create_slo.slo
    assert definition.slo_id == document["metadata"]["name"]
    assert definition.scope.id == document["spec"]["service"]
    returned = openslo.slo_from_intent(intents[0])
    assert contained(document, returned) == []
    for where, value in extra_keys(document, returned):
        assert where.endswith(".isRolling"), (where, value)
        assert value is False
    again = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER)
    assert again[0].meta.message_id == intents[0].meta.message_id


def test_an_openslo_calendar_window_keeps_its_start_and_time_zone() -> None:
    (document,) = documents(REAL / "openslo" / "timeslices-slo.yaml")
    (intent,) = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER)
    window = intent.create_slo.slo.time_window
    # `duration: 1m` is one minute in OpenSLO's units, whatever the example's comment says.
    assert (window.count, window.unit) == (1, 1)
    assert window.calendar.start == "2022-01-01 12:00:00"
    assert window.calendar.time_zone == "America/New_York"
    objectives = intent.create_slo.slo.objectives
    assert [objective.target_ratio for objective in objectives] == [0.995, 0.99]
    assert [objective.time_slice_window.seconds for objective in objectives] == [60, 60]


PAGES = fixtures("pagerduty")
EXPECTED_CASE = {
    "incident.acknowledged": "acknowledge_incident",
    "incident.resolved": "resolve_incident",
    "incident.escalated": "add_timeline_entry",
    "incident.priority_updated": "update_incident_severity",
    "incident.reopened": "transition_incident_status",
    "incident.unacknowledged": "add_timeline_entry",
    "incident.reassigned": "assign_incident",
    "incident.delegated": "assign_incident",
    "incident.annotated": "add_timeline_entry",
    "incident.status_update_published": "add_timeline_entry",
}


@pytest.mark.parametrize("path", PAGES, ids=_ids(PAGES))
def test_a_pagerduty_webhook_maps_to_its_intent_or_is_ignored_by_name(path: Path) -> None:
    """Mapped events give one valid intent about the PagerDuty incident; ignored ones, listed by name, none."""
    body = json.loads(path.read_bytes())
    event_type = body["event"]["event_type"]
    intents = pagerduty.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    if event_type in pagerduty.IGNORED_EVENTS:
        assert intents == []
        return
    _valid_on_the_wire(intents)
    (intent,) = intents
    assert intent.WhichOneof("intent") == EXPECTED_CASE[event_type]
    assert intent.meta.actor.id == "pagerduty:" + body["event"]["agent"]["id"]
    data = body["event"]["data"]
    pagerduty_id = data["id"] if data["type"] == "incident" else data["incident"]["id"]
    # PagerDuty's own 32-hex incident_key is not this package's dedup key: one incident, one id.
    assert intent.subject.aggregate_id == derived_id("pagerduty-incident", TENANT, pagerduty_id)
    again = pagerduty.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    assert again == intents


def test_pagerduty_notes_status_updates_and_reassignments_carry_their_content() -> None:
    """The note and the status update become timeline entries word for word; a reassignment names its assignee."""
    (note,) = pagerduty.intents_from_webhook(
        (REAL / "pagerduty" / "zulip-annotated_v3.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assert (note.add_timeline_entry.kind, note.add_timeline_entry.text) == (
        incident_pb2.TIMELINE_ENTRY_KIND_NOTE,
        "Running KILL on long-running queries from the reporting-service.",
    )
    (update,) = pagerduty.intents_from_webhook(
        (REAL / "pagerduty" / "zulip-status_updated_v3.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assert update.add_timeline_entry.kind == incident_pb2.TIMELINE_ENTRY_KIND_COMMUNICATION
    assert update.add_timeline_entry.text.startswith("Investigating a P1 incident with the Checkout API")
    (reassigned,) = pagerduty.intents_from_webhook(
        (REAL / "pagerduty" / "zulip-reassigned_v3.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assignee = reassigned.assign_incident.assignee
    assert (assignee.id, assignee.display_name, assignee.kind) == ("pagerduty:PI9DT01", "Test User", 1)
    (delegated,) = pagerduty.intents_from_webhook(
        (REAL / "pagerduty" / "zulip-delegated_v3.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assert delegated.assign_incident.reason == "Delegated in PagerDuty under APIs-ep"
    (reopened,) = pagerduty.intents_from_webhook(
        (REAL / "pagerduty" / "zulip-reopened_v3.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assert reopened.transition_incident_status.status == sre_pb2.INCIDENT_STATUS_INVESTIGATING


def test_every_documented_pagerduty_incident_event_is_mapped_or_ignored_by_name() -> None:
    """The lists are disjoint and cover every incident.* type webhook v3 documents; a new type is ignored.

    Documented: PagerDuty's developer docs, webhooks/01-Overview.md (13 types) and 20-Early-Access-Webhooks.md (6).
    """
    documented = {
        "incident.acknowledged", "incident.annotated", "incident.delegated", "incident.escalated",
        "incident.priority_updated", "incident.reassigned", "incident.reopened", "incident.resolved",
        "incident.responder.added", "incident.responder.replied", "incident.status_update_published",
        "incident.triggered", "incident.unacknowledged",
        "incident.action_invocation.created", "incident.action_invocation.updated",
        "incident.action_invocation.terminated", "incident.workflow.started", "incident.workflow.completed",
        "incident.custom_field_values.updated",
    }  # fmt: skip
    assert not pagerduty.MAPPED_EVENTS & pagerduty.IGNORED_EVENTS
    assert documented <= pagerduty.MAPPED_EVENTS | pagerduty.IGNORED_EVENTS
    assert all(event.startswith("incident.") for event in pagerduty.MAPPED_EVENTS | pagerduty.IGNORED_EVENTS)
    future = json.loads((REAL / "pagerduty" / "zulip-triggered_v3.json").read_bytes())
    future["event"]["event_type"] = "incident.something_new"
    future["event"]["data"] = {"type": "incident_something", "shape": ["nothing", "we", "know"]}
    assert pagerduty.intents_from_webhook(future, tenant_id=TENANT, producer=PRODUCER) == []


def test_one_pagerduty_incident_has_one_id_and_our_dedup_key_is_recognized() -> None:
    """With or without PagerDuty's 32-hex incident_key, the same incident; the UUID this package sent wins."""
    body = json.loads((REAL / "pagerduty" / "zulip-reopened_v3.json").read_bytes())
    with_key = pagerduty.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)[0].subject.aggregate_id
    del body["event"]["data"]["incident_key"]
    without = pagerduty.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)[0].subject.aggregate_id
    assert with_key == without == derived_id("pagerduty-incident", TENANT, "Q05XJA8GDXGOB3")
    ours = "3f1c2a9e-6b7d-4e1f-9a2b-8c3d4e5f6a7b"
    body["event"]["data"]["incident_key"] = ours
    assert pagerduty.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)[0].subject.aggregate_id == ours


def test_a_pagerduty_priority_maps_through_the_severity_aliases() -> None:
    path = REAL / "pagerduty" / "zulip-priority_updated_v3.json"
    (intent,) = pagerduty.intents_from_webhook(path.read_bytes(), tenant_id=TENANT, producer=PRODUCER)
    assert intent.update_incident_severity.severity == sre_pb2.SEVERITY_HIGH  # P2
    assert json.loads(to_json(intent))["updateIncidentSeverity"]["reason"] == "PagerDuty priority set to P2"


def test_a_fleet_snapshot_without_times_has_one_id_per_content() -> None:
    """No reconciledAt and no observed_at: the id comes from the Applications and their states, not the clock."""
    (document,) = documents(REAL / "argocd" / "argo-cd-live-application-multi-source.yaml")
    app = json.loads(json.dumps(document, default=str))
    app["status"] = {"health": {"status": "Healthy"}, "sync": {"status": "Synced"}}  # as published: no times at all
    other = json.loads(json.dumps(app))
    other["metadata"]["name"] = "another-app"

    def snapshot(apps: list[Any]) -> str:
        intent = argocd.fleet_state_from_applications(
            apps, tenant_id=TENANT, producer=PRODUCER, cluster="prod-1", environment="prod"
        )
        _valid_on_the_wire([intent])
        return intent.record_fleet_state.fleet_state.fleetstate_id

    first = snapshot([app, other])
    assert snapshot([other, app]) == first  # the same snapshot, listed in another order, a moment later
    changed = json.loads(json.dumps(other))
    changed["status"]["health"]["status"] = "Degraded"
    assert snapshot([app, changed]) != first  # another state: another snapshot
    app["status"]["reconciledAt"] = "2026-11-02T08:01:00Z"
    timed = snapshot([app, other])
    assert timed != first
    assert snapshot([app, other]) == timed


def test_an_alert_group_listing_carries_each_groups_receiver() -> None:
    """Alerts inside a group need not repeat the group's receiver: it is carried, once per alert, from every group."""
    groups = json.loads((REAL / "alertmanager" / "karma-api-v2-alerts-groups.json").read_bytes())
    expected: dict[str, set[str]] = {}
    for group in groups:
        for alert in group["alerts"]:
            del alert["receivers"]  # as a listing that leaves them to the group
            expected.setdefault(alert["fingerprint"], set()).add(group["receiver"]["name"])
    intents = alertmanager.intents_from_api_alerts(json.dumps(groups), tenant_id=TENANT, producer=PRODUCER)
    _valid_on_the_wire(intents)
    found = {i.ingest_alert.alert.fingerprint: list(i.ingest_alert.alert.alertmanager.receivers) for i in intents}
    assert {key: set(names) for key, names in found.items()} == expected
    assert all(len(names) == len(set(names)) for names in found.values())
    assert any(len(names) > 1 for names in found.values())  # an alert routed to several groups: all listed


def test_an_argo_cd_object_without_a_name_says_what_was_found() -> None:
    (document,) = documents(REAL / "argocd" / "argo-cd-live-application-multi-source.yaml")
    app = json.loads(json.dumps(document, default=str))
    for value, found in ((None, "null"), ("", "an empty string"), (7, "a number (7)")):
        app["metadata"]["name"] = value
        with pytest.raises(
            AdapterInputError, match=re.escape(f"$.metadata.name: expected a non-empty string, found {found}")
        ):
            argocd.intents_from_application(app, tenant_id=TENANT, producer=PRODUCER, cluster="c")
    del app["metadata"]["name"]
    with pytest.raises(AdapterInputError, match="found nothing"):
        argocd.intents_from_application(app, tenant_id=TENANT, producer=PRODUCER, cluster="c")


def _stream(*paths: Path) -> list[Any]:
    return [json.loads(json.dumps(doc, default=str)) for path in paths for doc in documents(path)]


def test_an_slo_without_a_time_window_maps_with_the_callers_default() -> None:
    """OpenSLO leaves timeWindow optional: the default (28d rolling, or the caller's) is used and marked."""
    (document,) = _stream(REAL / "openslo" / "slo-indicatorref-calendar-alerts.yaml")
    del document["spec"]["timeWindow"]
    (intent,) = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER)
    _valid_on_the_wire([intent])
    slo = intent.create_slo.slo
    assert (slo.time_window.count, slo.time_window.unit, slo.time_window.rolling) == (28, slo_pb2.TIME_UNIT_DAY, True)
    assert slo.annotations[openslo.DEFAULTED_WINDOW_ANNOTATION] == "28d"
    assert "timeWindow" not in openslo.slo_from_intent(intent)["spec"]  # back as the document said
    assert openslo.DEFAULTED_WINDOW_ANNOTATION not in openslo.slo_from_intent(intent)["metadata"].get("annotations", {})
    (weekly,) = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER, time_window="1w")
    assert (weekly.create_slo.slo.time_window.count, weekly.create_slo.slo.time_window.unit) == (
        1,
        slo_pb2.TIME_UNIT_WEEK,
    )
    assert weekly.meta.message_id != intent.meta.message_id  # another SLO, another id


def test_a_stream_of_every_kind_maps_slos_and_services_and_resolves_the_rest() -> None:
    """SLO beside SLI, AlertPolicy, AlertCondition-less policy, target, DataSource and Services: nothing refused."""
    kinds = REAL / "openslo-kinds"
    stream = _stream(
        REAL / "openslo" / "slo-indicatorref-calendar-alerts.yaml",
        kinds / "sli-description-threshold-metricsourceref.yaml",
        kinds / "alert-policy.yaml",
        kinds / "alert-notification-target.yaml",
        kinds / "data-source.yaml",
        kinds / "openslosdk-sequence_of_objects.yaml",
        kinds / "v1-examples-services.yaml",
    )
    slo_doc = stream[0]
    slo_doc["spec"]["indicatorRef"] = "GreatSLI"  # the SLI of the stream
    slo_doc["spec"]["service"] = "users-auth"  # a Service of the stream
    slo_doc["spec"]["alertPolicies"] = [{"alertPolicyRef": "alert-policy"}, "foo-alert-policy"]
    stream[4]["metadata"]["name"] = "redshift-datasource"  # the data source the SLI names
    intents = openslo.intents_from_documents(stream, tenant_id=TENANT, producer=PRODUCER)
    _valid_on_the_wire(intents)
    assert [i.WhichOneof("intent") for i in intents] == [
        "create_slo",
        "create_service",
        "create_service",
        "create_service",
    ]
    slo = intents[0].create_slo.slo
    assert (slo.sli.name, slo.sli.display_name) == ("GreatSLI", "Great SLI")  # resolved inline
    assert slo.sli.metric_threshold.metric.source_ref == "redshift-datasource"
    assert slo.sli.metric_threshold.metric.type == "CloudWatch"  # from the DataSource
    inline = json.loads(slo.alert_policies[0].inline_json)
    assert inline["metadata"]["name"] == "alert-policy"
    (target,) = inline["spec"]["notificationTargets"]
    assert target["spec"]["target"] == "email"  # the AlertNotificationTarget, put in place of its targetRef
    assert inline["spec"]["conditions"] == [{"operator": "and", "conditionRef": "cpu-usage-breach"}]  # not here: kept
    assert slo.alert_policies[1].inline_json == '"foo-alert-policy"'  # a bare name not in the stream: as given
    services = {i.create_service.service.service_id: i.create_service.service for i in intents[1:]}
    assert set(services) == {"users-auth", "users-login", "example-service"}
    assert list(services["users-auth"].slo_ids) == ["test-slo"]
    assert services["users-auth"].name == "Users Auth Service"
    assert services["example-service"].owner == "team-a"  # the first team label
    assert services["example-service"].labels["team"] == "team-a,team-b"
    assert all(s.tier == openslo.DEFAULT_SERVICE_TIER for s in services.values())
    again = openslo.intents_from_documents(stream, tenant_id=TENANT, producer=PRODUCER)
    assert [i.meta.message_id for i in again] == [i.meta.message_id for i in intents]
    via_ingest = adapters.ingest(
        "openslo",
        json.dumps(stream).encode(),  # a list of documents, as ingest reads one
        tenant_id=TENANT,
        producer=PRODUCER,
    )
    assert [i.meta.message_id for i in via_ingest] == [i.meta.message_id for i in intents]


def test_an_openslo_stream_of_an_unknown_kind_or_version_is_refused_with_its_path() -> None:
    stream = _stream(REAL / "openslo-kinds" / "alert-policy.yaml", REAL / "openslo-kinds" / "data-source.yaml")
    stream[1]["kind"] = "Dashboard"
    with pytest.raises(AdapterInputError, match=re.escape("$[1].kind: expected an OpenSLO v1 kind")):
        openslo.intents_from_documents(stream, tenant_id=TENANT, producer=PRODUCER)
    stream[1]["kind"], stream[1]["apiVersion"] = "DataSource", "openslo/v2alpha"
    with pytest.raises(AdapterInputError, match=re.escape("$[1].apiVersion")):
        openslo.intents_from_documents(stream, tenant_id=TENANT, producer=PRODUCER)


def test_an_slo_that_would_copy_a_policy_many_times_is_refused_before_resolving() -> None:
    """Resolution copies each referenced policy: more references than the contract keeps are refused first."""
    stream = _stream(
        REAL / "openslo" / "slo-indicatorref-calendar-alerts.yaml", REAL / "openslo-kinds" / "alert-policy.yaml"
    )
    stream[0]["spec"]["alertPolicies"] = [{"alertPolicyRef": "alert-policy"}] * 10_000
    with pytest.raises(
        AdapterInputError, match=re.escape("$[0].spec.alertPolicies: expected at most 8 alert policies")
    ):
        openslo.intents_from_documents(stream, tenant_id=TENANT, producer=PRODUCER)
