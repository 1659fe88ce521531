"""Jira: incident facts out as REST API v3 requests, issue and comment webhooks in as intents.

Outbound (`requests_from_fact`): one Jira issue per SRE incident, labelled
`sre-incident-<incident id>` so its webhooks find the incident again. The
create call needs the project; every later one the issue's key, which
Jira's answer to the create gives: `link_from_response` turns that answer
into the `LinkIncidentExternalRefRequested` that records it, and
`issue_key_of(incident)` reads it back from the incident's state.

| fact | request |
|---|---|
| `IncidentCreated` | `POST /rest/api/3/issue`: summary, ADF description, type, priority, label |
| `IncidentTimelineEntryAdded` | `POST /rest/api/3/issue/{key}/comment`: the entry, in ADF |
| `IncidentSeverityChanged` | `PUT /rest/api/3/issue/{key}`: the priority |
| a fact that moves the status (acknowledged, status changed, resolved, closed) | `POST .../{key}/transitions` |
| any other fact | none |

A transition is sent when `transitions` maps the status reached to one;
a resolution summary or closing note also becomes a comment.
Workflows differ per project, so the caller gives the transitions
(`transitions={INCIDENT_STATUS_RESOLVED: "31"}`, the ids Jira's
`GET /rest/api/3/issue/{key}/transitions` lists). Priority (`PRIORITY`)
follows Jira's default scheme: CRITICAL is Highest, HIGH High, MEDIUM
Medium, LOW Low, INFO Lowest. Summaries are cut to 255 characters, ADF
text to 32,767.

Inbound (`intents_from_webhook`), Jira's webhooks. Every event Jira
documents for issues and comments is mapped or ignored by name
(`MAPPED_EVENTS`, `IGNORED_EVENTS`); one it adds later is ignored:

| event | intent |
|---|---|
| `jira:issue_updated`, `status` changed | by the status reached (below) |
| `jira:issue_updated`, `assignee` changed | `AssignIncidentRequested`; to nobody, a timeline entry |
| `jira:issue_updated`, `priority` changed | `UpdateIncidentSeverityRequested` when the priority has a severity |
| `comment_created`, or `jira:issue_updated` with a new comment | `AddIncidentTimelineEntryRequested` (NOTE) |

The status reached maps by `status_map` (Jira status name to
`IncidentStatus`) when it names it; else by the status's category: done
is `ResolveIncidentRequested` (`CloseIncidentRequested` when the issue was
resolved before, Resolved to Closed); in progress, or to do after a
cleared resolution (a reopen), `TransitionIncidentStatusRequested` to
investigating; any other an `AddIncidentTimelineEntryRequested`
(STATUS_CHANGE). A priority's severity comes from
`SEVERITY_FROM_PRIORITY`, then the package's severity labels. A comment's
author is the intent's actor.

Jira sends a new comment twice (`comment_created` and `issue_updated` with
`issue_commented`): both give the same `message_id`,
`derived_id("jira-comment", tenant, comment id)`, so the second dedupes. A
change's `message_id` is `derived_id("jira", tenant, issue id, changelog
id, field)`. Events by `ignore_accounts` (the integration's own Jira user,
by account id or name) are dropped: its own comments do not come back. The
incident is the issue's `sre-incident-` label, else
`incident_id_for(issue key)`, else `derived_id("jira-issue", tenant, issue
id)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any, Final, TypedDict
from urllib.parse import urlsplit

from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre._payloads import DomainIntentPayload
from ameide_core_proto.sre.core.v1 import incident_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.facts_pb2 import SreDomainFact
from ameide_core_proto.sre.core.v1.intents_pb2 import (
    AcknowledgeIncidentRequested,
    AssignIncidentRequested,
    CloseIncidentRequested,
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
    millis,
    person,
)
from ameide_sre_contracts.envelopes import Envelope, new_intent
from ameide_sre_contracts.errors import InvalidArgumentError
from ameide_sre_contracts.vocabulary import IncidentStatus, severity_from_label

__all__ = [
    "IGNORED_EVENTS",
    "MAPPED_EVENTS",
    "PRIORITY",
    "SEVERITY_FROM_PRIORITY",
    "JiraRequest",
    "intents_from_webhook",
    "issue_key_of",
    "link_from_response",
    "requests_from_fact",
]

PRIORITY: Final = MappingProxyType(
    {
        sre_pb2.SEVERITY_CRITICAL: "Highest",
        sre_pb2.SEVERITY_HIGH: "High",
        sre_pb2.SEVERITY_MEDIUM: "Medium",
        sre_pb2.SEVERITY_LOW: "Low",
        sre_pb2.SEVERITY_INFO: "Lowest",
    }
)
"""`Severity` to the priority of Jira's default priority scheme."""

