"""Validate query requests at the gRPC server edge; turn the refusal back into `ValidationError` on the client.

Install with `pip install 'ameide-sre-contracts[grpc]'`.

Example:
    server = grpc.server(executor, interceptors=[ValidatingInterceptor()])
    server_aio = grpc.aio.server(interceptors=[AsyncValidatingInterceptor()])

    try:
        stub.ListIncidents(request)
    except grpc.RpcError as error:
        invalid = validation_error(error)   # ValidationError, or None for other failures

An invalid request is answered `INVALID_ARGUMENT` with a `google.rpc.Status`
whose details hold a `google.rpc.BadRequest`: one field violation per broken
rule, `field` the path as `violations()` renders it, `reason` the rule id and
`description` the message followed by the rule id in brackets. The refusal
stays well inside gRPC's default 8 KiB metadata limit whatever the request:
a one-line status message, at most `MAX_DETAILS_BYTES` of details, and a
`google.rpc.ErrorInfo` counting the violations left out. A request that does
not even decode is answered `INVALID_ARGUMENT` too. Valid requests reach the
service untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Final

import grpc
import grpc.aio
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ameide_sre_contracts._precheck import MAX_VIOLATIONS
from ameide_sre_contracts._wirescan import SCAN_FROM_BYTES, scan
from ameide_sre_contracts.errors import ValidationError, Violation, printable
from ameide_sre_contracts.validation import collect

__all__ = [
    "MAX_DETAILS_BYTES",
    "AsyncValidatingInterceptor",
    "ValidatingInterceptor",
    "invalid_argument_status",
    "validation_error",
]

MAX_DETAILS_BYTES: Final = 4096
"""The most a refusal's serialized `google.rpc.Status` takes; base64 in a trailer, it stays under 6 KiB."""

OMITTED_REASON: Final = "VIOLATIONS_OMITTED"
"""The `ErrorInfo.reason` of a refusal that lists only some violations; `metadata["omitted"]` counts the rest."""
ERROR_DOMAIN: Final = "sre.ameide.io"
_TEXT_LIMIT = 256  # per field path and description: one violation cannot fill the budget
MAP_KEY_SUFFIX: Final = " (map key)"
"""Ends the description of a violation that broke on a map key (`Violation.for_key`): BadRequest has no field
for it."""


def _short(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def invalid_argument_status(message: Message, found: Sequence[Violation], omitted: int = 0) -> status_pb2.Status:
    """The `google.rpc.Status` that refuses `message` for `found`: BadRequest details within `MAX_DETAILS_BYTES`.

    Violations that do not fit (and the `omitted` ones the caller already
    left out) are counted in an `ErrorInfo` detail and in the message.
    """
    name = message.DESCRIPTOR.name
    total = len(found) + omitted
    status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT)
    bad_request = error_details_pb2.BadRequest()
    shown = 0
    for violation in found:
        candidate = bad_request.field_violations.add(
            field=_short(violation.field_path),
            reason=_short(violation.rule_id),
            description=_short(f"{violation.message} [{violation.rule_id}]")
            + (MAP_KEY_SUFFIX if violation.for_key else ""),
        )
        if bad_request.ByteSize() > MAX_DETAILS_BYTES - 512:  # room for the status message and ErrorInfo
            bad_request.field_violations.remove(candidate)
            break
        shown += 1
    detail = status.details.add()
    detail.Pack(bad_request)
    if shown < total:
        info = error_details_pb2.ErrorInfo(
            reason=OMITTED_REASON, domain=ERROR_DOMAIN, metadata={"omitted": str(total - shown)}
        )
        status.details.add().Pack(info)
    first = f": {_short(str(found[0]))}" if found else ""
    status.message = f"invalid {name} ({total} violation(s)){first}"
    return status


def validation_error(error: grpc.RpcError) -> ValidationError | None:
    """The `ValidationError` an INVALID_ARGUMENT with BadRequest details stands for; None for anything else.

    Never raises: details it cannot read mean None.
    """
    try:
        return _read_refusal(error)
    except Exception:  # a malformed status from any server: not a refusal this package can read
        return None


def _read_refusal(error: grpc.RpcError) -> ValidationError | None:
    call: Any = error
    if not hasattr(call, "code") or call.code() != grpc.StatusCode.INVALID_ARGUMENT:
        return None
    status = rpc_status.from_call(call)
    if status is None:
        return None
    found: list[Violation] = []
    omitted = 0
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            for violation in bad_request.field_violations:
                if len(found) >= MAX_VIOLATIONS:  # as the library itself reports: the rest are counted
                    omitted += 1
                    continue
                for_key = violation.description.endswith(MAP_KEY_SUFFIX)
                text = violation.description.removesuffix(MAP_KEY_SUFFIX).removesuffix(f" [{violation.reason}]")
                # any server's text: bounded like the library's own (field paths, rule ids, messages)
                found.append(Violation(violation.field[:_FIELD], violation.reason[:_RULE], text[:_TEXT], for_key))
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            count = info.metadata.get("omitted", "")
            if info.reason == OMITTED_REASON and count.isascii() and count.isdigit() and len(count) <= 18:
                omitted += int(count)
    if not found:
        return None
    type_name = status.message.split(" ", 2)[1] if status.message.startswith("invalid ") else "request"
    return ValidationError(printable(type_name[:_RULE]), found, omitted)


