"""What every CloudEvents binding shares: the attribute mapping, binary-mode headers, structured mode.

The Kafka binding (`kafka.py`), the HTTP binding and SDK objects
(`cloudevents.py`) and the catalog's AsyncAPI headers are thin layers over
this module; an attribute is named, derived and checked here only.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote

from google.protobuf.message import Message

from ameide_core_proto.sre.process.v1.process_facts_pb2 import SreProcessFact
from ameide_sre_contracts._protojson import unique_keys
from ameide_sre_contracts._rfc3339 import parse_timestamp, utc_text
from ameide_sre_contracts._wirescan import SCAN_FROM_BYTES
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES, decode
from ameide_sre_contracts.envelopes import Envelope, payload_of
from ameide_sre_contracts.errors import DecodeError, InvalidArgumentError, UnknownTopicError, WrongTopicError, shown
from ameide_sre_contracts.topics import ENVELOPE_TOPICS, EVENT_TYPES, TOPICS, Topic, payload_info
from ameide_sre_contracts.validation import largest_valid_size, proven_valid

SPEC_VERSION: Final = "1.0"
DATA_CONTENT_TYPE: Final = "application/protobuf"
STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json; charset=utf-8"
SOURCE_PREFIX: Final = "urn:ameide:sre:producer:"
TYPE_URL_PREFIX: Final = "https://type.googleapis.com/"
KAFKA_PREFIX: Final = "ce_"
HTTP_PREFIX: Final = "ce-"
CONTENT_TYPE_HEADER: Final = "content-type"
MAX_HEADERS: Final = 256
"""The most headers a record or request may carry, CloudEvents' and others'; Kafka records carry a handful."""
MAX_HEADER_BYTES: Final = 64 * 1024
"""The most bytes of header names and values in all; HTTP servers take 8 to 64 KiB, ours need under 3 KiB."""
MAX_STRUCTURED_ATTRIBUTES: Final = 64
"""The most attributes (context and extensions) of a structured event besides its data."""
Mode = Literal["binary", "structured"]


@dataclass(frozen=True, slots=True)
class Attribute:
    """One CloudEvents context attribute or extension of an SRE envelope."""

    name: str
    source: str
    """Where its value comes from, in words."""
    required: bool = False


ATTRIBUTES: Final[tuple[Attribute, ...]] = (
    Attribute("specversion", f"always `{SPEC_VERSION}`", required=True),
    Attribute("id", "`meta.message_id`", required=True),
    Attribute("source", f"`{SOURCE_PREFIX}` + `meta.producer` (percent-encoded)", required=True),
    Attribute("type", "the payload's stable event type", required=True),
    Attribute("subject", "`subject.aggregate_id`, or `subject.workflow_id` on process facts"),
    Attribute("time", "`meta.occurred_at` (RFC 3339)"),
    Attribute("datacontenttype", f"always `{DATA_CONTENT_TYPE}`"),
    Attribute("dataschema", f"`{TYPE_URL_PREFIX}` + the envelope's full name"),
    Attribute("tenantid", "`meta.tenant_id`", required=True),
    Attribute("partitionkey", "the envelope's partition key (the Kafka record key)"),
    Attribute("correlationid", "`meta.correlation_id`, when set"),
    Attribute("causationid", "`meta.causation_id`, when set"),
    Attribute("traceparent", "`meta.traceparent`, when set"),
    Attribute("tracestate", "`meta.tracestate`, when set"),
)
"""Every attribute the bindings write, in the order they write them."""

_BY_SCHEMA: Final[Mapping[str, Topic]] = {
    TYPE_URL_PREFIX + topic.envelope_type.DESCRIPTOR.full_name: topic for topic in ENVELOPE_TOPICS.values()
}


def partition_key(envelope: Envelope) -> str:
    """`{tenant_id}/{aggregate_id}`: one aggregate, one partition, in order.

    Process facts are keyed by the incident their workflow serves, so a
    triage's facts stay in order with each other; those of a workflow that
    serves no incident, by the workflow.
    """
    if isinstance(envelope, SreProcessFact):
        subject = envelope.subject
        return f"{envelope.meta.tenant_id}/{subject.incident_id or subject.workflow_id}"
    return f"{envelope.meta.tenant_id}/{envelope.subject.aggregate_id}"


def partition_key_words(topic: Topic) -> str:
    """The partition key of a topic's envelopes, spelled with field paths: `{tenant_id}/{subject.aggregate_id}`."""
    subject: Any = topic.envelope_type.DESCRIPTOR.fields_by_name["subject"].message_type
    if "incident_id" in subject.fields_by_name:
        return "{tenant_id}/{subject.incident_id, or subject.workflow_id without an incident}"
    return "{tenant_id}/{subject.aggregate_id}"


