"""Every protovalidate rule the contract declares is proven: a violating message is rejected as expected.

The rules are found by walking the descriptors of every message reachable from
the envelopes and the query RPCs. For each rule, a valid example is mutated to
break that rule alone, and the violation must name the rule id and the field
path. A rule added to a proto without a way to violate it here fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import query_pb2, sre_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts._descriptors import (
    field_rules,
    is_map,
    message_cel,
    oneof_required,
    reachable,
    service_messages,
)
from ameide_sre_contracts._precheck import key_text
from tests.conftest import ENVELOPES


@dataclass(frozen=True)
class Rule:
    """One declared rule: on a field (`target` self/item/key/value), a oneof, or a message."""

    message: str
    member: str  # field or oneof name; "" for a message-level rule
    target: str  # "self", "item", "key", "value", "oneof", "message"
    rule_id: str
    rules: Any = None  # the typed rules message (StringRules, ...) for scalar rules
    enum: Any = None  # the field's enum descriptor, for enum rules

    def __str__(self) -> str:
        where = f"{self.message}.{self.member}" if self.member else self.message
        return f"{where}[{self.target}] {self.rule_id}"


RANGE_BOUNDS = ("gt", "gte", "lt", "lte")


def _scalar_rule_ids(kind: str, typed: Message) -> list[str]:
    names = [field.name for field, _ in typed.ListFields()]
    bounds = [name for name in RANGE_BOUNDS if name in names]
    ids = [f"{kind}.{name}" for name in names if name not in RANGE_BOUNDS and name not in ("keys", "values", "items")]
    if bounds:
        ids.append(f"{kind}.{'_'.join(bounds)}")
    return ids


def _field_rules(message: str, member: str, target: str, rules: Any, enum: Any = None) -> list[Rule]:
    found: list[Rule] = []
    if rules.required:
        found.append(Rule(message, member, target, "required"))
    found += [Rule(message, member, target, cel.id) for cel in rules.cel]
    kind = rules.WhichOneof("type")
    if kind is None:
        return found
    typed = getattr(rules, kind)
    if kind == "repeated":
        found += [Rule(message, member, target, rule_id, typed) for rule_id in _scalar_rule_ids(kind, typed)]
        if typed.HasField("items"):
            found += _field_rules(message, member, "item", typed.items, enum)
    elif kind == "map":
        found += [Rule(message, member, target, rule_id, typed) for rule_id in _scalar_rule_ids(kind, typed)]
        found += _field_rules(message, member, "key", typed.keys) if typed.HasField("keys") else []
        found += _field_rules(message, member, "value", typed.values) if typed.HasField("values") else []
    else:
        found += [Rule(message, member, target, rule_id, typed, enum) for rule_id in _scalar_rule_ids(kind, typed)]
    return found


def declared_rules() -> list[Rule]:
    """Every rule declared on messages reachable from the envelopes and the query RPCs."""
    roots: list[Any] = [e.DESCRIPTOR for e in ENVELOPES] + service_messages(query_pb2.DESCRIPTOR)
    messages, _ = reachable(roots)
    found: list[Rule] = []
    for descriptor in sorted(messages, key=lambda d: d.full_name):
        name = descriptor.full_name
        found += [Rule(name, "", "message", cel.id) for cel in message_cel(descriptor)]
        found += [Rule(name, oneof.name, "oneof", "required") for oneof in descriptor.oneofs if oneof_required(oneof)]
        for field in descriptor.fields:
            rules = field_rules(field)
            if rules is not None:
                found += _field_rules(name, field.name, "self", rules, field.enum_type)
    return found


# --- Where each message type occurs in the valid examples -------------------------------------------

Step = tuple[str, int | str | None]


def _roots() -> list[Message]:
    roots: list[Message] = [envelope for e in ENVELOPES for envelope in testing.examples(e)]
    for descriptor in service_messages(query_pb2.DESCRIPTOR):
        roots.append(testing.query_example(getattr(query_pb2, descriptor.name)))
    roots += testing.variants()
    return roots


def _instances(message: Message, steps: tuple[Step, ...] = ()) -> Iterator[tuple[tuple[Step, ...], Message]]:
    yield steps, message
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if is_map(field):
            if field.message_type.fields_by_name["value"].message_type is not None:
                for key, item in value.items():
                    yield from _instances(item, (*steps, (field.name, key)))
            continue
        if field.message_type.full_name.startswith("google.protobuf."):
            continue
        if field.is_repeated:
            for index, item in enumerate(value):
                yield from _instances(item, (*steps, (field.name, index)))
        else:
            yield from _instances(value, (*steps, (field.name, None)))


def _render(steps: tuple[Step, ...]) -> str:
    def subscript(index: int | str | None) -> str:
        return "" if index is None else f"[{json.dumps(index)}]" if isinstance(index, str) else f"[{index}]"

    return ".".join(name + subscript(index) for name, index in steps)


def _navigate(root: Message, steps: tuple[Step, ...]) -> Message:
    current = root
    for name, index in steps:
        current = getattr(current, name) if index is None else getattr(current, name)[index]
    return current


# --- How to break each kind of rule --------------------------------------------------------------


def _bad_string(rule_id: str, rules: Any) -> str:
    kind = rule_id.split(".", 1)[1]
    fixed = {"pattern": "!", "uuid": "not-a-uuid", "uri": "not a uri", "in": "NotInTheList"}
    if kind in fixed:
        return fixed[kind]
    if kind == "max_bytes":  # two-byte characters: within any character limit, past the byte limit
        return "é" * (int(rules.max_bytes) // 2 + 1)
    length: int = {"min_len": rules.min_len - 1, "max_len": rules.max_len + 1, "len": rules.len + 1}[kind]
    return "x" * length


def _bad_number(rule_id: str, rules: Any) -> Any:
    kind, names = rule_id.split(".", 1)
    if names == "finite":
        return float("inf")
    if names == "defined_only":
        return 9999
    if names == "not_in":
        return rules.not_in[0]
    if names == "in":
        return max(getattr(rules, "in")) + 1
    if names == "const":
        return not rules.const
    lower = next((b for b in ("gt", "gte") if rules.HasField(b)), None)
    upper = next((b for b in ("lt", "lte") if rules.HasField(b)), None)
    if kind in ("timestamp", "duration"):
        from google.protobuf.duration_pb2 import Duration
        from google.protobuf.timestamp_pb2 import Timestamp

        value = Timestamp if kind == "timestamp" else Duration
        if lower:
            bound = getattr(rules, lower)
            return value(seconds=bound.seconds if lower == "gt" else bound.seconds - 1)
        assert upper is not None
        bound = getattr(rules, upper)
        return value(seconds=bound.seconds if upper == "lt" else bound.seconds + 1)
    if lower:
        bound = getattr(rules, lower)
        return bound if lower == "gt" else bound - 1
    assert upper is not None
    bound = getattr(rules, upper)
    return bound if upper == "lt" else bound + 1


def _enum_outside(rule: Rule) -> int:
    """A defined value of the rule's enum that its `in` list leaves out."""
    allowed = set(getattr(rule.rules, "in"))
    return next(int(value.number) for value in rule.enum.values if value.number not in allowed)


