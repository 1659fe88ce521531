"""ameide_sre_contracts.grpc over a real gRPC server on 127.0.0.1: every RPC, paging, refusals, aio, load."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import query_pb2, query_pb2_grpc, sre_pb2
from ameide_sre_contracts.grpc import AsyncValidatingInterceptor, ValidatingInterceptor, validation_error
from tests.conftest import run, tool
from tests.query_service import SERVICES, TENANTS, Store, add_services, requests_for_every_rpc

INVALID = [
    (query_pb2.ListIncidentsRequest(page_size=10), ("tenant_id", "string.min_len")),
    (query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0], page_size=501), ("page_size", "int32.gte_lte")),
    (query_pb2.GetIncidentRequest(tenant_id=TENANTS[0], incident_id="INC-42"), ("incident_id", "string.uuid")),
]


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def channel(store: Store) -> Iterator[grpc.Channel]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), interceptors=[ValidatingInterceptor()])
    add_services(server, store)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as open_channel:
            yield open_channel
    finally:
        server.stop(grace=None).wait()


def _call(channel: Any, rpc: str, request: Message) -> Any:
    service, method = rpc.split("/")
    stub = getattr(query_pb2_grpc, f"{service}Stub")(channel)
    return getattr(stub, method)(request, timeout=10)


def test_every_rpc_of_every_service_answers(channel: grpc.Channel, store: Store) -> None:
    """Each of the 15 RPCs, called through the generated stubs, returns a valid, non-empty response."""
    requests = requests_for_every_rpc()
    assert sorted(requests) == sorted(f"{s.name}/{m.name}" for s in SERVICES for m in s.methods)
    for rpc, request in requests.items():
        response = _call(channel, rpc, request)
        assert response.ByteSize() > 0, rpc
        assert sre.violations(response) == [], rpc
    assert store.requests == list(requests.values()), "valid requests must reach the service untouched"


def test_paged_listing_walks_to_the_end(channel: grpc.Channel, store: Store) -> None:
    """page_size 5 walks all 23 incidents of one tenant, newest first, none of another tenant's."""
    stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
    seen: list[str] = []
    token = ""
    pages = 0
    while True:
        response = stub.ListIncidents(
            query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0], page_size=5, page_token=token)
        )
        seen += [incident.incident_id for incident in response.incidents]
        pages += 1
        token = response.next_page_token
        if not token:
            break
    assert pages == 5
    assert seen == [i.incident_id for i in sorted(store.incidents[TENANTS[0]], key=lambda i: -i.created_at.seconds)]
    assert not set(seen) & {i.incident_id for i in store.incidents[TENANTS[1]]}


def test_tenants_do_not_see_each_other(channel: grpc.Channel, store: Store) -> None:
    """Another tenant's incident is NOT_FOUND; a token issued for other filters is refused."""
    stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
    foreign = store.incidents[TENANTS[1]][0].incident_id
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetIncident(query_pb2.GetIncidentRequest(tenant_id=TENANTS[0], incident_id=foreign))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    first = stub.ListIncidents(query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0], page_size=5))
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListIncidents(
            query_pb2.ListIncidentsRequest(tenant_id=TENANTS[1], page_size=5, page_token=first.next_page_token)
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(("request_message", "expected"), INVALID, ids=["no tenant", "page size", "bad id"])
def test_invalid_request_is_refused_with_field_violations(
    channel: grpc.Channel, store: Store, request_message: Message, expected: tuple[str, str]
) -> None:
    """INVALID_ARGUMENT with BadRequest details naming field and rule; the service never sees the request."""
    rpc = f"SreIncidentQueryService/{type(request_message).__name__.removesuffix('Request')}"
    with pytest.raises(grpc.RpcError) as raised:
        _call(channel, rpc, request_message)
    call: Any = raised.value
    assert call.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(call)
    assert status is not None
    bad_request = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(bad_request)
    violations = [(v.field, v.reason) for v in bad_request.field_violations]
    assert expected in violations
    assert all(f"[{v.reason}]" in v.description for v in bad_request.field_violations)
    error = validation_error(raised.value)
    assert error is not None
    assert expected in [(v.field_path, v.rule_id) for v in error.violations]
    assert error.violations == tuple(sre.violations(request_message))
    assert store.requests == []


def test_other_failures_are_not_validation_errors(channel: grpc.Channel) -> None:
    """validation_error returns None for NOT_FOUND and for INVALID_ARGUMENT without BadRequest details."""
    stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
    missing = "00000000-0000-4000-8000-00000000ffff"
    with pytest.raises(grpc.RpcError) as not_found:
        stub.GetIncident(query_pb2.GetIncidentRequest(tenant_id=TENANTS[0], incident_id=missing))
    assert validation_error(not_found.value) is None
    with pytest.raises(grpc.RpcError) as bad_token:
        stub.ListIncidents(query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0], page_token="garbage"))
    assert bad_token.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert validation_error(bad_token.value) is None


