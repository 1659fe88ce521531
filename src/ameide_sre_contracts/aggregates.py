"""The contract's own reading of every domain fact: what it does to its aggregate, in code.

`apply(state, fact)` returns the aggregate after the fact, without changing
`state`; `replay(facts)` folds a stream into every aggregate it names, keyed
like `sre.dedupe_key`, skipping redeliveries and outcomes; and
`incident_timings(state)` derives time to acknowledge, mitigate, resolve and
close, and the time spent in each status, from the facts alone.

A domain service, a projection and an analytics job that use this module
agree on what every fact means. A fact that does not follow from the state
(another aggregate, a version out of sequence, a creating fact for an
aggregate that exists, a `previous_status` or `previous_severity` the state
contradicts, a status change the lifecycle forbids) raises
`FactNotApplicableError` rather than being guessed at.

States are frozen dataclasses around the contract's own messages; treat the
messages as read-only (`apply` copies before it changes anything).

Example:
    states = aggregates.replay(facts)
    incident = states["acme/Incident/3f1c2a9e-..."]
    assert isinstance(incident, aggregates.IncidentAggregate)
    aggregates.incident_timings(incident).time_to_acknowledge  # timedelta(seconds=120)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, TypeAlias, TypeVar, overload

from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from ameide_core_proto.sre.core.v1 import facts_pb2, sre_pb2
from ameide_core_proto.sre.core.v1.alert_pb2 import Alert
from ameide_core_proto.sre.core.v1.health_pb2 import FleetState, HealthCheck
from ameide_core_proto.sre.core.v1.incident_pb2 import Incident
from ameide_core_proto.sre.core.v1.postmortem_pb2 import Postmortem
from ameide_core_proto.sre.core.v1.runbook_pb2 import Runbook, RunbookExecution
from ameide_core_proto.sre.core.v1.service_pb2 import Service
from ameide_core_proto.sre.core.v1.slo_pb2 import SLO, ErrorBudgetStatus, SLIMeasurement
from ameide_sre_contracts._descriptors import field_rules
from ameide_sre_contracts.envelopes import payload_of
from ameide_sre_contracts.errors import FactNotApplicableError, InvalidArgumentError
from ameide_sre_contracts.routing import VersionCheck, check_version, dedupe_key
from ameide_sre_contracts.topics import PAYLOADS
from ameide_sre_contracts.vocabulary import IncidentStatus, can_transition, status_after_acknowledgement

__all__ = [
    "RECENT_EXECUTIONS",
    "Aggregate",
    "AlertAggregate",
    "FleetStateAggregate",
    "HealthCheckAggregate",
    "IncidentAggregate",
    "IncidentTimings",
    "PostmortemAggregate",
    "RunbookAggregate",
    "SLOAggregate",
    "ServiceAggregate",
    "apply",
    "from_snapshot",
    "incident_timings",
    "replay",
]

RECENT_EXECUTIONS: Final = 20
"""How many of a runbook's latest executions its state keeps (all are counted)."""

_Milestone: TypeAlias = Literal["acknowledged_at", "investigating_at", "mitigating_at", "resolved_at", "closed_at"]
_FIRST_TIME: Final[Mapping[IncidentStatus, _Milestone]] = {
    sre_pb2.INCIDENT_STATUS_ACKNOWLEDGED: "acknowledged_at",
    sre_pb2.INCIDENT_STATUS_INVESTIGATING: "investigating_at",
    sre_pb2.INCIDENT_STATUS_MITIGATING: "mitigating_at",
}
"""The milestones stamped the first time an incident enters these statuses."""
_RESOLVED: Final = sre_pb2.INCIDENT_STATUS_RESOLVED
_CLOSED: Final = sre_pb2.INCIDENT_STATUS_CLOSED


@dataclass(frozen=True, slots=True)
class IncidentAggregate:
    """An incident as its facts left it, with what its timings need."""

    tenant_id: str
    aggregate_id: str
    version: int
    incident: Incident
    status_since: datetime
    """When the incident entered its current status."""
    time_in_status: Mapping[IncidentStatus, timedelta]
    """Time spent in each status it has left (the current one is counted by `incident_timings`)."""