SEVERITY_FROM_PRIORITY: Final = MappingProxyType(
    {
        "highest": sre_pb2.SEVERITY_CRITICAL,
        "blocker": sre_pb2.SEVERITY_CRITICAL,
        "high": sre_pb2.SEVERITY_HIGH,
        "medium": sre_pb2.SEVERITY_MEDIUM,
        "low": sre_pb2.SEVERITY_LOW,
        "lowest": sre_pb2.SEVERITY_INFO,
        "trivial": sre_pb2.SEVERITY_INFO,
    }
)
"""Jira priority names (lowercase) to `Severity`: the default scheme and Jira Server's older one. Names not here
go through the package's severity labels (Critical, Major, Minor, ...)."""

MAPPED_EVENTS: Final = frozenset({"jira:issue_updated", "comment_created"})
"""The webhook events that can reach the contract."""

IGNORED_EVENTS: Final = frozenset(
    {
        "jira:issue_created",
        "jira:issue_deleted",
        "comment_updated",
        "comment_deleted",
        "attachment_created",
        "attachment_deleted",
        "issuelink_created",
        "issuelink_deleted",
        "worklog_created",
        "worklog_updated",
        "worklog_deleted",
        "issue_property_set",
        "issue_property_deleted",
    }
)
"""Events that change nothing the contract holds: the issue this module created, a deletion (the incident stays),
edits of comments already recorded, attachments, links, work logs and entity properties."""

_MAPPED_FIELDS: Final = ("status", "assignee", "priority")
MAX_SUMMARY: Final = 255
MAX_TEXT: Final = 32767
_ISSUE_IN_SELF: Final = re.compile(r"/rest/api/[0-9]+/issue/([0-9]+)/comment/")


class JiraRequest(TypedDict):
    """One REST API v3 call: the method, the path under the site (`https://acme.atlassian.net`), the JSON body."""

    method: str
    path: str
    body: dict[str, Any]


def _adf(text: str) -> dict[str, Any]:
    """Text as an Atlassian Document Format document: a paragraph per blank-line block, a hard break per newline."""
    paragraphs: list[dict[str, Any]] = []
    for block in text[:MAX_TEXT].split("\n\n"):
        content: list[dict[str, Any]] = []
        for line in block.split("\n"):
            if content:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        while content and content[-1]["type"] == "hardBreak":
            content.pop()
        if content:
            paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}


def _status_name(status: int) -> str:
    return sre_pb2.IncidentStatus.Name(status).removeprefix("INCIDENT_STATUS_").lower()  # type: ignore[arg-type]


def _create(fact: SreDomainFact, project_key: str, issue_type: str) -> JiraRequest:
    incident = fact.incident_created.incident
    facts = [
        f"SRE incident {incident.incident_id}",
        f"Severity: {sre_pb2.Severity.Name(incident.severity).removeprefix('SEVERITY_').lower()}",
        f"Status: {_status_name(incident.status)}",
    ]
    if incident.affected_resources:
        facts.append("Affected: " + ", ".join(resource.id for resource in incident.affected_resources[:10]))
    description = "\n\n".join(filter(None, (incident.description, "\n".join(facts))))
    fields: dict[str, Any] = {
        "project": {"key": project_key},
        "issuetype": {"name": issue_type},
        "summary": incident.title[:MAX_SUMMARY],
        "description": _adf(description),
        "labels": [incident_label(incident.incident_id)],
    }
    if incident.severity in PRIORITY:
        fields["priority"] = {"name": PRIORITY[incident.severity]}
    return {"method": "POST", "path": "/rest/api/3/issue", "body": {"fields": fields}}


