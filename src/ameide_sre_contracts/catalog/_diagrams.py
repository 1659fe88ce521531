"""Mermaid diagrams and mapping tables for the catalog, drawn from the same declarations the layer reads.

The incident state machine comes from the `next` options of `IncidentStatus`,
the flow from the payloads' aggregate options, the severity table from the
`aliases` options: a change to the contract redraws them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import ModuleType

from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts.adapters import ADAPTER_NAMESPACE
from ameide_sre_contracts.topics import PAYLOADS, TOPICS
from ameide_sre_contracts.vocabulary import INCIDENT_TRANSITIONS, SEVERITY_ALIASES

_PREFIX = "INCIDENT_STATUS_"


def _status(value: sre_pb2.IncidentStatus.ValueType) -> str:
    return sre_pb2.IncidentStatus.Name(value).removeprefix(_PREFIX).lower()


def lifecycle() -> list[str]:
    """The incident lifecycle as a Mermaid state diagram, from `IncidentStatus`'s `next` declarations."""
    first = min(INCIDENT_TRANSITIONS)
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {_status(first)}"]
    for status, successors in INCIDENT_TRANSITIONS.items():
        lines += [f"    {_status(status)} --> {_status(successor)}" for successor in sorted(successors)]
        if not successors:
            lines.append(f"    {_status(status)} --> [*]")
    lines.append("```")
    return lines


def flow() -> list[str]:
    """Intents to facts to process facts as a Mermaid flowchart, one node per aggregate and topic."""
    by_topic: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for payload, info in PAYLOADS.items():
        group = "Outcomes" if info.reports_outcome else info.aggregate_type or "Workflows"
        by_topic[info.topic.name][group].append(payload.DESCRIPTOR.name)
    names = list(TOPICS)
    intents_topic, facts_topic, process_topic = names
    lines = ["```mermaid", "flowchart LR"]
    for topic in names:
        lines.append(f'    subgraph {topic.replace(".", "_")}["{topic}"]')
        for aggregate, payloads in by_topic[topic].items():
            node = f"{topic.replace('.', '_')}_{aggregate}"
            lines.append(f'        {node}["{aggregate}: {len(payloads)} event(s)"]')
        lines.append("    end")
    for aggregate in by_topic[intents_topic]:
        source = f"{intents_topic.replace('.', '_')}_{aggregate}"
        target = f"{facts_topic.replace('.', '_')}_{aggregate}"
        lines.append(f"    {source} -- SRE domain --> {target}")
    if "Outcomes" in by_topic[facts_topic]:
        outcomes = f"{facts_topic.replace('.', '_')}_Outcomes"
        lines.append(f"    {intents_topic.replace('.', '_')} -- refused by the SRE domain --> {outcomes}")
    process = process_topic.replace(".", "_")
    for aggregate in ("Incident", "Alert"):
        lines.append(f"    {facts_topic.replace('.', '_')}_{aggregate} -- triage workflow --> {process}")
    lines.append(f"    {process} -- workflow commands --> {intents_topic.replace('.', '_')}")
    lines.append("```")
    return lines


def severity_table() -> list[str]:
    """Each `Severity` with the labels that map to it, from the `aliases` declarations."""
    by_value: dict[sre_pb2.Severity.ValueType, list[str]] = defaultdict(list)
    for alias, value in SEVERITY_ALIASES.items():
        by_value[value].append(alias)
    lines = ["| severity | labels that map to it (case-insensitive) |", "|---|---|"]
    for number in sre_pb2.Severity.values():
        if number:
            aliases = ", ".join(f"`{alias}`" for alias in by_value[number])
            lines.append(f"| `{sre_pb2.Severity.Name(number)}` | {aliases} |")
    lines.append("| `SEVERITY_UNSPECIFIED` | no label, or one not listed (the raw label is kept in `raw_severity`) |")
    return lines


