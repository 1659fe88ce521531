"""The event catalog as an AsyncAPI 3.0 document: one channel per topic, one message per payload."""

from __future__ import annotations

import re
from typing import Any

from ameide_sre_contracts._binding import (
    ATTRIBUTES,
    CONTENT_TYPE_HEADER,
    DATA_CONTENT_TYPE,
    KAFKA_PREFIX,
    SPEC_VERSION,
    TYPE_URL_PREFIX,
    partition_key_words,
)
from ameide_sre_contracts._descriptors import comment
from ameide_sre_contracts.catalog._proto import proto_bundle
from ameide_sre_contracts.topics import CONTRACT_VERSION, PAYLOADS, TOPICS, PayloadInfo, Topic

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
PROTOBUF_SCHEMA_FORMAT = "application/vnd.google.protobuf;version=3"


def _headers(topic: Topic, info: PayloadInfo) -> dict[str, Any]:
    """The binary-mode Kafka headers of one payload's records, as a JSON Schema."""
    constants = {
        "specversion": SPEC_VERSION,
        "type": info.event_type,
        "dataschema": TYPE_URL_PREFIX + topic.envelope_type.DESCRIPTOR.full_name,
    }
    properties: dict[str, Any] = {}
    for attribute in ATTRIBUTES:
        if attribute.name == "datacontenttype":  # travels as the record's content-type header
            continue
        schema: dict[str, Any] = {"type": "string", "description": attribute.source}
        if attribute.name in constants:
            schema["const"] = constants[attribute.name]
        if attribute.name == "time":
            schema["format"] = "date-time"
        properties[KAFKA_PREFIX + attribute.name] = schema
    properties[CONTENT_TYPE_HEADER] = {"type": "string", "const": DATA_CONTENT_TYPE}
    required = [KAFKA_PREFIX + attribute.name for attribute in ATTRIBUTES if attribute.required]
    return {"type": "object", "required": required, "properties": properties}


def _message(topic: Topic, info: PayloadInfo, name: str) -> dict[str, Any]:
    envelope = topic.envelope_type.DESCRIPTOR
    described = comment(info.payload_type.DESCRIPTOR.full_name)
    return {
        "name": name,
        "title": re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name),
        "summary": described.split(". ")[0].rstrip("."),
        "description": f"{described} Carried in `{envelope.name}.{info.case}` (field {info.field_number}).",
        "contentType": DATA_CONTENT_TYPE,
        "correlationId": {"location": f"$message.header#/{KAFKA_PREFIX}correlationid"},
        "headers": _headers(topic, info),
        "payload": {"schemaFormat": PROTOBUF_SCHEMA_FORMAT, "schema": proto_bundle(topic, info.case)},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"Partition key {partition_key_words(topic)}"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


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
            name = payload.DESCRIPTOR.name
            messages[name] = _message(topic, PAYLOADS[payload], name)
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
        "defaultContentType": DATA_CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def asyncapi() -> str:
    """The AsyncAPI 3.0 document as YAML (block style, multi-line strings as literal blocks)."""
    import yaml  # on first use: only the catalog needs it

    class _Dumper(yaml.SafeDumper):
        def represent_str(self, data: str) -> yaml.ScalarNode:
            style = "|" if "\n" in data else None
            return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _Dumper.represent_str)
    text: str = yaml.dump(
        asyncapi_document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31, default_flow_style=False
    )
    return text
