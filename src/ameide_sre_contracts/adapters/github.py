"""GitHub Issues: incident facts out as REST API requests, `issues` and `issue_comment` webhooks in as intents.

Outbound (`requests_from_fact`): one GitHub issue per SRE incident in the
caller's repository, labelled `sre-incident-<incident id>` (so its webhooks
find the incident again), `incident` and `severity:<severity>`. The create
call needs the repository; every later one the issue's number, which
GitHub's answer to the create gives: `link_from_response` turns that
answer into the `LinkIncidentExternalRefRequested` that records it, and
`issue_number_of(incident, repository)` reads it back from the state.

| fact | request |
|---|---|
| `IncidentCreated` | `POST /repos/{owner}/{repo}/issues` (title, Markdown body, labels) |
| `IncidentSeverityChanged` | `POST .../issues/{n}/labels` (the new `severity:`), `DELETE` the old |
| `IncidentAssigned` | `POST .../issues/{n}/assignees` when the assignee is a GitHub person (`github:<login>`) |
| `IncidentTimelineEntryAdded` | `POST .../issues/{n}/comments`, the entry |
| `IncidentResolved` | a comment with the resolution summary and the `resolved` label |
| `IncidentStatusChanged` from resolved (reopened) | `DELETE .../labels/resolved` |
| `IncidentClosed` | `PATCH .../issues/{n}` (closed, completed), the closing note as a comment |
| any other fact | none |

Titles are cut to 256 characters, bodies to 65,536.

Inbound (`intents_from_webhook`), the `issues` and `issue_comment` events
(the `X-GitHub-Event` header; read from the body's shape when not given).
Every action GitHub documents for them is mapped or ignored by name
(`MAPPED_ACTIONS`, `IGNORED_ACTIONS`); one it adds later is ignored:

| event and action | intent |
|---|---|
| `issues` `closed` | `ResolveIncidentRequested`: the ticket done is impact ended |
| `issues` `reopened` | `TransitionIncidentStatusRequested` to investigating |
| `issues` `assigned` | `AssignIncidentRequested` to the assignee (`github:<login>`) |
| `issues` `unassigned` | `AddIncidentTimelineEntryRequested` (NOTE) |
| `issues` `labeled` with `severity:<label>` | `UpdateIncidentSeverityRequested` when the label is a severity |
| `issue_comment` `created` | `AddIncidentTimelineEntryRequested` (NOTE): the comment, its author as actor |

Comments on pull requests are not about an incident's ticket and are
ignored; so are events by `ignore_logins` (the integration's own account or
app, `sre-bot[bot]`), so its own comments do not come back. The incident is
the issue's `sre-incident-` label, else `incident_id_for("owner/repo#n")`,
else `derived_id("github-issue", tenant, issue id)`. `message_id` is
`derived_id("github-comment", tenant, comment id)` for a comment, else
`derived_id("github", tenant, issue id, action, updated_at, the label or
assignee)`: a redelivered webhook dedupes. `occurred_at` is the comment's
`created_at` or the issue's `updated_at`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final, Literal, TypedDict
from urllib.parse import quote

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre._payloads import DomainIntentPayload
from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import (
    AssignIncidentRequested,
    ResolveIncidentRequested,
    SreDomainIntent,
    TransitionIncidentStatusRequested,
    UpdateIncidentSeverityRequested,
)
from ameide_sre_contracts.adapters._common import checked, derived_id, require_text, timeline_entry, webhook_root
from ameide_sre_contracts.adapters._json import Node, load_json
from ameide_sre_contracts.adapters._ticketing import (
    external_ref_link,
    ignored_sender,
    incident_from_labels,
    incident_label,
    person,
)
from ameide_sre_contracts.envelopes import Envelope, new_intent
from ameide_sre_contracts.errors import InvalidArgumentError
from ameide_sre_contracts.vocabulary import severity_from_label

__all__ = [
    "IGNORED_ACTIONS",
    "MAPPED_ACTIONS",
    "GitHubRequest",
    "intents_from_webhook",
    "issue_number_of",
    "link_from_response",
    "requests_from_fact",
    "severity_label",
]

Event = Literal["issues", "issue_comment"]

MAPPED_ACTIONS: Final = frozenset(
    {
        ("issues", "closed"),
        ("issues", "reopened"),
        ("issues", "assigned"),
        ("issues", "unassigned"),
        ("issues", "labeled"),
        ("issue_comment", "created"),
    }
)
"""The (event, action) pairs that can reach the contract."""

IGNORED_ACTIONS: Final = frozenset(
    {
        ("issues", action)
        for action in (
            "opened",
            "edited",
            "deleted",
            "transferred",
            "pinned",
            "unpinned",
            "unlabeled",
            "locked",
            "unlocked",
            "milestoned",
            "demilestoned",
            "typed",
            "untyped",
        )
    }
    | {("issue_comment", "edited"), ("issue_comment", "deleted")}
)
"""Actions that change nothing the contract holds: the issue this module opened, edits of texts already recorded,
deletions (the incident stays), labels taken off, and the issue's place, pin, lock, milestone and type."""