def identity() -> list[str]:
    """How the adapters derive ids, so another language can derive the same ones."""
    return [
        f"Every derived id is a UUIDv5 in the namespace `{ADAPTER_NAMESPACE}` "
        '(`uuid5(NAMESPACE_URL, "urn:ameide:sre-contracts:adapters")`) over its parts, each written as a netstring '
        "(its length in UTF-8 bytes, `:`, the part, `,`).",
        "",
        "| source | id | derived from |",
        "|---|---|---|",
        "| Alertmanager, Grafana | `message_id` | `alert`, tenant, fingerprint, `startsAt` (RFC 3339, UTC), "
        "status word (`firing`, `resolved`, `silenced`, `inhibited`) |",
        "| Alertmanager, Grafana | `fingerprint` | always computed from the labels as Alertmanager computes it: "
        "FNV-1a 64 over the sorted label names and values, each ended by 0xFF, as 16 hex digits; a sent one "
        "that differs is kept in `sent_fingerprint` and decides nothing |",
        "| Alertmanager, Grafana | `alert_id` | `<fingerprint>-<startsAt in Unix seconds>` (not a UUID) |",
        "| Kubernetes event | `alert_id` | `kubernetes:<uid>:<first seen in Unix seconds>` (not a UUID) |",
        "| Kubernetes event | `message_id` | `kubernetes-event`, tenant, fingerprint (the event's uid), count, "
        "last seen |",
        "| Argo CD Application | `healthcheck_id`, `message_id` | `argocd-application`, tenant, cluster, namespace, "
        "name, uid, the assessment time when the Application states it (else empty), SHA-256 (first 32 hex "
        "digits) of the `HealthCheck` built, deterministically serialized, without its id and time |",
        "| Argo CD fleet | `fleetstate_id`, `message_id` | `argocd-fleet`, tenant, cluster, environment, time "
        "(with none known: `members=` SHA-256, first 32 hex digits, of each Application's namespace, name, health "
        "and sync, sorted), `<count field>=<n>` for each count in name order, `total=<n>` |",
        "| OpenSLO document | `message_id` | `openslo`, tenant, name, SHA-256 (first 32 hex digits) of the `SLO` "
        "built, deterministically serialized, without `created_at` |",
        "| PagerDuty webhook | `message_id` | `pagerduty`, tenant, the event's id |",
        "| Opsgenie webhook | `message_id` | `opsgenie`, tenant, alert id, action, `updatedAt` (else escalation id "
        "and repeat count) |",
        "| Opsgenie alert | `subject.aggregate_id` | its `alias` when a hyphenated UUID other than the alert id (the "
        "alias sent), else `opsgenie-alert`, tenant, the alert id |",
        "| PagerDuty incident | `subject.aggregate_id` | its `incident_key` when a hyphenated UUID (the "
        "`dedup_key` sent), else `pagerduty-incident`, tenant, PagerDuty's incident id (of `data`, or "
        "`data.incident` for notes, status updates and responders) |",
        "| Jira webhook | `message_id` | `jira-comment`, tenant, the comment's id (so `comment_created` and the "
        "`issue_updated` carrying the same comment are one message); else `jira`, tenant, issue id, changelog id, "
        "the field changed |",
        "| Jira issue | `subject.aggregate_id` | its `sre-incident-<id>` label (the label sent), else "
        "`jira-issue`, tenant, the issue's id (a Jira Server comment event: read from the comment's `self`) |",
        "| GitHub webhook | `message_id` | `github-comment`, tenant, the comment's id; else `github`, tenant, "
        "issue id, action, `updated_at`, the label or assignee |",
        "| GitHub issue | `subject.aggregate_id` | its `sre-incident-<id>` label (the label sent), else "
        "`github-issue`, tenant, the issue's id |",
        "| a ticket's link back | `message_id` | `external-ref`, the `ExternalSystem` number, tenant, incident id, "
        "the ticket's id and link |",
    ]


def _docstring_tables(doc: str) -> list[str]:
    """The Markdown tables of a module's docstring, each followed by a blank line."""
    lines: list[str] = []
    for line in doc.splitlines():
        if line.startswith("|"):
            lines.append(line)
        elif lines and lines[-1]:
            lines.append("")
    return lines if not lines or not lines[-1] else [*lines, ""]


def _names(values: Iterable[object]) -> str:
    shown = sorted(":".join(v) if isinstance(v, tuple) else str(v) for v in values)
    return ", ".join(f"`{value}`" for value in shown)


def _severity_to(table: Mapping[sre_pb2.Severity.ValueType, str], column: str) -> list[str]:
    rows = [f"| `{sre_pb2.Severity.Name(severity)}` | {value} |" for severity, value in table.items()]
    return [f"| severity | {column} |", "|---|---|", *rows, ""]


def paging_and_ticketing() -> list[str]:
    """Each paging and ticketing adapter's tables: its module's own, what it ignores by name, its priorities."""
    from ameide_sre_contracts.adapters import github, jira, opsgenie, pagerduty

    sections: list[tuple[str, ModuleType, list[str]]] = [
        (
            "PagerDuty",
            pagerduty,
            [
                f"Mapped events: {_names(pagerduty.MAPPED_EVENTS)}.",
                "",
                f"Ignored events: {_names(pagerduty.IGNORED_EVENTS)}.",
                "",
                *_severity_to(pagerduty.EVENTS_API_SEVERITY, "Events API `payload.severity`"),
            ],
        ),
        (
            "Opsgenie",
            opsgenie,
            [f"Ignored actions: {_names(opsgenie.IGNORED_ACTIONS)}.", "", *_severity_to(opsgenie.PRIORITY, "priority")],
        ),
        (
            "Jira",
            jira,
            [
                f"Ignored events: {_names(jira.IGNORED_EVENTS)}.",
                "",
                *_severity_to(jira.PRIORITY, "priority"),
                "| Jira priority | severity |",
                "|---|---|",
                *(
                    f"| {name} | `{sre_pb2.Severity.Name(value)}` |"
                    for name, value in jira.SEVERITY_FROM_PRIORITY.items()
                ),
                "",
            ],
        ),
        (
            "GitHub Issues",
            github,
            [f"Ignored actions: {_names(github.IGNORED_ACTIONS)}.", ""],
        ),
    ]
    lines: list[str] = []
    for title, module, extra in sections:
        lines += [f"#### {title} (`adapters.{module.__name__.rsplit('.', 1)[1]}`)", ""]
        lines += _docstring_tables(module.__doc__ or "")
        lines += extra
    return lines[:-1] if lines and not lines[-1] else lines
