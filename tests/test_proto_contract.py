"""The v1 contract: exact to the seed, every case round-trips, every option and name is consistent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, query_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts._descriptors import field_rules, is_map, reachable, service_messages
from tests.conftest import ENVELOPES

ALL_EXAMPLES = [
    pytest.param(envelope, id=f"{type(envelope).__name__}.{envelope.WhichOneof(sre.topic_of(envelope).oneof)}")
    for envelope_type in ENVELOPES
    for envelope in testing.examples(envelope_type)
]

# Seed 526-sre-proto.md, §2 to §6: names and numbers that never change.
SEED_TOPICS = {
    "sre.domain.intents.v1": "ameide_core_proto.sre.core.v1.SreDomainIntent",
    "sre.domain.facts.v1": "ameide_core_proto.sre.core.v1.SreDomainFact",
    "sre.process.facts.v1": "ameide_core_proto.sre.process.v1.SreProcessFact",
}
SEED_ENUMS = {
    "Severity": ["UNSPECIFIED", "CRITICAL", "HIGH", "MEDIUM", "LOW"],
    "IncidentStatus": [
        "UNSPECIFIED",
        "OPEN",
        "ACKNOWLEDGED",
        "INVESTIGATING",
        "MITIGATING",
        "RESOLVED",
        "CLOSED",
    ],
    "AlertStatus": ["UNSPECIFIED", "FIRING", "RESOLVED", "SILENCED", "ACKNOWLEDGED"],
    "HealthStatus": ["UNSPECIFIED", "HEALTHY", "DEGRADED", "UNHEALTHY", "UNKNOWN"],
}
SEED_MESSAGES = {
    "ResourceRef": "type id namespace cluster environment",
    "SreMessageMeta": "message_id tenant_id occurred_at producer correlation_id causation_id",
    "SreSubject": "aggregate_type aggregate_id aggregate_version",
}
SEED_CASES = {
    "SreDomainIntent": """
        meta:1:SreMessageMeta subject:2:SreSubject
        create_incident:10:CreateIncidentRequested update_incident_severity:11:UpdateIncidentSeverityRequested
        assign_incident:12:AssignIncidentRequested add_timeline_entry:13:AddIncidentTimelineEntryRequested
        resolve_incident:14:ResolveIncidentRequested close_incident:15:CloseIncidentRequested
        ingest_alert:20:IngestAlertRequested acknowledge_alert:21:AcknowledgeAlertRequested
        correlate_alerts:22:CorrelateAlertsToIncidentRequested create_runbook:30:CreateRunbookRequested
        execute_runbook:31:ExecuteRunbookRequested create_slo:40:CreateSLORequested
        record_sli_measurement:41:RecordSLIMeasurementRequested
        record_health_check:50:RecordHealthCheckRequested
        record_fleet_state:51:RecordFleetStateRequested""",
    "SreDomainFact": """
        meta:1:SreMessageMeta subject:2:SreSubject
        incident_created:10:IncidentCreated incident_severity_changed:11:IncidentSeverityChanged
        incident_assigned:12:IncidentAssigned incident_timeline_entry_added:13:IncidentTimelineEntryAdded
        incident_resolved:14:IncidentResolved incident_closed:15:IncidentClosed
        alert_ingested:20:AlertIngested
        alert_acknowledged:21:AlertAcknowledged alerts_correlated:22:AlertsCorrelatedToIncident
        runbook_created:30:RunbookCreated runbook_execution_completed:31:RunbookExecutionCompleted
        slo_created:40:SLOCreated sli_measurement_recorded:41:SLIMeasurementRecorded
        slo_budget_exhausted:42:SLOBudgetExhausted health_check_recorded:50:HealthCheckRecorded
        fleet_state_recorded:51:FleetStateRecorded""",
    "SreProcessFact": """
        meta:1:SreMessageMeta subject:2:SreProcessSubject
        incident_triage_started:10:IncidentTriageStarted backlog_lookup_completed:11:BacklogLookupCompleted
        triage_phase_completed:12:TriagePhaseCompleted remediation_proposed:13:RemediationProposed
        remediation_applied:14:RemediationApplied verification_started:15:VerificationStarted
        verification_completed:16:VerificationCompleted documentation_requested:17:DocumentationRequested
        incident_triage_completed:18:IncidentTriageCompleted""",
}
# Contract v1.1: the cases the platform's published SRE pack added, with its names and numbers.
V11_CASES = {
    "SreDomainIntent": """
        acknowledge_incident:16:AcknowledgeIncidentRequested
        transition_incident_status:17:TransitionIncidentStatusRequested
        update_runbook:32:UpdateRunbookRequested update_slo:42:UpdateSLORequested
        create_service:60:CreateServiceRequested update_service:61:UpdateServiceRequested
        delete_service:62:DeleteServiceRequested create_postmortem:70:CreatePostmortemRequested
        update_postmortem:71:UpdatePostmortemRequested publish_postmortem:72:PublishPostmortemRequested""",
    "SreDomainFact": """
        incident_acknowledged:16:IncidentAcknowledged incident_status_changed:17:IncidentStatusChanged
        runbook_updated:32:RunbookUpdated slo_updated:43:SLOUpdated
        service_created:60:ServiceCreated service_updated:61:ServiceUpdated service_deleted:62:ServiceDeleted
        postmortem_created:70:PostmortemCreated postmortem_updated:71:PostmortemUpdated
        postmortem_published:72:PostmortemPublished""",
    "SreProcessFact": """
        remediation_approval_requested:19:RemediationApprovalRequested remediation_approved:20:RemediationApproved
        remediation_rejected:21:RemediationRejected triage_escalated:22:TriageEscalated
        triage_cancelled:23:TriageCancelled""",
}
V12_CASES = {
    "SreDomainIntent": "",
    "SreDomainFact": "intent_rejected:80:IntentRejected",
    "SreProcessFact": "",
}
V13_CASES = {
    "SreDomainIntent": "link_external_ref:18:LinkIncidentExternalRefRequested",
    "SreDomainFact": "incident_external_ref_linked:18:IncidentExternalRefLinked",
    "SreProcessFact": "",
}
SEED_PROCESS_SUBJECT = "workflow_type workflow_id incident_id"
EVENT_TYPE = re.compile(r"^io\.ameide\.sre\.(domain\.intent|domain\.fact|process\.fact)\.([a-z0-9_]+)\.v1$")
EVENT_CLASS = {
    intents_pb2.SreDomainIntent: "domain.intent",
    facts_pb2.SreDomainFact: "domain.fact",
    process_facts_pb2.SreProcessFact: "process.fact",
}


def test_topics_are_the_seeds() -> None:
    """Each seed topic maps to its envelope, declared by the envelope's `topic` option."""
    assert {name: topic.envelope_type.DESCRIPTOR.full_name for name, topic in sre.TOPICS.items()} == SEED_TOPICS


