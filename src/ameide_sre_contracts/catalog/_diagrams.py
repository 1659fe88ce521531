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


def _node_id(*parts: str) -> str:
    return "_".join(part.replace(".", "_") for part in parts)


def _events(topic: str, group: str, names: list[str]) -> list[str]:
    lines = [f'    subgraph {_node_id(group, topic)}["{topic}"]']
    lines += [f'        {_node_id(group, name)}["{name}"]' for name in names]
    return [*lines, "    end"]


def flows() -> list[tuple[str, list[str]]]:
    """Per aggregate, a Mermaid flowchart of its intents and facts by name (and where the triage workflow listens);
    then the outcomes and the workflow's own facts. Drawn from the payloads' topic and aggregate options."""
    by_topic: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for payload, info in PAYLOADS.items():
        group = "Outcomes" if info.reports_outcome else info.aggregate_type or "Workflows"
        by_topic[info.topic.name][group].append(payload.DESCRIPTOR.name)
    intents_topic, facts_topic, process_topic = list(TOPICS)
    triage = by_topic[process_topic]["Workflows"]
    diagrams: list[tuple[str, list[str]]] = []
    for aggregate, intents in by_topic[intents_topic].items():
        facts = by_topic[facts_topic][aggregate]
        lines = ["```mermaid", "flowchart LR"]
        lines += _events(intents_topic, aggregate, intents)
        lines += _events(facts_topic, aggregate, facts)
        lines.append(
            f"    {_node_id(aggregate, intents_topic)} -- the SRE domain decides --> {_node_id(aggregate, facts_topic)}"
        )
        if aggregate in ("Incident", "Alert"):
            lines.append(
                f"    {_node_id(aggregate, 'triage')}"
                f'["triage workflow: {len(triage)} process facts on {process_topic}"]'
            )
            lines.append(
                f"    {_node_id(aggregate, facts_topic)} -- starts and informs --> {_node_id(aggregate, 'triage')}"
            )
            lines.append(
                f"    {_node_id(aggregate, 'triage')} -- sends intents --> {_node_id(aggregate, intents_topic)}"
            )
        diagrams.append((aggregate, [*lines, "```"]))
    outcomes = ["```mermaid", "flowchart LR", f'    any["any intent on {intents_topic}"]']
    outcomes += _events(facts_topic, "Outcomes", by_topic[facts_topic]["Outcomes"])
    outcomes += [f"    any -- refused by the SRE domain --> {_node_id('Outcomes', facts_topic)}", "```"]
    diagrams.append(("Outcomes", outcomes))
    workflow = ["```mermaid", "flowchart LR", '    facts["incident and alert facts"]']
    workflow += _events(process_topic, "Workflows", triage)
    workflow += [f"    facts -- IncidentTriageProcess --> {_node_id('Workflows', process_topic)}", "```"]
    diagrams.append(("Triage workflow", workflow))
    return diagrams


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