def attributes(envelope: Envelope) -> dict[str, str]:
    """The CloudEvents context attributes and extensions of an envelope, as strings.

    Raises:
        InvalidArgumentError: `meta.occurred_at` is not a time (validation refuses such envelopes first).
    """
    found = _expected(envelope)
    found["time"] = found["time"]()
    if not found["time"] and envelope.meta.HasField("occurred_at"):
        raise InvalidArgumentError("meta.occurred_at is not a time RFC 3339 can spell; validate the envelope")
    found["datacontenttype"] = DATA_CONTENT_TYPE
    return {name: value for name, value in found.items() if value}


def binary_headers(envelope: Envelope, prefix: str, encode_value: Callable[[str], Any]) -> list[tuple[str, Any]]:
    """Binary-mode headers: `content-type`, then each attribute under `prefix`, values through `encode_value`."""
    found = attributes(envelope)
    headers = [(CONTENT_TYPE_HEADER, encode_value(found.pop("datacontenttype")))]
    headers += [(prefix + name, encode_value(value)) for name, value in found.items()]
    return headers


BytesLike = bytes | bytearray | memoryview
HeaderName = str | BytesLike
HeaderValue = str | BytesLike | None
Headers = Mapping[str, HeaderValue] | Mapping[bytes, HeaderValue] | Iterable[tuple[HeaderName, HeaderValue]] | None
"""Headers as Kafka and HTTP clients hand them over: a mapping or (name, value) pairs, as text or bytes."""


def _relevant_name(name: object, prefix: str) -> str | None:
    """The lowercased name of a CloudEvents header (`prefix`* or content-type); None for any other header.

    Other headers are never decoded: a binary value or a non-UTF-8 name
    elsewhere in the record is none of this binding's business.
    """
    if isinstance(name, str):
        lowered = name.lower()
    elif isinstance(name, bytes | bytearray | memoryview):
        raw = bytes(name).lower()
        if not (raw.startswith(prefix.encode()) or raw == CONTENT_TYPE_HEADER.encode()):
            return None
        try:
            lowered = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError(f"a header name starting {prefix!r} is not UTF-8") from None
    else:
        raise DecodeError(f"a header name must be text or bytes, not {type(name).__name__}")
    return lowered if lowered.startswith(prefix) or lowered == CONTENT_TYPE_HEADER else None


def _pairs(headers: Headers) -> Iterable[tuple[object, object]]:
    if type(headers) is list or type(headers) is tuple:  # what Kafka clients hand over: no ABC checks
        return headers
    if headers is None:
        return ()
    if isinstance(headers, Mapping):
        return headers.items()
    if isinstance(headers, str | bytes | bytearray | memoryview) or not isinstance(headers, Iterable):
        raise DecodeError(f"headers must be a mapping or (name, value) pairs, not {type(headers).__name__}")
    return headers


@functools.cache
def _exact_names(prefix: str) -> dict[str, str]:
    """Header names as this package writes them (lowercase), to their attribute ("" for content-type)."""
    names = {prefix + attribute.name: attribute.name for attribute in ATTRIBUTES if attribute.name != "datacontenttype"}
    names[CONTENT_TYPE_HEADER] = ""
    return names


