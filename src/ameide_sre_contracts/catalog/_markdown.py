"""The event catalog as Markdown: topics, envelopes, payloads, types and enums with their rules in words."""

from __future__ import annotations

from typing import Any

from ameide_core_proto.sre.core.v1 import query_pb2
from ameide_sre_contracts._binding import partition_key_words
from ameide_sre_contracts._descriptors import comment, is_map, is_well_known, reachable, service_messages
from ameide_sre_contracts.catalog import _diagrams, _services
from ameide_sre_contracts.catalog._words import message_rules, presence, rules_in_words, type_name
from ameide_sre_contracts.topics import CONTRACT_VERSION, PAYLOADS, TOPICS, Topic
from ameide_sre_contracts.validation import (
    AGGREGATE_ID_RULE,
    AGGREGATE_TYPE_RULE,
    CREATES_AGGREGATE_RULE,
    MIN_VERSION_RULE,
)

_ENVELOPE_RULES = [
    ("subject.aggregate_type", f"equals the payload's aggregate (`{AGGREGATE_TYPE_RULE}`)"),
    (
        "subject.aggregate_version",
        f"0 on an intent and 1 on a fact when the payload creates its aggregate (`{CREATES_AGGREGATE_RULE}`)",
    ),
    ("subject.aggregate_id", f"equals the id the payload names, where it names one (`{AGGREGATE_ID_RULE}`)"),
    (
        "subject.aggregate_version",
        f"at least 1 on a fact, but on one that reports an intent's outcome (`{MIN_VERSION_RULE}`)",
    ),
]
_KNOWN_ENVELOPE_RULES = {AGGREGATE_TYPE_RULE, CREATES_AGGREGATE_RULE, AGGREGATE_ID_RULE, MIN_VERSION_RULE}


def _anchor(name: str) -> str:
    return name.lower()


