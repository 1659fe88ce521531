"""Validation with one shared protovalidate validator, and violations that name fields like code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import protovalidate
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts._precheck import MAX_VIOLATIONS, key_text, precheck
from ameide_sre_contracts.errors import ValidationError, Violation
from ameide_sre_contracts.topics import ENVELOPE_TOPICS, PAYLOADS

AGGREGATE_TYPE_RULE = "subject.aggregate_type_matches_payload"
"""Rule id: a domain envelope's `subject.aggregate_type` is its payload's `(aggregate_type)` option."""
AGGREGATE_ID_RULE = "subject.aggregate_id_matches_payload"
"""Rule id: `subject.aggregate_id` equals the id the payload names (its `(aggregate_id_field)` option)."""
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
        if subscript.field in ("string_key", "bool_key"):
            rendered.append(f"[{key_text(subscript.value)}]")
        else:
            rendered.append(f"[{subscript.value}]")
    return "".join(rendered)


@dataclass(frozen=True, slots=True)
class _CaseRule:
    aggregate_type: str
    exact_version: int | None  # set when the payload creates its aggregate
    id_path: tuple[str, ...]  # the payload field holding the aggregate id, when it names one


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
                PAYLOADS[payload].aggregate_type,
                creating_version if PAYLOADS[payload].creates_aggregate else None,
                (PAYLOADS[payload].case, *PAYLOADS[payload].aggregate_id_field),
            )
            for payload in topic.payload_types
        }
        rules[envelope_type] = _EnvelopeRules(topic.oneof, topic.min_aggregate_version, envelope_type.__name__, cases)
    return rules


_ENVELOPE_RULES = _envelope_rules()


def _named_id(message: Any, path: tuple[str, ...]) -> str:
    """The aggregate id the payload names along `path` (starting at the oneof case), or "" when it names none."""
    if len(path) < 2:
        return ""
    value = message
    for name in path:
        value = getattr(value, name)
    return str(value)


def _envelope_violations(case: str, rules: _EnvelopeRules, subject: Any, named_id: str) -> list[Violation]:
    """The envelope rules the contract declares as options instead of CEL (see facts.proto)."""
    rule = rules.cases[case]
    version, aggregate_type, aggregate_id = subject.aggregate_version, subject.aggregate_type, subject.aggregate_id
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
    if named_id and named_id != aggregate_id:
        found.append(
            Violation(
                "subject.aggregate_id",
                AGGREGATE_ID_RULE,
                f"must equal {'.'.join(rule.id_path)} ({named_id!r})",
            )
        )
    return found


UNEVALUATED_RULE = "rule.unevaluated"
"""Rule id: protovalidate could not evaluate a rule on this input (the message names the rule)."""


def _protovalidate(message: Message) -> tuple[list[Violation], int]:
    """protovalidate's violations (the first `MAX_VIOLATIONS`) and their count; a rule it cannot evaluate is one."""
    try:
        found = _VALIDATOR.collect_violations(message)
    except (protovalidate.EvaluationError, protovalidate.CompilationError) as error:
        return [Violation("", UNEVALUATED_RULE, f"a rule could not be evaluated on this input: {error}")], 1
    kept = [
        Violation(_render_path(v.proto.field), v.proto.rule_id, v.proto.message, v.proto.for_key)
        for v in found[:MAX_VIOLATIONS]
    ]
    return kept, len(found)


def collect(message: Message, case: str | None) -> tuple[list[Violation], int]:
    """The first `MAX_VIOLATIONS` violations of a message whose oneof case the caller knows, and how many there are.

    Container counts and time values come first (`_precheck`): when one is
    broken, protovalidate does not run, so no input costs more than the
    largest valid message.
    """
    early, count = precheck(message)
    if count:
        return early, count
    result, count = _protovalidate(message)
    rules = _ENVELOPE_RULES.get(type(message)) if case is not None else None
    if rules is not None:
        subject = message.subject  # type: ignore[attr-defined]
        version = subject.aggregate_version
        aggregate_type = subject.aggregate_type
        rule = rules.cases[case]  # type: ignore[index]
        named_id = _named_id(message, rule.id_path)
        broken = (
            version < rules.min_version
            or (aggregate_type and aggregate_type != rule.aggregate_type)
            or (rule.exact_version is not None and version != rule.exact_version)
            or (named_id and named_id != subject.aggregate_id)
        )
        if broken and (aggregate_type or version):  # no subject at all: protovalidate reports that
            extra = _envelope_violations(case, rules, subject, named_id)  # type: ignore[arg-type]
            result += extra[: max(0, MAX_VIOLATIONS - len(result))]
            count += len(extra)
    return result, count


def violations_of_case(message: Message, case: str | None) -> list[Violation]:
    """`violations` for a message whose oneof case the caller already knows (saves a lookup on hot paths)."""
    return collect(message, case)[0]


def _case(message: Message) -> str | None:
    rules = _ENVELOPE_RULES.get(type(message))
    return message.WhichOneof(rules.oneof) if rules is not None else None


def violations(message: Message) -> list[Violation]:
    """The rules `message` breaks, in protovalidate's order, then the envelope rules; empty when valid.

    At most the first 100 (`MAX_VIOLATIONS`) of a message that breaks more;
    `validate` says how many were left out.
    """
    return collect(message, _case(message))[0]


def require_valid(message: Message, case: str | None) -> None:
    """`validate` for a message whose oneof case the caller already knows."""
    found, count = collect(message, case)
    if found:
        raise ValidationError(message.DESCRIPTOR.name, found, count - len(found))


def validate(message: Message) -> None:
    """Raise `ValidationError` listing the broken rules (the first 100, and how many more), or return when valid."""
    require_valid(message, _case(message))