def read_binary_headers(
    headers: Headers, prefix: str, decode_value: Callable[[str | bytes], str] | None = None
) -> tuple[str, dict[str, str]]:
    """The content type and the prefixed attributes of a record's headers, names in any case.

    Values are UTF-8 (Kafka) unless `decode_value` says how to read them (HTTP's percent-encoding).

    Raises:
        DecodeError: an entry that is not a (name, value) pair, a CloudEvents
            header given twice (in any case), one without a value, or one
            whose value is not UTF-8 or `decode_value` refuses.
    """
    exact = _exact_names(prefix)
    content_type: str | None = None
    found: dict[str, str] = {}
    count = size = 0
    try:
        for entry in _pairs(headers):
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise DecodeError(f"a header must be a (name, value) pair, not {type(entry).__name__}")
            name, value = entry
            count += 1
            if type(name) is str and type(value) is bytes:  # what Kafka clients hand over: no calls
                size += len(name) + len(value)
            else:
                size += _length(name) + _length(value)
            if count > MAX_HEADERS or size > MAX_HEADER_BYTES:
                raise DecodeError(f"headers exceed {MAX_HEADERS} entries or {MAX_HEADER_BYTES} bytes in all")
            attribute = exact.get(name) if type(name) is str else None  # names as written: one lookup
            if attribute is None:
                lowered = _relevant_name(name, prefix)  # bytes names, other cases, other extensions
                if lowered is None:
                    continue
                attribute = "" if lowered == CONTENT_TYPE_HEADER else lowered[len(prefix) :]
            if decode_value is None and type(value) is bytes:
                text = value.decode()
            else:
                text = _header_value(value, prefix + attribute if attribute else CONTENT_TYPE_HEADER, decode_value)
            if attribute:
                if attribute in found:
                    raise DecodeError(f"header {prefix}{attribute} is given twice (names differ at most in case)")
                found[attribute] = text
            elif content_type is None:
                content_type = text
            else:
                raise DecodeError("content-type is given twice")
    except UnicodeDecodeError as error:
        raise DecodeError(f"a CloudEvents header is not UTF-8 ({error})") from None
    return content_type or "", found


def _length(value: object) -> int:
    """A header name's or value's size as handed over (text in characters, at least a quarter of its UTF-8 bytes)."""
    return len(value) if isinstance(value, bytes | bytearray | memoryview | str) else 0


def _header_value(value: object, header: str, decode_value: Callable[[str | bytes], str] | None) -> str:
    """A header's value as text, whatever type the client handed over."""
    if value is None:
        raise DecodeError(f"header {header} has no value")
    if not isinstance(value, bytes | bytearray | memoryview | str):
        raise DecodeError(f"header {header} must be text or bytes, not {type(value).__name__}")
    raw = value if isinstance(value, str) else bytes(value)
    if decode_value is not None:
        return decode_value(raw)
    return raw if isinstance(raw, str) else raw.decode()


def media_type(content_type: str) -> str:
    """The media type of a content type, lowercased, parameters left out: `application/protobuf`."""
    return content_type.split(";", 1)[0].strip().lower()


def is_structured(content_type: str) -> bool:
    """Whether a content type announces the structured (JSON event format) mode, in any case."""
    return media_type(content_type).startswith("application/cloudevents")


def structured(envelope: Envelope) -> bytes:
    """The JSON event format of an envelope: attributes plus `data_base64`."""
    document: dict[str, Any] = dict(attributes(envelope))
    document["data_base64"] = base64.b64encode(envelope.SerializeToString(deterministic=True)).decode("ascii")
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


