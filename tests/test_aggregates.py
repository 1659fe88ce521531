"""ameide_sre_contracts.aggregates: the contract's reading of every fact, checked against a domain written apart."""

# Enum values are written as the numbers the lifecycle table uses; the stubs type them as NewTypes.
# mypy: disable-error-code="arg-type,assignment,index"

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, incident_pb2, intents_pb2, slo_pb2, sre_pb2
from ameide_sre_contracts import aggregates, testing
from ameide_sre_contracts.testing._values import AGGREGATE_IDS, at, person, stable_uuid
from ameide_sre_contracts.testing._values import T0 as EXAMPLES_T0
from testkit import mutants
from tests.reference_domain import ReferenceDomain

TENANT = "tenant-acme"
INCIDENT_IDS = [stable_uuid(f"aggregates/incident/{n}") for n in range(3)]  # the third is never created first
ALERT_IDS = ["a1b2c3d4e5f60718-1773480413", "b2c3d4e5f6071829-1773480420"]
T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
PEOPLE = [person(), person("u-0815", "Sam Second")]
REASON = facts_pb2.IntentRejectionReason


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _intent(payload: Message, aggregate_id: str, moment: datetime, expected: int = 0) -> intents_pb2.SreDomainIntent:
    return sre.new_intent(
        payload,
        tenant_id=TENANT,
        producer="sre-ui",
        aggregate_id=aggregate_id,
        expected_version=expected,
        occurred_at=moment,
        actor=PEOPLE[0],
    )


def _alert(index: int, status: int) -> Any:
    alert = testing.example(intents_pb2.IngestAlertRequested).alert
    alert.alert_id = ALERT_IDS[index]
    alert.status = status
    alert.ClearField("incident_id")
    return alert


