"""Tenant isolation is in the contract: no envelope and no query request is valid without a tenant."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import query_pb2
from ameide_sre_contracts import testing
from tests.conftest import ENVELOPES


def _requests() -> list[type[Message]]:
    return [
        getattr(query_pb2, method.input_type.name)
        for service in query_pb2.DESCRIPTOR.services_by_name.values()
        for method in service.methods
    ]


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda t: t.__name__)
def test_every_envelope_needs_a_tenant(envelope_type: type[Message]) -> None:
    """Each example, with its tenant cleared or malformed, is refused at meta.tenant_id."""
    for envelope in testing.examples(envelope_type):
        for bad in ("", "tenant with spaces", "x" * 129, "../other-tenant"):
            envelope.meta.tenant_id = bad  # type: ignore[attr-defined]
            assert "meta.tenant_id" in {v.field_path for v in sre.violations(envelope)}, bad


@pytest.mark.parametrize("request_type", _requests(), ids=lambda t: t.__name__)
def test_every_query_request_needs_a_tenant(request_type: type[Message]) -> None:
    """Found by walking the query services: every request is refused without tenant_id."""
    request = testing.query_example(request_type)
    assert sre.violations(request) == []
    request.ClearField("tenant_id")
    assert "tenant_id" in {v.field_path for v in sre.violations(request)}


def test_the_walk_sees_every_rpc() -> None:
    """All nineteen RPCs of the seven services (4 + 3 + 3 + 3 + 2 + 2 + 2) are walked."""
    assert len(_requests()) == 19
