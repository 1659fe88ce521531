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

from datetime import UTC
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ameide_sre_contracts._binding import (
    DATA_CONTENT_TYPE,
    HTTP_PREFIX,
    SOURCE_PREFIX,
    SPEC_VERSION,
    STRUCTURED_CONTENT_TYPE,
    TYPE_URL_PREFIX,
    Headers,
    Mode,
    attributes,
    binary_headers,
    envelope_from,
    is_structured,
    largest_structured,
    merge_structured,
    parse_structured,
    partition_key,
    read_binary_headers,
    structured,
)
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.envelopes import Envelope
from ameide_sre_contracts.errors import DecodeError
from ameide_sre_contracts.validation import validate as _validate

if TYPE_CHECKING:
    from cloudevents.core.base import BaseCloudEvent

__all__ = [
    "DATA_CONTENT_TYPE",
    "SOURCE_PREFIX",
    "SPEC_VERSION",
    "STRUCTURED_CONTENT_TYPE",
    "TYPE_URL_PREFIX",
    "Mode",
    "attributes",
    "envelope_from",
    "from_cloudevent",
    "from_http",
    "parse_structured",
    "partition_key",
    "structured",
    "to_cloudevent",
    "to_http",
]


# -- HTTP binding -----------------------------------------------------------------------------


def _percent_encode(value: str) -> str:
    """HTTP binding, 3.1.3.2: percent-encode outside U+0021..U+007E, and space, '"' and '%'."""
    return "".join(
        chr(byte) if 0x21 <= byte <= 0x7E and byte not in (0x22, 0x25) else f"%{byte:02X}"
        for byte in value.encode("utf-8")
    )


def _percent_decode(value: str | bytes) -> str:
    """An HTTP header value: ASCII, percent-encoded UTF-8 (HTTP binding, 3.1.3.2)."""
    try:
        text = value if isinstance(value, str) else value.decode("ascii")
        return unquote(text, encoding="utf-8", errors="strict")
    except UnicodeError as error:
        raise DecodeError(f"a ce- header is not percent-encoded UTF-8 ({error})") from None


def to_http(envelope: Envelope, *, mode: Mode = "binary", validate: bool = True) -> tuple[dict[str, str], bytes]:
    """Headers and body of an HTTP request carrying the envelope as a CloudEvent (for webhooks).

    Binary mode: `ce-*` headers (percent-encoded), `content-type: application/protobuf`,
    the encoded envelope as body. Structured mode: the JSON event format as body.

    Raises:
        ValidationError: the envelope breaks a rule (unless `validate=False`).
    """
    if validate:
        _validate(envelope)
    if mode == "structured":
        return {"content-type": STRUCTURED_CONTENT_TYPE}, structured(envelope)
    headers = dict(binary_headers(envelope, HTTP_PREFIX, _percent_encode))
    return headers, envelope.SerializeToString(deterministic=True)


def from_http(
    headers: Headers, body: bytes | bytearray | memoryview, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES
) -> Envelope:
    """The envelope of an HTTP CloudEvent in binary or structured mode (detected by content type).

    `headers` is a mapping or (name, value) pairs, names in any case; a
    CloudEvents header given twice under any spelling is refused. In
    structured mode, `ce-*` headers beside the body must agree with it.

    Raises:
        DecodeError: not a CloudEvent carrying an SRE envelope, or attributes that disagree with it.
        UnknownTopicError, UnknownPayloadError, ValidationError: as `decode`.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise DecodeError(f"an HTTP body must be bytes, not {type(body).__name__}")
    content_type, found = read_binary_headers(headers, HTTP_PREFIX, _percent_decode)
    data = bytes(body)
    if is_structured(content_type):
        attributes, data = parse_structured(data, max_bytes, largest_structured(None) if validate else None)
        found = merge_structured(found, attributes)
    else:
        if content_type:
            found["datacontenttype"] = content_type
    return envelope_from(found, data, validate=validate, max_bytes=max_bytes)


# -- CloudEvents SDK objects (the [cloudevents] extra) ----------------------------------------


def to_cloudevent(envelope: Envelope, *, validate: bool = True) -> BaseCloudEvent:
    """The envelope as a `cloudevents.core.v1.event.CloudEvent` of the CloudEvents SDK.

    Raises:
        ValidationError: the envelope breaks a rule (unless `validate=False`).
    """
    from cloudevents.core.v1.event import CloudEvent

    if validate:
        _validate(envelope)
    found: dict[str, Any] = dict(attributes(envelope))
    found["time"] = envelope.meta.occurred_at.ToDatetime(tzinfo=UTC)
    return CloudEvent(found, envelope.SerializeToString(deterministic=True))


def from_cloudevent(event: BaseCloudEvent, *, validate: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> Envelope:
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
