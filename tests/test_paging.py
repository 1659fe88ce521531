"""AIP-158 page tokens: opaque, tamper-evident, bound to the tenant and the filters, expiring, rotatable."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from ameide_core_proto.sre.core.v1 import query_pb2, sre_pb2
from ameide_sre_contracts.errors import ContractError, InvalidArgumentError, PageTokenError
from ameide_sre_contracts.paging import PageTokens, filters_digest

SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32


class Clock:
    """Seconds since the epoch that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


def _request(**changes: object) -> query_pb2.ListIncidentsRequest:
    request = query_pb2.ListIncidentsRequest(
        tenant_id="tenant-acme",
        page_size=50,
        statuses=[sre_pb2.INCIDENT_STATUS_OPEN],
        severities=[sre_pb2.SEVERITY_HIGH],
    )
    for name, value in changes.items():
        if isinstance(value, list):
            request.ClearField(name)  # type: ignore[arg-type]
            getattr(request, name).extend(value)
        else:
            setattr(request, name, value)
    return request


def _next(tokens: PageTokens, request: query_pb2.ListIncidentsRequest, cursor: str) -> query_pb2.ListIncidentsRequest:
    """The request for the following page, as a client sends it: the same, plus the token."""
    following = query_pb2.ListIncidentsRequest()
    following.CopyFrom(request)
    following.page_token = tokens.issue(request, cursor)
    return following


def test_first_page_has_no_cursor_and_tokens_resume_where_issued() -> None:
    tokens = PageTokens(SECRET)
    first = _request()
    assert tokens.read(first) == ""
    second = _next(tokens, first, "offset:50")
    assert tokens.read(second) == "offset:50"
    third = _next(tokens, second, "offset:100")  # issued from a request that carried a token itself
    assert tokens.read(third) == "offset:100"


def test_tokens_are_opaque_url_safe_text() -> None:
    """The cursor is not readable as-is from the token, and the token survives a URL or header unescaped."""
    token = PageTokens(SECRET).issue(_request(), "last-key:incident-42")
    assert token.isascii()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "incident-42" not in token


def test_page_size_may_change_between_pages() -> None:
    tokens = PageTokens(SECRET)
    following = _next(tokens, _request(), "offset:50")
    following.page_size = 10
    assert tokens.read(following) == "offset:50"


@pytest.mark.parametrize(
    "changes",
    [
        {"statuses": [sre_pb2.INCIDENT_STATUS_RESOLVED]},
        {"severities": []},
        {"severities": [sre_pb2.SEVERITY_HIGH, sre_pb2.SEVERITY_CRITICAL]},
    ],
    ids=["other-status", "filter-dropped", "filter-widened"],
)
def test_other_filters_are_refused(changes: dict[str, object]) -> None:
    tokens = PageTokens(SECRET)
    token = tokens.issue(_request(), "offset:50")
    replayed = _request(**changes, page_token=token)
    with pytest.raises(PageTokenError, match="other filters"):
        tokens.read(replayed)


def test_another_tenant_is_refused() -> None:
    """A token replayed by another tenant, even with the same filters, gives nothing away."""
    tokens = PageTokens(SECRET)
    token = tokens.issue(_request(), "offset:50")
    with pytest.raises(PageTokenError, match="another tenant"):
        tokens.read(_request(tenant_id="tenant-rival", page_token=token))


def _forge(token: str, **changes: object) -> str:
    """The token with its JSON changed and the signature kept: what a client can do without the secret."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    payload, signature = raw[:-32], raw[-32:]
    document = json.loads(payload)
    document.update(changes)
    forged = json.dumps(document, separators=(",", ":"), sort_keys=True).encode() + signature
    return base64.urlsafe_b64encode(forged).rstrip(b"=").decode()


@pytest.mark.parametrize("changes", [{"c": "offset:0"}, {"t": "tenant-rival"}, {"i": 2_000_000_000}])
def test_altered_tokens_are_refused(changes: dict[str, object]) -> None:
    tokens = PageTokens(SECRET)
    token = tokens.issue(_request(), "offset:50")
    with pytest.raises(PageTokenError, match="not a token this service issued"):
        tokens.read(_request(page_token=_forge(token, **changes)))


@pytest.mark.parametrize(
    "token",
    ["x", "not base64 at all!", "A" * 8, base64.urlsafe_b64encode(b"{}" + b"\0" * 32).decode(), "=" * 4],
)
def test_garbage_is_refused_as_a_contract_error(token: str) -> None:
    """Whatever a client sends as page_token ends as PageTokenError (a ContractError and a ValueError)."""
    with pytest.raises(PageTokenError) as refused:
        PageTokens(SECRET).read(_request(page_token=token))
    assert isinstance(refused.value, ContractError)
    assert isinstance(refused.value, ValueError)


def test_tokens_of_another_secret_are_refused_and_rotation_keeps_old_ones() -> None:
    old = PageTokens(OTHER_SECRET)
    token = old.issue(_request(), "offset:50")
    with pytest.raises(PageTokenError, match="not a token this service issued"):
        PageTokens(SECRET).read(_request(page_token=token))
    rotated = PageTokens([SECRET, OTHER_SECRET])  # the new secret signs, the old one still verifies
    assert rotated.read(_request(page_token=token)) == "offset:50"
    fresh = rotated.issue(_request(), "offset:100")
    assert PageTokens(SECRET).read(_request(page_token=fresh)) == "offset:100"


def test_tokens_expire_after_max_age() -> None:
    clock = Clock()
    tokens = PageTokens(SECRET, max_age=timedelta(hours=1), clock=clock)
    following = _next(tokens, _request(), "offset:50")
    clock.now += 3600
    assert tokens.read(following) == "offset:50"  # exactly max_age old: still good
    clock.now += 1
    with pytest.raises(PageTokenError, match="expired"):
        tokens.read(following)
    forever = PageTokens(SECRET, max_age=None, clock=clock)
    ancient = _next(forever, _request(), "offset:50")
    clock.now += 10 * 365 * 86400
    assert forever.read(ancient) == "offset:50"


def test_weak_secrets_and_tenantless_requests_are_refused() -> None:
    for secrets in (b"short", [], [SECRET, "text"]):
        with pytest.raises(InvalidArgumentError, match="at least 16"):
            PageTokens(secrets)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="no tenant_id"):
        PageTokens(SECRET).issue(sre_pb2.SreActor(), "x")


def test_filters_digest_ignores_only_paging_fields() -> None:
    base = filters_digest(_request())
    assert filters_digest(_request(page_size=7, page_token="anything")) == base
    assert filters_digest(_request(tenant_id="tenant-rival")) != base
    assert filters_digest(_request(severities=[])) != base
    # Same bytes of filters in another request type still differ: the type is part of the digest.
    assert filters_digest(query_pb2.ListAlertsRequest(tenant_id="t")) != filters_digest(
        query_pb2.ListIncidentsRequest(tenant_id="t")
    )