# One step of a generated session: what a responder, an adapter or the triage workflow sends next.
STEP = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2)),
    st.tuples(st.just("severity"), st.integers(0, 2), st.sampled_from([1, 2, 3, 4, 5])),
    st.tuples(st.just("assign"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("timeline"), st.integers(0, 2)),
    st.tuples(st.just("resolve"), st.integers(0, 2)),
    st.tuples(st.just("close"), st.integers(0, 2)),
    st.tuples(st.just("acknowledge"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("transition"), st.integers(0, 2), st.integers(1, 6)),
    st.tuples(st.just("correlate"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("ingest"), st.integers(0, 1), st.sampled_from([1, 2])),
    st.tuples(st.just("acknowledge_alert"), st.integers(0, 1)),
    st.tuples(st.just("link"), st.integers(0, 2), st.integers(0, 11), st.integers(0, 1)),
    st.tuples(st.just("stale"), st.integers(0, 2)),
)


def _build(step: tuple[Any, ...], moment: datetime, versions: dict[str, int]) -> intents_pb2.SreDomainIntent:
    """The intent a step stands for; `versions` are what the sender last saw, so most expect the right version."""
    kind, target = step[0], step[1]
    incident_id = INCIDENT_IDS[target]
    seen = versions.get(incident_id, 0)
    if kind == "create":
        request = intents_pb2.CreateIncidentRequested(
            title="Checkout errors", severity=sre_pb2.SEVERITY_HIGH, source=1, alert_ids=[ALERT_IDS[0]]
        )
        return _intent(request, incident_id, moment)
    if kind == "severity":
        return _intent(
            intents_pb2.UpdateIncidentSeverityRequested(severity=step[2], reason="impact changed"),
            incident_id,
            moment,
            seen,
        )
    if kind == "assign":
        return _intent(intents_pb2.AssignIncidentRequested(assignee=PEOPLE[step[2]]), incident_id, moment, seen)
    if kind == "timeline":
        request = intents_pb2.AddIncidentTimelineEntryRequested(kind=1, text=f"note at {moment:%H:%M:%S}")
        return _intent(request, incident_id, moment, seen)
    if kind == "resolve":
        return _intent(intents_pb2.ResolveIncidentRequested(resolution_summary="rolled back"), incident_id, moment)
    if kind == "close":
        return _intent(intents_pb2.CloseIncidentRequested(closing_note="done"), incident_id, moment, seen)
    if kind == "acknowledge":
        request = intents_pb2.AcknowledgeIncidentRequested(acknowledged_by=PEOPLE[step[2]])
        return _intent(request, incident_id, moment)
    if kind == "transition":
        request = intents_pb2.TransitionIncidentStatusRequested(status=step[2], reason="moving on")
        return _intent(request, incident_id, moment, seen)
    if kind == "correlate":
        request = intents_pb2.CorrelateAlertsToIncidentRequested(
            incident_id=incident_id, alert_ids=[ALERT_IDS[step[2]]]
        )
        return _intent(request, incident_id, moment)
    if kind == "ingest":
        request = intents_pb2.IngestAlertRequested(alert=_alert(target, step[2]))
        return _intent(request, ALERT_IDS[target], moment)
    if kind == "acknowledge_alert":
        request = intents_pb2.AcknowledgeAlertRequested(acknowledged_by=PEOPLE[0])
        return _intent(request, ALERT_IDS[target], moment)
    if kind == "link":
        ref = incident_pb2.ExternalRef(system=1 + step[2] % 4, id=f"SRE-{step[2]}", url=f"https://t.example/{step[3]}")
        return _intent(intents_pb2.LinkIncidentExternalRefRequested(external_ref=ref), incident_id, moment, seen)
    # stale: a sender that saw an older version (or one that never was)
    return _intent(intents_pb2.AssignIncidentRequested(assignee=PEOPLE[1]), incident_id, moment, seen + 2)


def _expected_refusal(intent: intents_pb2.SreDomainIntent, state: aggregates.Aggregate | None) -> int | None:
    """The reason the contract says the domain must refuse for, read from the folded state; None when it applies."""
    case = intent.WhichOneof("intent")
    if case == "create_incident":
        return REASON.Value("INTENT_REJECTION_REASON_ALREADY_EXISTS") if state else None
    if case == "ingest_alert":
        return None
    if state is None:
        return REASON.Value("INTENT_REJECTION_REASON_NOT_FOUND")
    if intent.subject.aggregate_version not in (0, state.version):
        return REASON.Value("INTENT_REJECTION_REASON_VERSION_CONFLICT")
    if not isinstance(state, aggregates.IncidentAggregate):
        return None
    status = state.incident.status
    illegal = REASON.Value("INTENT_REJECTION_REASON_ILLEGAL_TRANSITION")
    if case == "update_incident_severity" and intent.update_incident_severity.severity == state.incident.severity:
        return REASON.Value("INTENT_REJECTION_REASON_DUPLICATE")
    if case == "correlate_alerts" and set(intent.correlate_alerts.alert_ids) <= set(
        state.incident.correlated_alert_ids
    ):
        return REASON.Value("INTENT_REJECTION_REASON_DUPLICATE")
    if case == "link_external_ref":
        linked = intent.link_external_ref.external_ref
        held = {(ref.system, ref.id): ref.url for ref in state.incident.external_refs}
        if held.get((linked.system, linked.id)) == linked.url:
            return REASON.Value("INTENT_REJECTION_REASON_DUPLICATE")
        full = (linked.system, linked.id) not in held and len(held) == 10
        return illegal if full else None
    if case == "acknowledge_incident":
        return None if sre.status_after_acknowledgement(status) is not None else illegal
    if case == "resolve_incident":
        return None if sre.can_transition(status, sre_pb2.INCIDENT_STATUS_RESOLVED) else illegal
    if case == "close_incident":
        return None if sre.can_transition(status, sre_pb2.INCIDENT_STATUS_CLOSED) else illegal
    if case == "transition_incident_status":
        return None if sre.can_transition(status, intent.transition_incident_status.status) else illegal
    return None


@settings(max_examples=500, deadline=None)
@given(steps=st.lists(STEP, min_size=10, max_size=40), gaps=st.lists(st.integers(0, 900), min_size=42, max_size=42))
def test_folding_the_domains_facts_gives_the_state_it_holds(steps: list[tuple[Any, ...]], gaps: list[int]) -> None:
    """Every accepted intent's fact, folded, is what the domain holds; every refused one is refused for the reason
    the contract's reading of the state gives, and the refusal changes nothing."""
    steps = [("create", 0), ("create", 1), *steps]  # most steps find their incident; the third one's do not
    domain = ReferenceDomain()
    facts: list[facts_pb2.SreDomainFact] = []
    states: dict[str, aggregates.Aggregate] = {}
    versions: dict[str, int] = {}
    moment = T0
    for step, gap in zip(steps, gaps, strict=False):
        moment += timedelta(seconds=gap)
        intent = _build(step, moment, versions)
        key = sre.dedupe_key(intent)
        expected = _expected_refusal(intent, states.get(key))
        fact = domain.handle(intent)
        assert sre.violations(fact) == [], fact
        facts.append(fact)
        if expected is None:
            assert fact.WhichOneof("fact") != "intent_rejected", fact.intent_rejected.detail
        else:
            assert fact.WhichOneof("fact") == "intent_rejected"
            assert fact.intent_rejected.reason == expected, fact.intent_rejected.detail
            assert sre.check_version(fact.subject.aggregate_version, fact) is sre.VersionCheck.OUTCOME
        event(str(fact.WhichOneof("fact")) if expected is None else REASON.Name(expected))
        before = copy.deepcopy(states)
        states = aggregates.replay([fact], states)
        if expected is not None:
            assert states == before  # a refusal changes nothing
        versions[fact.subject.aggregate_id] = states[key].version if key in states else 0

    assert aggregates.replay(facts) == states  # one fold from the start is the same as fact by fact
    for incident_id, held in domain.incidents.items():
        state = states[f"{TENANT}/Incident/{incident_id}"]
        assert isinstance(state, aggregates.IncidentAggregate)
        assert (state.version, state.incident) == (held.version, held.value)
        _check_timings(state, facts, moment)
    for alert_id, held in domain.alerts.items():
        state = states[f"{TENANT}/Alert/{alert_id}"]
        assert isinstance(state, aggregates.AlertAggregate)
        assert (state.version, state.alert, state.acknowledgement) == (held.version, held.value, held.acknowledged)
    assert len(states) == len(domain.incidents) + len(domain.alerts)


def _check_timings(state: aggregates.IncidentAggregate, facts: list[facts_pb2.SreDomainFact], now: datetime) -> None:
    """The timings agree with the durations the domain itself wrote into its facts, and add up."""
    mine = [
        f for f in facts if f.subject.aggregate_id == state.aggregate_id and f.WhichOneof("fact") != "intent_rejected"
    ]
    timings = aggregates.incident_timings(state, now=now)
    acknowledgements = [f.incident_acknowledged for f in mine if f.HasField("incident_acknowledged")]
    status_acks = [f for f in mine if f.HasField("incident_status_changed") and f.incident_status_changed.status == 2]
    if acknowledgements and not status_acks:
        assert timings.time_to_acknowledge == acknowledgements[0].time_to_acknowledge.ToTimedelta()
    resolutions = [f for f in mine if f.HasField("incident_resolved") or f.incident_status_changed.status == 5]
    if state.incident.status == sre_pb2.INCIDENT_STATUS_RESOLVED and resolutions[-1].HasField("incident_resolved"):
        assert timings.time_to_resolve == resolutions[-1].incident_resolved.time_to_resolve.ToTimedelta()
    created = state.incident.created_at.ToDatetime(tzinfo=UTC)
    assert sum(timings.time_in_status.values(), timedelta(0)) == now - created  # every moment in exactly one status
    visited = {sre_pb2.INCIDENT_STATUS_OPEN} | {
        f.incident_status_changed.status for f in mine if f.HasField("incident_status_changed")
    }
    assert set(timings.time_in_status) <= visited | {2, 5, 6}


# Every other aggregate, by example: values checked by hand against the facts' documentation.


def _fact(payload: Message, version: int, aggregate_id: str | None = None, **extra: Any) -> facts_pb2.SreDomainFact:
    info = sre.payload_info(payload)
    return sre.new_fact(
        payload,
        tenant_id=TENANT,
        producer="sre-domain",
        aggregate_id=aggregate_id or AGGREGATE_IDS[info.aggregate_type],
        aggregate_version=version,
        **extra,
    )


def test_every_state_fact_has_a_reading() -> None:
    """Each fact case but the outcome applies to a state of its aggregate's type; none is left unread."""
    applied: set[str] = set()
    states: dict[str, aggregates.Aggregate] = {}
    lifecycle_order = {"incident_resolved": 1, "incident_closed": 2}  # after acknowledged and investigating
    examples = sorted(
        testing.examples(facts_pb2.SreDomainFact), key=lambda f: lifecycle_order.get(f.WhichOneof("fact") or "", 0)
    )
    for fact in examples:
        info = sre.payload_info(sre.payload_of(fact))
        if info.reports_outcome:
            continue
        key = sre.dedupe_key(fact)
        if info.creates_aggregate or fact.HasField("alert_ingested"):
            states.pop(key, None)
            fact.subject.aggregate_version = 1
        else:
            fact.subject.aggregate_version = states[key].version + 1
        states[key] = aggregates.apply(states.get(key), fact) or pytest.fail("no state")
        assert type(states[key]).__name__ == f"{info.aggregate_type}Aggregate"
        applied.add(info.case)
    every = {sre.payload_info(p).case for p in sre.TOPICS[sre.DOMAIN_FACTS_TOPIC].payload_types}
    assert applied == every - {"intent_rejected"}


def test_a_runbook_counts_every_execution_and_keeps_the_latest() -> None:
    """25 executions: all counted, the latest 20 kept in order; an update takes only the masked fields."""
    runbook = testing.example(facts_pb2.RunbookCreated).runbook
    state = aggregates.apply(None, _fact(facts_pb2.RunbookCreated(runbook=runbook), 1))
    assert isinstance(state, aggregates.RunbookAggregate)
    changed = copy.deepcopy(runbook)
    changed.title, changed.owner = "Roll back the checkout config", "team-elsewhere"
    update = facts_pb2.RunbookUpdated(runbook=changed, update_mask=FieldMask(paths=["title"]))
    state = aggregates.apply(state, _fact(update, 2))
    assert (state.runbook.title, state.runbook.owner) == ("Roll back the checkout config", runbook.owner)
    for number in range(25):
        execution = testing.example(facts_pb2.RunbookExecutionCompleted).execution
        execution.execution_id = stable_uuid(f"execution/{number}")
        state = aggregates.apply(state, _fact(facts_pb2.RunbookExecutionCompleted(execution=execution), 3 + number))
    assert (state.version, state.execution_count, len(state.recent_executions)) == (27, 25, 20)
    assert [e.execution_id for e in state.recent_executions] == [stable_uuid(f"execution/{n}") for n in range(5, 25)]


def test_an_slo_keeps_its_latest_budget_and_an_exhaustion_while_it_holds() -> None:
    """Exhausted stays set while budgets stay consumed (ratio 1 or more), and clears on the first one below."""
    state: Any = aggregates.apply(None, _fact(testing.example(facts_pb2.SLOCreated), 1))
    slo_id = state.slo.slo_id

    def measured(version: int, consumed: float | None) -> facts_pb2.SreDomainFact:
        recorded = testing.example(facts_pb2.SLIMeasurementRecorded)
        recorded.measurement.slo_id = slo_id
        if consumed is None:
            recorded.ClearField("budget")
        else:
            recorded.budget.slo_id, recorded.budget.consumed_ratio = slo_id, consumed
            recorded.budget.remaining_ratio = max(0.0, 1 - consumed)
        return _fact(recorded, version)

    state = aggregates.apply(state, measured(2, 0.5))
    assert (state.measurement_count, state.budget.consumed_ratio, state.exhausted) == (1, 0.5, None)
    exhausted = testing.example(facts_pb2.SLOBudgetExhausted)
    exhausted.budget.slo_id = slo_id
    state = aggregates.apply(state, _fact(exhausted, 3))
    assert state.exhausted == exhausted
    state = aggregates.apply(state, measured(4, 1.2))
    state = aggregates.apply(state, measured(5, None))  # no budget with this one: the last one still holds
    assert (state.measurement_count, state.budget.consumed_ratio, state.exhausted) == (3, 1.2, exhausted)
    state = aggregates.apply(state, measured(6, 0.3))
    assert (state.budget.consumed_ratio, state.exhausted) == (0.3, None)
    assert isinstance(state.latest_measurement, slo_pb2.SLIMeasurement)


def test_a_deleted_service_takes_no_further_fact() -> None:
    """Updated by mask, then deleted: the tombstone stays, and a later update does not apply."""
    service = testing.example(facts_pb2.ServiceCreated).service
    state: Any = aggregates.apply(None, _fact(facts_pb2.ServiceCreated(service=service), 1))
    changed = copy.deepcopy(service)
    changed.tier, changed.name = 1, "renamed"
    state = aggregates.apply(
        state, _fact(facts_pb2.ServiceUpdated(service=changed, update_mask=FieldMask(paths=["tier"])), 2)
    )
    assert (state.service.tier, state.service.name) == (1, service.name)
    deleted = testing.example(facts_pb2.ServiceDeleted)
    state = aggregates.apply(state, _fact(deleted, 3))
    assert state.deleted == deleted
    with pytest.raises(sre.FactNotApplicableError, match="deleted"):
        aggregates.apply(
            state, _fact(facts_pb2.ServiceUpdated(service=changed, update_mask=FieldMask(paths=["tier"])), 4)
        )


def test_a_postmortem_is_published_whole_with_its_approver() -> None:
    draft = testing.example(facts_pb2.PostmortemCreated).postmortem
    state: Any = aggregates.apply(None, _fact(facts_pb2.PostmortemCreated(postmortem=draft), 1))
    published = testing.example(facts_pb2.PostmortemPublished)
    state = aggregates.apply(state, _fact(published, 2))
    assert (state.postmortem, state.approved_by) == (published.postmortem, published.approved_by)


def test_health_checks_and_fleet_snapshots_are_one_fact_each() -> None:
    """Each recording begins its own aggregate; a second one for the same id is refused."""
    for payload in (testing.example(facts_pb2.HealthCheckRecorded), testing.example(facts_pb2.FleetStateRecorded)):
        state = aggregates.apply(None, _fact(payload, 1))
        assert state is not None
        assert state.version == 1
        with pytest.raises(sre.FactNotApplicableError, match="exists already"):
            aggregates.apply(state, _fact(payload, 2))


def _opened() -> tuple[aggregates.IncidentAggregate, facts_pb2.SreDomainFact]:
    created = _fact(facts_pb2.IncidentCreated(incident=testing.example(facts_pb2.IncidentCreated).incident), 1)
    state = aggregates.apply(None, created)
    assert isinstance(state, aggregates.IncidentAggregate)
    return state, created


def _status_change(previous: int, status: int, offset: int, version: int) -> facts_pb2.SreDomainFact:
    change = facts_pb2.IncidentStatusChanged(
        incident_id=testing.INCIDENT_ID,
        previous_status=previous,
        status=status,
        changed_at=at(offset),
    )
    return _fact(change, version)


def test_an_incidents_timings_by_hand() -> None:
    """Open at 0, acknowledged at 120 s, investigating at 300 s, mitigating at 1200 s, resolved at 1800 s,
    reopened at 2000 s, resolved again at 2600 s, closed at 7200 s."""
    state, _ = _opened()
    acknowledged = testing.example(facts_pb2.IncidentAcknowledged)  # at 120 s, from open
    state = aggregates.apply(state, _fact(acknowledged, 2))
    steps = [(2, 3, 300), (3, 4, 1200), (4, 5, 1800), (5, 3, 2000), (3, 5, 2600), (5, 6, 7200)]
    for version, (previous, status, offset) in enumerate(steps, start=3):
        state = aggregates.apply(state, _status_change(previous, status, offset, version))
        if (previous, status) == (5, 3):
            assert not state.incident.HasField("resolved_at")  # reopened: impact had not ended
    timings = aggregates.incident_timings(state)
    assert timings.time_to_acknowledge == timedelta(seconds=120)
    assert timings.time_to_mitigate == timedelta(seconds=1200)
    assert timings.time_to_resolve == timedelta(seconds=2600)
    assert timings.time_to_close == timedelta(seconds=7200)
    assert dict(timings.time_in_status) == {
        1: timedelta(seconds=120),
        2: timedelta(seconds=180),
        3: timedelta(seconds=900 + 600),
        4: timedelta(seconds=600),
        5: timedelta(seconds=200 + 4600),
    }
    later = EXAMPLES_T0 + timedelta(seconds=7200 + 60)
    assert aggregates.incident_timings(state, now=later).time_in_status[6] == timedelta(seconds=60)
    assert state.incident.assignee == acknowledged.acknowledged_by
    with pytest.raises(sre.InvalidArgumentError, match="timezone"):
        aggregates.incident_timings(state, now=datetime(2026, 1, 1))


def test_a_takeover_keeps_the_status_and_the_first_acknowledgement() -> None:
    """Acknowledging an incident in progress changes its owner, not its status or when it was first taken."""
    state, _ = _opened()
    state = aggregates.apply(state, _fact(testing.example(facts_pb2.IncidentAcknowledged), 2))
    state = aggregates.apply(state, _status_change(2, 3, 300, 3))
    takeover = testing.example(facts_pb2.IncidentAcknowledged)
    takeover.previous_status = sre_pb2.INCIDENT_STATUS_INVESTIGATING
    takeover.acknowledged_by.CopyFrom(PEOPLE[1])
    takeover.acknowledged_at.CopyFrom(at(900))
    after = aggregates.apply(state, _fact(takeover, 4))
    assert after.incident.status == sre_pb2.INCIDENT_STATUS_INVESTIGATING
    assert after.incident.assignee == PEOPLE[1]
    assert after.incident.acknowledged_at == state.incident.acknowledged_at
    assert after.time_in_status == state.time_in_status


def test_counterparts_are_keyed_by_system_and_id_and_bounded() -> None:
    """Linking a counterpart again takes its new link; ten are held, an eleventh is refused and nothing changes."""
    state, _ = _opened()
    assert list(state.incident.external_refs) == []  # the example incident links none
    jira = incident_pb2.ExternalRef(system=incident_pb2.EXTERNAL_SYSTEM_JIRA, id="SRE-1", url="https://j.example/1")
    github = incident_pb2.ExternalRef(system=incident_pb2.EXTERNAL_SYSTEM_GITHUB_ISSUES, id="SRE-1")
    for version, ref in enumerate((jira, github), start=2):
        state = aggregates.apply(
            state,
            _fact(facts_pb2.IncidentExternalRefLinked(incident_id=testing.INCIDENT_ID, external_ref=ref), version),
        )
    moved = incident_pb2.ExternalRef(
        system=incident_pb2.EXTERNAL_SYSTEM_JIRA, id="SRE-1", url="https://j.example/moved"
    )
    state = aggregates.apply(
        state, _fact(facts_pb2.IncidentExternalRefLinked(incident_id=testing.INCIDENT_ID, external_ref=moved), 4)
    )
    assert [(ref.system, ref.id, ref.url) for ref in state.incident.external_refs] == [
        (incident_pb2.EXTERNAL_SYSTEM_JIRA, "SRE-1", "https://j.example/moved"),
        (incident_pb2.EXTERNAL_SYSTEM_GITHUB_ISSUES, "SRE-1", ""),
    ]
    for version in range(5, 13):
        ref = incident_pb2.ExternalRef(system=incident_pb2.EXTERNAL_SYSTEM_OPSGENIE, id=f"alert-{version}")
        state = aggregates.apply(
            state,
            _fact(facts_pb2.IncidentExternalRefLinked(incident_id=testing.INCIDENT_ID, external_ref=ref), version),
        )
    assert len(state.incident.external_refs) == 10
    eleventh = incident_pb2.ExternalRef(system=incident_pb2.EXTERNAL_SYSTEM_PAGERDUTY, id="PGR0VU2")
    with pytest.raises(sre.FactNotApplicableError, match="holds 10 counterparts already"):
        aggregates.apply(
            state,
            _fact(facts_pb2.IncidentExternalRefLinked(incident_id=testing.INCIDENT_ID, external_ref=eleventh), 13),
        )
    assert len(state.incident.external_refs) == 10


@pytest.mark.parametrize(
    ("make", "complaint"),
    [
        (lambda s: _status_change(2, 3, 300, 2), "status was INCIDENT_STATUS_ACKNOWLEDGED"),
        (lambda s: _status_change(1, 6, 300, 2), "does not allow"),
        (lambda s: _status_change(1, 2, 300, 3), "next fact is 2"),
        (lambda s: _status_change(1, 2, 300, 5), "next fact is 2"),
        (lambda s: _fact(facts_pb2.IncidentCreated(incident=s.incident), 1), "exists already"),
        (
            lambda s: _fact(
                facts_pb2.IncidentSeverityChanged(
                    incident_id=testing.INCIDENT_ID, previous_severity=5, severity=1, reason="x"
                ),
                2,
            ),
            "severity was SEVERITY_INFO",
        ),
        (
            lambda s: _fact(testing.example(facts_pb2.AlertAcknowledged), 2, aggregate_id=testing.INCIDENT_ID),
            "is a IncidentAggregate",
        ),
    ],
)
def test_a_fact_that_does_not_follow_is_refused_and_the_state_kept(make: Any, complaint: str) -> None:
    """Each refusal is a FactNotApplicableError (a ContractError and ValueError) that says why, and changes nothing."""
    state, _ = _opened()
    kept = copy.deepcopy(state)
    with pytest.raises(sre.FactNotApplicableError, match=complaint) as caught:
        aggregates.apply(state, make(state))
    assert isinstance(caught.value, ValueError)
    assert state == kept


def test_another_tenants_fact_and_a_change_before_creation_are_refused() -> None:
    state, created = _opened()
    other = _status_change(1, 2, 120, 2)
    other.meta.tenant_id = "tenant-globex"
    with pytest.raises(sre.FactNotApplicableError, match="tenant-acme"):
        aggregates.apply(state, other)
    with pytest.raises(sre.FactNotApplicableError, match="creating fact did not come first"):
        aggregates.apply(None, _status_change(1, 2, 120, 2))
    created.subject.aggregate_version = 2  # valid on the wire, but an aggregate begins at 1
    with pytest.raises(sre.FactNotApplicableError, match="version 1"):
        aggregates.apply(None, created)


def test_replay_skips_redeliveries_and_outcomes_and_refuses_gaps() -> None:
    """At-least-once delivery replays to the same state; a missing version is refused, not skipped."""
    _, created = _opened()
    moves = [_status_change(1, 2, 120, 2), _status_change(2, 3, 300, 3)]
    refusal = sre.reject(
        _intent(intents_pb2.CloseIncidentRequested(), testing.INCIDENT_ID, T0),
        REASON.Value("INTENT_REJECTION_REASON_ILLEGAL_TRANSITION"),
        detail="not resolved",
        producer="sre-domain",
        current_version=3,
    )
    refusal.meta.tenant_id = TENANT
    once = aggregates.replay([created, *moves])
    assert aggregates.replay([created, created, moves[0], refusal, moves[0], created, moves[1], refusal]) == once
    (state,) = once.values()
    assert state.version == 3
    assert aggregates.apply(state, refusal) is state
    with pytest.raises(sre.FactNotApplicableError, match="versions 2 to 2 are missing"):
        aggregates.replay([created, moves[1]])
    begun = aggregates.replay(
        [moves[1]], {sre.dedupe_key(created): aggregates.replay([created, moves[0]])[sre.dedupe_key(created)]}
    )
    assert begun == once  # from a snapshot, as the query services give one


def test_a_snapshot_from_the_query_services_is_gone_on_from() -> None:
    """Every aggregate's message makes its state at the version given; an incident counts from its milestone."""
    closed = testing.example(facts_pb2.IncidentCreated).incident
    closed.status = sre_pb2.INCIDENT_STATUS_INVESTIGATING
    closed.investigating_at.CopyFrom(at(300))
    state = aggregates.from_snapshot(TENANT, closed, 6)
    assert (state.tenant_id, state.aggregate_id, state.version) == (TENANT, testing.INCIDENT_ID, 6)
    assert state.status_since == EXAMPLES_T0 + timedelta(seconds=300)
    after = aggregates.apply(state, _status_change(3, 4, 1200, 7))
    assert after.time_in_status == {3: timedelta(seconds=900)}
    closed.investigating_at.seconds += 1
    assert state.incident.investigating_at == at(300)  # the snapshot was copied
    for payload in (
        facts_pb2.RunbookCreated,
        facts_pb2.SLOCreated,
        facts_pb2.HealthCheckRecorded,
        facts_pb2.FleetStateRecorded,
        facts_pb2.ServiceCreated,
        facts_pb2.PostmortemCreated,
        facts_pb2.AlertIngested,
    ):
        info = sre.payload_info(payload)
        holder, id_field = info.aggregate_id_field
        value = getattr(testing.example(payload), holder)
        snapshot = aggregates.from_snapshot(TENANT, value, 3)
        assert type(snapshot).__name__ == f"{info.aggregate_type}Aggregate"
        assert (snapshot.aggregate_id, snapshot.version) == (getattr(value, id_field), 3)
    with pytest.raises(sre.InvalidArgumentError, match="not the message of an aggregate"):
        aggregates.from_snapshot(TENANT, facts_pb2.IncidentClosed(), 3)
    with pytest.raises(sre.InvalidArgumentError, match="version 1 or more"):
        aggregates.from_snapshot(TENANT, closed, 0)


def test_facts_aimed_at_the_rules_end_as_state_or_a_contract_error() -> None:
    """Unvalidated facts, mutated at their bounds (sizes, enum values one past, times past their range, other
    cases), applied to the state before them: a state, or a ContractError; never another exception."""
    rng = random.Random(20261204)
    lifecycle_order = {"incident_resolved": 1, "incident_closed": 2}
    examples = sorted(
        testing.examples(facts_pb2.SreDomainFact), key=lambda f: lifecycle_order.get(f.WhichOneof("fact") or "", 0)
    )
    states: dict[str, Any] = {}
    tried = refused = 0
    for fact in examples:
        info = sre.payload_info(sre.payload_of(fact))
        key = sre.dedupe_key(fact)
        first = info.creates_aggregate or fact.HasField("alert_ingested")
        fact.subject.aggregate_version = 1 if first or key not in states else states[key].version + 1
        before = None if first else states.get(key)
        for _ in range(60):
            broken = mutants.mutant(rng, fact)
            tried += 1
            try:
                aggregates.apply(before, broken)  # type: ignore[call-overload]
            except sre.ContractError:
                refused += 1
        after = aggregates.apply(before, fact)
        if after is not None:
            states[key] = after
    assert tried == 60 * len(examples)
    assert refused > 0  # the mutants reached the checks, not only the happy path
