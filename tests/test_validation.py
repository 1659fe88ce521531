"""ameide_sre_contracts.validation: code-like field paths, and the envelope rules the contract states in CEL."""

from __future__ import annotations

import protovalidate
import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import alert_pb2, facts_pb2, intents_pb2, sre_pb2
from ameide_core_proto.sre.process.v1 import process_facts_pb2
from ameide_sre_contracts import testing
from ameide_sre_contracts.errors import Violation
from ameide_sre_contracts.testing import _alert, _health, _incident
from ameide_sre_contracts.validation import (
    AGGREGATE_ID_RULE,
    AGGREGATE_TYPE_RULE,
    CREATES_AGGREGATE_RULE,
    MIN_VERSION_RULE,
)

DOMAIN: list[type[Message]] = [intents_pb2.SreDomainIntent, facts_pb2.SreDomainFact]
DOMAIN_EXAMPLES = [envelope for envelope_type in DOMAIN for envelope in testing.examples(envelope_type)]


def _fresh(envelope: Message) -> Message:
    copy = type(envelope)()
    copy.CopyFrom(envelope)
    return copy


def _ids(envelope: Message) -> str:
    return f"{type(envelope).__name__}.{sre.payload_of(envelope).DESCRIPTOR.name}"


def test_paths_read_like_code() -> None:
    """Repeated indexes, map keys and nesting render as `a.b[2].c["k"]`."""
    fact = testing.example_envelope(facts_pb2.IncidentCreated(incident=_incident.incident(resources=3)))
    assert isinstance(fact, facts_pb2.SreDomainFact)
    fact.incident_created.incident.affected_resources[2].id = ""
    alert = _alert.alert()
    alert.labels["team"] = "x" * 2000
    alert.labels['quote"d'] = "y" * 2000
    assert [str(v) for v in sre.violations(fact)] == [
        "incident_created.incident.affected_resources[2].id: must be at least 1 characters [string.min_len]"
    ]
    paths = sorted(v.field_path for v in sre.violations(alert))
    assert paths == ['labels["quote\\"d"]', 'labels["team"]']


def test_map_key_violations_are_marked() -> None:
    """A broken key rule is reported for the key."""
    alert = _alert.alert()
    alert.annotations[""] = "v"
    (violation,) = sre.violations(alert)
    assert (violation.field_path, violation.for_key, violation.rule_id) == (
        'annotations[""]',
        True,
        "string.min_len",
    )


def test_message_level_rule_has_an_empty_path() -> None:
    """A rule on the validated message itself is reported at the empty path."""
    fleet = _health.fleet_state()
    fleet.total_applications += 1
    (violation,) = sre.violations(fleet)
    assert (violation.field_path, violation.rule_id) == ("", "fleet_state.health_counts_partition_total")


def test_validate_raises_with_every_violation() -> None:
    """validate raises ValidationError carrying all violations; a valid message passes."""
    sre.validate(_alert.alert())
    broken = alert_pb2.Alert()
    with pytest.raises(sre.ValidationError) as raised:
        sre.validate(broken)
    assert raised.value.violations == tuple(sre.violations(broken))
    assert raised.value.message_type == "Alert"
    assert len(raised.value.violations) >= 6


AGGREGATE_TYPES = sorted({info.aggregate_type for info in sre.PAYLOADS.values() if info.aggregate_type})


ENVELOPE_RULES = {AGGREGATE_TYPE_RULE, AGGREGATE_ID_RULE, MIN_VERSION_RULE, CREATES_AGGREGATE_RULE}


def _envelope_rule_ids(envelope: Message) -> list[str]:
    """The envelope rules plain protovalidate reports (the contract's CEL); the library reports the same, sorted."""
    found = sorted((v.proto for v in protovalidate.collect_violations(envelope)), key=lambda v: v.rule_id)
    ours = sre.violations(envelope)
    assert [(v.rule_id, v.message) for v in ours] == [(v.rule_id, v.message) for v in found]
    assert all(v.field_path == "" for v in ours if v.rule_id in ENVELOPE_RULES)  # rules on the envelope itself
    return [v.rule_id for v in found if v.rule_id in ENVELOPE_RULES]