@dataclass(frozen=True, slots=True)
class AlertAggregate:
    """An alert as last ingested, and its acknowledgement."""

    tenant_id: str
    aggregate_id: str
    version: int
    alert: Alert
    acknowledgement: facts_pb2.AlertAcknowledged | None = None


@dataclass(frozen=True, slots=True)
class RunbookAggregate:
    """A runbook and its executions: all counted, the latest `RECENT_EXECUTIONS` kept, oldest first."""

    tenant_id: str
    aggregate_id: str
    version: int
    runbook: Runbook
    execution_count: int = 0
    recent_executions: tuple[RunbookExecution, ...] = ()


@dataclass(frozen=True, slots=True)
class SLOAggregate:
    """An SLO, its latest measurement and error budget, and the exhaustion that still holds."""

    tenant_id: str
    aggregate_id: str
    version: int
    slo: SLO
    measurement_count: int = 0
    latest_measurement: SLIMeasurement | None = None
    budget: ErrorBudgetStatus | None = None
    exhausted: facts_pb2.SLOBudgetExhausted | None = None
    """The `SLOBudgetExhausted` fact while the budget stays consumed; None once a budget below 1 is recorded."""


@dataclass(frozen=True, slots=True)
class HealthCheckAggregate:
    """One assessment of a resource's health (each recording is its own aggregate)."""

    tenant_id: str
    aggregate_id: str
    version: int
    health_check: HealthCheck
    previous_status: sre_pb2.HealthStatus.ValueType


@dataclass(frozen=True, slots=True)
class FleetStateAggregate:
    """One snapshot of a fleet (each recording is its own aggregate)."""

    tenant_id: str
    aggregate_id: str
    version: int
    fleet_state: FleetState


@dataclass(frozen=True, slots=True)
class ServiceAggregate:
    """A service catalog entry; `deleted` is set once it was removed, after which no fact applies."""

    tenant_id: str
    aggregate_id: str
    version: int
    service: Service
    deleted: facts_pb2.ServiceDeleted | None = None


@dataclass(frozen=True, slots=True)
class PostmortemAggregate:
    """A postmortem, and who approved its publication."""

    tenant_id: str
    aggregate_id: str
    version: int
    postmortem: Postmortem
    approved_by: sre_pb2.SreActor | None = None


Aggregate: TypeAlias = (
    IncidentAggregate
    | AlertAggregate
    | RunbookAggregate
    | SLOAggregate
    | HealthCheckAggregate
    | FleetStateAggregate
    | ServiceAggregate
    | PostmortemAggregate
)
"""The state of any aggregate."""

A = TypeVar("A", bound=Aggregate)
M = TypeVar("M", bound=Message)


@dataclass(frozen=True, slots=True)
class IncidentTimings:
    """An incident's lifecycle times, from its creation; None for a milestone not (or no longer) reached."""

    time_to_acknowledge: timedelta | None
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None
    time_to_close: timedelta | None
    time_in_status: Mapping[IncidentStatus, timedelta]
    """Every status it has been in, with the time spent there (the current one up to `now`, when given)."""


def _copy(message: M) -> M:
    copied = type(message)()
    copied.CopyFrom(message)
    return copied


_EARLIEST: Final = -62135596800  # 0001-01-01T00:00:00Z, the contract's earliest time
_LATEST: Final = 253402300799  # 9999-12-31T23:59:59Z, its latest


def _when(stamp: Timestamp) -> datetime:
    if not _EARLIEST <= stamp.seconds <= _LATEST or not 0 <= stamp.nanos < 1_000_000_000:
        raise FactNotApplicableError(None, "a time outside years 1 to 9999")  # `apply` names the fact
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=stamp.seconds, microseconds=stamp.nanos // 1000)


def _status(value: int) -> str:
    """An incident status by name; a number this version does not define as the number."""
    return sre_pb2.IncidentStatus.Name(value) if value in sre_pb2.IncidentStatus.values() else str(value)  # type: ignore[arg-type]


