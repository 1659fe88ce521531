"""Every bound on an intent fits its fact: the largest valid intent, applied as the domain would, is a valid fact.

`APPLIED` says, for each intent, which fact the domain writes and where each
intent field lands in it (the domain's own additions, such as ids and times,
come from the fact's example). The largest intent is built from the
descriptors: every bounded string at its longest, every repeated field and
map at its most, recursively; a value a pattern or a message rule refuses is
kept at the example's. The test then copies each field into the fact and
validates it.
"""

from __future__ import annotations

import pytest
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_sre_contracts import testing, violations
from ameide_sre_contracts._descriptors import is_map
from ameide_sre_contracts.topics import PAYLOADS, TOPICS
from testkit.largest import inflate

APPLIED: dict[type[Message], tuple[type[Message], dict[str, str]]] = {
    intents_pb2.CreateIncidentRequested: (
        facts_pb2.IncidentCreated,
        {
            "title": "incident.title",
            "description": "incident.description",
            "severity": "incident.severity",
            "source": "incident.source",
            "affected_resources": "incident.affected_resources",
            "alert_ids": "incident.correlated_alert_ids",
            "backlog_refs": "incident.backlog_refs",
        },
    ),
    intents_pb2.UpdateIncidentSeverityRequested: (
        facts_pb2.IncidentSeverityChanged,
        {"severity": "severity", "reason": "reason"},
    ),
    intents_pb2.AssignIncidentRequested: (facts_pb2.IncidentAssigned, {"assignee": "assignee", "reason": "reason"}),
    intents_pb2.AddIncidentTimelineEntryRequested: (
        facts_pb2.IncidentTimelineEntryAdded,
        {"kind": "entry.kind", "text": "entry.text", "occurred_at": "entry.occurred_at"},
    ),
    intents_pb2.ResolveIncidentRequested: (
        facts_pb2.IncidentResolved,
        {"resolution_summary": "resolution_summary", "root_cause": "root_cause"},
    ),
    intents_pb2.CloseIncidentRequested: (
        facts_pb2.IncidentClosed,
        {"closing_note": "closing_note", "backlog_refs": "backlog_refs"},
    ),
    intents_pb2.AcknowledgeIncidentRequested: (
        facts_pb2.IncidentAcknowledged,
        {"acknowledged_by": "acknowledged_by", "note": "note"},
    ),
    intents_pb2.TransitionIncidentStatusRequested: (
        facts_pb2.IncidentStatusChanged,
        {"status": "status", "reason": "reason"},
    ),
    intents_pb2.LinkIncidentExternalRefRequested: (
        facts_pb2.IncidentExternalRefLinked,
        {"external_ref": "external_ref"},
    ),
    intents_pb2.IngestAlertRequested: (facts_pb2.AlertIngested, {"alert": "alert"}),
    intents_pb2.AcknowledgeAlertRequested: (
        facts_pb2.AlertAcknowledged,
        {"acknowledged_by": "acknowledged_by", "note": "note"},
    ),
    intents_pb2.CorrelateAlertsToIncidentRequested: (
        facts_pb2.AlertsCorrelatedToIncident,
        {"incident_id": "incident_id", "alert_ids": "alert_ids"},
    ),
    intents_pb2.CreateRunbookRequested: (facts_pb2.RunbookCreated, {"runbook": "runbook"}),
    # The run's parameters are the runner's input; the fact reports the run, not its arguments.
    intents_pb2.ExecuteRunbookRequested: (
        facts_pb2.RunbookExecutionCompleted,
        {"runbook_id": "execution.runbook_id", "incident_id": "execution.incident_id", "dry_run": "execution.dry_run"},
    ),
    intents_pb2.UpdateRunbookRequested: (
        facts_pb2.RunbookUpdated,
        {"runbook": "runbook", "update_mask": "update_mask"},
    ),
    intents_pb2.CreateSLORequested: (facts_pb2.SLOCreated, {"slo": "slo"}),
    intents_pb2.RecordSLIMeasurementRequested: (facts_pb2.SLIMeasurementRecorded, {"measurement": "measurement"}),
    intents_pb2.UpdateSLORequested: (facts_pb2.SLOUpdated, {"slo": "slo", "update_mask": "update_mask"}),
    intents_pb2.RecordHealthCheckRequested: (facts_pb2.HealthCheckRecorded, {"health_check": "health_check"}),
    intents_pb2.RecordFleetStateRequested: (facts_pb2.FleetStateRecorded, {"fleet_state": "fleet_state"}),
    intents_pb2.CreateServiceRequested: (facts_pb2.ServiceCreated, {"service": "service"}),
    intents_pb2.UpdateServiceRequested: (
        facts_pb2.ServiceUpdated,
        {"service": "service", "update_mask": "update_mask"},
    ),
    intents_pb2.DeleteServiceRequested: (facts_pb2.ServiceDeleted, {"service_id": "service_id", "reason": "reason"}),
    intents_pb2.CreatePostmortemRequested: (facts_pb2.PostmortemCreated, {"postmortem": "postmortem"}),
    intents_pb2.UpdatePostmortemRequested: (
        facts_pb2.PostmortemUpdated,
        {"postmortem": "postmortem", "update_mask": "update_mask"},
    ),
    intents_pb2.PublishPostmortemRequested: (
        facts_pb2.PostmortemPublished,
        {"postmortem_id": "postmortem.postmortem_id", "approved_by": "approved_by"},
    ),
}

