"""The one walk over the contract's descriptors: comments, protovalidate rules and the types a root reaches.

The catalog, the size bounds and the tests read the descriptors through this
module only, so a rule or a type is found the same way everywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from google.protobuf import descriptor_pb2

from ameide_core_proto.sre import _buf_validate_pb2 as validate_pb2

WELL_KNOWN_PREFIX = "google."


def field_rules(field: Any) -> Any:
    """The field's `buf.validate.FieldRules`, or None when it declares none."""
    options = field.GetOptions()
    return options.Extensions[validate_pb2.field] if options.HasExtension(validate_pb2.field) else None


def message_cel(descriptor: Any) -> list[Any]:
    """The message-level CEL rules (`buf.validate.Rule`: id, message, expression) a message declares."""
    options = descriptor.GetOptions()
    if not options.HasExtension(validate_pb2.message):
        return []
    return list(options.Extensions[validate_pb2.message].cel)


def oneof_required(oneof: Any) -> bool:
    """Whether the oneof carries `(buf.validate.oneof).required`."""
    options = oneof.GetOptions()
    return options.HasExtension(validate_pb2.oneof) and bool(options.Extensions[validate_pb2.oneof].required)


def ignores_zero(rules: Any) -> bool:
    """Whether the rules apply only when the field is set (`IGNORE_IF_ZERO_VALUE`)."""
    return rules is not None and rules.ignore == validate_pb2.IGNORE_IF_ZERO_VALUE


def is_map(field: Any) -> bool:
    """Whether the field is a map (a repeated field of a synthetic entry message)."""
    return field.message_type is not None and bool(field.message_type.GetOptions().map_entry)


def is_well_known(descriptor: Any) -> bool:
    """Whether the type belongs to protobuf's well-known types (Timestamp, Duration, FieldMask, ...)."""
    return bool(descriptor.full_name.startswith(WELL_KNOWN_PREFIX))


def reachable(roots: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """Messages and enums reachable from `roots`, in depth-first, first-seen order.

    Well-known types and map entry messages are left out; a map's value type is
    followed.
    """
    messages: dict[str, Any] = {}
    enums: dict[str, Any] = {}
    stack = list(roots)[::-1]
    while stack:
        descriptor = stack.pop()
        if descriptor.full_name in messages or is_well_known(descriptor):
            continue
        messages[descriptor.full_name] = descriptor
        pending: list[Any] = []
        for field in descriptor.fields:
            target = field.message_type
            if target is not None and target.GetOptions().map_entry:
                field = target.fields_by_name["value"]
                target = field.message_type
            if field.enum_type is not None:
                enums.setdefault(field.enum_type.full_name, field.enum_type)
            if target is not None:
                pending.append(target)
        stack.extend(reversed(pending))
    return list(messages.values()), list(enums.values())


def service_messages(file: Any) -> list[Any]:
    """The request and response types of every RPC the file's services declare, in declaration order."""
    found: dict[str, Any] = {}
    for service in file.services_by_name.values():
        for method in service.methods:
            for descriptor in (method.input_type, method.output_type):
                found.setdefault(descriptor.full_name, descriptor)
    return list(found.values())


# -- comments from the shipped descriptors (source info is kept only there) ------------------------


@functools.cache
def _comments() -> Mapping[str, str]:
    """Leading comments by full name: messages, fields, oneofs, enums, enum values, services, methods."""
    data = resources.files("ameide_core_proto.sre").joinpath("sre_contract.binpb").read_bytes()
    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    found: dict[str, str] = {}
    for file in files.file:
        names: dict[tuple[int, ...], str] = {}
        for index, message in enumerate(file.message_type):
            _index_message(names, (4, index), f"{file.package}.{message.name}", message)
        for index, enum in enumerate(file.enum_type):
            _index_enum(names, (5, index), f"{file.package}.{enum.name}", enum)
        for index, service in enumerate(file.service):
            full = f"{file.package}.{service.name}"
            names[(6, index)] = full
            for number, method in enumerate(service.method):
                names[(6, index, 2, number)] = f"{full}.{method.name}"
        for location in file.source_code_info.location:
            name = names.get(tuple(location.path))
            if name is not None and location.leading_comments:
                found[name] = _clean(location.leading_comments)
    return found


def _index_message(names: dict[tuple[int, ...], str], path: tuple[int, ...], full: str, message: Any) -> None:
    names[path] = full
    for index, field in enumerate(message.field):
        names[(*path, 2, index)] = f"{full}.{field.name}"
    for index, oneof in enumerate(message.oneof_decl):
        names[(*path, 8, index)] = f"{full}.{oneof.name}"
    for index, nested in enumerate(message.nested_type):
        _index_message(names, (*path, 3, index), f"{full}.{nested.name}", nested)
    for index, enum in enumerate(message.enum_type):
        _index_enum(names, (*path, 4, index), f"{full}.{enum.name}", enum)


def _index_enum(names: dict[tuple[int, ...], str], path: tuple[int, ...], full: str, enum: Any) -> None:
    names[path] = full
    package = full.rsplit(".", 1)[0]  # enum values are scoped beside their enum, not inside it
    for index, value in enumerate(enum.value):
        names[(*path, 2, index)] = f"{package}.{value.name}"


def _clean(comment: str) -> str:
    return " ".join(line.strip() for line in comment.strip().splitlines() if line.strip())


def comment(full_name: str) -> str:
    """The proto comment of an element, on one line ("" when there is none)."""
    return _comments().get(full_name, "")


_THIS_FIELD = re.compile(r"\bthis\.([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)")


@functools.cache
def message_rule_fields() -> Mapping[str, tuple[str, ...]]:
    """Each message-level rule's id with the fields its CEL reads (`this.<path>`), in order of first mention.

    What a violation of a rule on a whole message prints beside it, so that
    `(message)` still says which fields the rule concerns.
    """
    from ameide_core_proto.sre.core.v1 import query_pb2
    from ameide_sre_contracts.topics import ENVELOPE_TOPICS

    roots = [envelope.DESCRIPTOR for envelope in ENVELOPE_TOPICS]
    roots += list(query_pb2.DESCRIPTOR.message_types_by_name.values())
    found: dict[str, list[str]] = {}
    for descriptor in reachable(roots)[0]:
        for rule in message_cel(descriptor):
            fields = found.setdefault(rule.id, [])
            for path in _THIS_FIELD.findall(rule.expression):
                if path not in fields:
                    fields.append(path)
    return {rule_id: tuple(fields) for rule_id, fields in found.items() if fields}