def _severity(value: int) -> str:
    return sre_pb2.Severity.Name(value) if value in sre_pb2.Severity.values() else str(value)  # type: ignore[arg-type]


def _between(start: Timestamp, end: Timestamp) -> timedelta:
    """The time from `start` to `end`; a clock that stamped `end` first counts as no time."""
    return max(timedelta(0), _when(end) - _when(start))


def _max_items(message: type[Message], field: str) -> int:
    return int(field_rules(message.DESCRIPTOR.fields_by_name[field]).repeated.max_items)


_TIMELINE_LIMIT: Final = _max_items(Incident, "timeline")
_BACKLOG_LIMIT: Final = _max_items(Incident, "backlog_refs")
_CORRELATED_LIMIT: Final = _max_items(Incident, "correlated_alert_ids")
_EXTERNAL_REF_LIMIT: Final = _max_items(Incident, "external_refs")


def _does_not_apply(fact: facts_pb2.SreDomainFact, why: str) -> str:
    """The refusal's text: which fact, about which aggregate, and why."""
    subject = fact.subject
    what = f"{fact.WhichOneof('fact')} (version {subject.aggregate_version}) for {subject.aggregate_type} "
    return f"{what}{subject.aggregate_id!r} does not apply: {why}"


# Incident


def _move(
    state: IncidentAggregate, fact: facts_pb2.SreDomainFact, new: IncidentStatus, at: Timestamp
) -> IncidentAggregate:
    """The incident moved to `new` at `at`: time in the old status counted, the milestone stamped."""
    incident = state.incident
    current = incident.status
    if not can_transition(current, new):
        raise FactNotApplicableError(
            fact,
            _does_not_apply(
                fact,
                f"the lifecycle does not allow {_status(current)} -> {_status(new)}",
            ),
        )
    moved = _copy(incident)
    moved.status = new
    stamp = _FIRST_TIME.get(new)
    if stamp and not moved.HasField(stamp):  # the first time only
        getattr(moved, stamp).CopyFrom(at)
    if new == _RESOLVED:
        moved.resolved_at.CopyFrom(at)
    elif current == _RESOLVED and new != _CLOSED:  # reopened: impact has not ended after all
        moved.ClearField("resolved_at")
    if new == _CLOSED:
        moved.closed_at.CopyFrom(at)
    spent = dict(state.time_in_status)
    spent[current] = spent.get(current, timedelta(0)) + max(timedelta(0), _when(at) - state.status_since)
    return replace(state, incident=moved, status_since=_when(at), time_in_status=spent)


def _expect_status(state: IncidentAggregate, fact: facts_pb2.SreDomainFact, previous: IncidentStatus) -> None:
    if state.incident.status != previous:
        raise FactNotApplicableError(
            fact,
            _does_not_apply(
                fact,
                f"it says the status was {_status(previous)}, the incident is {_status(state.incident.status)}",
            ),
        )


def _incident_created(fact: facts_pb2.SreDomainFact) -> IncidentAggregate:
    incident = _copy(fact.incident_created.incident)
    return IncidentAggregate(
        fact.meta.tenant_id,
        fact.subject.aggregate_id,
        1,
        incident,
        _when(incident.created_at),
        {},
    )