def _bad_value(rule: Rule) -> Any:
    kind = rule.rule_id.split(".", 1)[0]
    if kind == "string":
        return _bad_string(rule.rule_id, rule.rules)
    if kind == "field_mask":
        from google.protobuf.field_mask_pb2 import FieldMask

        return FieldMask(paths=["not_a_field"])
    if rule.rule_id == "enum.in":
        return _enum_outside(rule)
    return _bad_number(rule.rule_id, rule.rules)


def _set(message: Message, field: Any, value: Any) -> None:
    if field.message_type is not None:
        getattr(message, field.name).CopyFrom(value)
    else:
        setattr(message, field.name, value)


def _map_value(field: Any) -> Any:
    """A valid value of the map field's value type: a string, a number, or an empty message."""
    value_field = field.message_type.fields_by_name["value"]
    if value_field.message_type is not None:
        return None
    return 1.0 if value_field.type == value_field.TYPE_DOUBLE else "v"


def _put(mapping: Any, field: Any, key: str, sample: Any) -> None:
    if sample is None:
        mapping[key].SetInParent()
    else:
        mapping[key] = sample


def _break_field(message: Message, rule: Rule, prefix: str) -> tuple[str, bool] | None:
    """Break `rule` on `message`'s field; return the expected (path, for_key), or None if impossible here."""
    field = message.DESCRIPTOR.fields_by_name[rule.member]
    path = f"{prefix}{field.name}"
    value = getattr(message, field.name)
    if rule.target == "self" and rule.rule_id == "required":
        message.ClearField(field.name)
        return path, False
    if rule.target == "self" and rule.rule_id.startswith("repeated."):
        if rule.rule_id == "repeated.min_items":
            del value[:]
        elif not len(value):
            return None
        elif rule.rule_id == "repeated.unique":
            value.append(value[0])
        else:
            while len(value) <= rule.rules.max_items:
                value.append(value[0])
        return path, False
    if rule.target == "self" and rule.rule_id == "map.max_pairs":
        sample = _map_value(field)
        for index in range(rule.rules.max_pairs + 1):
            _put(value, field, f"k{index}", sample)
        return path, False
    if rule.target == "key":
        key = _bad_value(rule)
        _put(value, field, key, _map_value(field))
        return f"{path}[{key_text(key)}]", True
    if rule.target == "value":
        value["zz-key"] = _bad_value(rule)
        return f'{path}["zz-key"]', False
    if rule.target == "item":
        bad = _bad_value(rule)
        if len(value):
            value[0] = bad
            return f"{path}[0]", False
        value.append(bad)
        return f"{path}[0]", False
    _set(message, field, _bad_value(rule))
    return path, False


