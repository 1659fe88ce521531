"""The OpenSLO v1 document of an SLO: the outbound half of the OpenSLO adapter."""

from __future__ import annotations

import json
from typing import Any

from ameide_core_proto.sre.core.v1 import slo_pb2
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts.adapters._common import plain_number
from ameide_sre_contracts.adapters._openslo_terms import (
    API_VERSION,
    BACKENDS,
    BUDGETING,
    CALENDAR_PERIODS,
    DEFAULTED_WINDOW_ANNOTATION,
    OPERATORS,
    RAW_TYPES,
    WINDOW_UNITS,
    duration_text,
    key_for,
)
from ameide_sre_contracts.errors import InvalidArgumentError


def _source_json(source: slo_pb2.MetricSource) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if source.source_ref:
        result["metricSourceRef"] = source.source_ref
    if source.type:
        result["type"] = source.type
    if source.spec_json:
        result["spec"] = json.loads(source.spec_json)
    return {"metricSource": result}


def _backend_name(backend: int) -> str:
    """The OpenSLO metric source `type` of a backend (`Other` for one OpenSLO names no type for)."""
    names = {int(number): key.capitalize() for key, number in BACKENDS.items() if key != "opensearch"}
    return names.get(backend, "Other")


def _query_source(backend: int, query: str) -> dict[str, Any]:
    return {"metricSource": {"type": _backend_name(backend), "spec": {"query": query}}}


def _indicator_json(sli: slo_pb2.SliDefinition) -> tuple[str, Any]:
    case = sli.WhichOneof("indicator")
    if case == "indicator_ref":
        return "indicatorRef", sli.indicator_ref
    metadata: dict[str, Any] = {}
    if sli.name:
        metadata["name"] = sli.name
    if sli.display_name:
        metadata["displayName"] = sli.display_name
    spec: dict[str, Any] = {}
    if sli.description:
        spec["description"] = sli.description
    if case == "metric_ratio":
        ratio: dict[str, Any] = {"counter": True} if sli.metric_ratio.counter else {}
        if sli.metric_ratio.WhichOneof("ratio") == "raw":
            ratio["rawType"] = key_for(RAW_TYPES, sli.metric_ratio.raw.type)
            ratio["raw"] = _source_json(sli.metric_ratio.raw.metric)
        else:
            for part in ("good", "bad", "total"):
                if sli.metric_ratio.counts.HasField(part):
                    ratio[part] = _source_json(getattr(sli.metric_ratio.counts, part))
        spec["ratioMetric"] = ratio
    elif case == "metric_threshold":
        spec["thresholdMetric"] = _source_json(sli.metric_threshold.metric)
    elif case == "ratio":
        numerator = "good" if sli.ratio.WhichOneof("numerator") == "good_query" else "bad"
        spec["ratioMetric"] = {
            "counter": True,
            numerator: _query_source(sli.backend, getattr(sli.ratio, f"{numerator}_query")),
            "total": _query_source(sli.backend, sli.ratio.total_query),
        }
    elif case == "threshold":
        spec["thresholdMetric"] = _query_source(sli.backend, sli.threshold.query)
    return "indicator", {"metadata": metadata, "spec": spec}


def _window_json(definition: slo_pb2.SLO) -> dict[str, Any]:
    case = definition.WhichOneof("window")
    if case == "rolling_window":
        return {"duration": duration_text(definition.rolling_window), "isRolling": True}
    if case == "calendar_period":
        return {"duration": CALENDAR_PERIODS[definition.calendar_period], "isRolling": False}
    window = definition.time_window
    result: dict[str, Any] = {"duration": f"{window.count}{key_for(WINDOW_UNITS, window.unit)}"}
    result["isRolling"] = window.WhichOneof("alignment") == "rolling"
    if not result["isRolling"]:
        calendar: dict[str, str] = {}
        if window.calendar.start:
            calendar["startTime"] = window.calendar.start
        if window.calendar.time_zone:
            calendar["timeZone"] = window.calendar.time_zone
        if calendar:
            result["calendar"] = calendar
    return result


def _objective_json(objective: slo_pb2.SloObjective) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if objective.display_name:
        result["displayName"] = objective.display_name
    if objective.op:
        result["op"] = key_for(OPERATORS, objective.op)
    if objective.HasField("value"):
        result["value"] = plain_number(objective.value)
    if objective.WhichOneof("target") == "target_percent":
        result["targetPercent"] = plain_number(objective.target_percent)
    else:
        result["target"] = plain_number(objective.target_ratio)
    if objective.HasField("time_slice_target"):
        result["timeSliceTarget"] = plain_number(objective.time_slice_target)
    if objective.HasField("time_slice_window"):
        result["timeSliceWindow"] = duration_text(objective.time_slice_window)
    if objective.HasField("indicator"):
        key, value = _indicator_json(objective.indicator)
        result[key] = value
    if objective.HasField("composite_weight"):
        result["compositeWeight"] = plain_number(objective.composite_weight)
    return result


def slo_from_intent(intent: SreDomainIntent | slo_pb2.SLO) -> dict[str, Any]:
    """The OpenSLO v1 `SLO` document of a `CreateSLORequested` or `UpdateSLORequested` intent (or of an `SLO`).

    The inverse of `intents_from_slo`: a document mapped in and back out
    comes back with every field (time slice windows in the largest unit
    that divides them). An SLO defined without OpenSLO maps too: its own
    ratio and threshold queries become metric sources of its backend, a
    `rolling_window` or `calendar_period` a time window.

    Raises:
        InvalidArgumentError: the intent carries no SLO.
    """
    if isinstance(intent, slo_pb2.SLO):
        definition = intent
    else:
        case = intent.WhichOneof("intent")
        if case not in ("create_slo", "update_slo"):
            raise InvalidArgumentError("slo_from_intent takes CreateSLORequested or UpdateSLORequested intents")
        definition = getattr(intent, case).slo
    metadata: dict[str, Any] = {"name": definition.slo_id}
    if definition.name != definition.slo_id:
        metadata["displayName"] = definition.name
    if definition.labels:
        metadata["labels"] = {
            key: list(value.values) if value.is_list else (value.values[0] if value.values else "")
            for key, value in definition.labels.items()
        }
    annotations = dict(definition.annotations)
    defaulted = annotations.pop(DEFAULTED_WINDOW_ANNOTATION, None) is not None  # the document gave no window
    if annotations:
        metadata["annotations"] = annotations
    spec: dict[str, Any] = {}
    if definition.description:
        spec["description"] = definition.description
    spec["service"] = definition.scope.id
    key, value = _indicator_json(definition.sli)
    spec[key] = value
    if not defaulted:
        spec["timeWindow"] = [_window_json(definition)]
    if definition.budgeting_method:
        spec["budgetingMethod"] = key_for(BUDGETING, definition.budgeting_method)
    objectives = [_objective_json(objective) for objective in definition.objectives]
    spec["objectives"] = objectives or [{"targetPercent": plain_number(definition.target_percent)}]
    if definition.alert_policies:
        spec["alertPolicies"] = [
            {"alertPolicyRef": policy.ref} if policy.WhichOneof("policy") == "ref" else json.loads(policy.inline_json)
            for policy in definition.alert_policies
        ]
    return {"apiVersion": API_VERSION, "kind": "SLO", "metadata": metadata, "spec": spec}