SEVERITY_LABEL_PREFIX: Final = "severity:"
RESOLVED_LABEL: Final = "resolved"
MAX_TITLE: Final = 256
MAX_BODY: Final = 65536
_ISSUE_NUMBER: Final = (1, 2**31 - 1)


class GitHubRequest(TypedDict):
    """One REST API call: the method, the path under `https://api.github.com`, the JSON body (None for DELETE)."""

    method: str
    path: str
    body: dict[str, Any] | None


def severity_label(severity: sre_pb2.Severity.ValueType) -> str:
    """The label an issue carries for a severity: `severity:critical`."""
    return SEVERITY_LABEL_PREFIX + sre_pb2.Severity.Name(severity).removeprefix("SEVERITY_").lower()


def _repository(repository: str | None) -> str:
    owner, _, name = require_text(repository or "", "repository").partition("/")
    if not owner or not name or "/" in name:
        raise InvalidArgumentError(f"repository must be owner/name, not {repository!r}")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"


def _create(fact: SreDomainFact, repo: str) -> GitHubRequest:
    incident = fact.incident_created.incident
    lines = [
        f"**SRE incident** `{incident.incident_id}`",
        f"**Severity:** {sre_pb2.Severity.Name(incident.severity).removeprefix('SEVERITY_').lower()}",
    ]
    if incident.affected_resources:
        lines.append("**Affected:** " + ", ".join(f"`{r.id}`" for r in incident.affected_resources[:10]))
    body = "\n\n".join(filter(None, (incident.description, "\n".join(lines))))
    labels = [incident_label(incident.incident_id), "incident"]
    if incident.severity:
        labels.append(severity_label(incident.severity))
    return {
        "method": "POST",
        "path": f"/repos/{repo}/issues",
        "body": {"title": incident.title[:MAX_TITLE], "body": body[:MAX_BODY], "labels": labels},
    }


def _issue_requests(fact: SreDomainFact, case: str) -> list[GitHubRequest]:
    """The requests on an existing issue, `{issue}` standing for its path."""
    issue = "{issue}"

    def comment(text: str) -> GitHubRequest:
        return {"method": "POST", "path": f"{issue}/comments", "body": {"body": text[:MAX_BODY]}}

    def unlabel(label: str) -> GitHubRequest:
        return {"method": "DELETE", "path": f"{issue}/labels/{quote(label, safe='')}", "body": None}

    if case == "incident_severity_changed":
        changed = fact.incident_severity_changed
        requests: list[GitHubRequest] = [
            {"method": "POST", "path": f"{issue}/labels", "body": {"labels": [severity_label(changed.severity)]}}
        ]
        if changed.previous_severity and changed.previous_severity != changed.severity:
            requests.append(unlabel(severity_label(changed.previous_severity)))
        return requests
    if case == "incident_assigned":
        assignee = fact.incident_assigned.assignee.id
        if assignee.startswith("github:") and len(assignee) > len("github:"):
            login = assignee.removeprefix("github:")
            return [{"method": "POST", "path": f"{issue}/assignees", "body": {"assignees": [login]}}]
        return []
    if case == "incident_timeline_entry_added":
        entry = fact.incident_timeline_entry_added.entry
        kind = incident_pb2.TimelineEntryKind.Name(entry.kind).removeprefix("TIMELINE_ENTRY_KIND_").lower()
        return [comment(f"**{kind.replace('_', ' ')}:** {entry.text}")]
    if case == "incident_resolved":
        resolved = fact.incident_resolved
        return [
            comment(f"**Resolved:** {resolved.resolution_summary}"),
            {"method": "POST", "path": f"{issue}/labels", "body": {"labels": [RESOLVED_LABEL]}},
        ]
    if case == "incident_status_changed":
        moved = fact.incident_status_changed
        if moved.previous_status == sre_pb2.INCIDENT_STATUS_RESOLVED:
            return [unlabel(RESOLVED_LABEL)]
        return []
    if case == "incident_closed":
        closed = fact.incident_closed
        close: GitHubRequest = {
            "method": "PATCH",
            "path": issue,
            "body": {"state": "closed", "state_reason": "completed"},
        }
        return [comment(f"**Closed:** {closed.closing_note}"), close] if closed.closing_note else [close]
    return []


