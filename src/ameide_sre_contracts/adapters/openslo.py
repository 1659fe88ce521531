"""OpenSLO v1 documents into `CreateSLORequested` and `CreateServiceRequested` intents, and SLOs back.

Field for field: `metadata.name` is `slo_id`, `displayName` the SLO's
`name` (the metadata name when there is none), `labels` (a string or a
list each) and `annotations` as they are; `spec.description`; the
indicator, inline (`ratioMetric` with good, bad and total or a `raw`
ratio, `thresholdMetric`; each metric source's `metricSourceRef`, `type`
and `spec`) or by `indicatorRef`; the `timeWindow` (its duration in
OpenSLO's units, rolling or aligned to a calendar with `startTime` and
`timeZone`); `budgetingMethod`; every objective (`displayName`, `op`,
`value`, `target` or `targetPercent`, `timeSliceTarget`,
`timeSliceWindow`, a composite objective's own indicator and
`compositeWeight`); and `alertPolicies` (references by name, anything else
kept as its JSON text). `slo_from_intent` gives the document back.

What OpenSLO does not say and the contract needs: the SLO's `scope` is the
`spec.service` (a `service` resource); its `owner` is the `owner` argument,
else the first value of an `owner` or `team` label, else the service;
`created_at` is the `created_at` argument, else now; `target_percent`
repeats the first objective's target. The `message_id` is
`derived_id("openslo", tenant, name, <digest of the SLO>)`, the digest a
SHA-256 of the `SLO` built (deterministic serialization, without
`created_at`), so the same document yields the same id.

An SLO without `timeWindow` (optional in OpenSLO) gets the caller's
`time_window`, 28 days rolling unless given, recorded in the
`DEFAULTED_WINDOW_ANNOTATION` annotation and left out again by
`slo_from_intent`: the contract keeps the window required, so no 1.2
consumer meets an SLO it cannot evaluate.

A stream of any v1 kinds (`intents_from_documents`, what `ingest` uses)
maps its SLOs and Services and resolves the SLIs, alert policies,
conditions, notification targets and data sources they refer to.

Not carried: an inline indicator's own `labels` and `annotations` (the
contract's `SliDefinition` has no place for them; the SLO's own are kept).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from google.protobuf.duration_pb2 import Duration

from ameide_core_proto.sre.core.v1 import service_pb2, slo_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import CreateServiceRequested, CreateSLORequested, SreDomainIntent
from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts.adapters._common import checked, content_digest, derived_id, require_text
from ameide_sre_contracts.adapters._json import Node, check_document, json_text, load_documents, load_json
from ameide_sre_contracts.adapters._openslo_out import slo_from_intent
from ameide_sre_contracts.adapters._openslo_terms import (
    API_VERSION,
    BACKENDS,
    BUDGETING,
    DEFAULTED_WINDOW_ANNOTATION,
    DURATION,
    OPERATORS,
    RAW_TYPES,
    SECONDS,
    WINDOW_UNITS,
)
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.envelopes import new_intent
from ameide_sre_contracts.errors import AdapterInputError

__all__ = [
    "API_VERSION",
    "DEFAULTED_WINDOW_ANNOTATION",
    "DEFAULT_SERVICE_TIER",
    "DEFAULT_TIME_WINDOW",
    "KINDS",
    "NOT_CARRIED",
    "documents",
    "intents_from_documents",
    "intents_from_slo",
    "slo",
    "slo_from_intent",
]

DEFAULT_TIME_WINDOW: Final = "28d"
"""The rolling window an SLO without `timeWindow` gets (OpenSLO leaves it optional; the contract needs one).

A caller passes its own (`time_window="30d"`). The contract keeps its window
required rather than optional, so a 1.2 consumer never meets an SLO it
cannot evaluate; the default is recorded in `DEFAULTED_WINDOW_ANNOTATION`
and `slo_from_intent` leaves it out again.
"""


DEFAULT_SERVICE_TIER: Final = service_pb2.SERVICE_TIER_STANDARD
"""The tier an OpenSLO `Service` gets unless the caller gives one."""

KINDS: Final = ("SLO", "SLI", "Service", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "DataSource")
"""The OpenSLO v1 kinds a stream may hold: SLOs and Services map to intents, the rest are resolved into them."""

NOT_CARRIED: Final = (
    "spec.indicator.metadata.labels",
    "spec.indicator.metadata.annotations",
    "spec.objectives.indicator.metadata.labels",
    "spec.objectives.indicator.metadata.annotations",
)
"""The document's fields an SLO does not carry, as dotted paths (lists without indexes).

