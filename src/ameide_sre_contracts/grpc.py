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
`description` the message followed by the rule id in brackets. Valid requests
reach the service untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import grpc
import grpc.aio
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ameide_sre_contracts.errors import ValidationError, Violation
from ameide_sre_contracts.validation import violations

__all__ = ["AsyncValidatingInterceptor", "ValidatingInterceptor", "invalid_argument_status", "validation_error"]


def invalid_argument_status(message: Message, found: list[Violation]) -> status_pb2.Status:
    """The `google.rpc.Status` that refuses `message` for `found`, with a BadRequest detail."""
    bad_request = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(
                field=violation.field_path,
                reason=violation.rule_id,
                description=f"{violation.message} [{violation.rule_id}]",
            )
            for violation in found
        ]
    )
    detail = any_pb2.Any()
    detail.Pack(bad_request)
    return status_pb2.Status(
        code=code_pb2.INVALID_ARGUMENT,
        message=str(ValidationError(message.DESCRIPTOR.name, found)),
        details=[detail],
    )


def validation_error(error: grpc.RpcError) -> ValidationError | None:
    """The `ValidationError` an INVALID_ARGUMENT with BadRequest details stands for; None for any other failure."""
    call: Any = error
    if not hasattr(call, "code") or call.code() != grpc.StatusCode.INVALID_ARGUMENT:
        return None
    status = rpc_status.from_call(call)
    if status is None:
        return None
    found: list[Violation] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            for violation in bad_request.field_violations:
                suffix = f" [{violation.reason}]"
                text = violation.description.removesuffix(suffix)
                found.append(Violation(violation.field, violation.reason, text))
    if not found:
        return None
    type_name = status.message.split(" ", 2)[1] if status.message.startswith("invalid ") else "request"
    return ValidationError(type_name, found)


def _refusal(request: Message) -> grpc.Status | None:
    found = violations(request)
    return rpc_status.to_status(invalid_argument_status(request, found)) if found else None


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
        request_deserializer=handler.request_deserializer,
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
