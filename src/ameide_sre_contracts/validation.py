"""Validation with one shared protovalidate validator, and violations that name fields like code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import protovalidate
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts.errors import ValidationError, Violation
from ameide_sre_contracts.topics import ENVELOPE_TOPICS, PAYLOADS

AGGREGATE_TYPE_RULE = "subject.aggregate_type_matches_payload"
"""Rule id: a domain envelope's `subject.aggregate_type` is its payload's `(aggregate_type)` option."""
MIN_VERSION_RULE = "subject.min_aggregate_version"
"""Rule id: `subject.aggregate_version` is at least the envelope's `(min_aggregate_version)` (1 on facts)."""
CREATES_AGGREGATE_RULE = "subject.creates_aggregate_version"
"""Rule id: a payload marked `(creates_aggregate)` is version 0 on an intent and 1 on a fact."""

# One validator for the process: it caches compiled rules per message type and
# is safe to share between threads.
_VALIDATOR = protovalidate.Validator()


def _render_path(path: protovalidate.FieldPathPb | None) -> str:
    """Render a protovalidate field path as code would spell it: `a.b[2].c["key"]`."""
    if path is None:  # a rule on the validated message itself
        return ""
    rendered: list[str] = []
    for element in path.elements:
        name = element.field_name or f"#{element.field_number}"
        rendered.append(f".{name}" if rendered else name)
        subscript = element.subscript
        if subscript is None:
            continue
        value = subscript.value
        if subscript.field == "string_key":
            rendered.append(f"[{json.dumps(value, ensure_ascii=False)}]")
        elif subscript.field == "bool_key":
            rendered.append(f"[{'true' if value else 'false'}]")
        else:
            rendered.append(f"[{value}]")
    return "".join(rendered)


@dataclass(frozen=True, slots=True)
class _CaseRule:
    aggregate_type: str
    exact_version: int | None  # set when the payload creates its aggregate


@dataclass(frozen=True, slots=True)
class _EnvelopeRules:
    oneof: str
    min_version: int
    name: str
    cases: dict[str, _CaseRule]


def _envelope_rules() -> dict[type[Message], _EnvelopeRules]:
    """Per domain envelope type: the option-declared rules, looked up once per validation."""
    rules: dict[type[Message], _EnvelopeRules] = {}
    for envelope_type in (SreDomainIntent, SreDomainFact):
        topic = ENVELOPE_TOPICS[envelope_type]
        creating_version = 0 if envelope_type is SreDomainIntent else 1
        cases = {
            PAYLOADS[payload].case: _CaseRule(
                PAYLOADS[payload].aggregate_type, creating_version if PAYLOADS[payload].creates_aggregate else None
            )
            for payload in topic.payload_types
        }
        rules[envelope_type] = _EnvelopeRules(topic.oneof, topic.min_aggregate_version, envelope_type.__name__, cases)
    return rules


_ENVELOPE_RULES = _envelope_rules()


def _envelope_violations(envelope: Any, rules: _EnvelopeRules) -> list[Violation]:
    """The envelope rules the contract declares as options instead of CEL (see facts.proto)."""
    case = envelope.WhichOneof(rules.oneof)
    if case is None or not envelope.HasField("subject"):
        return []
    rule = rules.cases[case]
    subject = envelope.subject
    version = subject.aggregate_version
    aggregate_type = subject.aggregate_type
    found = []
    if version < rules.min_version:
        found.append(
            Violation(
                "subject.aggregate_version", MIN_VERSION_RULE, f"must be at least {rules.min_version} on {rules.name}"
            )
        )
    if aggregate_type and aggregate_type != rule.aggregate_type:
        found.append(
            Violation(
                "subject.aggregate_type",
                AGGREGATE_TYPE_RULE,
                f"must be {rule.aggregate_type!r}, the aggregate of {case}",
            )
        )
    if rule.exact_version is not None and version != rule.exact_version:
        found.append(
            Violation(
                "subject.aggregate_version",
                CREATES_AGGREGATE_RULE,
                f"must be {rule.exact_version}: {case} creates its aggregate",
            )
        )
    return found


def violations(message: Message) -> list[Violation]:
    """Every rule `message` breaks, in protovalidate's order, then the envelope rules; empty when valid."""
    result = [
        Violation(
            field_path=_render_path(violation.proto.field),
            rule_id=violation.proto.rule_id,
            message=violation.proto.message,
            for_key=violation.proto.for_key,
        )
        for violation in _VALIDATOR.collect_violations(message)
    ]
    rules = _ENVELOPE_RULES.get(type(message))
    if rules is not None:
        result += _envelope_violations(message, rules)
    return result


def validate(message: Message) -> None:
    """Raise `ValidationError` listing every broken rule, or return when `message` is valid."""
    found = violations(message)
    if found:
        raise ValidationError(message.DESCRIPTOR.name, found)
