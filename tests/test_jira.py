"""adapters.jira: real Jira webhooks in, REST API v3 requests out, one incident on both sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, incident_pb2, sre_pb2
from ameide_sre_contracts import adapters, aggregates, testing
from ameide_sre_contracts.adapters import AdapterInputError, derived_id, jira
from tests.adapter_checks import REAL, fixtures

TENANT = "tenant-acme"
PRODUCER = "sre-integration-jira"
HOOKS = fixtures("jira")
# What each real webhook becomes, read from the payload by hand (the changelog, the comment, the categories).
EXPECTED = {
    "mattermost-issue-updated-assigned.json": ["assign_incident"],
    "mattermost-issue-updated-assigned-nobody.json": ["add_timeline_entry"],
    "mattermost-issue-updated-resolved.json": ["resolve_incident"],  # resolution and status: one intent
    "mattermost-issue-updated-reopened.json": ["transition_incident_status"],
    "mattermost-issue-updated-raised-priority.json": ["update_incident_severity"],
    "mattermost-server-issue-updated-in-progress.json": ["transition_incident_status"],
    "mattermost-server-issue-updated-closed.json": ["close_incident"],
    "mattermost-server-issue-updated-commented-1.json": ["add_timeline_entry"],
    "mattermost-server-comment-created.json": ["add_timeline_entry"],
    "mattermost-cloud-comment-created.json": ["add_timeline_entry"],
    "mattermost-cloud-comment-updated.json": [],
    "mattermost-issue-created.json": [],
    "mattermost-issue-deleted.json": [],
}
# Jira's documented answer to POST /rest/api/3/issue.
CREATED = {
    "id": "10000",
    "key": "ED-24",
    "self": "https://your-domain.atlassian.net/rest/api/3/issue/10000",
    "transition": {"status": 200, "errorCollection": {"errorMessages": [], "errors": {}}},
}


def _map(body: Any, **extra: Any) -> list[Any]:
    return jira.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER, **extra)


def _hook(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REAL / "jira" / f"mattermost-{name}.json").read_bytes())
    return loaded


def test_every_real_fixture_is_listed() -> None:
    assert sorted(EXPECTED) == [path.name for path in HOOKS]


@pytest.mark.parametrize("path", HOOKS, ids=lambda p: p.name)
def test_every_real_webhook_maps_to_its_intents_and_redelivery_dedupes(path: Path) -> None:
    intents = _map(path.read_bytes())
    assert [intent.WhichOneof("intent") for intent in intents] == EXPECTED[path.name]
    for intent in intents:
        assert sre.violations(intent) == []
        assert sre.decode(sre.DOMAIN_INTENTS_TOPIC, sre.encode(intent)) == intent
    assert _map(path.read_bytes()) == intents  # the timestamp is the event's: the same intents again


def test_the_real_changes_carry_who_when_and_what() -> None:
    (assigned,) = _map(_hook("issue-updated-assigned"))
    assert assigned.assign_incident.assignee.id == "jira:5c5f880629be9642ba529340"  # the accountId, not `to`
    assert assigned.meta.occurred_at.ToMilliseconds() == 1550287081752
    assert assigned.subject.aggregate_id == derived_id("jira-issue", TENANT, "10040")
    (resolved,) = _map(_hook("issue-updated-resolved"))
    assert resolved.resolve_incident.resolution_summary == "Jira status In Progress → Done (Done)"
    (closed,) = _map(_hook("server-issue-updated-closed"))
    assert closed.close_incident.closing_note == "Jira status Resolved → Closed"
    assert closed.meta.actor.id == "jira:admin"  # Jira Server names users by name
    (reopened,) = _map(_hook("issue-updated-reopened"))
    assert reopened.transition_incident_status.status == sre_pb2.INCIDENT_STATUS_INVESTIGATING
    (raised,) = _map(_hook("issue-updated-raised-priority"))
    assert raised.update_incident_severity.severity == sre_pb2.SEVERITY_HIGH
    (unassigned,) = _map(_hook("issue-updated-assigned-nobody"))
    assert unassigned.add_timeline_entry.text == "Unassigned in Jira (was Test User)"


def test_one_comment_sent_twice_is_one_message() -> None:
    """Jira Server sends comment_created (no issue; its self link names it) and issue_updated for one comment."""
    (created,) = _map(_hook("server-comment-created"))
    (updated,) = _map(_hook("server-issue-updated-commented-1"))
    assert created.meta.message_id == updated.meta.message_id == derived_id("jira-comment", TENANT, "10082")
    assert created.subject.aggregate_id == updated.subject.aggregate_id == derived_id("jira-issue", TENANT, "10013")
    assert created.add_timeline_entry.text == "unik"
    assert created.meta.actor.display_name == "Lev Brouk"


def test_the_callers_status_map_wins_and_acknowledging_needs_no_category() -> None:
    hook = _hook("server-issue-updated-in-progress")
    (mitigating,) = _map(hook, status_map={"In Progress": sre_pb2.INCIDENT_STATUS_MITIGATING})
    assert mitigating.transition_incident_status.status == sre_pb2.INCIDENT_STATUS_MITIGATING
    (acknowledged,) = _map(hook, status_map={"In Progress": sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED})
    assert acknowledged.acknowledge_incident.acknowledged_by.id == "jira:admin"
    hook["issue"]["fields"]["status"]["statusCategory"]["key"] = "new"  # a to-do status, not a reopen
    (noted,) = _map(hook)
    assert noted.add_timeline_entry.kind == incident_pb2.TIMELINE_ENTRY_KIND_STATUS_CHANGE


def test_the_integrations_own_changes_and_unknown_events_are_dropped() -> None:
    assert _map(_hook("issue-updated-assigned"), ignore_accounts={"5c5f880629be9642ba529340"}) == []
    assert _map(_hook("server-comment-created"), ignore_accounts={"levbrouk"}) == []
    assert _map({"webhookEvent": "sprint_started", "sprint": [1]}) == []
    documented = jira.MAPPED_EVENTS | jira.IGNORED_EVENTS
    assert not jira.MAPPED_EVENTS & jira.IGNORED_EVENTS
    assert {"jira:issue_created", "jira:issue_updated", "jira:issue_deleted", "comment_created"} <= documented


def test_a_cloud_comment_in_adf_is_read_as_text() -> None:
    hook = _hook("cloud-comment-created")
    hook["comment"]["body"] = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Rolled back"}, {"type": "hardBreak"}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "error rate "}, {"type": "text", "text": "ok"}]},
        ],
    }
    (entry,) = _map(hook)
    assert entry.add_timeline_entry.text == "Rolled back\n\nerror rate ok"


def test_not_a_jira_webhook_is_refused_with_its_path() -> None:
    with pytest.raises(AdapterInputError) as refused:
        _map({"issue": {}})
    assert refused.value.path == "$.webhookEvent"
    hook = _hook("server-comment-created")
    hook["comment"]["self"] = "https://jira.example/elsewhere"
    with pytest.raises(AdapterInputError) as refused:
        _map(hook)
    assert refused.value.path == "$.issue"
    hook = _hook("issue-updated-assigned")
    hook["timestamp"] = -1
    with pytest.raises(AdapterInputError) as refused:
        _map(hook)
    assert refused.value.path == "$.timestamp"


def _fact(case: str) -> facts_pb2.SreDomainFact:
    return next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.WhichOneof("fact") == case)


def test_an_incident_becomes_an_issue_with_its_label_priority_and_adf_description() -> None:
    created = _fact("incident_created")
    incident = created.incident_created.incident
    (request,) = jira.requests_from_fact(created, project_key="SRE", issue_type="Incident")
    assert (request["method"], request["path"]) == ("POST", "/rest/api/3/issue")
    fields = request["body"]["fields"]
    assert fields["project"] == {"key": "SRE"}
    assert fields["issuetype"] == {"name": "Incident"}
    assert fields["summary"] == incident.title
    assert fields["labels"] == [f"sre-incident-{incident.incident_id}"]
    assert fields["priority"] == {"name": "High"}  # the example is HIGH
    description = fields["description"]
    assert (description["type"], description["version"]) == ("doc", 1)
    texts = [node["text"] for paragraph in description["content"] for node in paragraph["content"] if "text" in node]
    assert f"SRE incident {incident.incident_id}" in texts
    assert all(node.get("text", "x") for p in description["content"] for node in p["content"])  # ADF: no empty text
    with pytest.raises(sre.InvalidArgumentError, match="project_key"):
        jira.requests_from_fact(created)


def test_lifecycle_facts_become_comments_priorities_and_the_callers_transitions() -> None:
    transitions = {sre_pb2.INCIDENT_STATUS_RESOLVED: "31", sre_pb2.INCIDENT_STATUS_INVESTIGATING: "21"}
    (comment,) = jira.requests_from_fact(_fact("incident_timeline_entry_added"), issue_key="SRE-7")
    assert (comment["method"], comment["path"]) == ("POST", "/rest/api/3/issue/SRE-7/comment")
    assert comment["body"]["body"]["content"][0]["content"][0]["text"].startswith("[status change] Step 1")
    (priority,) = jira.requests_from_fact(_fact("incident_severity_changed"), issue_key="SRE-7")
    assert priority == {
        "method": "PUT",
        "path": "/rest/api/3/issue/SRE-7",
        "body": {"fields": {"priority": {"name": "Highest"}}},
    }
    transition, summary = jira.requests_from_fact(
        _fact("incident_resolved"), issue_key="SRE-7", transitions=transitions
    )
    assert transition == {
        "method": "POST",
        "path": "/rest/api/3/issue/SRE-7/transitions",
        "body": {"transition": {"id": "31"}},
    }
    assert summary["path"].endswith("/comment")
    (moved,) = jira.requests_from_fact(_fact("incident_status_changed"), issue_key="SRE-7", transitions=transitions)
    assert moved["body"] == {"transition": {"id": "21"}}  # the example moves to investigating
    assert jira.requests_from_fact(_fact("incident_status_changed"), issue_key="SRE-7") == []  # no map: nothing
    assert jira.requests_from_fact(_fact("alert_ingested"), issue_key="SRE-7") == []
    with pytest.raises(sre.InvalidArgumentError, match="issue_key is needed for incident_timeline_entry_added"):
        jira.requests_from_fact(_fact("incident_timeline_entry_added"))


def test_one_incident_out_and_back_by_label_and_the_key_recorded() -> None:
    created = _fact("incident_created")
    incident_id = created.incident_created.incident.incident_id
    (request,) = jira.requests_from_fact(created, project_key="SRE")
    hook = _hook("issue-updated-assigned")
    hook["issue"]["fields"]["labels"] = ["customer", *request["body"]["fields"]["labels"]]
    (intent,) = _map(hook)
    assert intent.subject.aggregate_id == incident_id
    no_label = _hook("issue-updated-assigned")
    assert _map(no_label, incident_id_for={"TES-41": incident_id}.get)[0].subject.aggregate_id == incident_id

    link = jira.link_from_response(json.dumps(CREATED), incident_id=incident_id, tenant_id=TENANT, producer=PRODUCER)
    assert sre.violations(link) == []
    ref = link.link_external_ref.external_ref
    assert (ref.system, ref.id, ref.url) == (
        incident_pb2.EXTERNAL_SYSTEM_JIRA,
        "ED-24",
        "https://your-domain.atlassian.net/browse/ED-24",
    )
    again = jira.link_from_response(CREATED, incident_id=incident_id, tenant_id=TENANT, producer=PRODUCER)
    assert again.meta.message_id == link.meta.message_id  # a retried recording dedupes

    # The domain's fact, folded, gives the key every later request needs.
    state = aggregates.apply(
        None,
        sre.new_fact(
            created.incident_created,
            tenant_id=TENANT,
            producer="sre-domain",
            aggregate_id=incident_id,
            aggregate_version=1,
        ),
    )
    linked = facts_pb2.IncidentExternalRefLinked(incident_id=incident_id, external_ref=ref)
    state = aggregates.apply(
        state,
        sre.new_fact(
            linked,
            tenant_id=TENANT,
            producer="sre-domain",
            aggregate_id=incident_id,
            aggregate_version=2,
            causation=link,
        ),
    )
    assert isinstance(state, aggregates.IncidentAggregate)
    assert jira.issue_key_of(state.incident) == "ED-24"
    with pytest.raises(AdapterInputError) as refused:
        jira.link_from_response({"id": "1"}, incident_id=incident_id, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == "$.key"


def test_ingest_reads_jira() -> None:
    (closed,) = adapters.ingest(
        "jira", (REAL / "jira" / "mattermost-server-issue-updated-closed.json").read_bytes(),
        tenant_id=TENANT, producer=PRODUCER,
    )  # fmt: skip
    assert closed.WhichOneof("intent") == "close_incident"


def test_a_changelog_gives_one_intent_per_field_its_last_value() -> None:
    """A changelog is not bounded by Jira; what the issue now holds is its last value for each field."""
    hook = _hook("server-issue-updated-in-progress")
    first = {"field": "status", "fromString": "To Do", "toString": "Done"}
    hook["changelog"]["items"] = [first] * 5000 + hook["changelog"]["items"] + [{"field": "labels", "toString": "x"}]
    (intent,) = _map(hook)
    assert intent.transition_incident_status.reason == "Jira status Reopened → In Progress"