@pytest.mark.parametrize("envelope", DOMAIN_EXAMPLES, ids=_ids)
def test_the_aggregate_type_rule_is_the_payloads_option(envelope: Message) -> None:
    """For every case and every aggregate type: refused exactly when it is not the payload's (the option).

    A payload that reports an intent's outcome is about any aggregate.
    """
    info = sre.payload_info(sre.payload_of(envelope))
    for aggregate_type in ["", *AGGREGATE_TYPES]:
        changed = _fresh(envelope)
        changed.subject.aggregate_type = aggregate_type  # type: ignore[attr-defined]
        any_type = info.reports_outcome or aggregate_type in ("", info.aggregate_type)
        expected = [] if any_type else [AGGREGATE_TYPE_RULE]
        assert _envelope_rule_ids(changed) == expected, aggregate_type


@pytest.mark.parametrize("envelope", DOMAIN_EXAMPLES, ids=_ids)
def test_the_version_rules_are_the_options(envelope: Message) -> None:
    """Creating payloads fix the version (0 on an intent, 1 on a fact); facts are at least 1; intents any.

    A fact that reports an intent's outcome carries the version the domain holds, 0 when the aggregate does not exist.
    """
    info = sre.payload_info(sre.payload_of(envelope))
    fact = isinstance(envelope, facts_pb2.SreDomainFact)
    creating_version = 1 if fact else 0
    for version in (0, 1, 2, 3):
        changed = _fresh(envelope)
        changed.subject.aggregate_version = version  # type: ignore[attr-defined]
        expected = [MIN_VERSION_RULE] if fact and version < 1 and not info.reports_outcome else []
        if info.creates_aggregate and version != creating_version:
            expected.append(CREATES_AGGREGATE_RULE)
        assert _envelope_rule_ids(changed) == sorted(expected), version  # both on the envelope: by rule id


@pytest.mark.parametrize("envelope", DOMAIN_EXAMPLES, ids=_ids)
def test_the_aggregate_id_rule_is_the_payloads_option(envelope: Message) -> None:
    """Where the payload names its aggregate (the option), another subject.aggregate_id is refused."""
    info = sre.payload_info(sre.payload_of(envelope))
    changed = _fresh(envelope)
    changed.subject.aggregate_id = "another-aggregate"  # type: ignore[attr-defined]
    assert _envelope_rule_ids(changed) == ([AGGREGATE_ID_RULE] if info.aggregate_id_field else [])
    unnamed = _fresh(envelope)  # a payload id left empty is its own field's violation, not this rule's
    if info.aggregate_id_field:
        holder: Message = sre.payload_of(unnamed)
        for name in info.aggregate_id_field[:-1]:
            holder = getattr(holder, name)
        setattr(holder, info.aggregate_id_field[-1], "")
        assert AGGREGATE_ID_RULE not in _envelope_rule_ids(unnamed)


def test_sixteen_intents_and_every_fact_name_their_aggregate() -> None:
    """The option is declared wherever a payload carries its aggregate's id: 16 intents, all 27 state facts."""
    named = [info for info in sre.PAYLOADS.values() if info.aggregate_id_field]
    assert sum(info.topic.name == sre.DOMAIN_INTENTS_TOPIC for info in named) == 16
    assert sum(info.topic.name == sre.DOMAIN_FACTS_TOPIC for info in named) == 27
    assert len(sre.TOPICS[sre.DOMAIN_FACTS_TOPIC].payload_types) == 27 + 1  # and IntentRejected, about any aggregate
    assert sre.payload_info(facts_pb2.IncidentCreated).aggregate_id_field == ("incident", "incident_id")


def test_facts_carry_version_one_or_more() -> None:
    """A fact at version 0 breaks the envelope's min_aggregate_version; an intent at 0 does not."""
    fact = testing.examples(facts_pb2.SreDomainFact)[5]
    fact.subject.aggregate_version = 0
    assert [(v.field_path, v.rule_id) for v in sre.violations(fact)] == [("", MIN_VERSION_RULE)]
    intent = testing.examples(intents_pb2.SreDomainIntent)[5]
    intent.subject.aggregate_version = 0
    assert sre.violations(intent) == []


