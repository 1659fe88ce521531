"""The event catalog, generated from the contract's descriptors: Markdown for people, AsyncAPI 3.0 for tools.

Nothing here is written by hand: topics, envelopes and payloads come from the
descriptors and custom options, descriptions from the proto comments (the
package ships its descriptors with source info as
`ameide_core_proto/sre/sre_contract.binpb`), and rules from the protovalidate
options, put into words.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor

from ameide_core_proto.sre import _buf_validate_pb2 as validate_pb2
from ameide_sre_contracts.topics import CONTRACT_VERSION, PAYLOADS, TOPICS, Topic
from ameide_sre_contracts.validation import (
    AGGREGATE_ID_RULE,
    AGGREGATE_TYPE_RULE,
    CREATES_AGGREGATE_RULE,
    MIN_VERSION_RULE,
)

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
PROTOBUF_SCHEMA_FORMAT = "application/vnd.google.protobuf;version=3"
_SCALARS = {
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64",
    FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}
_ENVELOPE_RULES = [
    ("subject.aggregate_type", f"equals the payload's aggregate (`{AGGREGATE_TYPE_RULE}`)"),
    (
        "subject.aggregate_version",
        f"0 on an intent and 1 on a fact when the payload creates its aggregate (`{CREATES_AGGREGATE_RULE}`)",
    ),
    ("subject.aggregate_id", f"equals the id the payload names, where it names one (`{AGGREGATE_ID_RULE}`)"),
    ("subject.aggregate_version", f"at least 1 on a fact (`{MIN_VERSION_RULE}`)"),
]


# -- comments from the shipped descriptors --------------------------------------------------------


@functools.cache
def _comments() -> dict[str, str]:
    """Leading comments by full name: messages, fields, oneofs, enums, enum values."""
    data = resources.files("ameide_core_proto.sre").joinpath("sre_contract.binpb").read_bytes()
    files = descriptor_pb2.FileDescriptorSet.FromString(data)
    found: dict[str, str] = {}
    for file in files.file:
        names: dict[tuple[int, ...], str] = {}
        for index, message in enumerate(file.message_type):
            _index_message(names, (4, index), f"{file.package}.{message.name}", message)
        for index, enum in enumerate(file.enum_type):
            _index_enum(names, (5, index), f"{file.package}.{enum.name}", enum)
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
    package = full.rsplit(".", 1)[0]
    for index, value in enumerate(enum.value):
        names[(*path, 2, index)] = f"{package}.{value.name}"


def _clean(comment: str) -> str:
    return " ".join(line.strip() for line in comment.strip().splitlines() if line.strip())


def comment(full_name: str) -> str:
    """The proto comment of an element, on one line ("" when there is none)."""
    return _comments().get(full_name, "")


# -- rules in words --------------------------------------------------------------------------------


def _rules(field: Any) -> Any:
    options = field.GetOptions()
    return options.Extensions[validate_pb2.field] if options.HasExtension(validate_pb2.field) else None


def _duration(value: Any) -> str:
    seconds = value.seconds + value.nanos / 1e9
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size and seconds % size == 0:
            amount = int(seconds // size)
            return f"{amount} {unit[:-1] if amount == 1 else unit}"
    return f"{seconds:g} s"


def _bound(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _duration(value) if hasattr(value, "seconds") else f"{value:,}" if isinstance(value, int) else str(value)


def _range_words(typed: Any) -> list[str]:
    lower = next(((name, getattr(typed, name)) for name in ("gt", "gte") if typed.HasField(name)), None)
    upper = next(((name, getattr(typed, name)) for name in ("lt", "lte") if typed.HasField(name)), None)
    words = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}
    parts = [f"{words[bound[0]]} {_bound(bound[1])}" for bound in (lower, upper) if bound is not None]
    return [" and ".join(parts)] if parts else []


def _typed_words(kind: str, typed: Any) -> list[str]:
    words: list[str] = []
    if kind in ("string", "bytes"):
        unit = "characters" if kind == "string" else "bytes"
        if typed.HasField("len"):
            words.append(f"exactly {typed.len} {unit}")
        elif typed.HasField("min_len") and typed.HasField("max_len"):
            words.append(f"{typed.min_len} to {typed.max_len:,} {unit}")
        elif typed.HasField("max_len"):
            words.append(f"at most {typed.max_len:,} {unit}")
        elif typed.HasField("min_len"):
            words.append(f"at least {typed.min_len} {unit}")
        if kind == "string":
            if typed.uuid:
                words.append("a UUID")
            if typed.uri:
                words.append("an absolute URI")
            if typed.HasField("pattern"):
                words.append(f"matches `{typed.pattern}`")
            if len(getattr(typed, "in")):
                words.append("one of " + ", ".join(f"`{value}`" for value in getattr(typed, "in")))
    elif kind == "enum":
        if typed.defined_only:
            words.append("a defined value")
        if list(typed.not_in) == [0]:
            words.append("not unspecified")
    elif kind == "repeated":
        if typed.HasField("min_items") and typed.HasField("max_items"):
            words.append(f"{typed.min_items} to {typed.max_items:,} items")
        elif typed.HasField("max_items"):
            words.append(f"at most {typed.max_items:,} items")
        if typed.unique:
            words.append("unique")
        if typed.HasField("items"):
            words.append("each " + ", ".join(_words(typed.items)))
    elif kind == "map":
        if typed.HasField("max_pairs"):
            words.append(f"at most {typed.max_pairs:,} pairs")
        if typed.HasField("keys"):
            words.append("keys " + ", ".join(_words(typed.keys)))
        if typed.HasField("values"):
            words.append("values " + ", ".join(_words(typed.values)))
    else:
        if getattr(typed, "finite", False):
            words.append("finite")
        words += _range_words(typed)
    return words


def _words(rules: Any) -> list[str]:
    words: list[str] = []
    if rules.required:
        words.append("must be set")
    kind = rules.WhichOneof("type")
    if kind is not None:
        words += _typed_words(kind, getattr(rules, kind))
    words += [f"{cel.message} (`{cel.id}`)" for cel in rules.cel]
    if rules.ignore == validate_pb2.IGNORE_IF_ZERO_VALUE:
        words.append("checked only when set")
    return [word for word in words if word]


def rules_in_words(field: Any) -> str:
    """A field's protovalidate rules as a short phrase ("" when it has none)."""
    rules = _rules(field)
    return "; ".join(_words(rules)) if rules is not None else ""