def requests_from_fact(
    fact: SreDomainFact, *, repository: str | None = None, issue_number: int | None = None
) -> list[GitHubRequest]:
    """The REST API requests an incident fact calls for (see the module's table); none for other facts.

    `repository` (`owner/name`) is always needed, `issue_number` (see
    `issue_number_of`) for every fact after `IncidentCreated`. The caller
    sends each with its token and `Accept: application/vnd.github+json`.

    Raises:
        InvalidArgumentError: the repository or issue number the fact needs was not given.
    """
    case = fact.WhichOneof("fact") or ""
    if not case.startswith("incident_"):
        return []
    repo = _repository(repository)
    if case == "incident_created":
        return [_create(fact, repo)]
    requests = _issue_requests(fact, case)
    if not requests:
        return []
    if isinstance(issue_number, bool) or not isinstance(issue_number, int) or issue_number < 1:
        raise InvalidArgumentError(f"issue_number is needed for {case}: the incident's issue (issue_number_of)")
    issue = f"/repos/{repo}/issues/{issue_number}"
    return [{**request, "path": request["path"].replace("{issue}", issue)} for request in requests]


def issue_number_of(incident: incident_pb2.Incident, repository: str) -> int | None:
    """The number of the incident's issue in `repository`, from its counterparts (`Incident.external_refs`)."""
    prefix = f"{repository}#"
    for ref in incident.external_refs:
        if ref.system == incident_pb2.EXTERNAL_SYSTEM_GITHUB_ISSUES and ref.id.startswith(prefix):
            number = ref.id.removeprefix(prefix)
            if number.isascii() and number.isdigit():
                return int(number)
    return None


_REPOSITORY_IN: Final = (
    ("repository_url", re.compile(r"^https?://[^/]+/(?:api/v3/)?repos/([^/]+/[^/]+)/?$")),
    ("url", re.compile(r"^https?://[^/]+/(?:api/v3/)?repos/([^/]+/[^/]+)/issues/[0-9]+$")),
    ("html_url", re.compile(r"^https?://[^/]+/([^/]+/[^/]+)/issues/[0-9]+$")),
)


def _repository_named(root: Node) -> str:
    """`owner/repo` of an issue object, from its repository URL (older answers carry only the issue's URLs)."""
    for key, pattern in _REPOSITORY_IN:
        found = pattern.match(root[key].text())
        if found:
            return found.group(1)
    raise root["repository_url"].fail("a repository URL such as https://api.github.com/repos/octo/app")


def link_from_response(
    response: bytes | str | Mapping[str, Any],
    *,
    incident_id: str,
    tenant_id: str,
    producer: str,
    causation: Envelope | None = None,
) -> SreDomainIntent:
    """The intent recording the issue GitHub created (its answer to `POST .../issues`) as the incident's.

    The counterpart's id is `owner/repo#number`, its link the issue's `html_url`.

    Raises:
        AdapterInputError: not GitHub's answer to creating an issue.
    """
    root = Node(load_json(response, what="GitHub's response"))
    root.required_mapping()
    number = root["number"].integer(_ISSUE_NUMBER, default=0)
    if number == 0:
        raise root["number"].fail("the issue's number")
    owner_repo = _repository_named(root)
    return external_ref_link(
        incident_pb2.EXTERNAL_SYSTEM_GITHUB_ISSUES,
        f"{owner_repo}#{number}",
        root["html_url"].text(),
        incident_id=incident_id,
        tenant_id=tenant_id,
        producer=producer,
        causation=causation,
        path=root.path,
    )


def _login(node: Node) -> str:
    return node["login"].text() if node.present else ""


def _github_person(node: Node) -> sre_pb2.SreActor | None:
    login = _login(node)
    return person("github", login, login) if login else None


