"""Intent outcomes: `sre.reject` builds IntentRejected, about the intent's aggregate and advancing nothing."""

from __future__ import annotations

from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_sre_contracts import kafka, testing
from testkit import newer_contract

INTENTS = testing.examples(intents_pb2.SreDomainIntent)
REASONS = [value for value in facts_pb2.IntentRejectionReason.values() if value]
NOT_INVALID = [value for value in REASONS if value != facts_pb2.INTENT_REJECTION_REASON_INVALID]


def _reject(intent: intents_pb2.SreDomainIntent, reason: int, **extra: Any) -> facts_pb2.SreDomainFact:
    options: dict[str, Any] = {"detail": "refused", "producer": "sre-domain", "current_version": 7, **extra}
    return sre.reject(intent, reason, **options)  # type: ignore[arg-type]


def test_reason_codes_are_the_documented_ones() -> None:
    """Eight reasons after UNSPECIFIED, numbered in the order the contract documents them."""
    assert [facts_pb2.IntentRejectionReason.Name(v) for v in REASONS] == [
        f"INTENT_REJECTION_REASON_{name}"
        for name in (
            "INVALID",
            "ILLEGAL_TRANSITION",
            "VERSION_CONFLICT",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "DUPLICATE",
            "NOT_AUTHORIZED",
            "UNSUPPORTED",
        )
    ]
    assert list(range(1, 9)) == REASONS


@pytest.mark.parametrize("intent", INTENTS, ids=lambda e: e.WhichOneof("intent"))
@pytest.mark.parametrize("reason", NOT_INVALID, ids=facts_pb2.IntentRejectionReason.Name)
def test_every_intent_can_be_refused_for_every_reason(intent: intents_pb2.SreDomainIntent, reason: int) -> None:
    """The fact is about the intent's aggregate, caused by it, in its correlation and trace, and valid."""
    fact = _reject(intent, reason)
    assert fact.WhichOneof("fact") == "intent_rejected"
    subject = fact.subject
    assert (subject.aggregate_type, subject.aggregate_id, subject.aggregate_version) == (
        intent.subject.aggregate_type,
        intent.subject.aggregate_id,
        7,
    )
    meta = fact.meta
    assert (meta.tenant_id, meta.causation_id, meta.correlation_id) == (
        intent.meta.tenant_id,
        intent.meta.message_id,
        intent.meta.correlation_id,
    )
    assert (meta.traceparent, meta.tracestate) == (intent.meta.traceparent, intent.meta.tracestate)
    case = intent.WhichOneof("intent")
    rejected = fact.intent_rejected
    assert rejected.intent_case == case
    assert rejected.intent_field_number == intents_pb2.SreDomainIntent.DESCRIPTOR.fields_by_name[case].number
    assert (rejected.reason, rejected.detail, list(rejected.violations)) == (reason, "refused", [])
    assert rejected.expected_version == intent.subject.aggregate_version
    assert sre.violations(fact) == []
    assert sre.decode(sre.DOMAIN_FACTS_TOPIC, sre.encode(fact)) == fact
    assert sre.from_json(sre.DOMAIN_FACTS_TOPIC, sre.to_json(fact)) == fact


def test_an_invalid_intent_is_refused_with_its_violations_in_order() -> None:
    """The ValidationError's violations travel as they were listed (sre.violation_order), keys marked."""
    intent = testing.examples(intents_pb2.SreDomainIntent)[0]
    intent.create_incident.title = ""
    intent.create_incident.alert_ids.append("")
    with pytest.raises(sre.ValidationError) as caught:
        sre.encode(intent)
    error = caught.value
    assert len(error.violations) >= 2
    fact = _reject(intent, facts_pb2.INTENT_REJECTION_REASON_INVALID, violations=reversed(error.violations))
    carried = [(v.field_path, v.rule_id, v.message, v.for_key) for v in fact.intent_rejected.violations]
    assert carried == [(v.field_path, v.rule_id, v.message, v.for_key) for v in error.violations]
    assert {path for path, *_ in carried} >= {
        "create_incident.title",
        f"create_incident.alert_ids[{len(intent.create_incident.alert_ids) - 1}]",
    }
    assert sre.violations(fact) == []


