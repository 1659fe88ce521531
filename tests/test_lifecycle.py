"""One incident lifecycle: every fact that changes an incident's status allows exactly what `IncidentStatus` declares.

The table is the `next` and `acknowledgeable` options of `IncidentStatus`; the
facts' CEL rules spell it out for every language's protovalidate. Here every
(previous, new) pair is tried on every fact payload that carries an incident
status, found from the descriptors, so a new status-changing fact is held to
the same table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, sre_pb2
from ameide_sre_contracts.testing import example

STATUSES = [value.number for value in sre_pb2.IncidentStatus.DESCRIPTOR.values if value.number != 0]
STATUS_ENUM = sre_pb2.IncidentStatus.DESCRIPTOR.full_name

# Facts that report a status change without naming the new status: what it is, from the status before.
IMPLIED_STATUS: dict[str, Callable[[int], int | None]] = {
    "IncidentAcknowledged": sre.status_after_acknowledgement,  # type: ignore[dict-item]
}


def _status_facts() -> list[type[Message]]:
    """Every domain fact payload with an `IncidentStatus previous_status`: the facts that change a status."""
    found = []
    for payload in sre.topic_of(facts_pb2.SreDomainFact).payload_types:
        field = payload.DESCRIPTOR.fields_by_name.get("previous_status")
        if field is not None and field.enum_type is not None and field.enum_type.full_name == STATUS_ENUM:
            found.append(payload)
    return found


STATUS_FACTS = _status_facts()


def test_the_status_facts_are_found_from_the_descriptors() -> None:
    assert {payload.__name__ for payload in STATUS_FACTS} == {"IncidentStatusChanged", "IncidentAcknowledged"}


@pytest.mark.parametrize("payload_type", STATUS_FACTS, ids=lambda t: t.__name__)
def test_a_status_fact_accepts_exactly_the_declared_moves(payload_type: type[Message]) -> None:
    names_status = "status" in payload_type.DESCRIPTOR.fields_by_name
    assert names_status or payload_type.__name__ in IMPLIED_STATUS, f"{payload_type.__name__}: declare its new status"
    for previous, new in itertools.product(STATUSES, STATUSES if names_status else [0]):
        message = example(payload_type)
        message.previous_status = previous  # type: ignore[attr-defined]
        if names_status:
            message.status = new  # type: ignore[attr-defined]
            declared = sre.can_transition(previous, new)  # type: ignore[arg-type]
        else:
            declared = IMPLIED_STATUS[payload_type.__name__](previous) is not None
        rules = {violation.rule_id for violation in sre.violations(message)}
        assert (not rules) == declared, (payload_type.__name__, previous, new, rules)


def test_acknowledging_moves_an_open_incident_and_a_takeover_keeps_the_status() -> None:
    assert sre.status_after_acknowledgement(sre_pb2.INCIDENT_STATUS_OPEN) == sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED
    for kept in (
        sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED,
        sre_pb2.INCIDENT_STATUS_INVESTIGATING,
        sre_pb2.INCIDENT_STATUS_MITIGATING,
    ):
        assert sre.status_after_acknowledgement(kept) == kept
    for final in (
        sre_pb2.INCIDENT_STATUS_RESOLVED,
        sre_pb2.INCIDENT_STATUS_CLOSED,
        sre_pb2.INCIDENT_STATUS_UNSPECIFIED,
    ):
        assert sre.status_after_acknowledgement(final) is None
    assert {
        sre_pb2.INCIDENT_STATUS_OPEN,
        sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED,
        sre_pb2.INCIDENT_STATUS_INVESTIGATING,
        sre_pb2.INCIDENT_STATUS_MITIGATING,
    } == sre.ACKNOWLEDGEABLE_STATUSES


def test_a_closed_incidents_acknowledgement_is_refused_with_the_rule_that_says_why() -> None:
    message = example(facts_pb2.IncidentAcknowledged)
    message.previous_status = sre_pb2.INCIDENT_STATUS_CLOSED
    [violation] = sre.violations(message)
    assert violation.rule_id == "incident_acknowledged.acknowledgeable"
    assert "cannot be acknowledged" in violation.message