def test_plain_protovalidate_enforces_the_envelope_rules() -> None:
    """The envelope rules are the contract's CEL: protovalidate in any language reports them, named alike."""
    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    fact.subject.aggregate_type = "Alert"
    (found,) = protovalidate.collect_violations(fact)
    assert (found.proto.rule_id, found.proto.message) == (
        AGGREGATE_TYPE_RULE,
        "subject.aggregate_type must be Incident, the aggregate the payload belongs to",
    )
    assert [(v.field_path, v.rule_id, v.message) for v in sre.violations(fact)] == [
        ("", AGGREGATE_TYPE_RULE, found.proto.message)
    ]


def test_process_facts_have_no_aggregate_rules() -> None:
    """Process facts are keyed by workflow, not aggregate: only protovalidate's rules apply."""
    for envelope in testing.examples(process_facts_pb2.SreProcessFact):
        assert sre.violations(envelope) == []
    assert sre_pb2.SreSubject.DESCRIPTOR.full_name.endswith("SreSubject")


# --- one order for violations, before they are cut at 100


def _state(item: str) -> alert_pb2.AlertmanagerAlertState:
    state = alert_pb2.AlertmanagerAlertState(state="active")
    for field in ("silenced_by", "inhibited_by", "muted_by", "receivers"):  # 60 items each, within max_items 64
        getattr(state, field).extend([item] * 60)
    return state


def _expected_first_100(rule: str) -> list[tuple[str, str]]:
    # By field name, then by index as a number ([9] before [10]): inhibited_by's 60, then muted_by's first 40.
    return [(f"inhibited_by[{n}]", rule) for n in range(60)] + [(f"muted_by[{n}]", rule) for n in range(40)]


@pytest.mark.parametrize(
    ("item", "rule"),
    [("", "string.min_len"), ("s" * 300, "string.max_len")],  # protovalidate's, and the precheck's (72 kB of texts)
    ids=["protovalidate", "precheck"],
)
def test_violations_are_sorted_by_path_then_rule_before_they_are_cut(item: str, rule: str) -> None:
    state = _state(item)
    assert (state.ByteSize() >= 16 * 1024) == (rule == "string.max_len")
    with pytest.raises(sre.ValidationError) as refused:
        sre.validate(state)
    assert [(v.field_path, v.rule_id) for v in refused.value.violations] == _expected_first_100(rule)
    assert refused.value.omitted == 140
    assert list(refused.value.violations) == sorted(refused.value.violations, key=sre.violation_order)


def test_the_order_puts_a_messages_own_rules_first_then_each_field_before_what_is_under_it() -> None:
    unordered = [
        Violation("b[10]", "x", "m"),
        Violation("b[2].c", "a", "m"),
        Violation("b[2]", "x", "m"),
        Violation('a.labels["k"]', "s", "m", for_key=True),
        Violation('a.labels["k"]', "s", "m"),
        Violation("a", "r", "m"),
        Violation("", "z", "m"),
        Violation("", "cel", "m"),
    ]
    assert [(v.field_path, v.rule_id, v.for_key) for v in sorted(unordered, key=sre.violation_order)] == [
        ("", "cel", False),
        ("", "z", False),
        ("a", "r", False),
        ('a.labels["k"]', "s", False),
        ('a.labels["k"]', "s", True),
        ("b[2]", "x", False),
        ("b[2].c", "a", False),
        ("b[10]", "x", False),
    ]


def test_the_precheck_keeps_the_first_in_order_in_bounded_memory_however_many_it_counts() -> None:
    from ameide_sre_contracts._precheck import precheck

    kept, count = precheck(_state("s" * 300), keep=5)  # trimmed every 74 violations found, 240 in all
    assert count == 240
    assert [v.field_path for v in kept] == [f"inhibited_by[{n}]" for n in range(5)]