def _payload(event: str, action: str, root: Node, at: Timestamp | None) -> tuple[DomainIntentPayload | None, str]:
    """The intent payload an action calls for (None when it changes nothing here), and what tells it apart."""
    by = _login(root["sender"])
    by_text = f" by {by}" if by else ""
    if event == "issue_comment":
        text = root["comment"]["body"].text().strip()
        return (timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text, at) if text else None), ""
    issue = root["issue"]
    if action == "closed":
        reason = issue["state_reason"].text()
        summary = f"Issue closed in GitHub{by_text}" + (f" ({reason.replace('_', ' ')})" if reason else "")
        return ResolveIncidentRequested(resolution_summary=summary), ""
    if action == "reopened":
        return TransitionIncidentStatusRequested(
            status=sre_pb2.INCIDENT_STATUS_INVESTIGATING, reason=f"Issue reopened in GitHub{by_text}"
        ), ""
    if action == "assigned":
        assignee = _github_person(root["assignee"])
        if assignee is None:
            return None, ""
        return AssignIncidentRequested(assignee=assignee, reason=f"Assigned in GitHub{by_text}"), assignee.id
    if action == "unassigned":
        login = _login(root["assignee"])
        text = f"Unassigned {login or 'someone'} in GitHub{by_text}"
        return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text, at), login
    if action == "labeled":
        name = root["label"]["name"].text()
        if not name.startswith(SEVERITY_LABEL_PREFIX):
            return None, name
        severity = severity_from_label(name.removeprefix(SEVERITY_LABEL_PREFIX))
        if severity == sre_pb2.SEVERITY_UNSPECIFIED:
            return None, name
        return UpdateIncidentSeverityRequested(severity=severity, reason=f"Labelled {name} in GitHub"[:1024]), name
    return None, ""


def _event_of(root: Node) -> str:
    """The event a body is when no header says: a comment makes it `issue_comment`."""
    if root["comment"].present:
        return "issue_comment"
    if root["issue"].present:
        return "issues"
    raise root["issue"].fail("an issues or issue_comment event's issue")


def intents_from_webhook(
    body: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    event: str | None = None,
    incident_id_for: Callable[[str], str | None] | None = None,
    ignore_logins: Collection[str] = (),
) -> list[SreDomainIntent]:
    """The intent a GitHub `issues` or `issue_comment` webhook calls for (see the module's table), or none.

    `event` is the `X-GitHub-Event` header; any other event gives none.

    Raises:
        AdapterInputError: not a GitHub issue event, or a mapped action that does not fit the contract.
    """
    root = webhook_root(body, tenant_id, producer)
    kind = event if event is not None else _event_of(root)
    action = root["action"].required_text()
    if (kind, action) not in MAPPED_ACTIONS:
        return []  # one of IGNORED_ACTIONS, another event, or an action GitHub added since
    issue = root["issue"]
    issue.required_mapping()
    if kind == "issue_comment" and issue["pull_request"].present:
        return []  # a pull request's conversation
    sender = _login(root["sender"])
    if ignored_sender(sender, ignore_logins):
        return []
    comment = root["comment"]
    at = comment["created_at"].timestamp() if kind == "issue_comment" else issue["updated_at"].timestamp()
    payload, detail = _payload(kind, action, root, at)
    if payload is None:
        return []
    issue_id = str(issue["id"].integer((1, 2**63 - 1), default=0) or issue["node_id"].required_text())
    number = issue["number"].integer(_ISSUE_NUMBER, default=0)
    repository = root["repository"]["full_name"].text()
    labels = [label["name"].text() for label in issue["labels"].items()]
    incident_id = (
        incident_from_labels(labels)
        or (incident_id_for(f"{repository}#{number}") if incident_id_for and repository and number else None)
        or derived_id("github-issue", tenant_id, issue_id)
    )
    if kind == "issue_comment":
        comment_id = comment["id"].integer((1, 2**63 - 1), default=0) or comment["node_id"].required_text()
        message_id = derived_id("github-comment", tenant_id, str(comment_id))
    else:
        message_id = derived_id("github", tenant_id, issue_id, action, issue["updated_at"].text(), detail)
    intent = new_intent(
        payload,
        tenant_id=tenant_id,
        producer=producer,
        aggregate_id=incident_id,
        message_id=message_id,
        occurred_at=at,
        actor=_github_person(root["sender"]),
    )
    return [checked(intent, root.path, "a GitHub issue action")]
