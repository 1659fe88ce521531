"""A newer minor version of the contract, built in memory, as a producer of the next minor version would have it.

It adds a field to `SreMessageMeta`, a field to every payload, a new oneof
case (field 90, a message this version does not know) to every envelope, and
a value to every enum (`<PREFIX>_NEWER`, one past its highest number).
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre import _buf_validate_pb2
from ameide_core_proto.sre.core.v1 import (
    alert_pb2,
    facts_pb2,
    health_pb2,
    incident_pb2,
    intents_pb2,
    postmortem_pb2,
    runbook_pb2,
    service_pb2,
    slo_pb2,
    sre_pb2,
)
from ameide_core_proto.sre.process.v1 import process_facts_pb2

NEW_META_FIELD = 30
NEW_PAYLOAD_FIELD = 40
NEW_CASE = 90
_MODULES = [
    _buf_validate_pb2,
    sre_pb2,
    incident_pb2,
    alert_pb2,
    runbook_pb2,
    slo_pb2,
    health_pb2,
    service_pb2,
    postmortem_pb2,
    intents_pb2,
    facts_pb2,
    process_facts_pb2,
]
_PAYLOAD_NAMES = {payload.DESCRIPTOR.full_name for payload in sre.PAYLOADS}


def _file(module: Any) -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(proto)
    return proto


def _add_string(message: descriptor_pb2.DescriptorProto, name: str, number: int) -> None:
    message.field.add(
        name=name,
        number=number,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
        label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
        json_name=name,
    )


NEWER_VALUE_SUFFIX = "_NEWER"


def _add_enum_value(enum: descriptor_pb2.EnumDescriptorProto) -> None:
    prefix = enum.value[0].name.rsplit("_", 1)[0]  # FOO_UNSPECIFIED -> FOO
    enum.value.add(name=prefix + NEWER_VALUE_SUFFIX, number=max(value.number for value in enum.value) + 1)


def _enums(message: descriptor_pb2.DescriptorProto) -> list[descriptor_pb2.EnumDescriptorProto]:
    return [*message.enum_type, *(enum for nested in message.nested_type for enum in _enums(nested))]


def build() -> dict[str, type[Message]]:
    """The newer contract's message classes by full name."""
    pool = descriptor_pool.DescriptorPool()
    from google.protobuf import descriptor_pb2 as d
    from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2

    for wkt in (d, duration_pb2, field_mask_pb2, timestamp_pb2):
        pool.Add(_file(wkt))
    names = []
    for module in _MODULES:
        proto = _file(module)
        if module is not _buf_validate_pb2:
            for enum in [*proto.enum_type, *(enum for message in proto.message_type for enum in _enums(message))]:
                _add_enum_value(enum)
        for message in proto.message_type:
            full_name = f"{proto.package}.{message.name}"
            if full_name == "ameide_core_proto.sre.core.v1.SreMessageMeta":
                _add_string(message, "region", NEW_META_FIELD)
            if full_name in _PAYLOAD_NAMES:
                _add_string(message, "newer_detail", NEW_PAYLOAD_FIELD)
            if _is_envelope(full_name):
                future = proto.message_type.add(name=f"Future{message.name}")
                _add_string(future, "what", 1)
                message.field.add(
                    name="future_case",
                    number=NEW_CASE,
                    type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                    label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
                    type_name=f".{proto.package}.Future{message.name}",
                    oneof_index=0,
                    json_name="futureCase",
                )
        pool.Add(proto)
        names.append(proto.name)
    classes = message_factory.GetMessageClassesForFiles(names, pool)
    return dict(classes)


def _is_envelope(full_name: str) -> bool:
    return full_name in {topic.envelope_type.DESCRIPTOR.full_name for topic in sre.TOPICS.values()}
