"""adapters.github: real issues and issue_comment webhooks in, REST API requests out, one incident on both sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, incident_pb2, sre_pb2
from ameide_sre_contracts import adapters, aggregates, testing
from ameide_sre_contracts.adapters import AdapterInputError, derived_id, github
from tests.adapter_checks import REAL, fixtures

TENANT = "tenant-acme"
PRODUCER = "sre-integration-github"
HOOKS = fixtures("github")
EXPECTED = {
    "go-playground-issue-comment.json": ["add_timeline_entry"],
    "go-playground-issues.json": [],
    "octokit-issue_comment-created.json": ["add_timeline_entry"],
    "octokit-issue_comment-deleted.json": [],
    "octokit-issue_comment-edited.json": [],
    "octokit-issues-assigned.json": ["assign_incident"],
    "octokit-issues-deleted.json": [],
    "octokit-issues-edited.json": [],
    "octokit-issues-labeled.json": [],  # `bug` is not a severity label
    "octokit-issues-opened.json": [],
    "octokit-issues-opened.with-empty-body.json": [],
    "octokit-issues-reopened.json": ["transition_incident_status"],
    "octokit-issues-transferred.json": [],
    "octokit-issues-unassigned.json": ["add_timeline_entry"],
    "octokit-issues-unlabeled.json": [],
}


def _map(body: Any, **extra: Any) -> list[Any]:
    return github.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER, **extra)


def _hook(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REAL / "github" / name).read_bytes())
    return loaded


def test_every_real_fixture_is_listed() -> None:
    assert sorted(EXPECTED) == [path.name for path in HOOKS]


@pytest.mark.parametrize("path", HOOKS, ids=lambda p: p.name)
def test_every_real_webhook_maps_to_its_intent_and_redelivery_dedupes(path: Path) -> None:
    intents = _map(path.read_bytes())
    assert [intent.WhichOneof("intent") for intent in intents] == EXPECTED[path.name]
    for intent in intents:
        assert sre.violations(intent) == []
        assert sre.decode(sre.DOMAIN_INTENTS_TOPIC, sre.encode(intent)) == intent
    assert _map(path.read_bytes()) == intents
    event = "issue_comment" if "comment" in path.name else "issues"
    assert _map(path.read_bytes(), event=event) == intents  # the header says what the body's shape says
    assert _map(path.read_bytes(), event="pull_request") == []  # another event: none


def test_the_real_actions_carry_who_when_and_what() -> None:
    (comment,) = _map(_hook("octokit-issue_comment-created.json"))
    assert comment.add_timeline_entry.text == "You are totally right! I'll get this fixed right away."
    assert comment.meta.actor.id == "github:Codertocat"
    assert comment.meta.message_id == derived_id("github-comment", TENANT, "492700400")
    assert comment.subject.aggregate_id == derived_id("github-issue", TENANT, "444500041")
    assert comment.meta.occurred_at.ToJsonString() == "2019-05-15T15:20:21Z"
    (assigned,) = _map(_hook("octokit-issues-assigned.json"))
    assert assigned.assign_incident.assignee.id == "github:Codertocat"
    (reopened,) = _map(_hook("octokit-issues-reopened.json"))
    assert reopened.transition_incident_status.reason == "Issue reopened in GitHub by Codertocat"
    assert reopened.meta.occurred_at.ToJsonString() == "2021-10-11T16:40:56Z"


def test_a_closed_issue_resolves_and_a_severity_label_sets_the_severity() -> None:
    """Built from the reopened and labeled samples (no published `closed` sample was at hand): GitHub's documented
    differences, the action, the state and its reason, the label."""
    closed = _hook("octokit-issues-reopened.json")
    closed["action"], closed["issue"]["state"], closed["issue"]["state_reason"] = "closed", "closed", "completed"
    (resolved,) = _map(closed)
    assert resolved.resolve_incident.resolution_summary == "Issue closed in GitHub by Codertocat (completed)"
    labeled = _hook("octokit-issues-labeled.json")
    labeled["label"]["name"] = "severity:critical"
    (severity,) = _map(labeled)
    assert severity.update_incident_severity.severity == sre_pb2.SEVERITY_CRITICAL
    labeled["label"]["name"] = "severity:whatever"
    assert _map(labeled) == []


def test_pull_request_comments_the_integrations_own_and_unknown_actions_are_dropped() -> None:
    comment = _hook("octokit-issue_comment-created.json")
    assert _map(comment, ignore_logins={"Codertocat"}) == []
    comment["issue"]["pull_request"] = {"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}
    assert _map(comment) == []
    assert _map({"action": "something_new", "issue": []}) == []
    assert not github.MAPPED_ACTIONS & github.IGNORED_ACTIONS
    documented_issues = {
        "opened", "edited", "deleted", "transferred", "pinned", "unpinned", "closed", "reopened", "assigned",
        "unassigned", "labeled", "unlabeled", "locked", "unlocked", "milestoned", "demilestoned", "typed", "untyped",
    }  # fmt: skip
    known = github.MAPPED_ACTIONS | github.IGNORED_ACTIONS
    assert {action for event, action in known if event == "issues"} == documented_issues
    assert {action for event, action in known if event == "issue_comment"} == {"created", "edited", "deleted"}


def test_not_a_github_issue_event_is_refused_with_its_path() -> None:
    with pytest.raises(AdapterInputError) as refused:
        _map({"action": "created"})
    assert refused.value.path == "$.issue"
    hook = _hook("octokit-issues-assigned.json")
    hook["issue"]["updated_at"] = "yesterday"
    with pytest.raises(AdapterInputError) as refused:
        _map(hook)
    assert refused.value.path == "$.issue.updated_at"


def _fact(case: str) -> facts_pb2.SreDomainFact:
    return next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.WhichOneof("fact") == case)


def test_an_incident_becomes_an_issue_with_its_labels() -> None:
    created = _fact("incident_created")
    incident = created.incident_created.incident
    (request,) = github.requests_from_fact(created, repository="acme/incidents")
    assert (request["method"], request["path"]) == ("POST", "/repos/acme/incidents/issues")
    body = request["body"]
    assert body is not None
    assert body["title"] == incident.title
    assert body["labels"] == [f"sre-incident-{incident.incident_id}", "incident", "severity:high"]
    assert all(len(label) <= 50 for label in body["labels"])  # GitHub's limit
    assert f"`{incident.incident_id}`" in body["body"]
    with pytest.raises(sre.InvalidArgumentError, match="owner/name"):
        github.requests_from_fact(created, repository="acme")


def test_lifecycle_facts_become_labels_comments_assignees_and_a_close() -> None:
    issue = "/repos/acme/incidents/issues/7"
    requests = github.requests_from_fact(
        _fact("incident_severity_changed"), repository="acme/incidents", issue_number=7
    )
    assert requests == [
        {"method": "POST", "path": f"{issue}/labels", "body": {"labels": ["severity:critical"]}},
        {"method": "DELETE", "path": f"{issue}/labels/severity%3Ahigh", "body": None},
    ]
    (comment,) = github.requests_from_fact(
        _fact("incident_timeline_entry_added"), repository="acme/incidents", issue_number=7
    )
    assert comment["path"] == f"{issue}/comments"
    resolved = github.requests_from_fact(_fact("incident_resolved"), repository="acme/incidents", issue_number=7)
    assert [r["path"] for r in resolved] == [f"{issue}/comments", f"{issue}/labels"]
    closed = github.requests_from_fact(_fact("incident_closed"), repository="acme/incidents", issue_number=7)
    assert closed[-1] == {"method": "PATCH", "path": issue, "body": {"state": "closed", "state_reason": "completed"}}
    assigned = _fact("incident_assigned")
    assert github.requests_from_fact(assigned, repository="acme/incidents", issue_number=7) == []  # not a GitHub login
    assigned.incident_assigned.assignee.id = "github:octocat"
    (assign,) = github.requests_from_fact(assigned, repository="acme/incidents", issue_number=7)
    assert assign["body"] == {"assignees": ["octocat"]}
    reopened = _fact("incident_status_changed")
    reopened.incident_status_changed.previous_status = sre_pb2.INCIDENT_STATUS_RESOLVED
    (unlabel,) = github.requests_from_fact(reopened, repository="acme/incidents", issue_number=7)
    assert unlabel == {"method": "DELETE", "path": f"{issue}/labels/resolved", "body": None}
    assert github.requests_from_fact(_fact("alert_ingested"), repository="acme/incidents") == []
    with pytest.raises(sre.InvalidArgumentError, match="issue_number is needed"):
        github.requests_from_fact(_fact("incident_closed"), repository="acme/incidents")


def test_one_incident_out_and_back_by_label_and_the_number_recorded() -> None:
    created = _fact("incident_created")
    incident_id = created.incident_created.incident.incident_id
    (request,) = github.requests_from_fact(created, repository="Codertocat/Hello-World")
    assert request["body"] is not None
    hook = _hook("octokit-issues-assigned.json")
    hook["issue"]["labels"].append({"name": request["body"]["labels"][0]})
    assert _map(hook)[0].subject.aggregate_id == incident_id
    plain = _hook("octokit-issues-assigned.json")
    resolve = {"Codertocat/Hello-World#1": incident_id}.get
    assert _map(plain, incident_id_for=resolve)[0].subject.aggregate_id == incident_id

    answer = _hook("octokit-issues-opened.json")["issue"]  # GitHub's answer to the create is the issue object
    link = github.link_from_response(answer, incident_id=incident_id, tenant_id=TENANT, producer=PRODUCER)
    assert sre.violations(link) == []
    ref = link.link_external_ref.external_ref
    assert (ref.system, ref.id, ref.url) == (
        incident_pb2.EXTERNAL_SYSTEM_GITHUB_ISSUES,
        "Codertocat/Hello-World#1",
        "https://github.com/Codertocat/Hello-World/issues/1",
    )
    state = aggregates.apply(
        None,
        sre.new_fact(
            created.incident_created, tenant_id=TENANT, producer="d", aggregate_id=incident_id, aggregate_version=1
        ),
    )
    linked = facts_pb2.IncidentExternalRefLinked(incident_id=incident_id, external_ref=ref)
    state = aggregates.apply(
        state, sre.new_fact(linked, tenant_id=TENANT, producer="d", aggregate_id=incident_id, aggregate_version=2)
    )
    assert isinstance(state, aggregates.IncidentAggregate)
    assert github.issue_number_of(state.incident, "Codertocat/Hello-World") == 1
    assert github.issue_number_of(state.incident, "Codertocat/Other") is None
    with pytest.raises(AdapterInputError) as refused:
        github.link_from_response({"number": 1}, incident_id=incident_id, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == "$.repository_url"


def test_ingest_reads_github() -> None:
    (comment,) = adapters.ingest(
        "github", (REAL / "github" / "octokit-issue_comment-created.json").read_bytes(),
        tenant_id=TENANT, producer=PRODUCER,
    )  # fmt: skip
    assert comment.WhichOneof("intent") == "add_timeline_entry"


def test_an_older_answer_without_repository_url_names_its_repository_by_its_links() -> None:
    answer = _hook("go-playground-issues.json")["issue"]
    assert "repository_url" not in answer
    link = github.link_from_response(answer, incident_id=testing.INCIDENT_ID, tenant_id=TENANT, producer=PRODUCER)
    assert link.link_external_ref.external_ref.id == "baxterthehacker/public-repo#2"
