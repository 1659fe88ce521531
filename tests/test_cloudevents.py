"""ameide_sre_contracts.cloudevents: the attribute mapping and the HTTP binding, against the CloudEvents SDK."""

from __future__ import annotations

import pytest
from cloudevents.core.bindings import http as sdk_http
from cloudevents.core.formats.json import JSONFormat
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import cloudevents as ce
from ameide_sre_contracts import testing
from ameide_sre_contracts._rfc3339 import utc_text
from tests.conftest import all_examples, example_id

EXAMPLES = all_examples()
IDS = [example_id(e) for e in EXAMPLES]


def _fact() -> facts_pb2.SreDomainFact:
    return testing.examples(facts_pb2.SreDomainFact)[0]


def test_attributes_of_a_domain_fact() -> None:
    """Each attribute comes from the envelope as documented."""
    fact = _fact()
    assert ce.attributes(fact) == {
        "specversion": "1.0",
        "id": fact.meta.message_id,
        "source": "urn:ameide:sre:producer:sre-domain",
        "type": "io.ameide.sre.domain.fact.incident_created.v1",
        "subject": testing.INCIDENT_ID,
        "time": "2026-03-14T09:27:03.589Z",
        "datacontenttype": "application/protobuf",
        "dataschema": "https://type.googleapis.com/ameide_core_proto.sre.core.v1.SreDomainFact",
        "tenantid": "tenant-acme",
        "partitionkey": f"tenant-acme/{testing.INCIDENT_ID}",
        "correlationid": testing.CORRELATION_ID,
        "causationid": testing.PARENT_MESSAGE_ID,
        "traceparent": testing.TRACEPARENT,
        "tracestate": testing.TRACESTATE,
    }


def test_process_facts_are_keyed_by_incident_and_subject_is_the_workflow() -> None:
    """Process facts: subject is the workflow, partition key the incident."""
    fact = testing.examples(process_facts_pb2.SreProcessFact)[0]
    found = ce.attributes(fact)
    assert found["subject"] == testing.WORKFLOW_ID
    assert found["partitionkey"] == f"tenant-acme/{testing.INCIDENT_ID}"
    assert found["type"] == "io.ameide.sre.process.fact.incident_triage_started.v1"


def test_producer_is_percent_encoded_in_source() -> None:
    """A producer with reserved characters still gives a valid URI, and reads back."""
    fact = _fact()
    fact.meta.producer = "sre domain/eu 1"
    assert ce.attributes(fact)["source"] == "urn:ameide:sre:producer:sre%20domain%2Feu%201"
    headers, body = ce.to_http(fact)
    assert ce.from_http(headers, body) == fact


@pytest.mark.parametrize("envelope", EXAMPLES, ids=IDS)
@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_http_round_trip_for_every_case(envelope: Message, mode: ce.Mode) -> None:
    """envelope -> HTTP request -> envelope is equal, in both modes."""
    headers, body = ce.to_http(envelope, mode=mode)  # type: ignore[arg-type]
    assert ce.from_http(headers, body) == envelope


@pytest.mark.parametrize("envelope", EXAMPLES, ids=IDS)
def test_sdk_object_round_trip_for_every_case(envelope: Message) -> None:
    """envelope -> CloudEvents SDK event -> envelope is equal, with the same attributes."""
    event = ce.to_cloudevent(envelope)  # type: ignore[arg-type]
    assert event.get_id() == envelope.meta.message_id  # type: ignore[attr-defined]
    assert event.get_type() == ce.attributes(envelope)["type"]  # type: ignore[arg-type]
    assert ce.from_cloudevent(event) == envelope


@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_sdk_reads_what_we_send_over_http(mode: str) -> None:
    """The SDK's HTTP binding parses our requests into the same attributes and data."""
    fact = _fact()
    headers, body = ce.to_http(fact, mode=mode)  # type: ignore[arg-type]
    event = sdk_http.from_http(sdk_http.HTTPMessage(headers=headers, body=body), JSONFormat())
    expected = ce.to_cloudevent(fact)
    assert event.get_attributes() == expected.get_attributes()
    assert event.get_data() == fact.SerializeToString(deterministic=True)


@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_we_read_what_the_sdk_sends_over_http(mode: str) -> None:
    """Requests made by the SDK's HTTP binding decode to the envelope."""
    fact = _fact()
    to = sdk_http.to_binary if mode == "binary" else sdk_http.to_structured
    message = to(ce.to_cloudevent(fact), JSONFormat())
    assert ce.from_http(message.headers, message.body) == fact


def test_header_values_are_percent_encoded() -> None:
    """Non-ASCII, space, quote and percent are encoded in ce- headers, and decoded back."""
    fact = _fact()
    fact.meta.correlation_id = 'flow "ü" 100%'
    headers, body = ce.to_http(fact)
    assert headers["ce-correlationid"] == "flow%20%22%C3%BC%22%20100%25"
    assert ce.from_http(headers, body).meta.correlation_id == 'flow "ü" 100%'


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("ce-id", "6c0ec4a5-2d4b-4d3f-9a3e-1b2c3d4e5f60"),
        ("ce-type", "io.ameide.sre.domain.fact.incident_closed.v1"),
        ("ce-tenantid", "tenant-evil"),
        ("ce-partitionkey", "tenant-acme/other"),
        ("ce-specversion", "0.3"),
    ],
)
def test_altered_attributes_are_refused(header: str, value: str) -> None:
    """A header that disagrees with the envelope it travels with is a DecodeError."""
    headers, body = ce.to_http(_fact())
    headers[header] = value
    with pytest.raises(sre.DecodeError):
        ce.from_http(headers, body)


def test_missing_required_attribute_and_foreign_payloads_are_refused() -> None:
    """No id, unknown schema, or non-protobuf data: DecodeError or UnknownTopicError."""
    headers, body = ce.to_http(_fact())
    without_id = {k: v for k, v in headers.items() if k != "ce-id"}
    with pytest.raises(sre.DecodeError, match="'id'"):
        ce.from_http(without_id, body)
    with pytest.raises(sre.UnknownTopicError):
        ce.from_http({**headers, "ce-dataschema": "https://example.com/other"}, body)
    with pytest.raises(sre.DecodeError, match="datacontenttype"):
        ce.from_http({**headers, "content-type": "application/json"}, body)
    with pytest.raises(sre.DecodeError):
        ce.from_http({"content-type": "application/cloudevents+json"}, b"{not json")
    with pytest.raises(sre.DecodeError):
        ce.from_http({"content-type": "application/cloudevents+json"}, b'{"specversion": "1.0"}')


@settings(max_examples=2000, deadline=None)
@given(
    seconds=st.integers(-62135596800, 253402300799),
    nanos=st.one_of(
        st.just(0),
        st.integers(0, 999).map(lambda n: n * 1_000_000),
        st.integers(0, 999_999).map(lambda n: n * 1000),
        st.integers(0, 999_999_999),
    ),
)
def test_the_time_attribute_is_written_as_protobuf_writes_it(seconds: int, nanos: int) -> None:
    """The fast RFC 3339 writer the bindings compare `time` with equals `Timestamp.ToJsonString()`."""
    assert utc_text(seconds, nanos) == Timestamp(seconds=seconds, nanos=nanos).ToJsonString()


def test_what_is_not_a_time_has_no_text() -> None:
    assert utc_text(0, -1) == utc_text(0, 1_000_000_000) == utc_text(253402300800, 0) == ""
