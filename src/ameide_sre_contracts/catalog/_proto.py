"""One payload's envelope as a self-contained .proto text, for AsyncAPI's inlined Protobuf schemas."""

from __future__ import annotations

from typing import Any

from ameide_sre_contracts._descriptors import comment, is_well_known, reachable
from ameide_sre_contracts.catalog._words import rules_in_words, type_name
from ameide_sre_contracts.errors import ContractDefinitionError
from ameide_sre_contracts.topics import Topic

_COMMENT_WIDTH = 76


def proto_bundle(topic: Topic, case: str) -> str:
    """A self-contained .proto text of `topic`'s envelope carrying only `case`, with every type it uses.

    AsyncAPI inlines non-JSON schemas as strings, and its Protobuf parser takes
    one file without imports (well-known types aside): types from both
    packages are flattened into one, rules appear as comments.

    Raises:
        ContractDefinitionError: two types the bundle needs share a name across packages.
    """
    envelope: Any = topic.envelope_type.DESCRIPTOR
    payload = envelope.fields_by_name[case].message_type
    roots = [envelope.fields_by_name[name].message_type for name in ("meta", "subject")] + [payload]
    messages, enums = reachable(roots)
    names = [descriptor.name for descriptor in [*messages, *enums]]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ContractDefinitionError(
            f"types {sorted(duplicates)} share a name across packages; the bundle needs unique names"
        )
    well_known = sorted(
        {
            field.message_type.file.name
            for descriptor in messages
            for field in descriptor.fields
            if field.message_type is not None and is_well_known(field.message_type)
        }
    )
    imports = [f'import "{name}";' for name in well_known]
    lines = ['syntax = "proto3";', "", f"package {envelope.full_name.rsplit('.', 1)[0]};", "", *imports, ""]
    lines += _render_message(envelope, only_case=case, root=True)
    for descriptor in messages:
        lines += ["", *_render_message(descriptor)]
    for enum in enums:
        lines += ["", *_render_enum(enum)]
    return "\n".join(lines) + "\n"


def _comment_lines(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + len(word) > _COMMENT_WIDTH:
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