def test_concurrent_clients(channel: grpc.Channel) -> None:
    """8 clients x 500 calls (valid and invalid mixed) with zero unexpected outcomes."""
    requests = list(requests_for_every_rpc().items())
    errors: list[str] = []
    calls = [0] * 8

    def client(index: int) -> None:
        for number in range(500):
            if number % 10 == 9:
                request, expected = INVALID[number % len(INVALID)]
                try:
                    _call(channel, f"SreIncidentQueryService/{type(request).__name__.removesuffix('Request')}", request)
                    errors.append("invalid request accepted")
                except grpc.RpcError as error:
                    found = validation_error(error)
                    if found is None or expected not in [(v.field_path, v.rule_id) for v in found.violations]:
                        errors.append(f"unexpected refusal {error}")
            else:
                rpc, request = requests[(index + number) % len(requests)]
                try:
                    if _call(channel, rpc, request).ByteSize() == 0:
                        errors.append(f"{rpc}: empty")
                except grpc.RpcError as error:
                    errors.append(f"{rpc}: {error}")
            calls[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(calls) == 4000


def test_aio_server_validates_the_same_way() -> None:
    """grpc.aio with AsyncValidatingInterceptor: every RPC answers, invalid requests get the same details."""

    async def scenario() -> None:
        store = Store()
        server = grpc.aio.server(interceptors=[AsyncValidatingInterceptor()])
        add_services(server, store, asynchronous=True)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                requests = requests_for_every_rpc()
                for rpc, request in requests.items():
                    response = await _call(channel, rpc, request)
                    assert response.ByteSize() > 0, rpc
                assert store.requests == list(requests.values())
                for request, expected in INVALID:
                    rpc = f"SreIncidentQueryService/{type(request).__name__.removesuffix('Request')}"
                    with pytest.raises(grpc.aio.AioRpcError) as raised:
                        await _call(channel, rpc, request)
                    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
                    error = validation_error(raised.value)
                    assert error is not None
                    assert expected in [(v.field_path, v.rule_id) for v in error.violations]
                assert len(store.requests) == len(requests)
        finally:
            await server.stop(grace=None)

    asyncio.run(scenario())


CLIENT = """
    import grpc
    from ameide_core_proto.sre.core.v1 import query_pb2, query_pb2_grpc
    from ameide_sre_contracts.grpc import validation_error

    def titles(channel: grpc.Channel, tenant: str) -> list[str]:
        stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
        titles: list[str] = []
        token = ""
        while True:
            try:
                page: query_pb2.ListIncidentsResponse = stub.ListIncidents(
                    query_pb2.ListIncidentsRequest(tenant_id=tenant, page_size=50, page_token=token)
                )
            except grpc.RpcError as error:
                invalid = validation_error(error)
                raise ValueError(str(invalid)) from error
            titles += [incident.title for incident in page.incidents]
            token = page.next_page_token
            if not token:
                return titles
"""


def test_a_client_using_the_stubs_type_checks(tmp_path: Path) -> None:
    """mypy --strict passes a small client written against the generated stubs."""
    module = tmp_path / "client.py"
    module.write_text(textwrap.dedent(CLIENT), encoding="utf-8")
    result = run([tool("mypy"), "--strict", "--no-incremental", "--python-executable", sys.executable, str(module)])
    assert result.returncode == 0, result.stdout + result.stderr


def _streaming_server(store: list[Message]) -> tuple[grpc.Server, int]:
    """A server with one generic method of each streaming kind, taking ListIncidentsRequest."""

    def count(requests: Any, context: grpc.ServicerContext) -> query_pb2.ListIncidentsResponse:
        store.extend(requests)
        return query_pb2.ListIncidentsResponse(next_page_token=str(len(store)))

    def repeat(request: Message, context: grpc.ServicerContext) -> Iterator[query_pb2.ListIncidentsResponse]:
        store.append(request)
        yield from (query_pb2.ListIncidentsResponse(next_page_token=str(n)) for n in range(3))

    def echo(requests: Any, context: grpc.ServicerContext) -> Iterator[query_pb2.ListIncidentsResponse]:
        for request in requests:
            store.append(request)
            yield query_pb2.ListIncidentsResponse(next_page_token=request.tenant_id)

    kinds = {"StreamUnary": grpc.stream_unary_rpc_method_handler, "UnaryStream": grpc.unary_stream_rpc_method_handler}
    kinds["StreamStream"] = grpc.stream_stream_rpc_method_handler
    behaviours = {"StreamUnary": count, "UnaryStream": repeat, "StreamStream": echo}
    handlers = {
        name: kinds[name](
            behaviours[name],
            request_deserializer=query_pb2.ListIncidentsRequest.FromString,
            response_serializer=query_pb2.ListIncidentsResponse.SerializeToString,
        )
        for name in kinds
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[ValidatingInterceptor()])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Streams", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def test_streaming_requests_are_validated_one_by_one() -> None:
    """Client-, server- and bidirectional streaming methods: valid messages pass, the first invalid one refuses."""
    seen: list[Message] = []
    server, port = _streaming_server(seen)
    valid = query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0])
    invalid = query_pb2.ListIncidentsRequest(tenant_id="")
    kwargs: dict[str, Any] = {
        "request_serializer": query_pb2.ListIncidentsRequest.SerializeToString,
        "response_deserializer": query_pb2.ListIncidentsResponse.FromString,
    }
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as open_channel:
            channel: Any = open_channel
            stream_unary = channel.stream_unary("/test.Streams/StreamUnary", **kwargs)
            assert stream_unary(iter([valid, valid]), timeout=10).next_page_token == "2"
            with pytest.raises(grpc.RpcError) as refused:
                stream_unary(iter([valid, invalid, valid]), timeout=10)
            assert validation_error(refused.value) is not None
            unary_stream = channel.unary_stream("/test.Streams/UnaryStream", **kwargs)
            assert [r.next_page_token for r in unary_stream(valid, timeout=10)] == ["0", "1", "2"]
            with pytest.raises(grpc.RpcError) as refused:
                list(unary_stream(invalid, timeout=10))
            assert validation_error(refused.value) is not None
            stream_stream = channel.stream_stream("/test.Streams/StreamStream", **kwargs)
            assert [r.next_page_token for r in stream_stream(iter([valid]), timeout=10)] == [TENANTS[0]]
            with pytest.raises(grpc.RpcError) as refused:
                list(stream_stream(iter([valid, invalid]), timeout=10))
            error = validation_error(refused.value)
            assert error is not None
            assert ("tenant_id", "string.min_len") in [(v.field_path, v.rule_id) for v in error.violations]
    finally:
        server.stop(grace=None).wait()
    assert invalid not in seen