def _incident_changed(state: IncidentAggregate, fact: facts_pb2.SreDomainFact) -> IncidentAggregate:
    case = fact.WhichOneof("fact")
    incident = _copy(state.incident)
    if case == "incident_severity_changed":
        change = fact.incident_severity_changed
        if incident.severity != change.previous_severity:
            raise FactNotApplicableError(
                fact,
                _does_not_apply(
                    fact,
                    f"it says the severity was {_severity(change.previous_severity)}, "
                    f"the incident's is {_severity(incident.severity)}",
                ),
            )
        incident.severity = change.severity
    elif case == "incident_assigned":
        incident.assignee.CopyFrom(fact.incident_assigned.assignee)
    elif case == "incident_timeline_entry_added":
        incident.timeline.append(fact.incident_timeline_entry_added.entry)
        del incident.timeline[: max(0, len(incident.timeline) - _TIMELINE_LIMIT)]  # the latest, as the contract keeps
    elif case == "alerts_correlated":
        known = set(incident.correlated_alert_ids)
        for alert_id in fact.alerts_correlated.alert_ids:
            if alert_id not in known and len(incident.correlated_alert_ids) < _CORRELATED_LIMIT:
                incident.correlated_alert_ids.append(alert_id)
                known.add(alert_id)
    elif case == "incident_resolved":
        resolved = fact.incident_resolved
        moved = _move(state, fact, _RESOLVED, resolved.resolved_at)
        moved.incident.severity = resolved.severity
        return moved
    elif case == "incident_closed":
        closed = fact.incident_closed
        moved = _move(state, fact, _CLOSED, closed.closed_at)
        moved.incident.backlog_refs.extend(closed.backlog_refs)
        del moved.incident.backlog_refs[: max(0, len(moved.incident.backlog_refs) - _BACKLOG_LIMIT)]
        return moved
    elif case == "incident_acknowledged":
        acknowledged = fact.incident_acknowledged
        _expect_status(state, fact, acknowledged.previous_status)
        after = status_after_acknowledgement(acknowledged.previous_status)
        if after is None:
            raise FactNotApplicableError(
                fact,
                _does_not_apply(fact, f"a {_status(acknowledged.previous_status)} incident is final"),
            )
        moved = state if after == incident.status else _move(state, fact, after, acknowledged.acknowledged_at)
        taken = _copy(moved.incident)
        taken.assignee.CopyFrom(acknowledged.acknowledged_by)  # whoever acknowledges owns it, a takeover too
        if not taken.HasField("acknowledged_at"):
            taken.acknowledged_at.CopyFrom(acknowledged.acknowledged_at)
        return replace(moved, incident=taken)
    elif case == "incident_status_changed":
        changed = fact.incident_status_changed
        _expect_status(state, fact, changed.previous_status)
        return _move(state, fact, changed.status, changed.changed_at)
    elif case == "incident_external_ref_linked":
        linked = fact.incident_external_ref_linked.external_ref
        held = next((ref for ref in incident.external_refs if (ref.system, ref.id) == (linked.system, linked.id)), None)
        if held is not None:
            held.url = linked.url  # the counterpart's new link
        elif len(incident.external_refs) < _EXTERNAL_REF_LIMIT:
            incident.external_refs.append(linked)
        else:
            raise FactNotApplicableError(
                fact, _does_not_apply(fact, f"the incident holds {_EXTERNAL_REF_LIMIT} counterparts already")
            )
    else:  # pragma: no cover - the table below lists only the cases above
        raise FactNotApplicableError(fact, _does_not_apply(fact, "not an incident fact"))
    return replace(state, incident=incident)


# The other aggregates


def _masked(state_value: M, changed: M, mask: FieldMask) -> M:
    """`state_value` with the fields `mask` names taken from `changed`, whole: what an AIP-134 update means."""
    known = state_value.DESCRIPTOR.fields_by_name
    if not all(path in known for path in mask.paths):  # the contract's masks name top-level fields only
        raise FactNotApplicableError(None, "its update_mask names fields the aggregate does not have")
    updated = _copy(state_value)
    mask.MergeMessage(changed, updated, replace_message_field=True, replace_repeated_field=True)
    return updated


def _alert(state: AlertAggregate | None, fact: facts_pb2.SreDomainFact) -> AlertAggregate:
    if fact.HasField("alert_ingested"):
        alert = _copy(fact.alert_ingested.alert)
        if state is None:
            return AlertAggregate(fact.meta.tenant_id, fact.subject.aggregate_id, 1, alert)
        return replace(state, alert=alert)  # a notification again: the alert as now sent, its acknowledgement kept
    if state is None:
        raise FactNotApplicableError(fact, _does_not_apply(fact, "no AlertIngested came first"))
    acknowledged = fact.alert_acknowledged
    alert = _copy(state.alert)
    alert.status = sre_pb2.ALERT_STATUS_ACKNOWLEDGED
    return replace(state, alert=alert, acknowledgement=_copy(acknowledged))