def message_rules(descriptor: Any) -> list[tuple[str, str]]:
    """A message's own CEL rules as (id, message)."""
    options = descriptor.GetOptions()
    if not options.HasExtension(validate_pb2.message):
        return []
    return [(cel.id, cel.message) for cel in options.Extensions[validate_pb2.message].cel]


def presence(field: Any) -> str:
    """`required` when the rules refuse the field's zero value, `one of <oneof>` in a oneof, else `optional`."""
    if field.containing_oneof is not None:
        return f"one of `{field.containing_oneof.name}`"
    rules = _rules(field)
    if rules is None or rules.ignore == validate_pb2.IGNORE_IF_ZERO_VALUE:
        return "optional"
    kind = rules.WhichOneof("type")
    typed = getattr(rules, kind) if kind else None
    refuses_zero = bool(rules.required) or (
        typed is not None
        and (
            (kind == "string" and (typed.min_len > 0 or typed.len > 0 or typed.uuid or typed.HasField("pattern")))
            or (kind == "string" and len(getattr(typed, "in")) > 0)
            or (kind == "enum" and 0 in typed.not_in)
            or (kind == "repeated" and typed.min_items > 0)
        )
    )
    return "required" if refuses_zero else "optional"


def type_name(field: Any) -> str:
    """The field's type as a .proto file would spell it."""
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        key, value = field.message_type.fields
        return f"map<{type_name(key)}, {type_name(value)}>"
    if field.message_type is not None:
        base = (
            field.message_type.name
            if not field.message_type.full_name.startswith("google.")
            else (field.message_type.full_name)
        )
    elif field.enum_type is not None:
        base = field.enum_type.name
    else:
        base = _SCALARS[field.type]
    return f"repeated {base}" if field.is_repeated else base


# -- the closure of types an envelope uses ---------------------------------------------------------


