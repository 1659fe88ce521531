"""The bindings' remaining bounds, each just under and just over: headers, structured attributes, numerals,
page tokens, Schema Registry framing and gRPC refusals."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, query_pb2
from ameide_sre_contracts import cloudevents, confluent, kafka, testing
from ameide_sre_contracts._binding import MAX_HEADER_BYTES, MAX_HEADERS, MAX_STRUCTURED_ATTRIBUTES
from ameide_sre_contracts.errors import DecodeError, InvalidArgumentError, PageTokenError
from ameide_sre_contracts.grpc import validation_error
from ameide_sre_contracts.paging import PageTokens, max_token_length


def _fact() -> facts_pb2.SreDomainFact:
    return next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.WhichOneof("fact") == "incident_created")


# --- headers: count and total size, Kafka and HTTP


def _kafka_with(extra: list[tuple[str, bytes]]) -> Any:
    record = kafka.to_kafka(_fact())
    return kafka.from_kafka(record.topic, record.key, record.value, [*record.headers, *extra])


def _http_with(extra: dict[str, str]) -> Any:
    headers, body = cloudevents.to_http(_fact())
    return cloudevents.from_http({**headers, **extra}, body)


def test_kafka_headers_are_bounded_in_count() -> None:
    own = len(kafka.to_kafka(_fact()).headers)
    assert _kafka_with([(f"x-{n}", b"v") for n in range(MAX_HEADERS - own)]) == _fact()
    with pytest.raises(DecodeError, match=f"{MAX_HEADERS} entries"):
        _kafka_with([(f"x-{n}", b"v") for n in range(MAX_HEADERS - own + 1)])


def test_kafka_headers_are_bounded_in_total_size() -> None:
    record = kafka.to_kafka(_fact())
    own = sum(len(name) + len(value) for name, value in record.headers)
    room = MAX_HEADER_BYTES - own - len("x-big")
    assert _kafka_with([("x-big", b"v" * room)]) == _fact()
    with pytest.raises(DecodeError, match=f"{MAX_HEADER_BYTES} bytes"):
        _kafka_with([("x-big", b"v" * (room + 1))])


def test_http_headers_are_bounded_in_count_and_size() -> None:
    headers, _ = cloudevents.to_http(_fact())
    assert _http_with({f"x-{n}": "v" for n in range(MAX_HEADERS - len(headers))}) == _fact()
    with pytest.raises(DecodeError, match="entries"):
        _http_with({f"x-{n}": "v" for n in range(MAX_HEADERS - len(headers) + 1)})
    with pytest.raises(DecodeError, match="bytes in all"):
        _http_with({"x-big": "v" * MAX_HEADER_BYTES})


def test_a_64_mib_header_value_is_refused_without_being_decoded() -> None:
    with pytest.raises(DecodeError, match="bytes in all"):
        _kafka_with([("ce_type", b"\xff" * (64 * 1024 * 1024))])


# --- structured mode: attributes bounded, specversion a string


def _structured(change: Any) -> tuple[dict[str, str], bytes]:
    headers, body = cloudevents.to_http(_fact(), mode="structured")
    document = json.loads(body)
    change(document)
    return headers, json.dumps(document).encode()


def test_structured_extension_attributes_are_bounded_in_count() -> None:
    base = len(json.loads(cloudevents.to_http(_fact(), mode="structured")[1])) - 1  # all but data_base64
    room = MAX_STRUCTURED_ATTRIBUTES - base
    assert cloudevents.from_http(*_structured(lambda d: d.update({f"x{n}": "v" for n in range(room)}))) == _fact()
    with pytest.raises(DecodeError, match=f"more than {MAX_STRUCTURED_ATTRIBUTES} attributes"):
        cloudevents.from_http(*_structured(lambda d: d.update({f"x{n}": "v" for n in range(room + 1)})))


def test_structured_attributes_are_bounded_in_size() -> None:
    with pytest.raises(DecodeError, match="exceed"):
        cloudevents.from_http(*_structured(lambda d: d.update({"xbig": "v" * MAX_HEADER_BYTES})))
    assert cloudevents.from_http(*_structured(lambda d: d.update({"xbig": "v" * 60_000}))) == _fact()


@pytest.mark.parametrize("value", [1.0, 1, True, None, ["1.0"], {"v": "1.0"}])
def test_specversion_is_the_string_1_0(value: Any) -> None:
    with pytest.raises(DecodeError, match="specversion"):
        cloudevents.from_http(*_structured(lambda d: d.update(specversion=value)))


@pytest.mark.parametrize(("value", "accepted"), [(7, True), (True, True), (None, True), (1.5, False), ([1], False)])
def test_extension_values_are_cloudevents_types(value: Any, accepted: bool) -> None:
    headers, body = _structured(lambda d: d.update(xext=value))
    if accepted:
        assert cloudevents.from_http(headers, body) == _fact()
    else:
        with pytest.raises(DecodeError, match="xext"):
            cloudevents.from_http(headers, body)


# --- from_json: ProtoJSON's numerals only


def _json(change: Any) -> str:
    document = json.loads(sre.to_json(_fact()))
    change(document)
    return json.dumps(document, ensure_ascii=False)


def _incident(document: dict[str, Any]) -> dict[str, Any]:
    incident: dict[str, Any] = document["incidentCreated"]["incident"]
    return incident


@pytest.mark.parametrize("value", [True, False, 1.5, "1.5"])
def test_an_enum_is_its_name_or_an_integer(value: Any) -> None:
    with pytest.raises(DecodeError):
        sre.from_json(sre.DOMAIN_FACTS_TOPIC, _json(lambda d: _incident(d).update(severity=value)))


def test_an_enum_number_and_an_integral_float_are_read() -> None:
    for value in (2, 2.0):
        parsed = sre.from_json(sre.DOMAIN_FACTS_TOPIC, _json(lambda d, v=value: _incident(d).update(severity=v)))
        assert isinstance(parsed, facts_pb2.SreDomainFact)
        assert parsed.incident_created.incident.severity == 2


@pytest.mark.parametrize("value", ["1_0", "\u0661", " 1", "1 ", "+1", "0x1", "1e0", "\uff11"])
def test_an_integer_string_is_ascii_digits(value: str) -> None:
    with pytest.raises(DecodeError, match="not an integer"):
        sre.from_json(sre.DOMAIN_FACTS_TOPIC, _json(lambda d: d["subject"].update(aggregateVersion=value)))


def test_an_integer_string_of_ascii_digits_is_read() -> None:
    parsed = sre.from_json(sre.DOMAIN_FACTS_TOPIC, _json(lambda d: d["subject"].update(aggregateVersion="1")))
    assert parsed.subject.aggregate_version == 1


# --- page tokens: one spelling, never longer than the request takes


SECRET = b"s" * 32


def test_a_token_has_one_spelling() -> None:
    tokens = PageTokens(SECRET)
    request = query_pb2.ListIncidentsRequest(tenant_id="acme")
    token = tokens.issue(request, "40")
    assert tokens.read(query_pb2.ListIncidentsRequest(tenant_id="acme", page_token=token)) == "40"
    for respelled in (token + "=" * (-len(token) % 4 or 4), token[:5] + "." + token[5:], " " + token, token + "\n"):
        with pytest.raises(PageTokenError):
            tokens.read(query_pb2.ListIncidentsRequest(tenant_id="acme", page_token=respelled))


def test_issue_never_writes_a_token_the_next_request_cannot_carry() -> None:
    tokens = PageTokens(SECRET)
    request = query_pb2.ListIncidentsRequest(tenant_id="acme")
    limit = max_token_length(request)
    assert limit == 1024  # ListIncidentsRequest.page_token's max_len
    longest = "c" * 1024
    while True:
        try:
            token = tokens.issue(request, longest)
            break
        except InvalidArgumentError:
            longest = longest[:-1]
    assert len(token) <= limit
    assert len(token) > limit - 4  # base64 grows by 4 characters per 3 bytes: the longest cursor is this one
    assert tokens.read(query_pb2.ListIncidentsRequest(tenant_id="acme", page_token=token)) == longest
    with pytest.raises(InvalidArgumentError, match="1024"):
        tokens.issue(request, longest + "cccc")
    assert not sre.violations(query_pb2.ListIncidentsRequest(tenant_id="acme", page_token=token))


def test_a_token_longer_than_the_bound_is_refused_before_decoding() -> None:
    tokens = PageTokens(SECRET)
    with pytest.raises(PageTokenError):
        tokens.read(query_pb2.ListIncidentsRequest(tenant_id="acme", page_token="A" * 1025))


# --- Schema Registry framing: exactly what frame writes


@pytest.mark.parametrize("indexes", [[0], [1], [0, 1], [3, 2, 1], [2**31 - 1], list(range(64))])
def test_what_frame_writes_unframes_to_itself(indexes: list[int]) -> None:
    framed = confluent.frame(b"data", 2**31 - 1, indexes)
    assert confluent.unframe(framed) == (2**31 - 1, indexes, b"data")


@pytest.mark.parametrize(
    ("framed", "why"),
    [
        (b"\x00\x80\x00\x00\x00\x00data", "schema id"),
        (b"\x00\x00\x00\x00\x01\x02\x00data", "single byte 00"),
        (b"\x00\x00\x00\x00\x01\x82\x00\x02data", "shortest form"),
        (b"\x00\x00\x00\x00\x01\x02\x80\x80\x80\x80\x10data", "outside 0 to"),
        (b"\x00\x00\x00\x00\x01\x02\xff\xff\xff\xff\xff\x01data", "longer than 5 bytes"),
        (b"\x00\x00\x00\x00\x01\x82\x01" + b"\x00" * 65, "more than 64"),
    ],
)
def test_unframe_refuses_what_frame_never_writes(framed: bytes, why: str) -> None:
    with pytest.raises(DecodeError, match=why):
        confluent.unframe(framed)


def test_frame_refuses_what_unframe_would_refuse() -> None:
    with pytest.raises(InvalidArgumentError):
        confluent.frame(b"", 1, [2**31])
    with pytest.raises(InvalidArgumentError):
        confluent.frame(b"", 1, [0] * 65)


# --- gRPC: a server's refusal read back at most 100 violations


class _Refusal(grpc.RpcError):
    def __init__(self, violations: int, omitted: int = 0) -> None:
        request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=f"f{n}", reason="string.max_len", description="d")
                for n in range(violations)
            ]
        )
        details = any_pb2.Any()
        details.Pack(request)
        status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message="invalid X", details=[details])
        if omitted:
            info = any_pb2.Any()
            info.Pack(error_details_pb2.ErrorInfo(reason="VIOLATIONS_OMITTED", metadata={"omitted": str(omitted)}))
            status.details.append(info)
        self._status = status

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.INVALID_ARGUMENT

    def details(self) -> str:
        return self._status.message

    def trailing_metadata(self) -> Any:  # what grpc_status reads: (key, value) pairs
        return (("grpc-status-details-bin", self._status.SerializeToString()),)


def test_a_refusal_of_any_size_is_read_as_at_most_100_violations() -> None:
    read = validation_error(_Refusal(100))
    assert read is not None
    assert len(read.violations) == 100
    assert read.omitted == 0
    many = validation_error(_Refusal(100_000))
    assert many is not None
    assert len(many.violations) == 100
    assert many.omitted == 99_900


def test_omitted_counts_add_up_and_odd_digits_are_ignored() -> None:
    refusal = _Refusal(150, omitted=7)
    read = validation_error(refusal)
    assert read is not None
    assert read.omitted == 57
