"""Webhook authenticity: check a sender's HMAC signature over the raw body before mapping anything.

| sender | header | value |
|---|---|---|
| PagerDuty (webhook v3) | `X-PagerDuty-Signature` | `v1=<hex>`, comma-separated, one per signing secret |
| GitHub | `X-Hub-Signature-256` | `sha256=<hex>` |
| Jira (WebSub style) | `X-Hub-Signature` | `sha256=<hex>` (`sha384=`, `sha512=` too; `sha1=` refused) |

Every signature is an HMAC of the exact bytes received, so pass the raw body,
not one decoded and encoded again. `secrets` may name several (the current
and the next one while rotating); a delivery is authentic when any signature
it carries matches any secret. Digests are compared in constant time, the
header is bounded before it is read, and a refusal is a `SignatureError`
that never shows a secret or the expected value.

Example:
    signatures.verify("pagerduty", body, request.headers, secrets=[current, next_secret])
    intents = pagerduty.intents_from_webhook(body, tenant_id="acme", producer="sre-integration-pagerduty")
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from typing import Final, Literal, TypeAlias

from ameide_sre_contracts.errors import InvalidArgumentError, SignatureError, shown

Sender: TypeAlias = Literal["pagerduty", "github", "jira"]

PAGERDUTY_HEADER: Final = "X-PagerDuty-Signature"
GITHUB_HEADER: Final = "X-Hub-Signature-256"
JIRA_HEADER: Final = "X-Hub-Signature"
HEADERS: Final[Mapping[Sender, str]] = {"pagerduty": PAGERDUTY_HEADER, "github": GITHUB_HEADER, "jira": JIRA_HEADER}
"""The header each sender signs in."""

MAX_HEADER_LENGTH: Final = 4096
"""A signature header longer than this is refused unread (PagerDuty's carries one 67-character value per secret)."""
MAX_SIGNATURES: Final = 16
"""At most this many signatures are compared from one header."""

_DIGESTS: Final[Mapping[str, Callable[[], object]]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}

Secrets: TypeAlias = str | bytes | Sequence[str | bytes]


def _keys(secrets: Secrets) -> list[bytes]:
    listed = [secrets] if isinstance(secrets, str | bytes) else list(secrets)
    keys = [secret.encode() if isinstance(secret, str) else bytes(secret) for secret in listed]
    if not keys or not all(keys):
        raise InvalidArgumentError("give at least one signing secret, none empty")
    return keys


def _header_text(header: str, value: str | bytes | None) -> str:
    if value is None:
        raise SignatureError(header, "missing: the delivery is not signed")
    if not isinstance(value, str | bytes):
        raise InvalidArgumentError(f"{header} is text or bytes as received, not {type(value).__name__}")
    if len(value) > MAX_HEADER_LENGTH:
        raise SignatureError(header, f"longer than {MAX_HEADER_LENGTH} characters")
    if isinstance(value, bytes):
        try:
            return value.decode("ascii")
        except UnicodeDecodeError:
            raise SignatureError(header, "not ASCII") from None
    return value


def _raw(body: bytes | bytearray | memoryview) -> bytes:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise InvalidArgumentError(
            f"the signature covers the raw body's bytes; pass those, not a {type(body).__name__}"
        )
    return bytes(body)


def _matches(header: str, body: bytes, offered: list[tuple[str, str]], keys: list[bytes]) -> None:
    """Refuse unless one (algorithm, hex digest) offered is the HMAC of `body` under one of `keys`."""
    if not offered:
        raise SignatureError(header, "carries no signature this package can check")
    if len(offered) > MAX_SIGNATURES:
        raise SignatureError(header, f"carries more than {MAX_SIGNATURES} signatures")
    matched = False
    for algorithm, digest in offered:
        for key in keys:
            expected = hmac.new(key, body, _DIGESTS[algorithm]).hexdigest()  # type: ignore[arg-type]
            matched |= hmac.compare_digest(expected.encode(), digest.lower().encode())
    if not matched:
        raise SignatureError(header, "matches none of the signing secrets: not from the sender, or altered")


def verify_pagerduty(body: bytes, signature: str | bytes | None, secrets: Secrets) -> None:
    """Check PagerDuty's webhook v3 `X-PagerDuty-Signature` (`v1=<hex>`, several while secrets rotate).

    Values of other versions are skipped, as PagerDuty documents.

    Raises:
        SignatureError: missing, malformed, or matching no secret.
        InvalidArgumentError: no secret given, or a body that is not bytes.
    """
    header = _header_text(PAGERDUTY_HEADER, signature)
    offered = [
        ("sha256", part.strip()[3:]) for part in header.split(",")[: MAX_SIGNATURES + 1] if part.strip()[:3] == "v1="
    ]
    _matches(PAGERDUTY_HEADER, _raw(body), offered, _keys(secrets))


def _prefixed(header: str, value: str) -> list[tuple[str, str]]:
    algorithm, equals, digest = value.strip().partition("=")
    if not equals:
        raise SignatureError(header, f"expected <algorithm>=<hex digest>, found {shown(value, 40)}")
    if algorithm == "sha1":
        raise SignatureError(header, "sha1 is not accepted: configure the sender to sign with sha256")
    if algorithm not in _DIGESTS:
        raise SignatureError(header, f"unknown algorithm {shown(algorithm, 16)}")
    return [(algorithm, digest)]


def verify_github(body: bytes, signature: str | bytes | None, secrets: Secrets) -> None:
    """Check GitHub's `X-Hub-Signature-256` (`sha256=<hex>`).

    Raises:
        SignatureError: missing, malformed, or matching no secret.
        InvalidArgumentError: no secret given, or a body that is not bytes.
    """
    header = _header_text(GITHUB_HEADER, signature)
    offered = _prefixed(GITHUB_HEADER, header)
    if offered[0][0] != "sha256":
        raise SignatureError(GITHUB_HEADER, "GitHub signs this header with sha256")
    _matches(GITHUB_HEADER, _raw(body), offered, _keys(secrets))


def verify_jira(body: bytes, signature: str | bytes | None, secrets: Secrets) -> None:
    """Check Jira's `X-Hub-Signature` (`sha256=<hex>`, WebSub style; sha384 and sha512 accepted, sha1 refused).

    Raises:
        SignatureError: missing, malformed, or matching no secret.
        InvalidArgumentError: no secret given, or a body that is not bytes.
    """
    header = _header_text(JIRA_HEADER, signature)
    _matches(JIRA_HEADER, _raw(body), _prefixed(JIRA_HEADER, header), _keys(secrets))


_VERIFIERS: Final[Mapping[Sender, Callable[[bytes, str | bytes | None, Secrets], None]]] = {
    "pagerduty": verify_pagerduty,
    "github": verify_github,
    "jira": verify_jira,
}


def verify(
    sender: Sender,
    body: bytes,
    headers: Mapping[str, str] | Sequence[tuple[str, str | bytes]],
    secrets: Secrets,
) -> None:
    """Check the signature `sender` puts in its header, found case-insensitively in `headers`.

    Raises:
        SignatureError: the header is missing (or given twice), malformed, or matches no secret.
        InvalidArgumentError: an unknown sender, no secret, or a body that is not bytes.
    """
    if sender not in _VERIFIERS:
        raise InvalidArgumentError(f"no signature scheme for {shown(sender, 32)}; known: {', '.join(_VERIFIERS)}")
    wanted = HEADERS[sender].lower()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    found = [value for name, value in pairs if isinstance(name, str) and name.lower() == wanted]
    if len(found) > 1:
        raise SignatureError(HEADERS[sender], "given more than once")
    _VERIFIERS[sender](body, found[0] if found else None, secrets)
