"""The generated validation fast path: a rule model read from the descriptors (`model`), the subset of CEL
and RE2 it compiles (`cel`, `regex`), and the emitter of the Python module (`emit_python`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, duration_pb2, field_mask_pb2, timestamp_pb2

from ameide_core_proto.sre import _buf_validate_pb2
from fastpath import emit_json, emit_python, model

STUB = '''"""Types of the generated fast path (see _fastpath.py): a check takes the message and its encoded size
in bytes (or any larger number when the size is not at hand)."""

from collections.abc import Callable
from typing import Any

CHECKS: dict[str, Callable[[Any, int], bool]]
UNSUPPORTED: dict[str, str]
TRIVIAL: frozenset[str]
'''


def _pool(contract: descriptor_pb2.FileDescriptorSet) -> descriptor_pool.DescriptorPool:
    """A pool of the contract as just built, beside the well-known types and protovalidate's options."""
    pool = descriptor_pool.DescriptorPool()
    for module in (descriptor_pb2, timestamp_pb2, duration_pb2, field_mask_pb2, _buf_validate_pb2):
        proto = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(proto)
        pool.Add(proto)
    for file in contract.file:
        pool.Add(file)
    return pool


def _messages(contract: descriptor_pb2.FileDescriptorSet) -> tuple[list[Any], set[tuple[str, str]]]:
    """Every message type the contract defines (map entries included), and its proto3 `optional` oneofs."""
    pool = _pool(contract)
    messages: list[Any] = []
    synthetic: set[tuple[str, str]] = set()

    def collect(prefix: str, proto: descriptor_pb2.DescriptorProto) -> None:
        full_name = f"{prefix}.{proto.name}"
        messages.append(pool.FindMessageTypeByName(full_name))
        for field in proto.field:
            if field.proto3_optional:
                synthetic.add((full_name, proto.oneof_decl[field.oneof_index].name))
        for nested in proto.nested_type:
            collect(full_name, nested)

    for file in contract.file:
        for message in file.message_type:
            collect(file.package, message)
    return messages, synthetic


def plans(contract: descriptor_pb2.FileDescriptorSet) -> dict[str, model.MessagePlan]:
    """The rule model of every message a contract (a FileDescriptorSet without its imports) defines."""
    return model.build(*_messages(contract))


def generate(contract_path: Path) -> tuple[str, str, dict[str, str]]:
    """The fast path module, its type stub, and the types left to protovalidate with the reason."""
    built = plans(descriptor_pb2.FileDescriptorSet.FromString(contract_path.read_bytes()))
    unsupported = {name: "; ".join(plan.unsupported) for name, plan in built.items() if plan.unsupported}
    return emit_python.render(built), STUB, unsupported


def generate_json(contract_path: Path) -> tuple[str, str]:
    """The ProtoJSON reader and writer module and its type stub."""
    messages, synthetic = _messages(descriptor_pb2.FileDescriptorSet.FromString(contract_path.read_bytes()))
    entries = [message for message in messages if not message.GetOptions().map_entry]
    return emit_json.render(entries, synthetic), emit_json.STUB


def notices(unsupported: dict[str, str]) -> list[str]:
    """What the generator says about the types it leaves to protovalidate, one line each."""
    return [f"fast path: {name} is left to protovalidate ({reason})" for name, reason in sorted(unsupported.items())]