def test_aio_streaming_requests_are_validated_one_by_one() -> None:
    """The grpc.aio interceptor validates streamed requests too (client-, server- and bidirectional streaming)."""
    valid = query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0])
    invalid = query_pb2.ListIncidentsRequest(tenant_id="")
    seen: list[Message] = []

    async def count(requests: Any, context: Any) -> query_pb2.ListIncidentsResponse:
        async for request in requests:
            seen.append(request)
        return query_pb2.ListIncidentsResponse(next_page_token=str(len(seen)))

    async def repeat(request: Any, context: Any) -> Any:
        seen.append(request)
        for n in range(3):
            yield query_pb2.ListIncidentsResponse(next_page_token=str(n))

    async def echo(requests: Any, context: Any) -> Any:
        async for request in requests:
            seen.append(request)
            yield query_pb2.ListIncidentsResponse(next_page_token=request.tenant_id)

    serde: dict[str, Any] = {
        "request_deserializer": query_pb2.ListIncidentsRequest.FromString,
        "response_serializer": query_pb2.ListIncidentsResponse.SerializeToString,
    }
    handlers = {
        "StreamUnary": grpc.stream_unary_rpc_method_handler(count, **serde),
        "UnaryStream": grpc.unary_stream_rpc_method_handler(repeat, **serde),
        "StreamStream": grpc.stream_stream_rpc_method_handler(echo, **serde),
    }
    client: dict[str, Any] = {
        "request_serializer": query_pb2.ListIncidentsRequest.SerializeToString,
        "response_deserializer": query_pb2.ListIncidentsResponse.FromString,
    }

    async def scenario() -> None:
        server = grpc.aio.server(interceptors=[AsyncValidatingInterceptor()])
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Streams", handlers),))
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as open_channel:
                channel: Any = open_channel
                stream_unary = channel.stream_unary("/test.Streams/StreamUnary", **client)
                assert (await stream_unary(iter([valid, valid]))).next_page_token == "2"
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await stream_unary(iter([valid, invalid]))
                assert validation_error(refused.value) is not None
                unary_stream = channel.unary_stream("/test.Streams/UnaryStream", **client)
                assert [r.next_page_token async for r in unary_stream(valid)] == ["0", "1", "2"]
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    [r async for r in unary_stream(invalid)]
                assert validation_error(refused.value) is not None
                stream_stream = channel.stream_stream("/test.Streams/StreamStream", **client)
                assert [r.next_page_token async for r in stream_stream(iter([valid]))] == [TENANTS[0]]
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    [r async for r in stream_stream(iter([valid, invalid]))]
                assert validation_error(refused.value) is not None
        finally:
            await server.stop(grace=None)

    asyncio.run(scenario())
    assert invalid not in seen


