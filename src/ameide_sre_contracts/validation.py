"""Validation with one shared protovalidate validator, and violations that name fields like code."""

from __future__ import annotations

import json

import protovalidate
from google.protobuf.message import Message

from ameide_sre_contracts.errors import ValidationError, Violation

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


def violations(message: Message) -> list[Violation]:
    """Every rule `message` breaks, in protovalidate's order; empty when it is valid."""
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
    return result


def validate(message: Message) -> None:
    """Raise `ValidationError` listing every broken rule, or return when `message` is valid."""
    found = violations(message)
    if found:
        raise ValidationError(message.DESCRIPTOR.name, found)
