"""adapters.opsgenie: real webhook actions in, Alert API v2 requests out, one incident on both sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, incident_pb2, sre_pb2
from ameide_sre_contracts import adapters, testing
from ameide_sre_contracts.adapters import AdapterInputError, derived_id, opsgenie
from tests.adapter_checks import REAL, fixtures

TENANT = "tenant-acme"
PRODUCER = "sre-integration-opsgenie"
HOOKS = fixtures("opsgenie")
EXPECTED = {
    "Acknowledge": "acknowledge_incident",
    "UnAcknowledge": "add_timeline_entry",
    "Close": "resolve_incident",
    "AddNote": "add_timeline_entry",
    "Escalate": "add_timeline_entry",
    "AssignOwnership": "assign_incident",
    "TakeOwnership": "assign_incident",
}


def _map(body: Any, **extra: Any) -> list[Any]:
    return opsgenie.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER, **extra)


@pytest.mark.parametrize("path", HOOKS, ids=lambda p: p.name)
def test_every_real_action_maps_to_its_intent_or_is_ignored_by_name(path: Path) -> None:
    """Mapped actions give one valid intent, the same on redelivery; ignored ones none; none is refused."""
    body = json.loads(path.read_bytes())
    intents = _map(path.read_bytes())
    if body["action"] in opsgenie.IGNORED_ACTIONS:
        assert intents == []
        return
    (intent,) = intents
    assert sre.violations(intent) == []
    assert sre.decode(sre.DOMAIN_INTENTS_TOPIC, sre.encode(intent)) == intent
    assert intent.WhichOneof("intent") == EXPECTED[body["action"]]
    assert intent.subject.aggregate_id == derived_id("opsgenie-alert", TENANT, body["alert"]["alertId"])
    again = _map(path.read_bytes())  # redelivered: identical ids (and, with an updatedAt, identical intents)
    assert [i.meta.message_id for i in again] == [i.meta.message_id for i in intents]
    if "updatedAt" in body["alert"]:
        assert again == intents


def test_the_real_actions_carry_who_when_and_what() -> None:
    (ack,) = _map((REAL / "opsgenie" / "zulip-acknowledge.json").read_bytes())
    assert ack.acknowledge_incident.acknowledged_by.id == "opsgenie:responder@example.com"
    assert ack.meta.occurred_at.ToNanoseconds() == 1420452224764002246  # updatedAt, nanoseconds
    (note,) = _map((REAL / "opsgenie" / "zulip-addnote.json").read_bytes())
    assert (note.add_timeline_entry.kind, note.add_timeline_entry.text) == (
        incident_pb2.TIMELINE_ENTRY_KIND_NOTE,
        "note to test alert",
    )
    (owner,) = _map((REAL / "opsgenie" / "zulip-assignownership.json").read_bytes())
    assert owner.assign_incident.assignee.display_name == "owner@example.com"
    (taken,) = _map((REAL / "opsgenie" / "zulip-takeownership.json").read_bytes())
    assert taken.assign_incident.assignee.display_name == "test@test.com"
    (escalated,) = _map((REAL / "opsgenie" / "zulip-escalate.json").read_bytes())
    assert escalated.add_timeline_entry.text == "Escalated in Opsgenie by test_esc to escalation@example.com"
    again = _map((REAL / "opsgenie" / "zulip-escalate.json").read_bytes())
    assert again[0].meta.message_id == escalated.meta.message_id  # no updatedAt: the escalation id dedupes


def test_every_action_opsgenie_documents_is_mapped_or_ignored_and_a_new_one_is_ignored() -> None:
    documented = {
        "Create", "Acknowledge", "UnAcknowledge", "AddNote", "Close", "Delete", "AssignOwnership",
        "TakeOwnership", "AddRecipient", "AddTeam", "AddTags", "RemoveTags", "Escalate", "EscalateToNext",
        "CustomAction", "Snooze", "SnoozeEnded", "AddResponder", "UpdatePriority", "UpdateMessage",
        "UpdateDescription", "AddDetails", "RemoveDetails", "UpdateAlias",
    }  # fmt: skip
    assert not opsgenie.MAPPED_ACTIONS & opsgenie.IGNORED_ACTIONS
    assert documented == opsgenie.MAPPED_ACTIONS | opsgenie.IGNORED_ACTIONS
    assert _map({"action": "SomethingNew", "alert": [1, 2, 3]}) == []


def test_one_incident_out_and_back_by_alias() -> None:
    """The alert this module creates carries the incident id as alias; Opsgenie's webhooks come back to it."""
    created = testing.examples(facts_pb2.SreDomainFact)[0]
    (request,) = opsgenie.requests_from_fact(created)
    incident = created.incident_created.incident
    assert (request["method"], request["path"]) == ("POST", "/v2/alerts")
    body = request["body"]
    assert (body["alias"], body["priority"]) == (incident.incident_id, "P2")  # HIGH
    assert body["message"] == incident.title[: opsgenie.MAX_MESSAGE]
    webhook = json.loads((REAL / "opsgenie" / "zulip-acknowledge.json").read_bytes())
    webhook["alert"]["alias"] = body["alias"]
    (intent,) = _map(webhook)
    assert intent.subject.aggregate_id == incident.incident_id
    assert (
        _map(webhook, incident_id_for=lambda alert_id: "00000000-0000-4000-8000-000000000001")[0].subject.aggregate_id
        == "00000000-0000-4000-8000-000000000001"
    )
    webhook["alert"]["alias"] = incident.incident_id.replace("-", "")  # not our spelling: not taken for ours
    assert _map(webhook)[0].subject.aggregate_id == derived_id("opsgenie-alert", TENANT, webhook["alert"]["alertId"])


