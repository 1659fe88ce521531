"""Validation with one shared protovalidate validator, and violations that name fields like code."""

from __future__ import annotations

import json

import protovalidate
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import SreDomainIntent
from ameide_sre_contracts.errors import ValidationError, Violation
from ameide_sre_contracts.topics import ENVELOPE_TOPICS, PAYLOADS, Topic

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


def _envelope_violations(envelope: SreDomainIntent | SreDomainFact, topic: Topic) -> list[Violation]:
    """The envelope rules the contract declares as options instead of CEL (see facts.proto)."""
    case = envelope.WhichOneof(topic.oneof)  # type: ignore[arg-type]
    if case is None or not envelope.HasField("subject"):
        return []
    info = PAYLOADS[type(getattr(envelope, case))]
    subject = envelope.subject
    found = []
    if subject.aggregate_version < topic.min_aggregate_version:
        found.append(
            Violation(
                "subject.aggregate_version",
                MIN_VERSION_RULE,
                f"must be at least {topic.min_aggregate_version} on {topic.envelope_type.__name__}",
            )
        )
    if subject.aggregate_type and subject.aggregate_type != info.aggregate_type:
        found.append(
            Violation(
                "subject.aggregate_type",
                AGGREGATE_TYPE_RULE,
                f"must be {info.aggregate_type!r}, the aggregate of {case}",
            )
        )
    if info.creates_aggregate:
        expected = 0 if topic.envelope_type is SreDomainIntent else 1
        if subject.aggregate_version != expected:
            found.append(
                Violation(
                    "subject.aggregate_version",
                    CREATES_AGGREGATE_RULE,
                    f"must be {expected}: {case} creates its aggregate",
                )
            )
    return found


def violations(message: Message) -> list[Violation]:
    """Every rule `message` breaks, in protovalidate's order, then the envelope rules; empty when valid."""
    found = _VALIDATOR.collect_violations(message)
    result = []
    for violation in found:
        proto = violation.proto
        result.append(
            Violation(
                field_path=_render_path(proto.field),
                rule_id=proto.rule_id,
                message=proto.message,
                for_key=proto.for_key,
            )
        )
    if isinstance(message, SreDomainIntent | SreDomainFact):
        result += _envelope_violations(message, ENVELOPE_TOPICS[type(message)])
    return result


def validate(message: Message) -> None:
    """Raise `ValidationError` listing every broken rule, or return when `message` is valid."""
    found = violations(message)
    if found:
        raise ValidationError(message.DESCRIPTOR.name, found)
