"""The adapters' rules one by one: identity, severity, timestamps, refusals with paths, each mapping's directions."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ameide_core_proto.sre.core.v1 import facts_pb2, health_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts import DecodeError, adapters, decode, from_json, testing, validate
from ameide_sre_contracts._rfc3339 import parse_timestamp
from ameide_sre_contracts.adapters import ADAPTER_NAMESPACE, alertmanager, argocd, kubernetes, openslo, pagerduty
from ameide_sre_contracts.adapters._common import derived_id
from ameide_sre_contracts.errors import AdapterInputError, InvalidArgumentError
from tests.adapter_checks import REAL, contained, dropped, extra_keys

TENANT = "acme"
PRODUCER = "adapter-tests"


def _webhook(**alert: Any) -> dict[str, Any]:
    entry = {"status": "firing", "labels": {"alertname": "Up"}, "annotations": {}, "startsAt": "2024-01-01T00:00:00Z"}
    entry.update(alert)
    return {"status": "firing", "alerts": [entry]}


def _one(body: Any) -> SreDomainIntent:
    (intent,) = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    return intent


# --- identity


def test_the_id_namespace_and_recipe_are_the_documented_ones() -> None:
    assert uuid.uuid5(uuid.NAMESPACE_URL, "urn:ameide:sre-contracts:adapters") == ADAPTER_NAMESPACE
    assert str(ADAPTER_NAMESPACE) == "ae9abc44-7dab-597a-93bd-bdd46d12445e"
    assert derived_id("alert", "acme") == str(uuid.uuid5(ADAPTER_NAMESPACE, "5:alert,4:acme,"))
    assert derived_id("é") == str(uuid.uuid5(ADAPTER_NAMESPACE, "2:é,"))  # lengths in UTF-8 bytes
    assert derived_id("a", "b") != derived_id("a,b") != derived_id("1:a,1:b,")


def test_the_message_id_is_a_uuid5_over_tenant_fingerprint_start_and_status() -> None:
    # Alertmanager's own tests give {"Message": "message"} the fingerprint 4ea129fd903f0e45.
    intent = _one(_webhook(labels={"Message": "message"}))
    recipe = "5:alert,4:acme,16:4ea129fd903f0e45,20:2024-01-01T00:00:00Z,6:firing,"
    assert intent.meta.message_id == str(uuid.uuid5(ADAPTER_NAMESPACE, recipe))
    assert intent.ingest_alert.alert.alert_id == "4ea129fd903f0e45-1704067200"  # 2024-01-01 in Unix seconds
    assert intent.subject.aggregate_id == intent.ingest_alert.alert.alert_id


def test_alertmanagers_fingerprint_of_no_labels_is_the_fnv_offset_basis() -> None:
    assert alertmanager.fingerprint({}) == "cbf29ce484222325"
    assert alertmanager.fingerprint({"a": "b"}) != alertmanager.fingerprint({"ab": ""})  # 0xFF separates


# --- severity

SEVERITIES = {
    "critical": sre_pb2.SEVERITY_CRITICAL,
    "Critical": sre_pb2.SEVERITY_CRITICAL,
    "page": sre_pb2.SEVERITY_CRITICAL,
    "P1": sre_pb2.SEVERITY_CRITICAL,
    "1": sre_pb2.SEVERITY_CRITICAL,
    "error": sre_pb2.SEVERITY_HIGH,
    "2": sre_pb2.SEVERITY_HIGH,
    "warning": sre_pb2.SEVERITY_MEDIUM,
    "3": sre_pb2.SEVERITY_MEDIUM,
    "low": sre_pb2.SEVERITY_LOW,
    "info": sre_pb2.SEVERITY_INFO,
    "none": sre_pb2.SEVERITY_INFO,
    "5": sre_pb2.SEVERITY_INFO,
    "bogus": sre_pb2.SEVERITY_UNSPECIFIED,
}


@pytest.mark.parametrize(("label", "expected"), SEVERITIES.items())
def test_the_severity_label_maps_through_the_aliases_and_is_kept_as_sent(label: str, expected: int) -> None:
    alert = _one(_webhook(labels={"alertname": "X", "severity": label})).ingest_alert.alert
    assert alert.severity == expected
    assert alert.raw_severity == label


def test_an_alert_without_severity_or_alertname_is_accepted() -> None:
    alert = _one(_webhook(labels={"job": "watchdog"})).ingest_alert.alert
    assert alert.severity == sre_pb2.SEVERITY_UNSPECIFIED
    assert alert.raw_severity == ""
    assert alert.name == alertmanager.UNNAMED_ALERT


# --- timestamps


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-03-01T02:09:00Z", "2024-03-01T02:09:00Z"),
        ("2024-03-01t02:09:00z", "2024-03-01T02:09:00Z"),
        ("2024-03-01T02:09:00.5+01:30", "2024-03-01T00:39:00.500Z"),
        ("2020-02-06T00:17:58.432911368Z", "2020-02-06T00:17:58.432911368Z"),
        ("2024-02-29T23:59:59-00:00", "2024-02-29T23:59:59Z"),
    ],
)
def test_rfc3339_timestamps_with_offsets_and_nanoseconds_parse(text: str, utc: str) -> None:
    stamp = parse_timestamp(text)
    assert stamp is not None
    assert stamp.ToJsonString() == utc


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-01T02:09:00",
        "2024-03-01T02:09:00+25:00",
        "2024-03-01T02:09:00+01:60",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-03-01T24:00:00Z",
        "2024-03-01T02:09:00.1234567890Z",
        "2024-03-01 02:09:00Z",
        "yesterday",
    ],
)
def test_what_is_not_an_rfc3339_instant_is_refused(text: str) -> None:
    assert parse_timestamp(text) is None
    with pytest.raises(AdapterInputError) as refused:
        _one(_webhook(startsAt=text))
    assert refused.value.path == "$.alerts[0].startsAt"


def test_go_zero_time_means_no_end_and_comes_back_as_it() -> None:
    intent = _one(_webhook(endsAt="0001-01-01T00:00:00Z"))
    assert not intent.ingest_alert.alert.HasField("ends_at")
    assert alertmanager.webhook_from_intents([intent])["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z"


# --- refusals name the JSON path


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b"not json", "$"),
        (b"\xff\xfe", "$"),
        (b'{"alerts": [], "alerts": []}', "$"),
        ([1, 2], "$"),
        ({"status": "firing"}, "$.alerts"),
        ({"alerts": {"a": 1}}, "$.alerts"),
        ({"alerts": ["x"]}, "$.alerts[0]"),
        (_webhook(startsAt=None), "$.alerts[0].startsAt"),
        (_webhook(status="pending"), "$.alerts[0].status"),
        ({"alerts": [{"labels": {}, "startsAt": "2024-01-01T00:00:00Z"}]}, "$.alerts[0].status"),
        (_webhook(labels={"severity": 3}), "$.alerts[0].labels.severity"),
        (_webhook(labels={"a b": 3}), '$.alerts[0].labels["a b"]'),
        (_webhook(labels=[]), "$.alerts[0].labels"),
        (_webhook(labels={f"l{n}": "v" for n in range(97)}), "$.alerts[0]"),
        (_webhook(labels={"alertname": "x" * 257}), "$.alerts[0]"),
        (_webhook(endsAt="2023-12-31T00:00:00Z"), "$.alerts[0]"),
        ({**_webhook(), "truncatedAlerts": "many"}, "$.truncatedAlerts"),
    ],
)
def test_what_is_not_a_webhook_is_a_decode_error_naming_where(body: Any, path: str) -> None:
    with pytest.raises(DecodeError) as refused:
        alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    assert isinstance(refused.value, AdapterInputError)
    assert refused.value.path == path
    assert str(refused.value).startswith(path + ": expected ")


def test_a_refusal_of_what_was_built_says_which_rule() -> None:
    with pytest.raises(AdapterInputError) as refused:
        _one(_webhook(labels={f"l{n}": "v" for n in range(97)}))
    assert "ingest_alert.alert.labels" in str(refused.value)
    assert "map.max_pairs" in str(refused.value)


def test_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgumentError):
        alertmanager.intents_from_webhook(_webhook(), tenant_id="", producer=PRODUCER)
    with pytest.raises(InvalidArgumentError):
        alertmanager.webhook_from_intents([])
    with pytest.raises(InvalidArgumentError):
        alertmanager.webhook_from_intents(testing.examples(SreDomainIntent)[:1])


def test_intents_of_two_notifications_do_not_make_one_webhook() -> None:
    first = _one({**_webhook(), "receiver": "a"})
    second = _one({**_webhook(), "receiver": "b"})
    with pytest.raises(InvalidArgumentError):
        alertmanager.webhook_from_intents([first, second])


def test_an_oversized_body_is_refused_before_parsing() -> None:
    with pytest.raises(DecodeError, match="at most 4194304 bytes"):
        alertmanager.intents_from_webhook(b" " * (4 * 1024 * 1024 + 1), tenant_id=TENANT, producer=PRODUCER)


# --- properties of the Alertmanager mapping

_names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,20}", fullmatch=True)
_texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_instants = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))


@st.composite
def _timestamps(draw: st.DrawFn) -> str:
    moment = draw(_instants)
    digits = draw(st.sampled_from([0, 3, 6, 9]))
    offset = draw(st.integers(min_value=-14 * 60, max_value=14 * 60))
    shifted = moment.timestamp() + offset * 60
    base = datetime.fromtimestamp(int(shifted), UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = "." + str(draw(st.integers(0, 10**digits - 1))).zfill(digits) if digits else ""
    sign = "+" if offset >= 0 else "-"
    zone = "Z" if offset == 0 else f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    return base + fraction + zone


@st.composite
def _alerts(draw: st.DrawFn, grafana: bool) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "labels": draw(st.dictionaries(_names, _texts, max_size=6)),
        "annotations": draw(st.dictionaries(_names, _texts, max_size=4)),
        "startsAt": draw(_timestamps()),
        "endsAt": "0001-01-01T00:00:00Z",
    }
    status = draw(st.sampled_from(["firing", "resolved", None]))
    if status is not None:
        alert["status"] = status
    if draw(st.booleans()):
        alert["generatorURL"] = draw(_texts)
    if draw(st.booleans()):
        alert["fingerprint"] = draw(st.from_regex(r"[0-9a-f]{16}", fullmatch=True))
    if grafana:
        alert["silenceURL"] = draw(_texts)
        alert["dashboardURL"] = draw(_texts)
        alert["panelURL"] = draw(_texts)
        alert["values"] = draw(st.dictionaries(_names, st.floats(allow_nan=False, allow_infinity=False), max_size=3))
    return alert


@st.composite
def webhooks(draw: st.DrawFn) -> dict[str, Any]:
    grafana = draw(st.booleans())
    body: dict[str, Any] = {
        "receiver": draw(_texts),
        "status": draw(st.sampled_from(["firing", "resolved"])),
        "alerts": draw(st.lists(_alerts(grafana), min_size=1, max_size=4)),
        "groupLabels": draw(st.dictionaries(_names, _texts, max_size=3)),
        "commonLabels": draw(st.dictionaries(_names, _texts, max_size=3)),
        "commonAnnotations": draw(st.dictionaries(_names, _texts, max_size=3)),
        "externalURL": draw(_texts),
        "version": draw(st.sampled_from(["4", "1"])),
        "groupKey": draw(_texts),
        "truncatedAlerts": draw(st.integers(0, 1000)),
    }
    if grafana:
        body.update(orgId=draw(st.integers(0, 10**6)), title=draw(_texts), state="alerting", message=draw(_texts))
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(webhooks())
def test_any_webhook_mapped_in_and_out_is_the_identity(body: dict[str, Any]) -> None:
    intents = alertmanager.intents_from_webhook(json.dumps(body), tenant_id=TENANT, producer=PRODUCER)
    for intent in intents:
        validate(intent)
    returned = alertmanager.webhook_from_intents(intents)
    assert contained(body, returned) == []
    for where, value in extra_keys(body, returned):
        key = where.rsplit(".", 1)[-1]
        assert key in ("fingerprint", "status") or value in ("", 0), (where, value)
    again = alertmanager.intents_from_webhook(json.dumps(body), tenant_id=TENANT, producer=PRODUCER)
    assert [i.meta.message_id for i in again] == [i.meta.message_id for i in intents]


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_texts, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_json_values, st.dictionaries(st.sampled_from(["alerts", "status", "receiver"]), _json_values)))
def test_any_body_that_is_not_a_webhook_is_a_decode_error(body: Any) -> None:
    try:
        intents = alertmanager.intents_from_webhook(json.dumps(body), tenant_id=TENANT, producer=PRODUCER)
    except DecodeError:
        return
    assert isinstance(body, dict)
    assert body.get("alerts") == []
    assert intents == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_intents_or_a_decode_error(data: bytes) -> None:
    for mapper in (
        alertmanager.intents_from_webhook,
        alertmanager.intents_from_api_alerts,
        pagerduty.intents_from_webhook,
    ):
        with contextlib.suppress(DecodeError):
            mapper(data, tenant_id=TENANT, producer=PRODUCER)


# --- Kubernetes


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "uid": "u-1"},
            },
            ("deployment", "web", "shop", "apps", "v1", "Deployment", "u-1"),
        ),
        (
            {"apiVersion": "v1", "kind": "Pod", "name": "web-0", "namespace": "shop"},
            ("pod", "web-0", "shop", "", "v1", "Pod", ""),
        ),
        (
            {"group": "argoproj.io", "version": "v1alpha1", "kind": "Rollout", "name": "web", "namespace": "shop"},
            ("rollout", "web", "shop", "argoproj.io", "v1alpha1", "Rollout", ""),
        ),
        ({"kind": "Namespace", "version": "v1", "name": "shop"}, ("namespace", "shop", "", "", "v1", "Namespace", "")),
    ],
)
def test_a_resource_ref_keeps_kubernetes_spelling(obj: dict[str, Any], expected: tuple[str, ...]) -> None:
    ref = kubernetes.resource_ref(obj, cluster="prod-1", environment="production")
    found = (ref.type, ref.id, ref.namespace, ref.api_group, ref.api_version, ref.kind, ref.uid)
    assert found == expected
    assert (ref.cluster, ref.environment) == ("prod-1", "production")


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        ({"metadata": {"name": "x"}}, "$.kind"),
        ({"kind": "Pod", "metadata": {}}, "$.metadata.name"),
        ({"kind": "Pod", "name": "x" * 254}, "$"),
        ({"kind": "Pod!", "name": "x"}, "$"),
    ],
)
def test_what_is_not_a_kubernetes_object_is_refused(obj: dict[str, Any], path: str) -> None:
    with pytest.raises(AdapterInputError) as refused:
        kubernetes.resource_ref(obj)
    assert refused.value.path == path


def test_a_core_v1_warning_event_becomes_a_firing_alert() -> None:
    # A core/v1 Warning event shaped as the API server writes one (kubelet back-off), written for this test.
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "web-0.17a", "namespace": "shop", "uid": "5b1c9c0e-1111-4c3a-9a57-000000000001"},
        "involvedObject": {
            "apiVersion": "v1",
            "kind": "Pod",
            "name": "web-0",
            "namespace": "shop",
            "uid": "p-1",
            "fieldPath": "spec.containers{web}",
        },
        "reason": "BackOff",
        "message": "Back-off restarting failed container web in pod web-0_shop(p-1)",
        "source": {"component": "kubelet", "host": "node-3"},
        "firstTimestamp": "2026-11-01T10:00:00Z",
        "lastTimestamp": "2026-11-01T10:05:00Z",
        "count": 7,
        "type": "Warning",
    }
    (intent,) = kubernetes.intents_from_event(event, tenant_id=TENANT, producer=PRODUCER, cluster="prod-1")
    alert = intent.ingest_alert.alert
    assert (alert.name, alert.severity, alert.status) == (
        "BackOff",
        sre_pb2.SEVERITY_MEDIUM,
        sre_pb2.ALERT_STATUS_FIRING,
    )
    assert alert.labels["count"] == "7"
    assert alert.labels["reporting_controller"] == "kubelet"
    assert alert.annotations["last_seen"] == "2026-11-01T10:05:00Z"
    assert intent.meta.occurred_at.ToJsonString() == "2026-11-01T10:05:00Z"
    assert dropped(event, [intent], kubernetes.NOT_CARRIED) == []


def test_an_event_without_a_time_is_refused() -> None:
    with pytest.raises(AdapterInputError) as refused:
        kubernetes.intents_from_event(
            {"kind": "Event", "type": "Warning", "metadata": {"name": "e"}, "regarding": {"kind": "Pod", "name": "p"}},
            tenant_id=TENANT,
            producer=PRODUCER,
        )
    assert refused.value.path == "$.metadata.creationTimestamp"


def test_what_is_not_an_event_is_refused() -> None:
    with pytest.raises(AdapterInputError) as refused:
        kubernetes.intents_from_event({"kind": "Pod"}, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == "$.kind"


# --- Argo CD

# Written for this test from Argo CD's Application type: a Degraded multi-source application whose last
# sync failed (no permissively licensed published capture of one with status was found; see SOURCES.yaml).
DEGRADED_APP: dict[str, Any] = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {"name": "checkout", "namespace": "argocd", "uid": "9f1c2d3e-0000-4000-8000-00000000c0de"},
    "spec": {"project": "default", "sources": [{"repoURL": "https://git.example/app.git"}, {"chart": "web"}]},
    "status": {
        "health": {
            "status": "Degraded",
            "message": "Deployment has timed out progressing",
            "lastTransitionTime": "2026-11-02T08:00:00Z",
        },
        "sync": {"status": "OutOfSync", "revisions": ["4f2a9c1", "1.4.2"]},
        "operationState": {
            "phase": "Failed",
            "message": "one or more objects failed to apply",
            "retryCount": 3,
            "startedAt": "2026-11-02T07:58:00Z",
            "finishedAt": "2026-11-02T07:59:30Z",
            "syncResult": {"revisions": ["4f2a9c1", "1.4.2"]},
        },
        "conditions": [
            {
                "type": "ComparisonError",
                "message": "helm template failed: " + "x" * 1900,
                "lastTransitionTime": "2026-11-02T07:59:00Z",
            }
        ],
        "resources": [
            {
                "group": "apps",
                "version": "v1",
                "kind": "Deployment",
                "namespace": "shop",
                "name": "checkout",
                "status": "OutOfSync",
                "health": {"status": "Degraded", "message": "progress deadline exceeded"},
            },
            {"version": "v1", "kind": "ConfigMap", "namespace": "shop", "name": "checkout-config", "status": "Synced"},
        ],
        "reconciledAt": "2026-11-02T08:01:00Z",
    },
}


def test_a_degraded_multi_source_application_keeps_everything_health_needs() -> None:
    (intent,) = argocd.intents_from_application(DEGRADED_APP, tenant_id=TENANT, producer=PRODUCER, cluster="prod-1")
    validate(intent)
    check = intent.record_health_check.health_check
    assert check.status == sre_pb2.HEALTH_STATUS_DEGRADED
    assert check.sync_status == health_pb2.SYNC_STATUS_OUT_OF_SYNC
    assert (check.revision, list(check.revisions)) == ("4f2a9c1", ["4f2a9c1", "1.4.2"])
    assert check.operation.phase == health_pb2.SYNC_OPERATION_PHASE_FAILED
    assert check.operation.retry_count == 3
    assert check.health_transitioned_at.ToJsonString() == "2026-11-02T08:00:00Z"
    assert check.checked_at.ToJsonString() == "2026-11-02T08:01:00Z"
    assert len(check.conditions[0].message) > 1900  # a helm error Kubernetes would accept fits
    assert check.resources[0].resource.kind == "Deployment"
    assert check.resources[0].status == sre_pb2.HEALTH_STATUS_DEGRADED
    assert check.resources[1].status == sre_pb2.HEALTH_STATUS_UNSPECIFIED  # a ConfigMap has no health
    assert dropped(DEGRADED_APP, [intent], argocd.NOT_CARRIED) == []
    again = argocd.intents_from_application(DEGRADED_APP, tenant_id=TENANT, producer=PRODUCER, cluster="prod-1")
    assert again == [intent]


def test_an_application_with_more_resources_than_the_contract_keeps_says_how_many() -> None:
    app = json.loads(json.dumps(DEGRADED_APP))
    app["status"]["resources"] = [
        {"version": "v1", "kind": "ConfigMap", "namespace": "shop", "name": f"c{n}", "status": "Synced"}
        for n in range(250)
    ]
    check = argocd.health_check(app, tenant_id=TENANT)
    assert (len(check.resources), check.resource_count) == (argocd.MAX_RESOURCES, 250)


def test_an_unknown_health_word_is_refused_with_its_path() -> None:
    app = json.loads(json.dumps(DEGRADED_APP))
    app["status"]["health"]["status"] = "Sick"
    with pytest.raises(AdapterInputError) as refused:
        argocd.health_check(app, tenant_id=TENANT)
    assert refused.value.path == "$.status.health.status"


def test_a_fleet_state_counts_applications_by_health_and_sync() -> None:
    healthy = {
        "kind": "Application",
        "metadata": {"name": "a"},
        "status": {
            "health": {"status": "Healthy"},
            "sync": {"status": "Synced"},
            "reconciledAt": "2026-11-02T09:00:00Z",
        },
    }
    listing = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationList",
        "items": [healthy, DEGRADED_APP, {"kind": "Application", "metadata": {"name": "new"}}],
    }
    intent = argocd.fleet_state_from_applications(
        json.dumps(listing), tenant_id=TENANT, producer=PRODUCER, cluster="prod-1", environment="production"
    )
    validate(intent)
    fleet = intent.record_fleet_state.fleet_state
    assert (fleet.total_applications, fleet.healthy_count, fleet.degraded_count, fleet.unknown_count) == (3, 1, 1, 1)
    assert fleet.out_of_sync_count == 1
    assert fleet.observed_at.ToJsonString() == "2026-11-02T09:00:00Z"  # the latest reconciliation
    with pytest.raises(InvalidArgumentError):
        argocd.fleet_state_from_applications([], tenant_id=TENANT, producer=PRODUCER, cluster="", environment="x")


# --- OpenSLO


_SLOS = [testing.example(facts_pb2.SLOCreated).slo] + [
    envelope.create_slo.slo
    for envelope in testing.variants()
    if isinstance(envelope, SreDomainIntent) and envelope.HasField("create_slo")
]


@pytest.mark.parametrize("variant", range(len(_SLOS)))
def test_an_slo_defined_without_openslo_maps_to_a_document_that_maps_back(variant: int) -> None:
    definition = _SLOS[variant]
    document = openslo.slo_from_intent(definition)
    (intent,) = openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER, owner=definition.owner)
    again = intent.create_slo.slo
    assert (again.slo_id, again.name, again.owner) == (definition.slo_id, definition.name, definition.owner)
    assert openslo.slo_from_intent(again) == document


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"apiVersion": "openslo/v2alpha"}, "$.apiVersion"),
        ({"kind": "SLI"}, "$.kind"),
        (
            {
                "spec": {
                    "service": "s",
                    "indicatorRef": "i",
                    "timeWindow": [{"duration": "30s", "isRolling": True}],
                    "objectives": [{"target": 0.9}],
                }
            },
            "$.spec.timeWindow[0].duration",
        ),
        (
            {
                "spec": {
                    "service": "s",
                    "indicatorRef": "i",
                    "timeWindow": [{"duration": "1d", "isRolling": True}, {"duration": "7d", "isRolling": True}],
                    "objectives": [{"target": 0.9}],
                }
            },
            "$.spec.timeWindow",  # OpenSLO v1 allows one window
        ),
        (
            {
                "spec": {
                    "service": "s",
                    "indicatorRef": "i",
                    "timeWindow": [{"duration": "1d", "isRolling": True}],
                    "objectives": [{"displayName": "no target"}],
                }
            },
            "$.spec.objectives[0].target",
        ),
        (
            {
                "spec": {
                    "service": "s",
                    "indicatorRef": "i",
                    "timeWindow": [{"duration": "1d", "isRolling": True}],
                    "objectives": [{"target": 1.5}],
                }
            },
            "$",
        ),
    ],
)
def test_what_is_not_an_openslo_slo_is_refused_with_its_path(change: dict[str, Any], path: str) -> None:
    document = {"apiVersion": "openslo/v1", "kind": "SLO", "metadata": {"name": "x"}, **change}
    with pytest.raises(AdapterInputError) as refused:
        openslo.intents_from_slo(document, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == path


def test_an_openslo_owner_comes_from_the_argument_then_the_labels_then_the_service() -> None:
    document: dict[str, Any] = {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "x", "labels": {"team": ["payments"]}},
        "spec": {
            "service": "web",
            "indicatorRef": "i",
            "timeWindow": [{"duration": "28d", "isRolling": True}],
            "objectives": [{"targetPercent": 99.9}],
        },
    }
    assert openslo.slo(document).owner == "payments"
    assert openslo.slo(document, owner="sre").owner == "sre"
    del document["metadata"]["labels"]
    assert openslo.slo(document).owner == "web"
    assert openslo.slo(document).target_percent == 99.9


# --- PagerDuty


def _fact(case: str) -> facts_pb2.SreDomainFact:
    return next(fact for fact in testing.examples(facts_pb2.SreDomainFact) if fact.WhichOneof("fact") == case)


def test_an_incident_created_triggers_a_pagerduty_incident_keyed_by_the_incident_id() -> None:
    fact = _fact("incident_created")
    (body,) = pagerduty.events_from_fact(fact, routing_key="R0UT1NGKEY")
    incident = fact.incident_created.incident
    assert body["event_action"] == "trigger"
    assert body["dedup_key"] == incident.incident_id
    assert body["routing_key"] == "R0UT1NGKEY"
    assert body["payload"]["summary"] == incident.title
    assert body["payload"]["severity"] == pagerduty.EVENTS_API_SEVERITY[incident.severity]
    assert body["payload"]["timestamp"] == incident.created_at.ToJsonString()
    assert body["payload"]["custom_details"]["incident_id"] == incident.incident_id
    assert [link["href"] for link in body.get("links", [])] == [ref.url for ref in incident.external_refs if ref.url]


@pytest.mark.parametrize(
    ("case", "action"),
    [("incident_acknowledged", "acknowledge"), ("incident_resolved", "resolve"), ("incident_closed", "resolve")],
)
def test_incident_lifecycle_facts_acknowledge_and_resolve(case: str, action: str) -> None:
    fact = _fact(case)
    assert pagerduty.events_from_fact(fact) == [{"event_action": action, "dedup_key": getattr(fact, case).incident_id}]


def test_a_status_change_maps_by_the_new_status_and_other_facts_map_to_nothing() -> None:
    fact = _fact("incident_status_changed")
    fact.incident_status_changed.status = sre_pb2.INCIDENT_STATUS_RESOLVED
    assert pagerduty.events_from_fact(fact)[0]["event_action"] == "resolve"
    fact.incident_status_changed.status = sre_pb2.INCIDENT_STATUS_INVESTIGATING
    assert pagerduty.events_from_fact(fact) == []
    assert pagerduty.events_from_fact(_fact("alert_ingested")) == []


def test_every_severity_has_a_pagerduty_severity() -> None:
    defined = {value.number for value in sre_pb2.Severity.DESCRIPTOR.values if value.number}
    assert set(pagerduty.EVENTS_API_SEVERITY) == defined
    assert set(pagerduty.EVENTS_API_SEVERITY.values()) <= {"critical", "error", "warning", "info"}


def _pagerduty(event_type: str, **data: Any) -> dict[str, Any]:
    return {
        "event": {
            "id": "01EVENT",
            "event_type": event_type,
            "occurred_at": "2026-11-02T08:00:00Z",
            "agent": {"id": "PUSER", "type": "user_reference", "summary": "Responder"},
            "data": {"id": "PINCIDENT", "type": "incident", **data},
        }
    }


def test_a_pagerduty_incident_is_found_through_the_resolver_then_the_key_then_derived() -> None:
    ours = str(uuid.uuid4())
    (resolved,) = pagerduty.intents_from_webhook(
        _pagerduty("incident.acknowledged"), tenant_id=TENANT, producer=PRODUCER, incident_id_for=lambda pd: ours
    )
    assert resolved.subject.aggregate_id == ours
    (keyed,) = pagerduty.intents_from_webhook(
        _pagerduty("incident.acknowledged", incident_key=ours), tenant_id=TENANT, producer=PRODUCER
    )
    assert keyed.subject.aggregate_id == ours  # the dedup_key events_from_fact sent
    (hex_key,) = pagerduty.intents_from_webhook(  # 32 hex digits: PagerDuty's own key, whatever it decodes to
        _pagerduty("incident.acknowledged", incident_key=ours.replace("-", "")), tenant_id=TENANT, producer=PRODUCER
    )
    assert hex_key.subject.aggregate_id == derived_id("pagerduty-incident", TENANT, "PINCIDENT")
    (derived,) = pagerduty.intents_from_webhook(
        _pagerduty("incident.acknowledged", incident_key="not-a-uuid"), tenant_id=TENANT, producer=PRODUCER
    )
    assert derived.subject.aggregate_id == derived_id("pagerduty-incident", TENANT, "PINCIDENT")


def test_pagerduty_events_that_change_nothing_map_to_no_intent() -> None:
    for ignored in ("incident.responder.added", "incident.triggered", "incident.workflow.started"):
        assert pagerduty.intents_from_webhook(_pagerduty(ignored), tenant_id=TENANT, producer=PRODUCER) == []
    empty_note = _pagerduty("incident.annotated")  # a note without words: nothing to record, not refused
    assert pagerduty.intents_from_webhook(empty_note, tenant_id=TENANT, producer=PRODUCER) == []
    assert pagerduty.intents_from_webhook(_pagerduty("service.updated"), tenant_id=TENANT, producer=PRODUCER) == []
    removed = _pagerduty("incident.priority_updated", priority=None)
    assert pagerduty.intents_from_webhook(removed, tenant_id=TENANT, producer=PRODUCER) == []
    with pytest.raises(AdapterInputError) as refused:
        pagerduty.intents_from_webhook({"messages": []}, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == "$.event"


# --- the CLI


def _cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "ameide_sre_contracts.cli", *args]
    return subprocess.run(command, input=stdin, capture_output=True, check=False, timeout=60)


@pytest.mark.parametrize(
    ("kind", "fixture", "count"),
    [
        ("alertmanager", "alertmanager/zulip-alert.json", 2),
        ("alertmanager", "alertmanager/karma-api-v2-alerts-groups.json", 12),
        ("argocd", "argocd/argo-cd-live-application-multi-source.yaml", 1),
        ("kubernetes", "kubernetes/otel-k8sobjectsreceiver-event_core.yaml", 1),
        ("openslo", "openslo/v1-examples-slos.yaml", 1),
        ("pagerduty", "pagerduty/zulip-resolved_v3.json", 1),
        ("opsgenie", "opsgenie/zulip-acknowledge.json", 1),
        ("jira", "jira/mattermost-issue-updated-resolved.json", 1),
        ("github", "github/octokit-issues-assigned.json", 1),
    ],
)
def test_ingest_prints_one_valid_intent_per_line(kind: str, fixture: str, count: int) -> None:
    done = _cli("ingest", kind, str(REAL / fixture), "--tenant", TENANT, "--producer", PRODUCER, "--cluster", "c1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert len(lines) == count
    for line in lines:
        validate(from_json(SreDomainIntent, line))
    assert f"{count} intent(s)" in done.stderr.decode()


def test_ingest_binary_writes_length_delimited_frames() -> None:
    data = (REAL / "alertmanager" / "zulip-alert.json").read_bytes()
    done = _cli(
        "ingest", "alertmanager", "-", "--tenant", TENANT, "--producer", PRODUCER, "--format", "binary", stdin=data
    )
    assert done.returncode == 0, done.stderr
    stream, frames = done.stdout, []
    while stream:
        size, shift, used = 0, 0, 0
        while True:
            byte = stream[used]
            size |= (byte & 0x7F) << shift
            shift, used = shift + 7, used + 1
            if not byte & 0x80:
                break
        frames.append(decode(SreDomainIntent, stream[used : used + size]))
        stream = stream[used + size :]
    expected = alertmanager.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER)
    assert frames == expected


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["alertmanager"], b"{}", "$.alerts: expected"),
        (["alertmanager"], b"\x00\x01", "$: expected"),
        (["openslo"], b"kind: [", "$: expected YAML"),
        (["kubernetes"], b"kind: Pod", "$.kind: expected"),
        (["alertmanager", "--tenant", ""], b"{}", "argument --tenant: must be at least 1 characters"),
        (
            ["alertmanager", "--tenant", "a b"],
            (REAL / "alertmanager" / "zulip-alert.json").read_bytes(),
            "argument --tenant: does not match regex pattern",
        ),
        (["jira", "--producer", ""], b"{}", "argument --producer:"),
        (["alertmanager"], b"{}", "input: not alertmanager's payload: $.alerts"),
    ],
)
def test_ingest_refuses_with_exit_2_and_the_path(args: list[str], stdin: bytes, message: str) -> None:
    tenant = [] if "--tenant" in args else ["--tenant", TENANT]
    producer = [] if "--producer" in args else ["--producer", PRODUCER]
    done = _cli("ingest", args[0], "-", *args[1:], *tenant, *producer, stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_ingest_picks_the_adapter_by_name_and_refuses_an_unknown_one() -> None:
    data = (REAL / "pagerduty" / "zulip-resolved_v3.json").read_bytes()
    (intent,) = adapters.ingest("pagerduty", data, tenant_id=TENANT, producer=PRODUCER)
    assert intent.WhichOneof("intent") == "resolve_incident"
    assert set(adapters.KINDS) == {
        "alertmanager", "argocd", "github", "jira", "kubernetes", "openslo", "opsgenie", "pagerduty"
    }  # fmt: skip
    with pytest.raises(InvalidArgumentError, match="unknown kind"):
        adapters.ingest("nagios", data, tenant_id=TENANT, producer=PRODUCER)
