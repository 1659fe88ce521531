"""AIP-158 page tokens for the query services: opaque, tamper-evident, bound to the tenant and the filters.

A token carries the service's own cursor (an offset, the last key seen)
with the tenant and a digest of the request's filters, signed with HMAC-SHA256
under the service's secret. `read` refuses, with `PageTokenError`, a token
that was altered, made under another secret, replayed by another tenant or
with other filters (AIP-158: every field but `page_size` and `page_token`
must match the call that returned it), or older than `max_age`, and any spelling of a token but the one `issue`
wrote (padding, other characters base64 would skip). Services answer that
`INVALID_ARGUMENT`. `issue` never writes a token longer than the request's
`page_token` accepts (1024 characters), so every token is one the next
request can carry.

Example:
    tokens = PageTokens(secret)                    # the same secret on every replica

    def ListIncidents(self, request, context):
        try:
            start = int(tokens.read(request) or 0)  # "" on the first page
        except PageTokenError as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        found = search(request, start, request.page_size)
        next_token = tokens.issue(request, str(start + len(found))) if more else ""
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Final

from google.protobuf.message import Message

from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts.errors import InvalidArgumentError, PageTokenError

VERSION: Final = 1
"""The token format; a token of another format is refused."""

_SIGNATURE_BYTES = 32  # HMAC-SHA256
_PAGING_FIELDS = ("page_token", "page_size")


def filters_digest(request: Message) -> str:
    """SHA-256 of the request without `page_token` and `page_size`: what must not change between pages."""
    filters = type(request)()
    filters.CopyFrom(request)
    for name in _PAGING_FIELDS:
        if name in filters.DESCRIPTOR.fields_by_name:
            filters.ClearField(name)
    encoded = filters.SerializeToString(deterministic=True)
    return hashlib.sha256(request.DESCRIPTOR.full_name.encode() + b"\x00" + encoded).hexdigest()


def _encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def max_token_length(request: Message) -> int:
    """The longest `page_token` the request's contract accepts (its `string.max_len`), 1024 when it sets none."""
    field = request.DESCRIPTOR.fields_by_name.get("page_token")
    rules = field_rules(field) if field is not None else None
    if rules is not None and rules.WhichOneof("type") == "string" and rules.string.HasField("max_len"):
        return int(rules.string.max_len)
    return _DEFAULT_MAX_TOKEN


_DEFAULT_MAX_TOKEN = 1024


def _tenant(request: Message) -> str:
    if "tenant_id" not in request.DESCRIPTOR.fields_by_name:
        raise InvalidArgumentError(f"{request.DESCRIPTOR.name} has no tenant_id: page tokens bind to a tenant")
    tenant: str = getattr(request, "tenant_id")  # noqa: B009 (any request type)
    return tenant


class PageTokens:
    """Issues and reads page tokens under one secret (or several, to rotate: the first signs, all verify).

    `max_age` bounds how long a token stays good (AIP-158 lets tokens
    expire); `clock` gives seconds since the epoch (a test can pass its own).
    """

    def __init__(
        self,
        secret: bytes | Sequence[bytes],
        *,
        max_age: timedelta | None = timedelta(days=1),
        clock: Callable[[], float] = time.time,
    ) -> None:
        secrets = [secret] if isinstance(secret, bytes) else list(secret)
        if not secrets or any(not isinstance(key, bytes) or len(key) < 16 for key in secrets):
            raise InvalidArgumentError("page token secrets must be bytes, at least 16 of them each")
        self._secrets = secrets
        self._max_age = max_age
        self._now = clock

    def _sign(self, payload: bytes, secret: bytes) -> bytes:
        return hmac.new(secret, payload, hashlib.sha256).digest()

    def issue(self, request: Message, cursor: str) -> str:
        """The `next_page_token` that resumes `request` at `cursor` (the service's own position).

        Raises:
            InvalidArgumentError: the token would be longer than the request's
                `page_token` accepts (`max_token_length`): keep cursors short
                (an offset, a key), a few hundred characters at most.
        """
        document = {
            "v": VERSION,
            "t": _tenant(request),
            "f": filters_digest(request),
            "c": cursor,
            "i": int(self._now()),
        }
        payload = json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
        token = _encoded(payload + self._sign(payload, self._secrets[0]))
        limit = max_token_length(request)
        if len(token) > limit:
            raise InvalidArgumentError(
                f"a page token for this cursor would be {len(token)} characters, more than page_token takes ({limit})"
            )
        return token

    def read(self, request: Message) -> str:
        """The cursor `request.page_token` resumes at; "" when the request has no token (the first page).

        Raises:
            PageTokenError: the token is malformed, forged, from another tenant or other filters, or expired.
        """
        token: str = getattr(request, "page_token", "")
        if not token:
            return ""
        if len(token) > max_token_length(request) or not token.isascii():
            raise PageTokenError("page_token is not a token this service issued")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise PageTokenError("page_token is not a token this service issued") from None
        if _encoded(raw) != token:  # the one spelling issue writes: no padding, no skipped characters
            raise PageTokenError("page_token is not a token this service issued")
        payload, signature = raw[:-_SIGNATURE_BYTES], raw[-_SIGNATURE_BYTES:]
        if len(raw) <= _SIGNATURE_BYTES or not any(
            hmac.compare_digest(signature, self._sign(payload, secret)) for secret in self._secrets
        ):
            raise PageTokenError("page_token is not a token this service issued")
        document = json.loads(payload)
        if document.get("v") != VERSION:
            raise PageTokenError("page_token comes from another version of this service")
        if document.get("t") != _tenant(request):
            raise PageTokenError("page_token belongs to another tenant")
        if document.get("f") != filters_digest(request):
            raise PageTokenError("page_token was issued for other filters: only page_size may change between pages")
        if self._max_age is not None and self._now() - int(document.get("i", 0)) > self._max_age.total_seconds():
            raise PageTokenError("page_token has expired: start again from the first page")
        cursor: str = document.get("c", "")
        return cursor