def _comment(key: str, text: str) -> JiraRequest:
    return {"method": "POST", "path": f"/rest/api/3/issue/{key}/comment", "body": {"body": _adf(text)}}


def _reached(fact: SreDomainFact, case: str) -> IncidentStatus | None:
    """The status a lifecycle fact leaves the incident in."""
    if case == "incident_acknowledged":
        return sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED
    if case == "incident_status_changed":
        return fact.incident_status_changed.status
    if case == "incident_resolved":
        return sre_pb2.INCIDENT_STATUS_RESOLVED
    if case == "incident_closed":
        return sre_pb2.INCIDENT_STATUS_CLOSED
    return None


def requests_from_fact(
    fact: SreDomainFact,
    *,
    project_key: str | None = None,
    issue_key: str | None = None,
    transitions: Mapping[IncidentStatus, str] | None = None,
    issue_type: str = "Task",
) -> list[JiraRequest]:
    """The REST API v3 requests an incident fact calls for (see the module's table); none for other facts.

    `project_key` is needed for `IncidentCreated`, `issue_key` (see
    `issue_key_of`) for the rest. The caller sends each with its credentials.

    Raises:
        InvalidArgumentError: a key the fact needs was not given.
    """
    case = fact.WhichOneof("fact")
    if case == "incident_created":
        return [_create(fact, require_text(project_key or "", "project_key"), require_text(issue_type, "issue_type"))]
    requests: list[JiraRequest] = []
    if case == "incident_timeline_entry_added":
        entry = fact.incident_timeline_entry_added.entry
        kind = incident_pb2.TimelineEntryKind.Name(entry.kind).removeprefix("TIMELINE_ENTRY_KIND_").lower()
        requests.append(_comment("{key}", f"[{kind.replace('_', ' ')}] {entry.text}"))
    elif case == "incident_severity_changed":
        priority = PRIORITY.get(fact.incident_severity_changed.severity)
        if priority:
            requests.append(
                {
                    "method": "PUT",
                    "path": "/rest/api/3/issue/{key}",
                    "body": {"fields": {"priority": {"name": priority}}},
                }
            )
    reached = _reached(fact, case or "")
    transition = (transitions or {}).get(reached) if reached is not None else None
    if transition:
        requests.append(
            {
                "method": "POST",
                "path": "/rest/api/3/issue/{key}/transitions",
                "body": {"transition": {"id": transition}},
            }
        )
    if case == "incident_resolved" and fact.incident_resolved.resolution_summary:
        requests.append(_comment("{key}", f"Resolved: {fact.incident_resolved.resolution_summary}"))
    if case == "incident_closed" and fact.incident_closed.closing_note:
        requests.append(_comment("{key}", f"Closed: {fact.incident_closed.closing_note}"))
    if not requests:
        return []
    if not issue_key:
        raise InvalidArgumentError(f"issue_key is needed for {case}: the incident's Jira issue (issue_key_of)")
    return [{**request, "path": request["path"].replace("{key}", issue_key)} for request in requests]


def issue_key_of(incident: incident_pb2.Incident) -> str | None:
    """The key of the incident's Jira issue, from its counterparts (`Incident.external_refs`)."""
    for ref in incident.external_refs:
        if ref.system == incident_pb2.EXTERNAL_SYSTEM_JIRA:
            return ref.id
    return None