_INTENT_PAYLOADS = TOPICS["sre.domain.intents.v1"].payload_types


def test_every_intent_says_which_fact_it_produces() -> None:
    assert set(APPLIED) == set(_INTENT_PAYLOADS)
    for intent_type, (fact_type, fields) in APPLIED.items():
        assert PAYLOADS[fact_type].topic.name == "sre.domain.facts.v1"
        assert PAYLOADS[fact_type].aggregate_type == PAYLOADS[intent_type].aggregate_type
        assert set(fields) <= set(intent_type.DESCRIPTOR.fields_by_name), intent_type.__name__


def _at(message: Message, path: str) -> tuple[Message, str]:
    *parents, last = path.split(".")
    for name in parents:
        message = getattr(message, name)
    return message, last


def _copy(source: Message, source_field: str, target: Message, target_path: str) -> None:
    holder, name = _at(target, target_path)
    value = getattr(source, source_field)
    field = holder.DESCRIPTOR.fields_by_name[name]
    if field.is_repeated:
        holder.ClearField(name)
        getattr(holder, name).extend(value) if not is_map(field) else getattr(holder, name).update(value)
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        getattr(holder, name).CopyFrom(value)
    else:
        setattr(holder, name, value)


@pytest.mark.parametrize("intent_type", list(APPLIED), ids=lambda t: t.__name__)
def test_the_largest_valid_intent_applied_as_the_domain_would_is_a_valid_fact(intent_type: type[Message]) -> None:
    fact_type, fields = APPLIED[intent_type]
    intent = testing.example(intent_type)
    inflate(intent)
    assert violations(intent) == [], "the inflated intent must itself be valid"
    fact = testing.example(fact_type)
    for intent_field, fact_path in fields.items():
        _copy(intent, intent_field, fact, fact_path)
    assert violations(fact) == []


def test_the_inflation_reaches_the_bounds() -> None:
    """The test above is only as strong as the inflation: the largest incident intent is at every bound."""
    intent = testing.example(intents_pb2.CreateIncidentRequested)
    inflate(intent)
    assert len(intent.title) == 256
    assert len(intent.description) == 4096
    assert len(intent.affected_resources) == 50
    assert len(intent.alert_ids) == 500
    assert len(set(intent.alert_ids)) == 500
    assert len(intent.backlog_refs) == 20
    assert len(intent.affected_resources[0].id) == 253
    alert = testing.example(intents_pb2.IngestAlertRequested)
    inflate(alert)
    assert len(alert.alert.labels) == 96
    assert len(alert.alert.annotations) == 48
    assert len(alert.alert.fingerprint) == 16  # the Prometheus fingerprint rule keeps the example's
