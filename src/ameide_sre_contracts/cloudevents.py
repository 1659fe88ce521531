"""Envelopes as CloudEvents: the attribute mapping, the HTTP binding, and CloudEvents SDK objects.

Every envelope maps losslessly to a CloudEvent: the event's `data` is the
encoded envelope itself (`datacontenttype: application/protobuf`), and its
context attributes repeat what routers need without parsing it:

| attribute | from the envelope |
|---|---|
| `id` | `meta.message_id` |
| `source` | `urn:ameide:sre:producer:` + `meta.producer` (percent-encoded) |
| `type` | the payload's `(event_type)` option, e.g. `io.ameide.sre.domain.fact.incident_created.v1` |
| `subject` | `subject.aggregate_id`, or `subject.workflow_id` for process facts |
| `time` | `meta.occurred_at` (RFC 3339) |
| `dataschema` | the envelope's type URL, as an https URI |
| `tenantid` | `meta.tenant_id` |
| `partitionkey` | `{tenant_id}/{aggregate_id}`, or `{tenant_id}/{incident_id}` for process facts |
| `correlationid`, `causationid`, `traceparent`, `tracestate` | the `meta` fields of the same names, when set |

Reading one back decodes `data` and checks that every attribute agrees with
the envelope: a record whose headers were altered in transit is refused.
The bindings need no third-party package; `to_cloudevent` and
`from_cloudevent` need the `[cloudevents]` extra.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import quote, unquote

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode
from ameide_sre_contracts.envelopes import Envelope, payload_of
from ameide_sre_contracts.errors import DecodeError, UnknownTopicError
from ameide_sre_contracts.topics import ENVELOPE_TOPICS, EVENT_TYPES, Topic, payload_info

if TYPE_CHECKING:
    from cloudevents.core.base import BaseCloudEvent

SPEC_VERSION: Final = "1.0"
DATA_CONTENT_TYPE: Final = "application/protobuf"
STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json; charset=utf-8"
SOURCE_PREFIX: Final = "urn:ameide:sre:producer:"
TYPE_URL_PREFIX: Final = "https://type.googleapis.com/"
Mode = Literal["binary", "structured"]

_BY_SCHEMA: Final[Mapping[str, Topic]] = {
    TYPE_URL_PREFIX + topic.envelope_type.DESCRIPTOR.full_name: topic for topic in ENVELOPE_TOPICS.values()
}


def partition_key(envelope: Envelope) -> str:
    """`{tenant_id}/{aggregate_id}`, or `{tenant_id}/{incident_id}` for process facts: one aggregate, one partition."""
    if isinstance(envelope, SreProcessFact):
        return f"{envelope.meta.tenant_id}/{envelope.subject.incident_id}"
    return f"{envelope.meta.tenant_id}/{envelope.subject.aggregate_id}"


def attributes(envelope: Envelope) -> dict[str, str]:
    """The CloudEvents context attributes and extensions of an envelope, as strings."""
    meta = envelope.meta
    subject = envelope.subject.workflow_id if isinstance(envelope, SreProcessFact) else envelope.subject.aggregate_id
    found = {
        "specversion": SPEC_VERSION,
        "id": meta.message_id,
        "source": SOURCE_PREFIX + quote(meta.producer, safe=""),
        "type": payload_info(payload_of(envelope)).event_type,
        "subject": subject,
        "time": meta.occurred_at.ToJsonString(),
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": TYPE_URL_PREFIX + envelope.DESCRIPTOR.full_name,
        "tenantid": meta.tenant_id,
        "partitionkey": partition_key(envelope),
        "correlationid": meta.correlation_id,
        "causationid": meta.causation_id,
        "traceparent": meta.traceparent,
        "tracestate": meta.tracestate,
    }
    return {name: value for name, value in found.items() if value}


def _topic_of(found: Mapping[str, str]) -> Topic:
    schema = found.get("dataschema")
    if schema is not None:
        try:
            return _BY_SCHEMA[schema]
        except KeyError:
            raise UnknownTopicError(f"dataschema {schema!r} is not an SRE envelope") from None
    event_type = found.get("type", "")
    info = EVENT_TYPES.get(event_type)
    if info is None:
        raise UnknownTopicError(f"CloudEvent type {event_type!r} is not an SRE event and no dataschema says which")
    return info.topic


def envelope_from(
    found: Mapping[str, str],
    data: bytes,
    *,
    topic: str | Topic | None = None,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Message:
    """The envelope a CloudEvent carries, after checking its attributes agree with it.

    Raises:
        DecodeError: malformed data, a missing required attribute, or an attribute that disagrees.
        UnknownTopicError, UnknownPayloadError, ValidationError: as `decode`.
    """
    if found.get("specversion") != SPEC_VERSION:
        raise DecodeError(f"CloudEvents specversion must be {SPEC_VERSION!r}, not {found.get('specversion')!r}")
    content_type = found.get("datacontenttype", DATA_CONTENT_TYPE).split(";")[0].strip().lower()
    if content_type != DATA_CONTENT_TYPE:
        raise DecodeError(f"datacontenttype must be {DATA_CONTENT_TYPE}, not {content_type!r}")
    envelope = decode(topic if topic is not None else _topic_of(found), data, validate=validate, max_bytes=max_bytes)
    expected = attributes(envelope)  # type: ignore[arg-type]
    for name in ("id", "source", "type"):
        if name not in found:
            raise DecodeError(f"CloudEvent lacks the required attribute {name!r}")
    for name, value in found.items():
        if (
            name in expected
            and expected[name] != value
            and not (name == "time" and _same_instant(value, expected[name]))
        ):
            raise DecodeError(f"CloudEvent attribute {name}={value!r} disagrees with the envelope ({expected[name]!r})")
    return envelope


def _same_instant(left: str, right: str) -> bool:
    first, second = Timestamp(), Timestamp()
    try:
        first.FromJsonString(left)
        second.FromJsonString(right)
    except ValueError:
        return False
    return first == second


def structured(envelope: Envelope) -> bytes:
    """The JSON event format of an envelope: attributes plus `data_base64`."""
    document: dict[str, Any] = dict(attributes(envelope))
    document["data_base64"] = base64.b64encode(envelope.SerializeToString(deterministic=True)).decode("ascii")
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def parse_structured(value: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[dict[str, str], bytes]:
    """Attributes and data of a JSON-format event; `DecodeError` if it is not one carrying binary data.

    The event may take twice `max_bytes`: base64 and the attributes inflate the envelope it carries.
    """
    if len(value) > max_bytes * 2:
        raise DecodeError(f"{len(value)} bytes exceed the limit of {max_bytes * 2} for a structured event")
    try:
        document = json.loads(value)
    except (ValueError, RecursionError) as error:
        raise DecodeError(f"structured CloudEvent is not JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("data_base64"), str):
        raise DecodeError("structured CloudEvent must be a JSON object with data_base64")
    try:
        data = base64.b64decode(document.pop("data_base64"), validate=True)
    except (binascii.Error, ValueError) as error:
        raise DecodeError(f"data_base64 is not base64 ({error})") from error
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in document.items()}, data


# -- HTTP binding -----------------------------------------------------------------------------


def _percent_encode(value: str) -> str:
    """HTTP binding, 3.1.3.2: percent-encode outside U+0021..U+007E, and space, '"' and '%'."""
    return "".join(
        chr(byte) if 0x21 <= byte <= 0x7E and byte not in (0x22, 0x25) else f"%{byte:02X}"
        for byte in value.encode("utf-8")
    )


def _percent_decode(value: str) -> str:
    return unquote(value, encoding="utf-8", errors="strict")


def to_http(envelope: Envelope, *, mode: Mode = "binary") -> tuple[dict[str, str], bytes]:
    """Headers and body of an HTTP request carrying the envelope as a CloudEvent (for webhooks).

    Binary mode: `ce-*` headers (percent-encoded), `content-type: application/protobuf`,
    the encoded envelope as body. Structured mode: the JSON event format as body.
    """
    if mode == "structured":
        return {"content-type": STRUCTURED_CONTENT_TYPE}, structured(envelope)
    found = attributes(envelope)
    headers = {"content-type": found.pop("datacontenttype")}
    headers.update({f"ce-{name}": _percent_encode(value) for name, value in found.items()})
    return headers, envelope.SerializeToString(deterministic=True)


def from_http(
    headers: Mapping[str, str], body: bytes, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES
) -> Message:
    """The envelope of an HTTP CloudEvent in binary or structured mode (detected by content type).

    Raises:
        DecodeError: not a CloudEvent carrying an SRE envelope, or attributes that disagree with it.
        UnknownTopicError, UnknownPayloadError, ValidationError: as `decode`.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    content_type = lowered.get("content-type", "")
    if content_type.lower().startswith("application/cloudevents"):
        found, data = parse_structured(body, max_bytes)
    else:
        try:
            found = {name[3:]: _percent_decode(value) for name, value in lowered.items() if name.startswith("ce-")}
        except UnicodeDecodeError as error:
            raise DecodeError(f"a ce- header is not percent-encoded UTF-8 ({error})") from error
        if content_type:
            found["datacontenttype"] = content_type
        data = body
    return envelope_from(found, data, validate=validate, max_bytes=max_bytes)


# -- CloudEvents SDK objects (the [cloudevents] extra) ----------------------------------------


def to_cloudevent(envelope: Envelope) -> BaseCloudEvent:
    """The envelope as a `cloudevents.core.v1.event.CloudEvent` of the CloudEvents SDK."""
    from cloudevents.core.v1.event import CloudEvent

    found: dict[str, Any] = dict(attributes(envelope))
    found["time"] = envelope.meta.occurred_at.ToDatetime(tzinfo=UTC)
    return CloudEvent(found, envelope.SerializeToString(deterministic=True))


def from_cloudevent(event: BaseCloudEvent, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> Message:
    """The envelope a CloudEvents SDK event carries (its data must be the encoded envelope)."""
    found = {
        name: value.isoformat().replace("+00:00", "Z") if name == "time" else str(value)
        for name, value in event.get_attributes().items()
        if value is not None
    }
    data = event.get_data()
    if isinstance(data, str):
        data = data.encode("latin-1")
    if not isinstance(data, bytes | bytearray):
        raise DecodeError(f"CloudEvent data must be the encoded envelope, not {type(data).__name__}")
    return envelope_from(found, bytes(data), validate=validate, max_bytes=max_bytes)