def link_from_response(
    response: bytes | str | Mapping[str, Any],
    *,
    incident_id: str,
    tenant_id: str,
    producer: str,
    causation: Envelope | None = None,
) -> SreDomainIntent:
    """The intent recording the issue Jira created (its answer to `POST /rest/api/3/issue`) as the incident's.

    The link is `https://<site>/browse/<key>`, the site read from the answer's `self`.

    Raises:
        AdapterInputError: not Jira's answer to creating an issue.
    """
    root = Node(load_json(response, what="Jira's response"))
    root.required_mapping()
    key = root["key"].required_text()
    site = urlsplit(root["self"].text())
    url = f"{site.scheme}://{site.netloc}/browse/{key}" if site.scheme in ("http", "https") and site.netloc else ""
    return external_ref_link(
        incident_pb2.EXTERNAL_SYSTEM_JIRA,
        key,
        url,
        incident_id=incident_id,
        tenant_id=tenant_id,
        producer=producer,
        causation=causation,
        path=root.path,
    )


def _user_key(node: Node) -> str:
    """A Jira user's stable key: the Cloud account id, else the Server user name or key."""
    return node["accountId"].text() or node["name"].text() or node["key"].text() if node.present else ""


def _user(node: Node) -> sre_pb2.SreActor | None:
    key = _user_key(node)
    return person("jira", key, node["displayName"].text()) if key else None


def _adf_text(node: Node) -> str:
    """The text of an ADF document (Jira Cloud's v3 bodies), paragraphs on lines of their own."""
    lines: list[str] = []
    stack = [node]
    current: list[str] = []
    while stack:
        item = stack.pop()
        if item.value == "\n":
            lines.append("".join(current))
            current = []
            continue
        kind = item["type"].text()
        if kind == "text":
            current.append(item["text"].text())
        elif kind == "hardBreak":
            current.append("\n")
        children = list(item["content"].items())
        if kind in ("paragraph", "heading"):
            stack.append(Node("\n"))
        stack.extend(reversed(children))
    lines.append("".join(current))
    return "\n".join(line for line in lines if line)


def _body_text(node: Node) -> str:
    if isinstance(node.value, Mapping):
        return _adf_text(node)
    return node.text()


def _status_payload(
    item: Node,
    issue: Node,
    changes: list[Node],
    status_map: Mapping[str, IncidentStatus],
    at: Timestamp | None,
    by: Node,
) -> DomainIntentPayload:
    before, after = item["fromString"].text(), item["toString"].text()
    summary = f"Jira status {before or 'none'} → {after or 'none'}"
    wanted = status_map.get(after)
    if wanted is None:
        current = issue["fields"]["status"]
        category = current["statusCategory"]["key"].text() if current["name"].text() == after else ""
        reopened = any(
            change["field"].text() == "resolution" and change["from"].present and not change["to"].present
            for change in changes
        )
        resolved_before = issue["fields"]["resolution"].present and not any(
            change["field"].text() == "resolution" for change in changes
        )
        if category == "done":  # a resolution set before this change: done to done, the issue closes
            wanted = sre_pb2.INCIDENT_STATUS_CLOSED if resolved_before else sre_pb2.INCIDENT_STATUS_RESOLVED
        elif category == "indeterminate" or reopened:
            wanted = sre_pb2.INCIDENT_STATUS_INVESTIGATING
    if wanted == sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED:
        who = _user(by) or sre_pb2.SreActor(kind=sre_pb2.SRE_ACTOR_KIND_AUTOMATION, id="jira")
        return AcknowledgeIncidentRequested(acknowledged_by=who, note=summary[:1024])
    if wanted == sre_pb2.INCIDENT_STATUS_RESOLVED:
        resolution = issue["fields"]["resolution"]["name"].text()
        return ResolveIncidentRequested(resolution_summary=summary + (f" ({resolution})" if resolution else ""))
    if wanted == sre_pb2.INCIDENT_STATUS_CLOSED:
        return CloseIncidentRequested(closing_note=summary)
    if wanted in (sre_pb2.INCIDENT_STATUS_INVESTIGATING, sre_pb2.INCIDENT_STATUS_MITIGATING):
        return TransitionIncidentStatusRequested(status=wanted, reason=summary)
    return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_STATUS_CHANGE, summary, at)