@pytest.mark.parametrize("name", sorted(SEED_ENUMS))
def test_seed_enums_keep_their_values(name: str) -> None:
    """Seed enum values keep names and numbers; anything added comes after them."""
    values = sre_pb2.DESCRIPTOR.enum_types_by_name[name].values
    prefix = re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper() + "_"
    seeded = [(value.name, value.number) for value in values[: len(SEED_ENUMS[name])]]
    assert seeded == [(prefix + suffix, number) for number, suffix in enumerate(SEED_ENUMS[name])]
    assert all(value.number >= len(SEED_ENUMS[name]) for value in values[len(SEED_ENUMS[name]) :])


@pytest.mark.parametrize("name", sorted(SEED_MESSAGES))
def test_seed_common_messages_keep_their_fields(name: str) -> None:
    """Seed fields keep names and numbers 1..n; added fields take new numbers."""
    fields = sre_pb2.DESCRIPTOR.message_types_by_name[name].fields_by_number
    for number, field_name in enumerate(SEED_MESSAGES[name].split(), start=1):
        assert fields[number].name == field_name


def test_process_subject_keeps_its_fields() -> None:
    """SreProcessSubject keeps the seed's fields 1..3."""
    fields = process_facts_pb2.SreProcessSubject.DESCRIPTOR.fields_by_number
    assert [fields[n].name for n in (1, 2, 3)] == SEED_PROCESS_SUBJECT.split()


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda e: e.__name__)
def test_envelope_fields_and_cases_are_the_seeds(envelope_type: type[Message]) -> None:
    """Envelope fields and oneof cases carry the seed's and v1.1's to v1.3's names, numbers and types, nothing else."""
    name = envelope_type.__name__
    listed = f"{SEED_CASES[name]} {V11_CASES[name]} {V12_CASES[name]} {V13_CASES[name]}"
    expected = {
        int(number): (name, type_name) for name, number, type_name in (entry.split(":") for entry in listed.split())
    }
    actual = {
        field.number: (field.name, field.message_type.name if field.message_type else "")
        for field in envelope_type.DESCRIPTOR.fields
    }
    assert actual == expected
    (oneof,) = envelope_type.DESCRIPTOR.oneofs
    assert {field.number for field in oneof.fields} == set(expected) - {1, 2}