def _field_table(descriptor: Any) -> list[str]:
    lines = ["| field | number | type | presence | rules | description |", "|---|---:|---|---|---|---|"]
    for field in descriptor.fields:
        kind = type_name(field)
        target = field.message_type or field.enum_type
        if target is not None and not is_well_known(target) and not is_map(field):
            kind = kind.replace(target.name, f"[{target.name}](#{_anchor(target.name)})")
        cells = [
            f"`{field.name}`",
            str(field.number),
            kind,
            presence(field),
            rules_in_words(field).replace("|", "\\|"),
            comment(field.full_name).replace("|", "\\|"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _message_rules_lines(descriptor: Any) -> list[str]:
    rules = message_rules(descriptor)
    return ["", *(f"- Rule `{rule_id}`: {text}" for rule_id, text in rules)] if rules else []


def _has_aggregate(topic: Topic) -> bool:
    subject: Any = topic.envelope_type.DESCRIPTOR.fields_by_name["subject"].message_type
    return "aggregate_type" in subject.fields_by_name


def _topic_section(topic: Topic) -> list[str]:
    envelope: Any = topic.envelope_type.DESCRIPTOR
    lines = ["", f"## `{topic.name}`", "", f"### {envelope.name}", "", comment(envelope.full_name), ""]
    lines += _field_table(envelope)
    if _has_aggregate(topic):
        applicable = _ENVELOPE_RULES if topic.min_aggregate_version else _ENVELOPE_RULES[:3]
        lines += ["", *(f"- Rule on `{path}`: {text}" for path, text in applicable)]
        others = [(rule_id, text) for rule_id, text in message_rules(envelope) if rule_id not in _KNOWN_ENVELOPE_RULES]
        lines += [f"- Rule `{rule_id}`: {text}" for rule_id, text in others]
    for payload in topic.payload_types:
        info = PAYLOADS[payload]
        descriptor: Any = payload.DESCRIPTOR
        lines += ["", f"### {descriptor.name}", "", comment(descriptor.full_name), ""]
        lines.append(f"- CloudEvents type: `{info.event_type}`")
        lines.append(f"- Oneof case: `{info.case}` (field {info.field_number})")
        if info.aggregate_type:
            creates = " (creates it)" if info.creates_aggregate else ""
            lines.append(f"- Aggregate: `{info.aggregate_type}`{creates}")
        if info.reports_outcome:
            lines.append(
                "- Aggregate: the refused intent's, any type, at the version the domain holds; "
                "it does not advance it (`check_version` answers OUTCOME)"
            )
        if info.aggregate_id_field:
            lines.append(f"- Aggregate id: `{'.'.join(info.aggregate_id_field)}` equals `subject.aggregate_id`")
        lines += ["", *_field_table(descriptor), *_message_rules_lines(descriptor)]
    return lines


def markdown() -> str:
    """The event catalog as Markdown."""
    roots = [topic.envelope_type.DESCRIPTOR for topic in TOPICS.values()]
    messages, enums = reachable([*roots, *service_messages(query_pb2.DESCRIPTOR)])
    listed = {payload.DESCRIPTOR.full_name for payload in PAYLOADS} | _services.listed()
    listed |= {topic.envelope_type.DESCRIPTOR.full_name for topic in TOPICS.values()}
    lines = [
        f"# SRE event catalog (contract {CONTRACT_VERSION})",
        "",
        "Generated from the contract's descriptors by `sre-contracts catalog`; do not edit. "
        "Every message travels as a CloudEvent (`application/protobuf`) whose data is the encoded envelope; "
        "`ce_type` names the payload.",
        "",
        "| topic | envelope | events | Kafka key |",
        "|---|---|---:|---|",
    ]
    for topic in TOPICS.values():
        name = topic.envelope_type.__name__
        key = f"`{partition_key_words(topic)}`"
        lines.append(f"| `{topic.name}` | [{name}](#{_anchor(name)}) | {len(topic.payload_types)} | {key} |")
    lines += [
        "",
        "## Incident lifecycle",
        "",
        "Declared by the `next` option of each `IncidentStatus` value; "
        "`sre.can_transition(current, new)` reads the same declarations.",
        "",
        *_diagrams.lifecycle(),
        "",
        "## Flow",
        "",
        "Intents ask the SRE domain for a change; it records what happened as facts; "
        "the triage workflow reacts to incident and alert facts with process facts and new intents. "
        "One diagram per aggregate, by event name:",
    ]
    for title, diagram in _diagrams.flows():
        lines += ["", f"### Flow: {title}", "", *diagram]
    for topic in TOPICS.values():
        lines += _topic_section(topic)
    lines += _services.section(_field_table, _message_rules_lines)
    lines += [
        "",
        "## Integration mappings",
        "",
        "What `ameide_sre_contracts.adapters` (and `sre-contracts ingest`) map other systems' payloads with.",
        "",
        "### Severity labels",
        "",
        *_diagrams.severity_table(),
        "",
        "### Derived ids",
        "",
        *_diagrams.identity(),
        "",
        "### Paging and ticketing",
        "",
        "Every event or action a sender documents is mapped (the tables) or ignored by name; one it adds later is "
        "ignored, never refused.",
        "",
        *_diagrams.paging_and_ticketing(),
    ]
    lines += ["", "## Types", ""]
    for descriptor in messages:
        if descriptor.full_name in listed:
            continue
        lines += [f"### {descriptor.name}", "", comment(descriptor.full_name), ""]
        lines += [*_field_table(descriptor), *_message_rules_lines(descriptor), ""]
    lines += ["## Enums", ""]
    for enum in enums:
        package = enum.full_name.rsplit(".", 1)[0]
        lines += [
            f"### {enum.name}",
            "",
            comment(enum.full_name),
            "",
            "| value | number | description |",
            "|---|---:|---|",
        ]
        lines += [f"| `{v.name}` | {v.number} | {comment(f'{package}.{v.name}')} |" for v in enum.values]
        lines.append("")
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