def _runbook(state: RunbookAggregate, fact: facts_pb2.SreDomainFact) -> RunbookAggregate:
    if fact.HasField("runbook_updated"):
        updated = fact.runbook_updated
        return replace(state, runbook=_masked(state.runbook, updated.runbook, updated.update_mask))
    executions = (*state.recent_executions, _copy(fact.runbook_execution_completed.execution))
    return replace(state, execution_count=state.execution_count + 1, recent_executions=executions[-RECENT_EXECUTIONS:])


def _slo(state: SLOAggregate, fact: facts_pb2.SreDomainFact) -> SLOAggregate:
    if fact.HasField("slo_updated"):
        updated = fact.slo_updated
        return replace(state, slo=_masked(state.slo, updated.slo, updated.update_mask))
    if fact.HasField("slo_budget_exhausted"):
        exhausted = _copy(fact.slo_budget_exhausted)
        return replace(state, budget=_copy(exhausted.budget), exhausted=exhausted)
    recorded = fact.sli_measurement_recorded
    budget = _copy(recorded.budget) if recorded.HasField("budget") else state.budget
    still_exhausted = state.exhausted if budget is None or budget.consumed_ratio >= 1.0 else None
    return replace(
        state,
        measurement_count=state.measurement_count + 1,
        latest_measurement=_copy(recorded.measurement),
        budget=budget,
        exhausted=still_exhausted,
    )


def _service(state: ServiceAggregate, fact: facts_pb2.SreDomainFact) -> ServiceAggregate:
    if fact.HasField("service_deleted"):
        return replace(state, deleted=_copy(fact.service_deleted))
    updated = fact.service_updated
    return replace(state, service=_masked(state.service, updated.service, updated.update_mask))


def _postmortem(state: PostmortemAggregate, fact: facts_pb2.SreDomainFact) -> PostmortemAggregate:
    if fact.HasField("postmortem_published"):
        published = fact.postmortem_published
        approver = _copy(published.approved_by) if published.HasField("approved_by") else None
        return replace(state, postmortem=_copy(published.postmortem), approved_by=approver)
    updated = fact.postmortem_updated
    return replace(state, postmortem=_masked(state.postmortem, updated.postmortem, updated.update_mask))


def _created(fact: facts_pb2.SreDomainFact) -> Aggregate:
    """The aggregate a creating fact begins."""
    tenant, aggregate_id = fact.meta.tenant_id, fact.subject.aggregate_id
    case = fact.WhichOneof("fact")
    if case == "incident_created":
        return _incident_created(fact)
    if case == "runbook_created":
        return RunbookAggregate(tenant, aggregate_id, 1, _copy(fact.runbook_created.runbook))
    if case == "slo_created":
        return SLOAggregate(tenant, aggregate_id, 1, _copy(fact.slo_created.slo))
    if case == "health_check_recorded":
        recorded = fact.health_check_recorded
        return HealthCheckAggregate(tenant, aggregate_id, 1, _copy(recorded.health_check), recorded.previous_status)
    if case == "fleet_state_recorded":
        return FleetStateAggregate(tenant, aggregate_id, 1, _copy(fact.fleet_state_recorded.fleet_state))
    if case == "service_created":
        return ServiceAggregate(tenant, aggregate_id, 1, _copy(fact.service_created.service))
    if case == "postmortem_created":
        return PostmortemAggregate(tenant, aggregate_id, 1, _copy(fact.postmortem_created.postmortem))
    raise FactNotApplicableError(
        fact, _does_not_apply(fact, "it does not create an aggregate")
    )  # pragma: no cover - only creating cases come here


_CHANGES: Mapping[type[Any], Callable[[Any, facts_pb2.SreDomainFact], Aggregate]] = {
    IncidentAggregate: _incident_changed,
    AlertAggregate: _alert,
    RunbookAggregate: _runbook,
    SLOAggregate: _slo,
    ServiceAggregate: _service,
    PostmortemAggregate: _postmortem,
}
_STATE_TYPES: Mapping[str, type[Any]] = {
    "Incident": IncidentAggregate,
    "Alert": AlertAggregate,
    "Runbook": RunbookAggregate,
    "SLO": SLOAggregate,
    "HealthCheck": HealthCheckAggregate,
    "FleetState": FleetStateAggregate,
    "Service": ServiceAggregate,
    "Postmortem": PostmortemAggregate,
}


