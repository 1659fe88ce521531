"""Write buf/validate/validate.proto from the descriptor embedded in the protovalidate wheel.

The Buf Schema Registry is out of reach, so buf cannot fetch protovalidate's
module. The installed wheel carries the compiled FileDescriptorProto; this
script renders it back to .proto source in a git-ignored workspace module.
Comments are not part of the embedded descriptor and are not reproduced.

Usage: python tools/materialize_protodeps.py [OUT_DIR]   (default build/protodeps)
The file is rewritten only when its content would change.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from google.protobuf import (
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    field_mask_pb2,
    message_factory,
    text_format,
    timestamp_pb2,
    unknown_fields,
)
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

VALIDATE_PROTO = "buf/validate/validate.proto"
DEFAULT_OUT = Path("build/protodeps")

FDP = descriptor_pb2.FieldDescriptorProto
_SCALAR_TYPE_NAMES = {
    FDP.TYPE_DOUBLE: "double",
    FDP.TYPE_FLOAT: "float",
    FDP.TYPE_INT64: "int64",
    FDP.TYPE_UINT64: "uint64",
    FDP.TYPE_INT32: "int32",
    FDP.TYPE_FIXED64: "fixed64",
    FDP.TYPE_FIXED32: "fixed32",
    FDP.TYPE_BOOL: "bool",
    FDP.TYPE_STRING: "string",
    FDP.TYPE_BYTES: "bytes",
    FDP.TYPE_UINT32: "uint32",
    FDP.TYPE_SFIXED32: "sfixed32",
    FDP.TYPE_SFIXED64: "sfixed64",
    FDP.TYPE_SINT32: "sint32",
    FDP.TYPE_SINT64: "sint64",
}
_LABELS = {FDP.LABEL_OPTIONAL: "optional", FDP.LABEL_REQUIRED: "required", FDP.LABEL_REPEATED: "repeated"}
_MAX_FIELD_NUMBER = 536870911


def embedded_validate_descriptor() -> descriptor_pb2.FileDescriptorProto:
    """Return the FileDescriptorProto of validate.proto that the protovalidate wheel embeds."""
    from protovalidate._gen.buf.validate import validate_pb  # the wheel's own copy

    return descriptor_pb2.FileDescriptorProto.FromString(validate_pb.desc().proto.to_binary())


class _OptionResolver:
    """Re-parses option messages in a pool that knows the file's own extensions."""

    def __init__(self, file: descriptor_pb2.FileDescriptorProto) -> None:
        self._pool = descriptor_pool.DescriptorPool()
        for dependency in (descriptor_pb2, duration_pb2, field_mask_pb2, timestamp_pb2):
            proto = descriptor_pb2.FileDescriptorProto()
            dependency.DESCRIPTOR.CopyToProto(proto)
            self._pool.Add(proto)
        self._pool.Add(file)
        self._classes = message_factory.GetMessageClassesForFiles(
            ["google/protobuf/descriptor.proto", file.name], self._pool
        )

    def resolve(self, options: Message) -> Message:
        cls = self._classes[options.DESCRIPTOR.full_name]
        return cls.FromString(options.SerializeToString())


def _quote(text: str) -> str:
    return '"' + "".join(_escape_char(c) for c in text) + '"'