An inline indicator's own labels and annotations: `SliDefinition` has no
place for them (the SLO's own are kept).
"""


def _slice_window(node: Node) -> Duration | None:
    if not node.present:
        return None
    match = DURATION.match(node.text())
    if match is None or match.group(2) not in SECONDS:
        raise node.fail("a duration such as 1m, 5m or 1h")
    return Duration(seconds=int(match.group(1)) * SECONDS[match.group(2)])


def _time_window(node: Node) -> slo_pb2.TimeWindow:
    windows = list(node.items())
    if len(windows) != 1:
        raise node.fail("exactly one time window")
    window = windows[0]
    duration = window["duration"]
    match = DURATION.match(duration.text())
    if match is None or match.group(2) not in WINDOW_UNITS:
        raise duration.fail("a duration such as 28d, 1w or 1M")
    result = slo_pb2.TimeWindow(count=int(match.group(1)), unit=WINDOW_UNITS[match.group(2)])
    if window["isRolling"].flag():
        result.rolling = True
    else:
        calendar = window["calendar"]
        result.calendar.CopyFrom(
            slo_pb2.CalendarAnchor(start=calendar["startTime"].local_time(), time_zone=calendar["timeZone"].time_zone())
        )
    return result


def _metric_source(node: Node) -> slo_pb2.MetricSource:
    source = node["metricSource"]
    source.required_mapping()
    spec = source["spec"]
    return slo_pb2.MetricSource(
        source_ref=source["metricSourceRef"].text(),
        type=source["type"].text(),
        spec_json=json_text(spec.value) if spec.exists else "",
    )


def _backend(source_type: str) -> slo_pb2.QueryBackend.ValueType:
    return BACKENDS.get(source_type.lower(), slo_pb2.QUERY_BACKEND_OTHER)


def _indicator(node: Node, ref: Node) -> slo_pb2.SliDefinition:
    if ref.present:
        return slo_pb2.SliDefinition(indicator_ref=ref.required_text())
    if not node.present:
        raise node.fail("an indicator or an indicatorRef")
    metadata, spec = node["metadata"], node["spec"]
    sli = slo_pb2.SliDefinition(
        name=metadata["name"].text(),
        display_name=metadata["displayName"].text(),
        description=spec["description"].text(),
    )
    ratio, threshold = spec["ratioMetric"], spec["thresholdMetric"]
    if ratio.present:
        metric = slo_pb2.MetricRatioIndicator(counter=ratio["counter"].flag())
        if ratio["raw"].present:
            metric.raw.CopyFrom(
                slo_pb2.RawRatio(
                    metric=_metric_source(ratio["raw"]),
                    type=ratio["rawType"].word(RAW_TYPES, "a raw ratio type", slo_pb2.RAW_RATIO_TYPE_UNSPECIFIED),
                )
            )
            first = metric.raw.metric
        else:
            for part in ("good", "bad", "total"):
                if ratio[part].present:
                    getattr(metric.counts, part).CopyFrom(_metric_source(ratio[part]))
            counts = metric.counts
            first = counts.good if counts.HasField("good") else counts.bad if counts.HasField("bad") else counts.total
        sli.metric_ratio.CopyFrom(metric)
    elif threshold.present:
        sli.metric_threshold.CopyFrom(slo_pb2.MetricThresholdIndicator(metric=_metric_source(threshold)))
        first = sli.metric_threshold.metric
    else:
        raise spec.fail("an indicator spec with ratioMetric or thresholdMetric")
    sli.backend = _backend(first.type)
    return sli


def _objective(node: Node) -> slo_pb2.SloObjective:
    objective = slo_pb2.SloObjective(
        display_name=node["displayName"].text(),
        op=node["op"].word(OPERATORS, "a comparison operator", slo_pb2.COMPARISON_OPERATOR_UNSPECIFIED),
    )
    if node["value"].present:
        objective.value = node["value"].number()
    if node["target"].present:
        objective.target_ratio = node["target"].number()
    elif node["targetPercent"].present:
        objective.target_percent = node["targetPercent"].number()
    else:
        raise node["target"].fail("a target (or targetPercent)")
    if node["timeSliceTarget"].present:
        objective.time_slice_target = node["timeSliceTarget"].number()
    window = _slice_window(node["timeSliceWindow"])
    if window is not None:
        objective.time_slice_window.CopyFrom(window)
    if node["indicator"].present or node["indicatorRef"].present:
        objective.indicator.CopyFrom(_indicator(node["indicator"], node["indicatorRef"]))
    if node["compositeWeight"].present:
        objective.composite_weight = node["compositeWeight"].number()
    return objective


def _labels(node: Node) -> dict[str, slo_pb2.LabelValues]:
    labels = {}
    for key in node.mapping():
        value = node[key]
        if isinstance(value.value, list):
            labels[key] = slo_pb2.LabelValues(values=[item.required_string() for item in value.items()], is_list=True)
        else:
            labels[key] = slo_pb2.LabelValues(values=[value.required_string()])
    return labels


def _alert_policy(node: Node) -> slo_pb2.SloAlertPolicy:
    value = node.value
    if isinstance(value, Mapping) and set(value) == {"alertPolicyRef"} and isinstance(value["alertPolicyRef"], str):
        return slo_pb2.SloAlertPolicy(ref=value["alertPolicyRef"])
    return slo_pb2.SloAlertPolicy(inline_json=json_text(value))


def _owner(labels: Mapping[str, slo_pb2.LabelValues], service: str, owner: str | None) -> str:
    if owner:
        return owner
    for key in ("owner", "team"):
        if key in labels and labels[key].values:
            return labels[key].values[0]
    return service


def slo(
    doc: Mapping[str, Any] | bytes | str,
    *,
    owner: str | None = None,
    cluster: str | None = None,
    environment: str | None = None,
    created_at: datetime | None = None,
    time_window: str = DEFAULT_TIME_WINDOW,
) -> slo_pb2.SLO:
    """The contract's `SLO` for an OpenSLO v1 `SLO` document (see the module's description).

    Raises:
        AdapterInputError: not an OpenSLO v1 SLO, or values the contract refuses.
    """
    node = Node(load_json(doc, what="the OpenSLO document"))
    node.required_mapping()
    if node["apiVersion"].text() != API_VERSION:
        raise node["apiVersion"].fail(f'"{API_VERSION}"')
    if node["kind"].text() != "SLO":
        raise node["kind"].fail('"SLO"')
    metadata, spec = node["metadata"], node["spec"]
    name = metadata["name"].required_text()
    service = spec["service"].required_text()
    labels = _labels(metadata["labels"])
    annotations = metadata["annotations"].string_map()
    window_node = spec["timeWindow"]
    if window_node.present and list(window_node.items()):
        window = _time_window(window_node)
    else:  # optional in OpenSLO; the contract needs one: the caller's default, marked as such
        window = _time_window(Node([{"duration": time_window, "isRolling": True}], window_node.path))
        annotations[DEFAULTED_WINDOW_ANNOTATION] = time_window
    objectives = [_objective(item) for item in spec["objectives"].items()]
    if not objectives:
        raise spec["objectives"].fail("at least one objective")
    first = objectives[0]
    percent = first.target_percent if first.WhichOneof("target") == "target_percent" else first.target_ratio * 100
    result = slo_pb2.SLO(
        slo_id=name,
        name=metadata["displayName"].text() or name,
        description=spec["description"].text(),
        target_percent=percent,
        time_window=window,
        sli=_indicator(spec["indicator"], spec["indicatorRef"]),
        owner=_owner(labels, service, owner),
        scope=sre_pb2.ResourceRef(type="service", id=service, cluster=cluster or "", environment=environment or ""),
        budgeting_method=spec["budgetingMethod"].word(
            BUDGETING, "a budgeting method", slo_pb2.BUDGETING_METHOD_UNSPECIFIED
        ),
        objectives=objectives,
        labels=labels,
        annotations=annotations,
        alert_policies=[_alert_policy(item) for item in spec["alertPolicies"].items()],
    )
    result.created_at.FromDatetime(created_at or datetime.now(UTC))
    return result


def intents_from_slo(
    doc: Mapping[str, Any] | bytes | str,
    *,
    tenant_id: str,
    producer: str,
    owner: str | None = None,
    cluster: str | None = None,
    environment: str | None = None,
    created_at: datetime | None = None,
    time_window: str = DEFAULT_TIME_WINDOW,
) -> list[SreDomainIntent]:
    """The `CreateSLORequested` intent for an OpenSLO v1 `SLO` document.

    Raises:
        AdapterInputError: not an OpenSLO v1 SLO, or values the contract refuses.
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    loaded = load_json(doc, what="the OpenSLO document")
    definition = slo(
        loaded, owner=owner, cluster=cluster, environment=environment, created_at=created_at, time_window=time_window
    )
    digest = content_digest(definition, "created_at")
    intent = new_intent(
        CreateSLORequested(slo=definition),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=definition.slo_id,
        message_id=derived_id("openslo", tenant_id, definition.slo_id, digest),
        occurred_at=definition.created_at,
    )
    return [checked(intent, "$", "an SLO")]