@overload
def apply(state: A, fact: facts_pb2.SreDomainFact) -> A: ...
@overload
def apply(state: None, fact: facts_pb2.SreDomainFact) -> Aggregate | None: ...
def apply(state: Aggregate | None, fact: facts_pb2.SreDomainFact) -> Aggregate | None:
    """The aggregate after `fact`: a creating fact begins one (`state` None), any other changes `state`.

    A fact that reports an outcome (`IntentRejected`) changes nothing and
    gives `state` back as it is. `state` itself is never changed.

    Raises:
        FactNotApplicableError: the fact does not follow from `state` (see the module's docs).
        UnknownPayloadError: the fact carries a case newer than this version.
    """
    info = PAYLOADS[type(payload_of(fact))]
    if info.reports_outcome:
        return state
    subject = fact.subject
    first = info.creates_aggregate or (state is None and fact.HasField("alert_ingested"))
    if state is None:
        if not first:
            raise FactNotApplicableError(
                fact,
                _does_not_apply(
                    fact, f"no {info.aggregate_type} exists to change: its creating fact did not come first"
                ),
            )
        if subject.aggregate_version != 1:
            raise FactNotApplicableError(fact, _does_not_apply(fact, "an aggregate begins at version 1"))
        try:
            return _alert(None, fact) if fact.HasField("alert_ingested") else _created(fact)
        except FactNotApplicableError as unreadable:
            if unreadable.fact is not None:
                raise
            raise FactNotApplicableError(fact, _does_not_apply(fact, unreadable.reason)) from None
    if info.creates_aggregate:
        raise FactNotApplicableError(
            fact, _does_not_apply(fact, f"the {info.aggregate_type} exists already (version {state.version})")
        )
    if not isinstance(state, _STATE_TYPES[info.aggregate_type]):
        raise FactNotApplicableError(fact, _does_not_apply(fact, f"the state given is a {type(state).__name__}"))
    if (fact.meta.tenant_id, subject.aggregate_id) != (state.tenant_id, state.aggregate_id):
        raise FactNotApplicableError(
            fact, _does_not_apply(fact, f"the state is {state.tenant_id}/{state.aggregate_id!r}")
        )
    if subject.aggregate_version != state.version + 1:
        raise FactNotApplicableError(
            fact,
            _does_not_apply(fact, f"the state is at version {state.version}, so the next fact is {state.version + 1}"),
        )
    if isinstance(state, ServiceAggregate) and state.deleted is not None:
        raise FactNotApplicableError(fact, _does_not_apply(fact, "the service was deleted"))
    try:
        changed = _CHANGES[type(state)](state, fact)
    except FactNotApplicableError as unreadable:  # a fact given without validation, or one that does not follow
        if unreadable.fact is not None:
            raise
        raise FactNotApplicableError(fact, _does_not_apply(fact, unreadable.reason)) from None
    return replace(changed, version=subject.aggregate_version)


def _snapshot_fields() -> dict[type[Message], tuple[str, str]]:
    """For each aggregate's message type, the field of its creating fact that holds it, and its id field.

    Read from the `aggregate_id_field` options: `incident.incident_id` on
    `IncidentCreated` says an `Incident` is identified by `incident_id`.
    """
    found: dict[type[Message], tuple[str, str]] = {}
    for payload, info in PAYLOADS.items():
        if (info.creates_aggregate or payload is facts_pb2.AlertIngested) and len(info.aggregate_id_field) == 2:
            holder, id_field = info.aggregate_id_field
            message_type = type(getattr(payload(), holder))
            found[message_type] = (info.aggregate_type, id_field)
    return found


_SNAPSHOTS: Final = _snapshot_fields()


