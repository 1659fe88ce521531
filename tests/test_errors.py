"""ameide_sre_contracts.errors: one hierarchy, builtin bases, readable messages."""

from __future__ import annotations

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (sre.DecodeError, ValueError),
        (sre.ValidationError, ValueError),
        (sre.UnknownTopicError, KeyError),
        (sre.PayloadTypeError, TypeError),
    ],
)
def test_leaf_errors_share_one_root_and_their_builtin(error: type[Exception], builtin: type[Exception]) -> None:
    """Every leaf is a ContractError and the builtin it resembles."""
    assert issubclass(error, sre.ContractError)
    assert issubclass(error, builtin)
    assert issubclass(sre.UnknownPayloadError, sre.ContractError)
    assert not issubclass(sre.UnknownPayloadError, sre.ValidationError)


def test_validation_error_lists_each_violation_as_path_message_rule() -> None:
    """str() has one line per violation: `field.path: message [rule_id]`; a message-level rule says so."""
    error = sre.ValidationError(
        "SreDomainFact",
        [
            sre.Violation("meta.tenant_id", "string.min_len", "must be at least 1 characters"),
            sre.Violation("", "fleet_state.out_of_sync_within_total", "too many"),
            sre.Violation('alert.labels[""]', "string.min_len", "must be at least 1 characters", for_key=True),
        ],
    )
    lines = str(error).splitlines()
    assert lines[0] == "invalid SreDomainFact (3 violation(s)):"
    assert lines[1] == "  meta.tenant_id: must be at least 1 characters [string.min_len]"
    assert lines[2] == "  (message): too many [fleet_state.out_of_sync_within_total]"
    assert lines[3] == '  alert.labels[""] (key): must be at least 1 characters [string.min_len]'
    assert len(error.violations) == 3


def test_unknown_payload_error_names_the_field_number() -> None:
    """The error keeps the envelope and says which case number it did not know."""
    envelope = facts_pb2.SreDomainFact()
    error = sre.UnknownPayloadError(envelope, 77)
    assert error.field_number == 77
    assert error.envelope is envelope
    assert "field number 77" in str(error)
    assert "no payload at all" in str(sre.UnknownPayloadError(envelope, None))