@pytest.mark.parametrize(
    ("case", "path", "method"),
    [
        ("incident_acknowledged", "acknowledge", "POST"),
        ("incident_resolved", "close", "POST"),
        ("incident_closed", "close", "POST"),
        ("incident_timeline_entry_added", "notes", "POST"),
        ("incident_severity_changed", "priority", "PUT"),
    ],
)
def test_lifecycle_facts_become_requests_by_alias(case: str, path: str, method: str) -> None:
    fact = next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.WhichOneof("fact") == case)
    (request,) = opsgenie.requests_from_fact(fact)
    assert request["method"] == method
    assert request["path"] == f"/v2/alerts/{testing.INCIDENT_ID}/{path}?identifierType=alias"
    if case == "incident_severity_changed":
        assert request["body"] == {"priority": "P1"}  # CRITICAL


def test_status_changes_and_other_facts() -> None:
    examples = {f.WhichOneof("fact"): f for f in testing.examples(facts_pb2.SreDomainFact)}
    changed = examples["incident_status_changed"]
    assert opsgenie.requests_from_fact(changed) == []  # to investigating: nothing in Opsgenie changes
    changed.incident_status_changed.status = sre_pb2.INCIDENT_STATUS_RESOLVED
    (request,) = opsgenie.requests_from_fact(changed)
    assert request["path"].endswith("/close?identifierType=alias")
    assert opsgenie.requests_from_fact(examples["alert_ingested"]) == []
    assert [opsgenie.PRIORITY[value] for value in (sre_pb2.SEVERITY_CRITICAL, sre_pb2.SEVERITY_INFO)] == ["P1", "P5"]


def test_not_an_opsgenie_webhook_is_refused_with_its_path() -> None:
    with pytest.raises(AdapterInputError) as refused:
        _map({"alert": {}})
    assert refused.value.path == "$.action"
    with pytest.raises(AdapterInputError) as refused:
        _map({"action": "Acknowledge", "alert": {"alertId": "a", "updatedAt": -5}})
    assert refused.value.path == "$.alert.updatedAt"
    (closed,) = adapters.ingest(
        "opsgenie", (REAL / "opsgenie" / "zulip-close.json").read_bytes(), tenant_id=TENANT, producer=PRODUCER
    )
    assert closed.resolve_incident.resolution_summary == "Closed in Opsgenie by responder@example.com"