def test_every_payload_declares_a_well_formed_unique_event_type() -> None:
    """`event_type` is io.ameide.sre.<class>.<oneof case>.v1, unique across the contract."""
    seen: set[str] = set()
    for payload, info in sre.PAYLOADS.items():
        match = EVENT_TYPE.match(info.event_type)
        assert match, f"{payload.__name__}: {info.event_type!r}"
        assert match.group(1) == EVENT_CLASS[info.topic.envelope_type]
        assert match.group(2) == info.case
        assert info.event_type not in seen
        seen.add(info.event_type)
    assert len(seen) == 68


def test_domain_payloads_name_an_aggregate_the_subject_accepts() -> None:
    """Every domain payload but an outcome names an aggregate; together exactly what `SreSubject` accepts."""
    rules = field_rules(sre_pb2.SreSubject.DESCRIPTOR.fields_by_name["aggregate_type"])
    accepted = set(rules.string.__getattribute__("in"))
    outcomes = [p for p, i in sre.PAYLOADS.items() if i.reports_outcome]
    assert outcomes == [facts_pb2.IntentRejected]
    assert all(sre.PAYLOADS[p].topic.name == sre.DOMAIN_FACTS_TOPIC for p in outcomes)
    domain = {
        p: i for p, i in sre.PAYLOADS.items() if i.topic.name != sre.PROCESS_FACTS_TOPIC and not i.reports_outcome
    }
    assert all(info.aggregate_type in accepted for info in domain.values())
    assert {info.aggregate_type for info in domain.values()} == accepted
    assert all(not i.aggregate_type and not i.creates_aggregate for p, i in sre.PAYLOADS.items() if p not in domain)


def test_contract_version_is_semver_with_the_package_major() -> None:
    """The contract version is MAJOR.MINOR.PATCH with major 1, as the packages' v1."""
    assert re.fullmatch(r"1\.\d+\.\d+", sre.CONTRACT_VERSION)


@pytest.mark.parametrize("envelope_type", ENVELOPES, ids=lambda e: e.__name__)
def test_every_oneof_case_has_an_example(envelope_type: type[Message]) -> None:
    """Found by walking the descriptor: a new case without an example fails here."""
    (oneof,) = envelope_type.DESCRIPTOR.oneofs
    built = testing.examples(envelope_type)
    assert [envelope.WhichOneof(oneof.name) for envelope in built] == [field.name for field in oneof.fields]