def _closure(roots: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """Messages and enums reachable from `roots` (well-known types excluded), in first-seen order."""
    messages: dict[str, Any] = {}
    enums: dict[str, Any] = {}
    stack = list(roots)[::-1]
    while stack:
        descriptor = stack.pop()
        if descriptor.full_name in messages or descriptor.full_name.startswith("google."):
            continue
        messages[descriptor.full_name] = descriptor
        pending = []
        for field in descriptor.fields:
            if field.enum_type is not None:
                enums.setdefault(field.enum_type.full_name, field.enum_type)
            target = field.message_type
            if target is not None and target.GetOptions().map_entry:
                continue
            if target is not None:
                pending.append(target)
        stack.extend(reversed(pending))
    return list(messages.values()), list(enums.values())


def _all_types() -> tuple[list[Any], list[Any]]:
    return _closure(topic.envelope_type.DESCRIPTOR for topic in TOPICS.values())


# -- Markdown ---------------------------------------------------------------------------------------


def _anchor(name: str) -> str:
    return name.lower()


def _field_table(descriptor: Any, *, only_case: str | None = None) -> list[str]:
    lines = ["| field | number | type | presence | rules | description |", "|---|---:|---|---|---|---|"]
    for field in descriptor.fields:
        if only_case is not None and field.containing_oneof is not None and field.name != only_case:
            continue
        kind = type_name(field)
        target = field.message_type or field.enum_type
        if target is not None and not target.full_name.startswith("google.") and "map<" not in kind:
            kind = kind.replace(target.name, f"[{target.name}](#{_anchor(target.name)})")
        cells = [
            f"`{field.name}`",
            str(field.number),
            kind,
            presence(field),
            rules_in_words(field).replace("|", "\\|"),
            comment(field.full_name).replace("|", "\\|"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _message_rules_lines(descriptor: Any) -> list[str]:
    rules = message_rules(descriptor)
    return ["", *(f"- Rule `{rule_id}`: {text}" for rule_id, text in rules)] if rules else []


def _subject_fields(topic: Topic) -> Any:
    subject: Any = topic.envelope_type.DESCRIPTOR.fields_by_name["subject"].message_type
    return subject.fields_by_name


def _key_words(topic: Topic) -> str:
    keyed_by = "incident_id" if "incident_id" in _subject_fields(topic) else "aggregate_id"
    return f"`{{tenant_id}}/{{subject.{keyed_by}}}`"


def markdown() -> str:
    """The event catalog as Markdown."""
    messages, enums = _all_types()
    payload_names = {payload.DESCRIPTOR.full_name for payload in PAYLOADS}
    envelope_names = {topic.envelope_type.DESCRIPTOR.full_name for topic in TOPICS.values()}
    lines = [
        f"# SRE event catalog (contract {CONTRACT_VERSION})",
        "",
        "Generated from the contract's descriptors by `sre-contracts catalog`; do not edit. "
        "Every message travels as a CloudEvent (`application/protobuf`) whose data is the encoded envelope; "
        "`ce_type` names the payload.",
        "",
        "| topic | envelope | events | Kafka key |",
        "|---|---|---:|---|",
    ]
    for topic in TOPICS.values():
        name = topic.envelope_type.__name__
        lines.append(
            f"| `{topic.name}` | [{name}](#{_anchor(name)}) | {len(topic.payload_types)} | {_key_words(topic)} |"
        )
    for topic in TOPICS.values():
        envelope = topic.envelope_type.DESCRIPTOR
        lines += ["", f"## `{topic.name}`", "", f"### {envelope.name}", "", comment(envelope.full_name), ""]
        lines += _field_table(envelope)
        if "aggregate_type" in _subject_fields(topic):
            applicable = _ENVELOPE_RULES if topic.min_aggregate_version else _ENVELOPE_RULES[:3]
            lines += ["", *(f"- Rule on `{path}`: {text}" for path, text in applicable)]
        for payload in topic.payload_types:
            info = PAYLOADS[payload]
            descriptor = payload.DESCRIPTOR
            lines += ["", f"### {descriptor.name}", "", comment(descriptor.full_name), ""]
            lines.append(f"- CloudEvents type: `{info.event_type}`")
            lines.append(f"- Oneof case: `{info.case}` (field {info.field_number})")
            if info.aggregate_type:
                creates = " (creates it)" if info.creates_aggregate else ""
                lines.append(f"- Aggregate: `{info.aggregate_type}`{creates}")
            if info.aggregate_id_field:
                lines.append(f"- Aggregate id: `{'.'.join(info.aggregate_id_field)}` equals `subject.aggregate_id`")
            lines += ["", *_field_table(descriptor), *_message_rules_lines(descriptor)]
    lines += ["", "## Types", ""]
    for descriptor in messages:
        if descriptor.full_name in payload_names or descriptor.full_name in envelope_names:
            continue
        lines += [f"### {descriptor.name}", "", comment(descriptor.full_name), ""]
        lines += [*_field_table(descriptor), *_message_rules_lines(descriptor), ""]
    lines += ["## Enums", ""]
    for enum in enums:
        package = enum.full_name.rsplit(".", 1)[0]
        lines += [
            f"### {enum.name}",
            "",
            comment(enum.full_name),
            "",
            "| value | number | description |",
            "|---|---:|---|",
        ]
        lines += [f"| `{v.name}` | {v.number} | {comment(f'{package}.{v.name}')} |" for v in enum.values]
        lines.append("")
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"


# -- AsyncAPI ---------------------------------------------------------------------------------------


def proto_bundle(topic: Topic, case: str) -> str:
    """A self-contained .proto text of `topic`'s envelope carrying only `case`, with every type it uses.

    AsyncAPI inlines non-JSON schemas as strings, and its Protobuf parser takes
    one file without imports (well-known types aside): types from both
    packages are flattened into one, rules appear as comments.
    """
    envelope = topic.envelope_type.DESCRIPTOR
    payload = envelope.fields_by_name[case].message_type
    roots = [envelope.fields_by_name[name].message_type for name in ("meta", "subject")] + [payload]
    messages, enums = _closure(roots)
    names = [descriptor.name for descriptor in [*messages, *enums]]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"types {sorted(duplicates)} share a name across packages; the bundle needs unique names")
    uses = {f.message_type.full_name for d in messages for f in d.fields if f.message_type is not None}
    imports = [
        f'import "google/protobuf/{name.lower()}.proto";'
        for name in ("Duration", "Timestamp")
        if f"google.protobuf.{name}" in uses
    ]
    lines = ['syntax = "proto3";', "", f"package {envelope.full_name.rsplit('.', 1)[0]};", "", *imports, ""]
    lines += _render_message(envelope, only_case=case, root=True)
    for descriptor in messages:
        lines += ["", *_render_message(descriptor)]
    for enum in enums:
        lines += ["", *_render_enum(enum)]
    return "\n".join(lines) + "\n"


def _comment_lines(text: str, indent: str) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) > 76:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return [f"{indent}// {part}" for part in lines]


def _render_field(field: Any, indent: str) -> list[str]:
    described = comment(field.full_name)
    words = rules_in_words(field)
    text = f"{described} Rules: {words}." if words else described
    return [*_comment_lines(text, indent), f"{indent}{type_name(field)} {field.name} = {field.number};"]


def _render_message(descriptor: Any, *, only_case: str | None = None, root: bool = False) -> list[str]:
    text = comment(descriptor.full_name) + (" @RootNode" if root else "")
    lines = [*_comment_lines(text, ""), f"message {descriptor.name} {{"]
    rendered_oneofs: set[str] = set()
    for field in descriptor.fields:
        oneof = field.containing_oneof
        if oneof is None:
            lines += _render_field(field, "  ")
            continue
        if oneof.name in rendered_oneofs:
            continue
        rendered_oneofs.add(oneof.name)
        members = [f for f in oneof.fields if only_case is None or f.name == only_case]
        lines += [*_comment_lines(comment(oneof.full_name), "  "), f"  oneof {oneof.name} {{"]
        for member in members:
            lines += _render_field(member, "    ")
        lines.append("  }")
    lines.append("}")
    return lines


def _render_enum(enum: Any) -> list[str]:
    package = enum.full_name.rsplit(".", 1)[0]
    lines = [*_comment_lines(comment(enum.full_name), ""), f"enum {enum.name} {{"]
    for value in enum.values:
        lines += [*_comment_lines(comment(f"{package}.{value.name}"), "  "), f"  {value.name} = {value.number};"]
    lines.append("}")
    return lines


def _channel_id(topic: Topic) -> str:
    return "".join(part.capitalize() if index else part for index, part in enumerate(topic.name.split(".")))


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document as a dict: one channel per topic, one message per payload."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS.values():
        channel = _channel_id(topic)
        envelope = topic.envelope_type.DESCRIPTOR
        channel_messages: dict[str, Any] = {}
        for payload in topic.payload_types:
            info = PAYLOADS[payload]
            name = payload.DESCRIPTOR.name
            described = comment(payload.DESCRIPTOR.full_name)
            messages[name] = {
                "name": name,
                "title": re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name),
                "summary": described.split(". ")[0].rstrip("."),
                "description": f"{described} Carried in `{envelope.name}.{info.case}` (field {info.field_number}).",
                "contentType": "application/protobuf",
                "correlationId": {"location": "$message.header#/ce_correlationid"},
                "headers": {
                    "type": "object",
                    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_tenantid"],
                    "properties": {
                        "ce_specversion": {"type": "string", "const": "1.0"},
                        "ce_id": {"type": "string", "description": "meta.message_id"},
                        "ce_source": {"type": "string", "description": "urn:ameide:sre:producer:{meta.producer}"},
                        "ce_type": {"type": "string", "const": info.event_type},
                        "ce_subject": {"type": "string"},
                        "ce_time": {"type": "string", "format": "date-time"},
                        "ce_dataschema": {
                            "type": "string",
                            "const": f"https://type.googleapis.com/{envelope.full_name}",
                        },
                        "ce_tenantid": {"type": "string"},
                        "ce_partitionkey": {"type": "string"},
                        "ce_correlationid": {"type": "string"},
                        "ce_causationid": {"type": "string"},
                        "ce_traceparent": {"type": "string"},
                        "ce_tracestate": {"type": "string"},
                        "content-type": {"type": "string", "const": "application/protobuf"},
                    },
                },
                "payload": {"schemaFormat": PROTOBUF_SCHEMA_FORMAT, "schema": proto_bundle(topic, info.case)},
                "bindings": {
                    "kafka": {
                        "key": {"type": "string", "description": f"Partition key {_key_words(topic).strip('`')}"},
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
            }
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
        channels[channel] = {
            "address": topic.name,
            "title": envelope.name,
            "description": comment(envelope.full_name),
            "messages": channel_messages,
            "bindings": {"kafka": {"topic": topic.name, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        refs = [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in channel_messages]
        for action in ("send", "receive"):
            operations[f"{action}{channel[0].upper()}{channel[1:]}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel}"},
                "summary": f"{'Publish to' if action == 'send' else 'Consume from'} {topic.name}.",
                "messages": refs,
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Ameide SRE events",
            "version": CONTRACT_VERSION,
            "description": "Domain intents, domain facts and process facts of the Ameide SRE capability. "
            "Generated from the contract's descriptors by `sre-contracts catalog --format asyncapi`; do not edit.",
        },
        "defaultContentType": "application/protobuf",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _yaml(value: Any, indent: int = 0) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            label = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else json.dumps(key)
            if isinstance(item, dict | list) and item:
                lines += [f"{pad}{label}:", *_yaml(item, indent + 1)]
            elif isinstance(item, str) and "\n" in item:
                lines += [
                    f"{pad}{label}: |",
                    *(f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n")),
                ]
            else:
                lines.append(f"{pad}{label}: {_yaml_scalar(item)}")
    else:
        for item in value:
            if not isinstance(item, dict | list):
                lines.append(f"{pad}- {_yaml_scalar(item)}")
                continue
            nested = _yaml(item, indent + 1)
            lines.append(f"{pad}- {nested[0].strip()}")
            lines += nested[1:]
    return lines


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)


def asyncapi() -> str:
    """The AsyncAPI 3.0 document as YAML."""
    return "\n".join(_yaml(asyncapi_document())) + "\n"