def test_a_huge_request_is_refused_from_its_encoding_and_fits_the_trailers(channel: grpc.Channel, store: Store) -> None:
    """200 000 statuses (the bound is 6): INVALID_ARGUMENT naming the rule, without parsing the request."""
    request = query_pb2.ListIncidentsRequest(tenant_id=TENANTS[0], page_size=10)
    request.statuses.extend([sre_pb2.INCIDENT_STATUS_OPEN] * 200_000)
    with pytest.raises(grpc.RpcError) as raised:
        _call(channel, "SreIncidentQueryService/ListIncidents", request)
    call: Any = raised.value
    assert call.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = validation_error(raised.value)
    assert error is not None
    assert [(v.field_path, v.rule_id) for v in error.violations] == [("statuses", "repeated.max_items")]
    assert sum(len(value) for _, value in call.trailing_metadata()) < 8192
    assert store.requests == []


def test_a_megabyte_map_key_is_refused_from_its_encoding(channel: grpc.Channel, store: Store) -> None:
    """A 1 MiB label-selector key: INVALID_ARGUMENT on the key, its path cut short, without parsing the request."""
    request = query_pb2.ListAlertsRequest(tenant_id=TENANTS[0], page_size=10)
    request.label_selector["k" * (1 << 20)] = "v"
    with pytest.raises(grpc.RpcError) as raised:
        _call(channel, "SreAlertQueryService/ListAlerts", request)
    call: Any = raised.value
    assert call.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = validation_error(raised.value)
    assert error is not None
    [violation] = error.violations
    assert (violation.rule_id, violation.for_key) == ("string.max_len", True)
    assert violation.field_path == 'label_selector["' + "k" * 64 + '…"]'
    assert sum(len(value) for _, value in call.trailing_metadata()) < 8192
    assert store.requests == []


def test_bytes_that_are_not_the_request_are_invalid_argument_not_internal(channel: grpc.Channel) -> None:
    raw = channel.unary_unary(
        "/ameide_core_proto.sre.core.v1.SreIncidentQueryService/ListIncidents",
        request_serializer=lambda data: data,
        response_deserializer=lambda data: data,
    )
    with pytest.raises(grpc.RpcError) as raised:
        raw(b"\x0a\xff\xff\xff\xff\xff\xff", timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert validation_error(raised.value) is None


class _FakeRefusal(grpc.RpcError):
    """An INVALID_ARGUMENT whose status details trailer is garbage, as a broken server might send."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.INVALID_ARGUMENT

    def details(self) -> str:
        return "invalid"

    def trailing_metadata(self) -> Any:
        return (("grpc-status-details-bin", b"\xff\xfe not a status"),)


def test_validation_error_never_raises_on_what_it_cannot_read() -> None:
    assert validation_error(_FakeRefusal()) is None
    assert validation_error(grpc.RpcError()) is None