def _change_payload(
    item: Node,
    issue: Node,
    changes: list[Node],
    status_map: Mapping[str, IncidentStatus],
    at: Timestamp | None,
    by: Node,
) -> DomainIntentPayload | None:
    field = item["field"].text()
    if field == "status":
        return _status_payload(item, issue, changes, status_map, at, by)
    if field == "assignee":
        to, name = item["to"].text(), item["toString"].text()
        if not to and not name:
            before = item["fromString"].text() or "nobody"
            return timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_NOTE, f"Unassigned in Jira (was {before})", at)
        actor = _user(issue["fields"]["assignee"]) or person("jira", to or name, name)
        return AssignIncidentRequested(assignee=actor, reason="Assigned in Jira")
    if field == "priority":
        name = item["toString"].text()
        severity = SEVERITY_FROM_PRIORITY.get(name.strip().lower()) or severity_from_label(name)
        if severity == sre_pb2.SEVERITY_UNSPECIFIED:
            return None
        return UpdateIncidentSeverityRequested(severity=severity, reason=f"Jira priority set to {name}"[:1024])
    return None


def _issue_id(root: Node, issue: Node) -> str:
    """The issue's id; a Jira Server comment event names it only in the comment's own link."""
    if issue.present:
        return issue["id"].required_text()
    found = _ISSUE_IN_SELF.search(root["comment"]["self"].text())
    if found is None:
        raise issue.fail("the issue, or a comment whose self link names it")
    return found.group(1)


def intents_from_webhook(
    body: bytes | str | Mapping[str, Any],
    *,
    tenant_id: str,
    producer: str,
    incident_id_for: Callable[[str], str | None] | None = None,
    status_map: Mapping[str, IncidentStatus] | None = None,
    ignore_accounts: Collection[str] = (),
) -> list[SreDomainIntent]:
    """The intents a Jira webhook calls for (see the module's table), or none.

    Raises:
        AdapterInputError: not a Jira webhook, or a mapped event that does not fit the contract.
    """
    root = webhook_root(body, tenant_id, producer)
    event = root["webhookEvent"].required_text()
    if event not in MAPPED_EVENTS:
        return []  # one of IGNORED_EVENTS, or one Jira added since
    at = millis(root["timestamp"])
    issue = root["issue"]
    comment = root["comment"]
    by = root["user"] if root["user"].present else comment["author"]
    if ignored_sender(_user_key(by), ignore_accounts):
        return []
    issue_id = _issue_id(root, issue)
    key = issue["key"].text()
    labels = [label.text() for label in issue["fields"]["labels"].items()]
    incident_id = (
        incident_from_labels(labels)
        or (incident_id_for(key) if incident_id_for and key else None)
        or derived_id("jira-issue", tenant_id, issue_id)
    )
    found: list[tuple[DomainIntentPayload, str]] = []
    if comment.present:
        text = _body_text(comment["body"]).strip()
        if text:
            entry = timeline_entry(incident_pb2.TIMELINE_ENTRY_KIND_NOTE, text, at)
            found.append((entry, derived_id("jira-comment", tenant_id, comment["id"].required_text())))
    if event == "jira:issue_updated":
        changes = list(root["changelog"]["items"].items())
        change_id = root["changelog"]["id"].text() or str(at.ToMilliseconds() if at else "")
        latest: dict[str, Node] = {}
        for item in changes:  # one intent per field a change names, its last value: what the issue now holds
            field = item["field"].text()
            if field in _MAPPED_FIELDS:
                latest[field] = item
        for field, item in latest.items():
            payload = _change_payload(item, issue, changes, status_map or {}, at, by)
            if payload is not None:
                found.append((payload, derived_id("jira", tenant_id, issue_id, change_id, field)))
    actor = _user(by)
    intents = [
        new_intent(
            payload,
            tenant_id=tenant_id,
            producer=producer,
            aggregate_id=incident_id,
            message_id=message_id,
            occurred_at=at,
            actor=actor,
        )
        for payload, message_id in found
    ]
    return [checked(intent, root.path, "a Jira issue change") for intent in intents]
