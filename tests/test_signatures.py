"""adapters.signatures: published test vectors verify; anything else is refused without showing a secret."""

from __future__ import annotations

import hashlib
import hmac

import pytest

import ameide_sre_contracts as sre
from ameide_sre_contracts.adapters import pagerduty, signatures
from tests.adapter_checks import REAL

# PagerDuty's own vector: go-pagerduty webhookv3/webhookv3_test.go (Apache-2.0), body in the fixture.
PD_BODY = (REAL / "pagerduty" / "go-pagerduty-signed-priority_updated.json").read_bytes()
PD_SECRET = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK"
PD_VALID = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd"
PD_MISMATCH = "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5"
# GitHub's documented example ("Validating webhook deliveries").
GH_SECRET = "It's a Secret to Everybody"
GH_BODY = b"Hello, World!"
GH_VALID = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def _sign(secret: bytes, body: bytes, algorithm: str = "sha256") -> str:
    return hmac.new(secret, body, getattr(hashlib, algorithm)).hexdigest()


def test_pagerdutys_own_vector_verifies_and_its_mismatch_does_not() -> None:
    signatures.verify_pagerduty(PD_BODY, PD_VALID, PD_SECRET)
    with pytest.raises(sre.SignatureError, match="matches none") as refused:
        signatures.verify_pagerduty(PD_BODY, PD_MISMATCH, PD_SECRET)
    assert PD_SECRET not in str(refused.value)
    assert PD_VALID[3:] not in str(refused.value)  # the expected digest is not shown either
    assert refused.value.header == "X-PagerDuty-Signature"
    (intent,) = pagerduty.intents_from_webhook(PD_BODY, tenant_id="acme", producer="sre-integration-pagerduty")
    assert intent.WhichOneof("intent") == "update_incident_severity"


def test_pagerduty_rotation_any_of_several_signatures_and_secrets() -> None:
    """While secrets rotate PagerDuty signs with each; either side may hold the old or the new one."""
    new = b"the-next-secret"
    both = f"{PD_MISMATCH},v1={_sign(new, PD_BODY)}"
    signatures.verify_pagerduty(PD_BODY, both, [b"old-and-gone", new])
    signatures.verify_pagerduty(PD_BODY, f"v2=abc, {PD_VALID}", [PD_SECRET, new])  # other versions skipped
    with pytest.raises(sre.SignatureError, match="no signature"):
        signatures.verify_pagerduty(PD_BODY, "v2=" + PD_VALID[3:], PD_SECRET)


def test_githubs_documented_example_verifies() -> None:
    signatures.verify_github(GH_BODY, GH_VALID, GH_SECRET)
    signatures.verify_github(GH_BODY, GH_VALID.upper().replace("SHA256", "sha256"), GH_SECRET)  # hex in any case
    with pytest.raises(sre.SignatureError, match="matches none"):
        signatures.verify_github(GH_BODY + b" ", GH_VALID, GH_SECRET)  # one byte more: altered
    with pytest.raises(sre.SignatureError, match="sha1"):
        signatures.verify_github(GH_BODY, "sha1=" + _sign(GH_SECRET.encode(), GH_BODY, "sha1"), GH_SECRET)


def test_jira_signs_websub_style() -> None:
    secret = b"jira-webhook-secret"
    body = b'{"webhookEvent":"jira:issue_updated"}'
    signatures.verify_jira(body, "sha256=" + _sign(secret, body), secret)
    signatures.verify_jira(body, "sha512=" + _sign(secret, body, "sha512"), secret)
    with pytest.raises(sre.SignatureError, match="unknown algorithm"):
        signatures.verify_jira(body, "md5=" + hashlib.md5(body).hexdigest(), secret)


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        (None, "missing"),
        ("", "no signature"),
        ("v1=", "matches none"),
        ("v1=zz" + "0" * 62, "matches none"),
        ("v1=" + "0" * 5000, "longer than 4096"),
        (",".join(["v1=" + "0" * 64] * 20), "more than 16"),
        ("v1=\u00e9".encode(), "not ASCII"),
    ],
)
def test_malformed_pagerduty_headers_are_refused_as_signature_errors(
    header: str | bytes | None, complaint: str
) -> None:
    with pytest.raises(sre.SignatureError, match=complaint) as refused:
        signatures.verify_pagerduty(PD_BODY, header, PD_SECRET)
    assert isinstance(refused.value, ValueError)


def test_the_receiver_helper_finds_the_header_in_any_case_once() -> None:
    signatures.verify("pagerduty", PD_BODY, {"x-pagerduty-signature": PD_VALID}, PD_SECRET)
    signatures.verify("github", GH_BODY, [("X-HUB-SIGNATURE-256", GH_VALID)], [GH_SECRET])
    with pytest.raises(sre.SignatureError, match="missing"):
        signatures.verify("github", GH_BODY, {"X-Hub-Signature": GH_VALID}, GH_SECRET)  # Jira's header, not GitHub's
    with pytest.raises(sre.SignatureError, match="more than once"):
        signatures.verify("github", GH_BODY, [("X-Hub-Signature-256", GH_VALID)] * 2, GH_SECRET)


@pytest.mark.parametrize(
    ("call", "complaint"),
    [
        (lambda: signatures.verify_github(GH_BODY.decode(), GH_VALID, GH_SECRET), "raw body"),  # type: ignore[arg-type]
        (lambda: signatures.verify_github(GH_BODY, GH_VALID, []), "at least one"),
        (lambda: signatures.verify_github(GH_BODY, GH_VALID, ["", GH_SECRET]), "none empty"),
        (lambda: signatures.verify("opsgenie", GH_BODY, {}, GH_SECRET), "no signature scheme"),  # type: ignore[arg-type]
    ],
)
def test_caller_mistakes_are_invalid_arguments(call: object, complaint: str) -> None:
    with pytest.raises(sre.InvalidArgumentError, match=complaint):
        call()  # type: ignore[operator]


def test_a_header_at_the_bound_is_read_and_one_past_it_is_not() -> None:
    """4,096 characters are parsed (here: valid signature first, then padding values); 4,097 are refused unread."""
    at_bound = PD_VALID + "," + "v2=" + "0" * (signatures.MAX_HEADER_LENGTH - len(PD_VALID) - 4)
    assert len(at_bound) == signatures.MAX_HEADER_LENGTH
    signatures.verify_pagerduty(PD_BODY, at_bound, PD_SECRET)
    with pytest.raises(sre.SignatureError, match="longer than 4096"):
        signatures.verify_pagerduty(PD_BODY, at_bound + "0", PD_SECRET)