def _escape_char(char: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in escapes:
        return escapes[char]
    if ord(char) < 0x20:
        return f"\\{ord(char):03o}"
    return char


def _scalar_option(field: FieldDescriptor, value: Any) -> str:
    if field.type == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        return str(field.enum_type.values_by_number[int(value)].name)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "true" if value else "false"
    if field.type == FieldDescriptor.TYPE_STRING:
        return _quote(str(value))
    if field.type == FieldDescriptor.TYPE_BYTES:
        assert isinstance(value, bytes)
        return _quote(value.decode("latin-1"))
    return repr(value)


def _option_assignments(resolver: _OptionResolver, options: Message) -> list[str]:
    """Render every set option as `name = value`, extensions as `(full.name) = {...}`."""
    resolved = resolver.resolve(options)
    rendered = []
    for field, value in resolved.ListFields():
        name = f"({field.full_name})" if field.is_extension else field.name
        values = value if field.is_repeated else [value]
        for item in values:
            if field.type == field.TYPE_MESSAGE:
                body = text_format.MessageToString(item, as_one_line=True, print_unknown_fields=False)
                rendered.append(f"{name} = {{{body}}}")
            else:
                rendered.append(f"{name} = {_scalar_option(field, item)}")
    if len(unknown_fields.UnknownFieldSet(resolved)):
        raise ValueError(f"unresolved options in {options.DESCRIPTOR.full_name}")
    return rendered


def _default_camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


class _Renderer:
    def __init__(self, file: descriptor_pb2.FileDescriptorProto) -> None:
        self.file = file
        self.resolver = _OptionResolver(file)
        self.lines: list[str] = []
        self.proto3 = file.syntax == "proto3"
        if file.syntax not in ("", "proto2", "proto3"):
            raise ValueError(f"unsupported syntax {file.syntax!r} (editions are not rendered)")
        if file.service:
            raise ValueError("services are not rendered")

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def render(self) -> str:
        f = self.file
        self.emit(0, "// Materialized from the descriptor embedded in the installed protovalidate wheel.")
        self.emit(0, "// Do not edit or commit: `make` regenerates it (tools/materialize_protodeps.py).")
        self.emit(0, f'syntax = "{f.syntax or "proto2"}";')
        self.emit(0, "")
        self.emit(0, f"package {f.package};")
        self.emit(0, "")
        public = set(f.public_dependency)
        weak = set(f.weak_dependency)
        for index, dependency in enumerate(f.dependency):
            modifier = "public " if index in public else "weak " if index in weak else ""
            self.emit(0, f'import {modifier}"{dependency}";')
        self.emit(0, "")
        for assignment in _option_assignments(self.resolver, f.options):
            self.emit(0, f"option {assignment};")
        for message in f.message_type:
            self.emit(0, "")
            self.message(0, message)
        for enum in f.enum_type:
            self.emit(0, "")
            self.enum(0, enum)
        self.extensions(0, f.extension)
        return "\n".join(self.lines) + "\n"

    def extensions(self, depth: int, extensions: Iterable[descriptor_pb2.FieldDescriptorProto]) -> None:
        for extension in extensions:
            self.emit(depth, "")
            self.emit(depth, f"extend {extension.extendee} {{")
            self.field(depth + 1, extension)
            self.emit(depth, "}")

    def message(self, depth: int, message: descriptor_pb2.DescriptorProto) -> None:
        self.emit(depth, f"message {message.name} {{")
        inner = depth + 1
        for assignment in _option_assignments(self.resolver, message.options):
            self.emit(inner, f"option {assignment};")
        map_entries = {nested.name: nested for nested in message.nested_type if nested.options.map_entry}
        oneof_fields: dict[int, list[descriptor_pb2.FieldDescriptorProto]] = {}
        emitted_oneofs: set[int] = set()
        for field in message.field:
            if field.HasField("oneof_index") and not field.proto3_optional:
                oneof_fields.setdefault(field.oneof_index, []).append(field)
        for field in message.field:
            if field.HasField("oneof_index") and not field.proto3_optional:
                index = field.oneof_index
                if index in emitted_oneofs:
                    continue
                emitted_oneofs.add(index)
                oneof = message.oneof_decl[index]
                self.emit(inner, f"oneof {oneof.name} {{")
                for assignment in _option_assignments(self.resolver, oneof.options):
                    self.emit(inner + 1, f"option {assignment};")
                for member in oneof_fields[index]:
                    self.field(inner + 1, member, in_oneof=True)
                self.emit(inner, "}")
            else:
                self.field(inner, field, map_entries=map_entries)
        for nested in message.nested_type:
            if not nested.options.map_entry:
                self.message(inner, nested)
        for enum in message.enum_type:
            self.enum(inner, enum)
        for extension_range in message.extension_range:
            end = "max" if extension_range.end - 1 == _MAX_FIELD_NUMBER else str(extension_range.end - 1)
            span = (
                str(extension_range.start) if end == str(extension_range.start) else f"{extension_range.start} to {end}"
            )
            options = _option_assignments(self.resolver, extension_range.options)
            suffix = f" [{', '.join(options)}]" if options else ""
            self.emit(inner, f"extensions {span}{suffix};")
        self.reserved(inner, message.reserved_range, message.reserved_name, exclusive_end=True)
        self.extensions(inner, message.extension)
        self.emit(depth, "}")

    def reserved(self, depth: int, ranges: Sequence[object], names: Sequence[str], *, exclusive_end: bool) -> None:
        spans = []
        for reserved in ranges:
            start, end = reserved.start, reserved.end - (1 if exclusive_end else 0)  # type: ignore[attr-defined]
            spans.append(str(start) if start == end else f"{start} to {'max' if end == _MAX_FIELD_NUMBER else end}")
        if spans:
            self.emit(depth, f"reserved {', '.join(spans)};")
        if names:
            self.emit(depth, f"reserved {', '.join(_quote(n) for n in names)};")

    def enum(self, depth: int, enum: descriptor_pb2.EnumDescriptorProto) -> None:
        self.emit(depth, f"enum {enum.name} {{")
        for assignment in _option_assignments(self.resolver, enum.options):
            self.emit(depth + 1, f"option {assignment};")
        for value in enum.value:
            options = _option_assignments(self.resolver, value.options)
            suffix = f" [{', '.join(options)}]" if options else ""
            self.emit(depth + 1, f"{value.name} = {value.number}{suffix};")
        self.reserved(depth + 1, enum.reserved_range, enum.reserved_name, exclusive_end=False)
        self.emit(depth, "}")

    def field(
        self,
        depth: int,
        field: descriptor_pb2.FieldDescriptorProto,
        *,
        in_oneof: bool = False,
        map_entries: dict[str, descriptor_pb2.DescriptorProto] | None = None,
    ) -> None:
        type_name = _SCALAR_TYPE_NAMES.get(field.type, field.type_name)
        if field.type == FDP.TYPE_GROUP:
            raise ValueError(f"groups are not rendered ({field.name})")
        entry = (map_entries or {}).get(field.type_name.rsplit(".", 1)[-1]) if field.type == FDP.TYPE_MESSAGE else None
        if entry is not None and field.label == FDP.LABEL_REPEATED:
            key, value = entry.field
            key_type = _SCALAR_TYPE_NAMES.get(key.type, key.type_name)
            value_type = _SCALAR_TYPE_NAMES.get(value.type, value.type_name)
            head = f"map<{key_type}, {value_type}>"
        elif in_oneof:
            head = type_name
        elif self.proto3 and field.label != FDP.LABEL_REPEATED:
            head = f"optional {type_name}" if field.proto3_optional else type_name
        else:
            head = f"{_LABELS[field.label]} {type_name}"
        options = []
        if field.HasField("default_value"):
            default = field.default_value
            if field.type in (FDP.TYPE_STRING, FDP.TYPE_BYTES):
                default = _quote(default)
            options.append(f"default = {default}")
        if field.HasField("json_name") and field.json_name != _default_camel(field.name):
            options.append(f"json_name = {_quote(field.json_name)}")
        options.extend(_option_assignments(self.resolver, field.options))
        suffix = f" [{', '.join(options)}]" if options else ""
        self.emit(depth, f"{head} {field.name} = {field.number}{suffix};")


def render_proto(file: descriptor_pb2.FileDescriptorProto) -> str:
    """Render a FileDescriptorProto as .proto source that compiles back to the same descriptor."""
    return _Renderer(file).render()


def materialize(out_dir: Path) -> bool:
    """Write validate.proto under out_dir; return True when the file changed."""
    target = out_dir / VALIDATE_PROTO
    text = render_proto(embedded_validate_descriptor())
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    changed = materialize(out_dir)
    print(f"{out_dir / VALIDATE_PROTO}: {'written' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