def _earlier(stamp: Any, seconds: int = 1) -> Any:
    from google.protobuf.timestamp_pb2 import Timestamp

    return Timestamp(seconds=stamp.seconds - seconds, nanos=stamp.nanos)


def _set_all(*assignments: tuple[Any, str, Any]) -> None:
    for target, name, value in assignments:
        if isinstance(value, dict):
            getattr(target, name).clear()
        elif value is None:
            target.ClearField(name)
        else:
            setattr(target, name, value)


# Hand-written ways to break each CEL rule: the id, then a mutation of the message that declares it.
# A mutation returns False when this instance cannot show the violation (another instance is tried).
CEL_BREAKERS: dict[str, Callable[[Any], bool | None]] = {
    "time_range.end_after_start": lambda m: m.end_time.CopyFrom(_earlier(m.start_time)),
    "incident.acknowledged_after_created": lambda m: m.acknowledged_at.CopyFrom(_earlier(m.created_at)),
    "incident.resolved_after_created": lambda m: m.resolved_at.CopyFrom(_earlier(m.created_at)),
    "incident.investigating_after_created": lambda m: m.investigating_at.CopyFrom(_earlier(m.created_at)),
    "incident.mitigating_after_created": lambda m: m.mitigating_at.CopyFrom(_earlier(m.created_at)),
    "incident.closed_after_resolved": lambda m: m.closed_at.CopyFrom(_earlier(m.resolved_at)),
    "incident.resolved_status_has_resolved_at": lambda m: m.ClearField("resolved_at"),
    "incident.closed_status_has_closed_at": lambda m: m.ClearField("closed_at"),
    "alert.ends_after_starts": lambda m: m.ends_at.CopyFrom(_earlier(m.starts_at)),
    "alert.fingerprint_format": lambda m: setattr(m, "fingerprint", "not-hex"),
    "runbook.step_ids_unique": lambda m: setattr(m.steps[1], "step_id", m.steps[0].step_id),
    "runbook.automated_steps_have_commands": lambda m: _set_all(
        (m, "automation_level", 3), (m.steps[0], "command", "")
    ),
    "runbook_step_result.finished_after_started": lambda m: m.finished_at.CopyFrom(_earlier(m.started_at)),
    "runbook_execution.finished_after_started": lambda m: m.finished_at.CopyFrom(_earlier(m.started_at)),
    "burn_rate_alert.short_window_shorter": lambda m: m.short_window.CopyFrom(m.long_window),
    "sli_measurement.window_ends_after_start": lambda m: m.window_end.CopyFrom(m.window_start),
    "sli_measurement.good_within_total": lambda m: setattr(m, "good_events", m.total_events + 1),
    "error_budget_status.window_ends_after_start": lambda m: m.window_end.CopyFrom(m.window_start),
    "fleet_state.health_counts_partition_total": lambda m: setattr(m, "total_applications", m.total_applications + 1),
    "fleet_state.out_of_sync_within_total": lambda m: setattr(m, "out_of_sync_count", m.total_applications + 1),
    "traceparent.non_zero_ids": lambda m: setattr(m, "traceparent", "00-" + "0" * 32 + "-00f067aa0ba902b7-01"),
    "incident_severity_changed.severity_differs": lambda m: setattr(m, "severity", m.previous_severity),
    "slo_budget_exhausted.budget_spent": lambda m: setattr(m.budget, "consumed_ratio", 0.5),
    "search_runbooks.has_criteria": lambda m: _set_all((m, "symptoms", ""), (m, "labels", {})),
    "incident_status_changed.allowed_transition": lambda m: setattr(m, "status", sre_pb2.INCIDENT_STATUS_OPEN),
    "incident_acknowledged.acknowledgeable": lambda m: setattr(m, "previous_status", sre_pb2.INCIDENT_STATUS_CLOSED),
    "postmortem.published_has_published_at": lambda m: m.ClearField("published_at") if m.status == 3 else False,
    "postmortem.published_after_created": lambda m: (
        m.published_at.CopyFrom(_earlier(m.created_at)) if m.HasField("published_at") else False
    ),
    "postmortem_published.status_published": lambda m: setattr(m.postmortem, "status", 2),
    "intent_rejected.violations_when_invalid": lambda m: m.ClearField("violations"),
    "intent_rejected.case_known": lambda m: m.ClearField("intent_case"),
    "intent_rejected.causation_required": lambda m: (
        m.meta.ClearField("causation_id") if m.WhichOneof("fact") == "intent_rejected" else False
    ),
    "service.updated_after_created": lambda m: m.updated_at.CopyFrom(_earlier(m.created_at)),
    "sync_operation.finished_after_started": lambda m: m.finished_at.CopyFrom(_earlier(m.started_at)),
    "event_counts.two_of_three": lambda m: _set_all((m, "bad", None), (m, "total", None)),
    "sli_definition.backend_set": lambda m: (
        setattr(m, "backend", 0) if m.WhichOneof("indicator") != "indicator_ref" else False
    ),
    "slo_objective.time_slice_target_with_window": lambda m: (
        m.ClearField("time_slice_window") if m.HasField("time_slice_target") else False
    ),
    "field_mask.unique_paths": lambda m: (
        m.update_mask.paths.append(m.update_mask.paths[0]) if m.update_mask.paths else False
    ),
    "process_subject.incident_workflow_has_incident": lambda m: (
        m.ClearField("incident_id") if m.workflow_type == "IncidentTriageProcess" else False
    ),
    # The envelope rules: the subject no longer matches what the payload says.
    "subject.min_aggregate_version": lambda m: setattr(m.subject, "aggregate_version", 0),
    "subject.aggregate_type_matches_payload": lambda m: setattr(
        m.subject, "aggregate_type", "Alert" if m.subject.aggregate_type != "Alert" else "Incident"
    ),
    "subject.creates_aggregate_version": lambda m: (
        setattr(m.subject, "aggregate_version", 2) if sre.payload_info(sre.payload_of(m)).creates_aggregate else False
    ),
    "subject.aggregate_id_matches_payload": lambda m: (
        setattr(m.subject, "aggregate_id", "another-aggregate")
        if sre.payload_info(sre.payload_of(m)).aggregate_id_field
        else False
    ),
}