@pytest.mark.parametrize("envelope", ALL_EXAMPLES)
def test_example_is_valid_and_round_trips(envelope: Message) -> None:
    """Valid; equal after binary and ProtoJSON round trips; deterministic bytes."""
    assert sre.violations(envelope) == []
    data = envelope.SerializeToString(deterministic=True)
    again = type(envelope).FromString(data)
    assert again == envelope
    assert again.SerializeToString(deterministic=True) == data
    assert type(envelope).FromString(envelope.SerializeToString()) == envelope
    assert json_format.Parse(json_format.MessageToJson(envelope), type(envelope)()) == envelope


def _set_fields(message: Message, found: dict[str, set[str]]) -> None:
    """Record, by message type, every field `message` sets anywhere within it (non-default, or present)."""
    descriptor: Any = message.DESCRIPTOR
    seen = found.setdefault(descriptor.full_name, set())
    field: Any
    for field, value in message.ListFields():
        seen.add(field.name)
        if field.message_type is None or is_map(field) or field.message_type.full_name.startswith("google.protobuf."):
            if is_map(field) and field.message_type.fields_by_name["value"].message_type is not None:
                for item in value.values():
                    _set_fields(item, found)
            continue
        for item in value if field.is_repeated else [value]:
            _set_fields(item, found)


def test_examples_together_set_every_field() -> None:
    """Examples, variants and query examples set every field of every type the contract reaches, somewhere."""
    found: dict[str, set[str]] = {}
    query = [testing.query_example(t) for t in _query_types()]
    examples: list[Any] = [p.values[0] for p in ALL_EXAMPLES]
    for message in [*examples, *testing.variants(), *query]:
        _set_fields(message, found)
    messages, _ = reachable([e.DESCRIPTOR for e in ENVELOPES] + service_messages(query_pb2.DESCRIPTOR))
    unset = {
        descriptor.full_name: sorted({f.name for f in descriptor.fields} - found.get(descriptor.full_name, set()))
        for descriptor in messages
    }
    assert {name: fields for name, fields in unset.items() if fields} == {}


@pytest.mark.parametrize(
    "envelope", [*(p.values[0] for p in ALL_EXAMPLES), *testing.variants()], ids=lambda e: type(e).__name__
)
def test_examples_and_variants_are_valid(envelope: Message) -> None:
    """Every example and variant is valid as built."""
    assert sre.violations(envelope) == []


def test_created_examples_are_realistic() -> None:
    """A created incident is open; a created postmortem is a draft; an updated one carries its mask."""
    created = testing.example(facts_pb2.IncidentCreated)
    assert created.incident.status == sre_pb2.INCIDENT_STATUS_OPEN
    assert not created.incident.HasField("resolved_at")


def _query_types() -> list[type[Message]]:
    return [getattr(query_pb2, descriptor.name) for descriptor in service_messages(query_pb2.DESCRIPTOR)]


@pytest.mark.parametrize("message_type", _query_types(), ids=lambda t: t.__name__)
def test_query_messages_have_valid_full_examples(message_type: type[Message]) -> None:
    """Every request and response of every query RPC has a valid example that round-trips."""
    message = testing.query_example(message_type)
    assert sre.violations(message) == []
    assert message_type.FromString(message.SerializeToString()) == message


def test_query_services_are_read_only_and_tenant_scoped() -> None:
    """Seven services, every RPC a Get/List/Search, every request requiring a tenant_id."""
    services = query_pb2.DESCRIPTOR.services_by_name
    assert sorted(services) == sorted(
        [
            "SreIncidentQueryService",
            "SreAlertQueryService",
            "SreRunbookQueryService",
            "SreSLOQueryService",
            "SreHealthQueryService",
            "SreServiceQueryService",
            "SrePostmortemQueryService",
        ]
    )
    for service in services.values():
        for method in service.methods:
            assert method.name.startswith(("Get", "List", "Search")), method.full_name
            request = getattr(query_pb2, method.input_type.name)()
            assert "tenant_id" in [v.field_path for v in sre.violations(request)], method.full_name