_FIELD, _RULE, _TEXT = 1024, 128, 1024


def _refusal(request: Message) -> grpc.Status | None:
    if isinstance(request, _Undecodable):
        status = status_pb2.Status(code=code_pb2.INVALID_ARGUMENT, message=request.reason)
        return rpc_status.to_status(status)
    if isinstance(request, _Refused):
        return rpc_status.to_status(invalid_argument_status(request.request_type(), [request.violation]))
    found, count = collect(request)
    return rpc_status.to_status(invalid_argument_status(request, found, count - len(found))) if found else None


class _Undecodable:
    """What the wrapped deserializer hands on for bytes that are not the request type: refused as INVALID_ARGUMENT."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _safe_deserializer(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The handler's deserializer, refusing what does not parse, and scanning a large request before parsing it."""
    if deserializer is None:
        return None
    request_type = getattr(deserializer, "__self__", None)  # `Request.FromString`, as the generated stubs register
    descriptor = getattr(request_type, "DESCRIPTOR", None)

    def deserialize(data: bytes) -> Any:
        if descriptor is not None and len(data) >= SCAN_FROM_BYTES:
            early = scan(data, descriptor)
            if early is not None:
                return _Refused(request_type, early)
        try:
            return deserializer(data)
        except Exception as error:  # gRPC would answer INTERNAL; a request that is not protobuf is the client's fault
            return _Undecodable(f"the request is not a valid message of its type ({type(error).__name__})")

    return deserialize


class _Refused:
    """A large request refused from its encoding (a container past its bound) without parsing it."""

    __slots__ = ("request_type", "violation")

    def __init__(self, request_type: Any, violation: Violation) -> None:
        self.request_type = request_type
        self.violation = violation


def _validating_handler(
    handler: grpc.RpcMethodHandler[Any, Any], *, asynchronous: bool
) -> grpc.RpcMethodHandler[Any, Any]:
    """A copy of `handler` whose behaviour first validates each request (or each streamed request)."""
    if handler.request_streaming:
        kind = "stream_unary" if not handler.response_streaming else "stream_stream"
        behaviour = getattr(handler, kind)
        wrapped = _async_stream(behaviour, handler.response_streaming) if asynchronous else _sync_stream(behaviour)
    else:
        kind = "unary_unary" if not handler.response_streaming else "unary_stream"
        behaviour = getattr(handler, kind)
        wrapped = _async_unary(behaviour, handler.response_streaming) if asynchronous else _sync_unary(behaviour)
    factory = getattr(grpc, f"{kind}_rpc_method_handler")
    return factory(  # type: ignore[no-any-return]
        wrapped,
        request_deserializer=_safe_deserializer(handler.request_deserializer),
        response_serializer=handler.response_serializer,
    )


def _sync_unary(behaviour: Callable[..., Any]) -> Callable[..., Any]:
    def validate_then_call(request: Message, context: grpc.ServicerContext) -> Any:
        refusal = _refusal(request)
        if refusal is not None:
            context.abort_with_status(refusal)
        return behaviour(request, context)

    return validate_then_call


def _sync_stream(behaviour: Callable[..., Any]) -> Callable[..., Any]:
    def validate_each(requests: Iterator[Message], context: grpc.ServicerContext) -> Any:
        def checked() -> Iterator[Message]:
            for request in requests:
                refusal = _refusal(request)
                if refusal is not None:
                    context.abort_with_status(refusal)
                yield request

        return behaviour(checked(), context)

    return validate_each


async def _abort(context: grpc.aio.ServicerContext[Any, Any], refusal: grpc.Status) -> None:
    await context.abort(refusal.code, refusal.details, refusal.trailing_metadata)


def _async_unary(behaviour: Callable[..., Any], response_streaming: bool) -> Callable[..., Any]:
    if response_streaming:

        async def validate_then_stream(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            refusal = _refusal(request)
            if refusal is not None:
                await _abort(context, refusal)
            async for response in behaviour(request, context):
                yield response

        return validate_then_stream

    async def validate_then_call(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        refusal = _refusal(request)
        if refusal is not None:
            await _abort(context, refusal)
        return await behaviour(request, context)

    return validate_then_call


def _async_stream(behaviour: Callable[..., Any], response_streaming: bool) -> Callable[..., Any]:
    def checked(requests: AsyncIterator[Message], context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        async def each() -> AsyncIterator[Message]:
            async for request in requests:
                refusal = _refusal(request)
                if refusal is not None:
                    await _abort(context, refusal)
                yield request

        return each()

    if response_streaming:

        async def validate_each_then_stream(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            async for response in behaviour(checked(requests, context), context):
                yield response

        return validate_each_then_stream

    async def validate_each_then_answer(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        return await behaviour(checked(requests, context), context)

    return validate_each_then_answer


class ValidatingInterceptor(grpc.ServerInterceptor):
    """A sync server interceptor that refuses invalid requests with INVALID_ARGUMENT and BadRequest details."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        return None if handler is None else _validating_handler(handler, asynchronous=False)


class AsyncValidatingInterceptor(grpc.aio.ServerInterceptor):
    """The `grpc.aio` counterpart of `ValidatingInterceptor`."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        return None if handler is None else _validating_handler(handler, asynchronous=True)