def test_violations_and_detail_are_cut_to_the_contracts_bounds() -> None:
    """150 violations keep the first 100 in order; texts longer than the field allows are cut, not refused."""
    intent = INTENTS[0]
    many = [sre.Violation(f"labels[{index}]", "string.max_len", "m" * 5000) for index in range(150)]
    fact = _reject(intent, facts_pb2.INTENT_REJECTION_REASON_INVALID, violations=many, detail="d" * 5000)
    rejected = fact.intent_rejected
    assert [v.field_path for v in rejected.violations] == [f"labels[{index}]" for index in range(100)]
    assert {len(v.message) for v in rejected.violations} == {1024}
    assert len(rejected.detail) == 1024
    long_path = _reject(
        intent,
        facts_pb2.INTENT_REJECTION_REASON_INVALID,
        violations=[sre.Violation("a" * 600, "r" * 300, "why")],
    ).intent_rejected.violations[0]
    assert (len(long_path.field_path), len(long_path.rule_id)) == (512, 256)
    assert sre.violations(fact) == []


def test_a_refusal_where_no_aggregate_exists_is_version_zero() -> None:
    """NOT_FOUND (or a refused create) carries version 0: valid, though state facts are at least 1."""
    fact = _reject(INTENTS[3], facts_pb2.INTENT_REJECTION_REASON_NOT_FOUND, current_version=0)
    assert fact.subject.aggregate_version == 0
    assert sre.violations(fact) == []
    state_fact = testing.examples(facts_pb2.SreDomainFact)[3]
    state_fact.subject.aggregate_version = 0
    assert [v.rule_id for v in sre.violations(state_fact)] == ["subject.min_aggregate_version"]


@pytest.mark.parametrize("last_seen", [None, 0, 6, 7, 8, 100])
def test_check_version_answers_outcome_whatever_was_seen(last_seen: int | None) -> None:
    """A refusal advances no version, so where it stands against last_seen does not matter."""
    fact = _reject(INTENTS[4], facts_pb2.INTENT_REJECTION_REASON_VERSION_CONFLICT)
    assert sre.check_version(last_seen, fact) is sre.VersionCheck.OUTCOME
    assert sre.check_version(last_seen, _reject(INTENTS[4], 2, current_version=0)) is sre.VersionCheck.OUTCOME
    state_fact = testing.examples(facts_pb2.SreDomainFact)[4]
    assert sre.check_version(last_seen, state_fact) is not sre.VersionCheck.OUTCOME


def test_an_intent_of_a_newer_contract_is_refused_by_number() -> None:
    """A case this version does not know has no name here; its field number tells the sender which."""
    newer: Any = newer_contract.build()["ameide_core_proto.sre.core.v1.SreDomainIntent"]()
    newer.ParseFromString(INTENTS[0].SerializeToString())
    newer.ClearField("create_incident")
    newer.future_case.what = "a case from a newer contract"
    with pytest.raises(sre.UnknownPayloadError) as caught:
        sre.decode(sre.DOMAIN_INTENTS_TOPIC, newer.SerializeToString())
    unknown = caught.value
    assert isinstance(unknown.envelope, intents_pb2.SreDomainIntent)
    fact = _reject(unknown.envelope, facts_pb2.INTENT_REJECTION_REASON_UNSUPPORTED)
    assert (fact.intent_rejected.intent_case, fact.intent_rejected.intent_field_number) == (
        "",
        newer_contract.NEW_CASE,
    )
    assert sre.violations(fact) == []
    fact.intent_rejected.reason = facts_pb2.INTENT_REJECTION_REASON_NOT_FOUND  # a name is owed for any other reason
    assert [v.rule_id for v in sre.violations(fact)] == ["intent_rejected.case_known"]


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"current_version": -1}, "negative"),
        ({"detail": ""}, "detail"),
        ({"causation": INTENTS[1]}, "causation"),
        ({"violations": [sre.Violation("x", "r", "m")]}, "only when"),
    ],
)
def test_reject_refuses_what_would_not_be_a_true_report(arguments: dict[str, Any], complaint: str) -> None:
    """Each refusal is an InvalidArgumentError (a ContractError and ValueError) that says what is wrong."""
    with pytest.raises(sre.InvalidArgumentError, match=complaint):
        _reject(INTENTS[0], facts_pb2.INTENT_REJECTION_REASON_NOT_FOUND, **arguments)
    with pytest.raises(sre.InvalidArgumentError, match="only when"):
        _reject(INTENTS[0], facts_pb2.INTENT_REJECTION_REASON_INVALID)