RULES = declared_rules()
ROOTS = _roots()


def _prove(rule: Rule) -> str:
    """Find an example holding `rule`'s message, break the rule, check the violation; return what was seen."""
    seen = []
    for root in ROOTS:
        for steps, instance in _instances(root):
            if instance.DESCRIPTOR.full_name != rule.message:
                continue
            broken = type(root)()
            broken.CopyFrom(root)
            target = _navigate(broken, steps)
            prefix = _render(steps) + "." if steps else ""
            if rule.target == "message":
                if CEL_BREAKERS[rule.rule_id](target) is False:
                    continue
                expected: tuple[str, bool] | None = (_render(steps), False)
            elif rule.target == "oneof":
                target.ClearField(rule.member)
                expected = (prefix + rule.member, False)
            elif rule.rule_id in CEL_BREAKERS:
                if CEL_BREAKERS[rule.rule_id](target) is False:
                    continue
                expected = (prefix + rule.member, False)
            else:
                expected = _break_field(target, rule, prefix)
            if expected is None:
                continue
            found = sre.violations(broken)
            if any((v.rule_id, v.field_path, v.for_key) == (rule.rule_id, *expected) for v in found):
                return f"{rule} -> {expected[0]}"
            seen.append(f"expected {rule.rule_id} at {expected}, got {[str(v) for v in found]}")
    raise AssertionError(f"no example could show {rule}; attempts: {seen[:3]}")


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_declared_rule_rejects_its_violation(rule: Rule) -> None:
    """Breaking this rule alone yields a violation with its rule id at its field path."""
    assert _prove(rule)


def test_rule_walk_finds_the_contract_rules() -> None:
    """The walk sees every kind of rule, and every CEL breaker belongs to a declared rule."""
    ids = {rule.rule_id for rule in RULES}
    assert len(RULES) > 300
    for expected in (
        "required",
        "string.uuid",
        "string.pattern",
        "enum.defined_only",
        "repeated.max_items",
        "map.max_pairs",
        "duration.gt_lte",
        "double.gt_lt",
        "int32.gte_lte",
        "uint32.lte",
    ):
        assert expected in ids
    assert set(CEL_BREAKERS) <= ids, set(CEL_BREAKERS) - ids
    assert {rule.target for rule in RULES} == {"self", "item", "key", "value", "oneof", "message"}