@overload
def from_snapshot(tenant_id: str, value: Incident, version: int) -> IncidentAggregate: ...
@overload
def from_snapshot(tenant_id: str, value: Message, version: int) -> Aggregate: ...
def from_snapshot(tenant_id: str, value: Message, version: int) -> Aggregate:
    """The aggregate a query service's answer describes (`GetIncident`'s incident and `aggregate_version`), to go
    on from with `apply` or `replay`.

    An incident's time in the statuses before the snapshot is unknown: its
    timings count from the snapshot's current status on, entered at the
    milestone stamped for it (resolved, closed or acknowledged at; the
    first investigation or mitigation; else its creation).

    Raises:
        InvalidArgumentError: `value` is not an aggregate's message, or `version` is below 1.
    """
    known = _SNAPSHOTS.get(type(value))
    if known is None:
        raise InvalidArgumentError(f"{type(value).__name__} is not the message of an aggregate")
    if version < 1:
        raise InvalidArgumentError(f"an aggregate that exists is at version 1 or more, not {version}")
    aggregate_type, id_field = known
    aggregate_id: str = getattr(value, id_field)
    copied = _copy(value)
    if isinstance(copied, Incident):
        milestone = {**_FIRST_TIME, _RESOLVED: "resolved_at", _CLOSED: "closed_at"}.get(copied.status, "created_at")
        since = getattr(copied, milestone) if copied.HasField(milestone) else copied.created_at  # type: ignore[arg-type]
        return IncidentAggregate(tenant_id, aggregate_id, version, copied, _when(since), {})
    if isinstance(copied, HealthCheck):
        return HealthCheckAggregate(tenant_id, aggregate_id, version, copied, sre_pb2.HEALTH_STATUS_UNSPECIFIED)
    state_type = _STATE_TYPES[aggregate_type]
    return state_type(tenant_id, aggregate_id, version, copied)  # type: ignore[no-any-return]


def replay(
    facts: Iterable[facts_pb2.SreDomainFact], states: Mapping[str, Aggregate] | None = None
) -> dict[str, Aggregate]:
    """Every aggregate the facts name, after them, keyed by `sre.dedupe_key` (tenant, type and id).

    `states` are where to begin (for example what the query services
    returned); they are not changed. Redeliveries and superseded facts
    (`check_version` DUPLICATE or STALE) and outcomes are skipped, so
    at-least-once delivery replays to the same state.

    Raises:
        FactNotApplicableError: a fact is not the next one for its aggregate (versions missing, GAP) or
            does not follow from its state.
    """
    folded: dict[str, Aggregate] = dict(states or {})
    for fact in facts:
        key = dedupe_key(fact)
        state = folded.get(key)
        check = check_version(state.version if state else None, fact)
        if check is VersionCheck.GAP:
            seen = state.version if state else 0
            raise FactNotApplicableError(
                fact, _does_not_apply(fact, f"versions {seen + 1} to {fact.subject.aggregate_version - 1} are missing")
            )
        if check is VersionCheck.NEW:
            after = apply(state, fact)
            if after is not None:
                folded[key] = after
    return folded


def incident_timings(state: IncidentAggregate, *, now: datetime | None = None) -> IncidentTimings:
    """How long the incident took to reach each milestone, and spent in each status, from its facts alone.

    Milestones count from `created_at`: the first acknowledgement, the first
    mitigation, the resolution (cleared when it was reopened) and the close.
    The current status is counted up to `now` when given (timezone-aware).

    Raises:
        InvalidArgumentError: `now` is naive.
    """
    incident = state.incident
    spent = dict(state.time_in_status)
    if now is not None:
        if now.tzinfo is None:
            raise InvalidArgumentError("now must be timezone-aware (a naive datetime has no defined instant)")
        current = incident.status
        spent[current] = spent.get(current, timedelta(0)) + max(timedelta(0), now - state.status_since)

    def since_creation(field: _Milestone) -> timedelta | None:
        return _between(incident.created_at, getattr(incident, field)) if incident.HasField(field) else None

    return IncidentTimings(
        time_to_acknowledge=since_creation("acknowledged_at"),
        time_to_mitigate=since_creation("mitigating_at"),
        time_to_resolve=since_creation("resolved_at"),
        time_to_close=since_creation("closed_at"),
        time_in_status=spent,
    )