def test_reject_takes_an_intent_and_new_fact_refuses_the_outcome_payload() -> None:
    """A rejection is only built from the intent it answers: the subject and causation come from there."""
    with pytest.raises(sre.PayloadTypeError, match="SreDomainIntent"):
        sre.reject(testing.examples(facts_pb2.SreDomainFact)[0], 1, detail="x", producer="p", current_version=1)  # type: ignore[arg-type]
    with pytest.raises(sre.PayloadTypeError, match="reject"):
        sre.new_fact(
            testing.example(facts_pb2.IntentRejected),
            tenant_id="acme",
            producer="sre-domain",
            aggregate_id="x",
            aggregate_version=1,
        )
    with pytest.raises(sre.InvalidArgumentError, match="no payload case"):
        _reject(intents_pb2.SreDomainIntent(meta=INTENTS[0].meta, subject=INTENTS[0].subject), 2)


def test_the_refusal_travels_on_the_aggregates_partition_with_its_own_type() -> None:
    """Kafka key as the aggregate's facts (so it follows them in order); ce_type names IntentRejected."""
    intent = INTENTS[0]
    refusal = _reject(intent, facts_pb2.INTENT_REJECTION_REASON_ALREADY_EXISTS, current_version=1)
    state_fact = testing.examples(facts_pb2.SreDomainFact)[0]
    assert (state_fact.subject.aggregate_type, state_fact.subject.aggregate_id) == (
        refusal.subject.aggregate_type,
        refusal.subject.aggregate_id,
    )
    record = kafka.to_kafka(refusal)
    assert record.topic == sre.DOMAIN_FACTS_TOPIC
    assert record.key == kafka.to_kafka(state_fact).key
    headers = dict(record.headers)
    assert headers["ce_type"] == b"io.ameide.sre.domain.fact.intent_rejected.v1"
    assert kafka.from_kafka(sre.DOMAIN_FACTS_TOPIC, record.key, record.value, record.headers) == refusal
    router = sre.Router(sre.DOMAIN_FACTS_TOPIC, unhandled="raise")
    told: list[str] = []

    @router.on(facts_pb2.IntentRejected)
    def refused(payload: facts_pb2.IntentRejected, envelope: facts_pb2.SreDomainFact) -> None:
        told.append(f"{envelope.meta.causation_id}: {facts_pb2.IntentRejectionReason.Name(payload.reason)}")

    router.dispatch(refusal)
    assert told == [f"{intent.meta.message_id}: INTENT_REJECTION_REASON_ALREADY_EXISTS"]


def test_texts_from_anywhere_are_made_printable_before_they_are_kept() -> None:
    """A detail or violation text with lone surrogates or terminal escapes (an exception's text, say) still encodes."""
    fact = _reject(
        INTENTS[0],
        facts_pb2.INTENT_REJECTION_REASON_INVALID,
        detail="refused \ud800 \x1b[31mred\x1b[0m",
        violations=[sre.Violation('labels["\udfff"]', "string.min_len", "line one\nline two")],
    )
    rejected = sre.decode(sre.DOMAIN_FACTS_TOPIC, sre.encode(fact)).intent_rejected
    assert rejected.detail == "refused \\ud800 \\x1b[31mred\\x1b[0m"
    assert rejected.violations[0].field_path == 'labels["\\udfff"]'
    assert rejected.violations[0].message == "line one\\x0aline two"