@functools.cache
def largest_structured(topic: str | None) -> int:
    """The most bytes a structured event carrying a valid envelope of the topic (of any topic: None) can take.

    The envelope in base64, attributes of `MAX_HEADER_BYTES` escaped to six
    characters a byte at worst, and room for the JSON around them.
    """
    topics = [TOPICS[topic]] if topic is not None else list(TOPICS.values())
    largest = max(largest_valid_size(each.envelope_type) for each in topics)
    return 4 * -(-largest // 3) + 6 * MAX_HEADER_BYTES + 4096


def parse_structured(
    value: bytes, max_bytes: int = DEFAULT_MAX_BYTES, largest: int | None = None
) -> tuple[dict[str, str], bytes]:
    """Attributes and data of a JSON-format event; `DecodeError` if it is not one carrying binary data.

    The event may take twice `max_bytes`: base64 and the attributes inflate
    the envelope it carries. A key given twice is refused, as is `data`
    beside `data_base64`; so are more than `MAX_STRUCTURED_ATTRIBUTES`
    attributes, more than `MAX_HEADER_BYTES` of them, and values that are
    not a CloudEvents attribute type (a string, a boolean, an integer of
    32 bits; null means absent). `specversion` must be the string "1.0".
    With `largest` (`largest_structured`, when validating), a larger event is
    refused before it is read.
    """
    if len(value) > max_bytes * 2:
        raise DecodeError(f"{len(value)} bytes exceed the limit of {max_bytes * 2} for a structured event")
    if largest is not None and len(value) > largest:  # before reading it: no valid envelope makes an event this large
        raise DecodeError(
            f"{len(value)} bytes are more than a structured event with a valid envelope takes ({largest})"
        )
    try:
        document = json.loads(value, object_pairs_hook=unique_keys)
    except DecodeError:
        raise
    except (ValueError, RecursionError) as error:
        raise DecodeError(f"structured CloudEvent is not JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("data_base64"), str):
        raise DecodeError("structured CloudEvent must be a JSON object with data_base64")
    if "data" in document:
        raise DecodeError("structured CloudEvent carries both data and data_base64")
    encoded = document.pop("data_base64")
    if len(document) > MAX_STRUCTURED_ATTRIBUTES:
        raise DecodeError(f"structured CloudEvent has more than {MAX_STRUCTURED_ATTRIBUTES} attributes")
    found: dict[str, str] = {}
    size = 0
    for name, value in document.items():
        text = _attribute_text(name, value)
        if text is None:
            continue
        size += len(name) + len(text)
        if size > MAX_HEADER_BYTES:
            raise DecodeError(f"structured CloudEvent's attributes exceed {MAX_HEADER_BYTES} bytes")
        found[name] = text
    if not isinstance(document.get("specversion"), str):
        raise DecodeError(f"CloudEvents specversion must be the string {SPEC_VERSION!r}")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DecodeError(f"data_base64 is not base64 ({error})") from error
    return found, data


def _attribute_text(name: str, value: object) -> str | None:
    """A structured attribute's value as the binary modes would carry it; None for null (absent)."""
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and -(2**31) <= value < 2**31:
        return str(value)
    raise DecodeError(f"structured CloudEvent attribute {shown(name, 64)} is not a string, boolean or integer")


def merge_structured(headers: Mapping[str, str], body: Mapping[str, str]) -> dict[str, str]:
    """A structured event's attributes, after checking that the binding's headers say the same.

    Raises:
        DecodeError: a header attribute the body lacks or states otherwise.
    """
    for name, value in headers.items():
        if body.get(name) != value:
            raise DecodeError(f"header attribute {name}={shown(value)} disagrees with the structured event's")
    return dict(body)


def _topic_of(found: Mapping[str, str]) -> Topic:
    schema = found.get("dataschema")
    if schema is not None:
        try:
            return _BY_SCHEMA[schema]
        except KeyError:
            raise UnknownTopicError(f"dataschema {shown(schema)} is not an SRE envelope") from None
    event_type = found.get("type", "")
    info = EVENT_TYPES.get(event_type)
    if info is None:
        raise UnknownTopicError(f"CloudEvent type {shown(event_type)} is not an SRE event and no dataschema says which")
    return info.topic


# The topic of every event type's class (`io.ameide.sre.domain.intent.`): a type this contract does not list yet,
# from a newer producer, still says which envelope it is.
_TYPE_CLASSES: Final[Mapping[str, Topic]] = {
    info.event_type.rsplit(".", 2)[0] + ".": info.topic for info in EVENT_TYPES.values()
}


def _type_topic(event_type: str) -> Topic | None:
    """The topic an event type says, by its name or, for one a newer contract added, by its class."""
    info = EVENT_TYPES.get(event_type)
    if info is not None:
        return info.topic
    return next((topic for prefix, topic in _TYPE_CLASSES.items() if event_type.startswith(prefix)), None)


def check_topic(found: Mapping[str, str], topic: str | Topic | None) -> None:
    """Refuse, before parsing, a record whose type or dataschema says it is another topic's envelope.

    Without a topic (an HTTP request), the dataschema's topic is the one read."""
    schema_topic = _BY_SCHEMA.get(found.get("dataschema", ""))
    name = topic.name if isinstance(topic, Topic) else topic
    if name is None:
        if schema_topic is None:
            return
        name = schema_topic.name
    elif name not in TOPICS:
        return  # decode names the unknown topic
    said = _type_topic(found.get("type", ""))
    if said is not None and said.name != name:
        raise WrongTopicError(name, found["type"], said.name)
    if schema_topic is not None and schema_topic.name != name:
        raise WrongTopicError(name, found["dataschema"], schema_topic.name)


def envelope_from(
    found: Mapping[str, str],
    data: bytes,
    *,
    topic: str | Topic | None = None,
    validate: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Envelope:
    """The envelope a CloudEvent carries, after checking its attributes agree with it.

    Every attribute of `ATTRIBUTES` the event carries is compared with the
    envelope's own value (an attribute the envelope leaves empty must be
    absent or empty); other extensions are left alone.

    Raises:
        DecodeError: malformed data, a missing required attribute, or an attribute that disagrees.
        UnknownTopicError, UnknownPayloadError, UnknownEnumValueError, ValidationError: as `decode`.
    """
    if found.get("specversion") != SPEC_VERSION:
        raise DecodeError(f"CloudEvents specversion must be {SPEC_VERSION!r}, not {shown(found.get('specversion'))}")
    content_type = found.get("datacontenttype", DATA_CONTENT_TYPE)
    if content_type != DATA_CONTENT_TYPE and media_type(content_type) != DATA_CONTENT_TYPE:
        raise DecodeError(f"datacontenttype must be {DATA_CONTENT_TYPE}, not {shown(media_type(content_type))}")
    for name in ("id", "source", "type"):
        if name not in found:
            raise DecodeError(f"CloudEvent lacks the required attribute {name!r}")
    check_topic(found, topic)
    envelope = decode(topic if topic is not None else _topic_of(found), data, validate=validate, max_bytes=max_bytes)
    expected = _expected(envelope)
    for name, value in found.items():
        want = expected.get(name)
        if want is None or want == value:
            continue
        if callable(want):
            want = want()
            if want == value or (name == "time" and _same_instant(value, want)):
                continue
        raise DecodeError(f"CloudEvent attribute {name}={shown(value)} disagrees with the envelope ({shown(want)})")
    return envelope


def _time_text(stamp: Any) -> str:
    return utc_text(stamp.seconds, stamp.nanos)


_SOURCES: dict[str, str] = {}  # producer -> source attribute; producers are few, quoting is slow


def _source(producer: str) -> str:
    source = _SOURCES.get(producer)
    if source is None:
        source = SOURCE_PREFIX + quote(producer, safe="")
        if len(_SOURCES) < 1024:
            _SOURCES[producer] = source
    return source


def _expected(envelope: Envelope) -> dict[str, Any]:
    """What each attribute must say for `envelope`: a string, or a callable for the costly `time`
    and for `datacontenttype` (already checked: any spelling of the media type)."""
    meta = envelope.meta
    subject = envelope.subject.workflow_id if isinstance(envelope, SreProcessFact) else envelope.subject.aggregate_id
    plain: Message = envelope  # the oneof's name comes from the topic, not from the literal type
    event_type = _CASE_EVENT_TYPES[type(envelope)].get(plain.WhichOneof(ENVELOPE_TOPICS[type(envelope)].oneof) or "")
    if event_type is None:  # no case this version knows: payload_of says which error
        event_type = payload_info(payload_of(envelope)).event_type
    return {
        "specversion": SPEC_VERSION,
        "id": meta.message_id,
        "source": _source(meta.producer),
        "type": event_type,
        "subject": subject,
        "time": lambda: _time_text(meta.occurred_at),
        "datacontenttype": None,
        "dataschema": _SCHEMAS[type(envelope)],
        "tenantid": meta.tenant_id,
        "partitionkey": partition_key(envelope),
        "correlationid": meta.correlation_id,
        "causationid": meta.causation_id,
        "traceparent": meta.traceparent,
        "tracestate": meta.tracestate,
    }


_CASE_EVENT_TYPES: Final = {
    topic.envelope_type: {
        payload_info(payload).case: payload_info(payload).event_type for payload in topic.payload_types
    }
    for topic in ENVELOPE_TOPICS.values()
}
_SCHEMAS: Final = {
    topic.envelope_type: TYPE_URL_PREFIX + topic.envelope_type.DESCRIPTOR.full_name
    for topic in ENVELOPE_TOPICS.values()
}


def _same_instant(left: str, right: str) -> bool:
    first, second = parse_timestamp(left), parse_timestamp(right)
    return first is not None and first == second


# --- records as to_kafka writes them --------------------------------------------------------------------------

_OPTIONAL_META: Final = ("correlation_id", "causation_id", "traceparent", "tracestate")


def _written_by_topic(prefix: str) -> dict[str, tuple[Any, tuple[Any, ...], Any, dict[bytes, str]]]:
    """Per topic: its envelope type, the two leading headers, the dataschema header, and type value -> case."""
    head = ((CONTENT_TYPE_HEADER, DATA_CONTENT_TYPE.encode()), (prefix + "specversion", SPEC_VERSION.encode()))
    return {
        topic.name: (
            envelope_type,
            head,
            (prefix + "dataschema", _SCHEMAS[envelope_type].encode()),
            {event_type.encode(): case for case, event_type in _CASE_EVENT_TYPES[envelope_type].items()},
        )
        for envelope_type, topic in ENVELOPE_TOPICS.items()
    }


_FIXED_HEADERS: Final = {
    prefix: tuple(prefix + name for name in ("id", "source", "subject", "time", "tenantid", "partitionkey"))
    for prefix in ("ce_", "ce-")
}
_OPTIONAL_HEADERS: Final = {
    prefix: tuple((name, prefix + name.replace("_", "")) for name in _OPTIONAL_META) for prefix in ("ce_", "ce-")
}
_WRITTEN: dict[str, dict[str, tuple[Any, tuple[Any, ...], Any, dict[bytes, str]]]] = {}


def as_written(topic: str, data: bytes, headers: Any, prefix: str, max_bytes: int) -> Envelope | None:
    """The valid envelope of a binary-mode record whose headers are exactly what `to_kafka` writes for it.

    One pass over the headers against expectations precomputed per topic and
    payload type. None for anything else (another order or spelling, other
    headers, structured mode, an envelope that does not decode, is not proven
    valid or disagrees): the caller then reads the record attribute by
    attribute, and says what is wrong.
    """
    if (type(headers) is not tuple and type(headers) is not list) or not 10 <= len(headers) <= 14:
        return None
    expected = _WRITTEN.get(prefix)
    if expected is None:
        expected = _WRITTEN[prefix] = _written_by_topic(prefix)
    known = expected.get(topic)
    if known is None:
        return None
    envelope_type, head, schema, cases = known
    event_type = headers[4]
    if headers[0] != head[0] or headers[1] != head[1] or headers[7] != schema or type(event_type) is not tuple:
        return None
    case = cases.get(event_type[1]) if event_type[0] == prefix + "type" and type(event_type[1]) is bytes else None
    if case is None or not len(data) < min(max_bytes + 1, SCAN_FROM_BYTES):  # decode scans larger data first
        return None
    try:
        envelope: Any = envelope_type.FromString(data)
    except Exception:  # the attribute-by-attribute reading says what is wrong
        return None
    if envelope.WhichOneof(ENVELOPE_TOPICS[envelope_type].oneof) != case or not proven_valid(envelope, len(data)):
        return None
    meta = envelope.meta
    tenant = meta.tenant_id
    if envelope_type is SreProcessFact:
        process = envelope.subject
        subject = process.workflow_id
        key = f"{tenant}/{process.incident_id or subject}"
    else:
        subject = envelope.subject.aggregate_id
        key = f"{tenant}/{subject}"
    stamp = meta.occurred_at
    id_name, source_name, subject_name, time_name, tenant_name, key_name = _FIXED_HEADERS[prefix]
    wanted = [
        *head,
        (id_name, meta.message_id.encode()),
        (source_name, _source(meta.producer).encode()),
        event_type,
        (subject_name, subject.encode()),
        (time_name, utc_text(stamp.seconds, stamp.nanos).encode()),
        schema,
        (tenant_name, tenant.encode()),
        (key_name, key.encode()),
    ]
    if len(headers) > 10:
        for name, header in _OPTIONAL_HEADERS[prefix]:
            value = getattr(meta, name)
            if value:
                wanted.append((header, value.encode()))
    if (wanted if type(headers) is list else tuple(wanted)) != headers:
        return None
    found: Envelope = envelope
    return found