def documents(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """The OpenSLO documents of a YAML or JSON stream (several documents, or a list), read as `ingest` reads them."""
    found = load_documents(data, what="the OpenSLO documents", max_bytes=max_bytes)
    for index, document in enumerate(found):
        if not isinstance(document, Mapping):
            raise AdapterInputError(f"$[{index}]", "an OpenSLO document (an object)")
    return found


def _named(documents: list[Node], kind: str) -> dict[str, Any]:
    """The stream's documents of `kind` by `metadata.name`."""
    return {node["metadata"]["name"].required_text(): node.value for node in documents if node["kind"].text() == kind}


def _resolved_policy(entry: Any, policies: Mapping[str, Any], conditions: Mapping[str, Any], targets: Any) -> Any:
    """An SLO's alert policy entry with what the stream defines put in place of its references."""
    name = entry if isinstance(entry, str) else entry.get("alertPolicyRef") if isinstance(entry, Mapping) else None
    if not isinstance(name, str) or name not in policies:
        return entry  # inline already, or defined elsewhere: kept as given
    policy = json.loads(json.dumps(policies[name], default=str))
    spec = policy.get("spec") if isinstance(policy.get("spec"), Mapping) else {}
    for condition in spec.get("conditions") or []:
        if isinstance(condition, dict) and condition.get("conditionRef") in conditions:
            found = conditions[condition.pop("conditionRef")]
            condition.update({key: found[key] for key in ("kind", "metadata", "spec") if key in found})
    for target in spec.get("notificationTargets") or []:
        if isinstance(target, dict) and target.get("targetRef") in targets:
            found = targets[target.pop("targetRef")]
            target.update({key: found[key] for key in ("kind", "metadata", "spec") if key in found})
    return policy


MAX_ALERT_POLICIES: Final = field_rules(slo_pb2.SLO.DESCRIPTOR.fields_by_name["alert_policies"]).repeated.max_items
"""An SLO's alert policies, at most (the contract's bound)."""


def _resolved_slo(
    document: Any, path: str, slis: Mapping[str, Any], policies: Any, conditions: Any, targets: Any
) -> Any:
    """The SLO document with its `indicatorRef` and alert policy references resolved within the stream."""
    resolved = json.loads(json.dumps(document, default=str))
    spec = resolved.get("spec")
    if not isinstance(spec, dict):
        return resolved
    ref = spec.get("indicatorRef")
    if isinstance(ref, str) and ref in slis:
        sli = slis[ref]
        del spec["indicatorRef"]
        spec["indicator"] = {"metadata": sli.get("metadata", {}), "spec": sli.get("spec", {})}
    listed = spec.get("alertPolicies")
    if isinstance(listed, list):
        if len(listed) > MAX_ALERT_POLICIES:  # refused before any is resolved: resolving copies each
            raise AdapterInputError(path + ".spec.alertPolicies", f"at most {MAX_ALERT_POLICIES} alert policies")
        spec["alertPolicies"] = [_resolved_policy(p, policies, conditions, targets) for p in listed]
    return resolved


def _type_sources(value: Any, sources: Mapping[str, Any]) -> None:
    """Metric sources that name a `DataSource` of the stream and give no `type` take the data source's."""
    if isinstance(value, list):
        for item in value:
            _type_sources(item, sources)
    elif isinstance(value, dict):
        source = value.get("metricSource")
        if isinstance(source, dict) and "type" not in source and source.get("metricSourceRef") in sources:
            found = sources[source["metricSourceRef"]].get("spec")
            if isinstance(found, Mapping) and isinstance(found.get("type"), str):
                source["type"] = found["type"]
        for item in value.values():
            _type_sources(item, sources)


def _service_intent(
    node: Node,
    slo_ids: list[str],
    *,
    tenant_id: str,
    producer: str,
    owner: str | None,
    tier: service_pb2.ServiceTier.ValueType,
    created_at: datetime | None,
) -> SreDomainIntent:
    metadata, spec = node["metadata"], node["spec"]
    name = metadata["name"].required_text()
    labels = _labels(metadata["labels"])
    service = service_pb2.Service(
        service_id=name,
        name=metadata["displayName"].text() or name,
        description=spec["description"].text(),
        tier=tier,
        owner=_owner(labels, name, owner),
        slo_ids=slo_ids,
        labels={key: ",".join(value.values) for key, value in labels.items()},
    )
    service.created_at.FromDatetime(created_at or datetime.now(UTC))
    digest = content_digest(service, "created_at")
    intent = new_intent(
        CreateServiceRequested(service=service),
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=name,
        message_id=derived_id("openslo-service", tenant_id, name, digest),
        occurred_at=service.created_at,
    )
    return checked(intent, node.path, "a Service")


def intents_from_documents(
    stream: bytes | str | list[Any],
    *,
    tenant_id: str,
    producer: str,
    owner: str | None = None,
    cluster: str | None = None,
    environment: str | None = None,
    created_at: datetime | None = None,
    time_window: str = DEFAULT_TIME_WINDOW,
    service_tier: service_pb2.ServiceTier.ValueType = DEFAULT_SERVICE_TIER,
) -> list[SreDomainIntent]:
    """The intents of an OpenSLO v1 stream of any `KINDS`, in document order, references resolved within it.

    - `SLO`: `CreateSLORequested`; an `indicatorRef` naming an `SLI` of the
      stream becomes that indicator, inline; an alert policy naming an
      `AlertPolicy` of the stream becomes it (its `conditionRef`s and
      `targetRef`s resolved to the `AlertCondition`s and
      `AlertNotificationTarget`s of the stream), carried as JSON; a
      `metricSourceRef` naming a `DataSource` gives its `type` when the
      metric source has none. A reference to something not in the stream
      is kept as a reference.
    - `Service`: `CreateServiceRequested` (tier `service_tier`; owner as for
      an SLO; labels as comma-joined values; `slo_ids` the stream's SLOs of
      that service, at most 20).
    - `SLI`, `AlertPolicy`, `AlertCondition`, `AlertNotificationTarget`,
      `DataSource`: carried by what references them; alone they change
      nothing the contract holds.

    Raises:
        AdapterInputError: a document that is not OpenSLO v1, or of a kind v1 does not define; or a value the
            contract refuses (the path says where).
    """
    require_text(tenant_id, "tenant_id")
    require_text(producer, "producer")
    if isinstance(stream, bytes | str):
        loaded = documents(stream)
    else:
        check_document(stream)  # a caller's objects: bounded in size and depth before anything walks them
        loaded = stream
    nodes = [Node(document, f"$[{index}]") for index, document in enumerate(loaded)]
    for node in nodes:
        node.required_mapping()
        if node["apiVersion"].text() != API_VERSION:
            raise node["apiVersion"].fail(f'"{API_VERSION}"')
        if node["kind"].text() not in KINDS:
            raise node["kind"].fail("an OpenSLO v1 kind: " + ", ".join(KINDS))
    slis, policies = _named(nodes, "SLI"), _named(nodes, "AlertPolicy")
    conditions, targets = _named(nodes, "AlertCondition"), _named(nodes, "AlertNotificationTarget")
    sources = _named(nodes, "DataSource")
    slos_of: dict[str, list[str]] = {}
    for node in nodes:
        if node["kind"].text() == "SLO":
            slos_of.setdefault(node["spec"]["service"].text(), []).append(node["metadata"]["name"].text())
    intents: list[SreDomainIntent] = []
    for node in nodes:
        kind = node["kind"].text()
        if kind == "SLO":
            resolved = _resolved_slo(node.value, node.path, slis, policies, conditions, targets)
            _type_sources(resolved, sources)
            try:
                (intent,) = intents_from_slo(
                    resolved,
                    tenant_id=tenant_id,
                    producer=producer,
                    owner=owner,
                    cluster=cluster,
                    environment=environment,
                    created_at=created_at,
                    time_window=time_window,
                )
            except AdapterInputError as refused:
                raise AdapterInputError(node.path + refused.path[1:], refused.expected, refused.found) from None
            intents.append(intent)
        elif kind == "Service":
            name = node["metadata"]["name"].required_text()
            intents.append(
                _service_intent(
                    node,
                    slos_of.get(name, [])[:20],
                    tenant_id=tenant_id,
                    producer=producer,
                    owner=owner,
                    tier=service_tier,
                    created_at=created_at,
                )
            )
    return intents
