"""Every input is bounded and ends as a ContractError: at each rule's boundary, at the worst case, at every entry point.

The outcomes asserted are counts and sizes (how many violations, how long a
refusal), never wall-clock times; `make fuzz` measures the work itself as
ratios in docs/reliability.md.
"""

from __future__ import annotations

import base64
import contextlib
import json
import random
import subprocess
import sys
from typing import Any

import protovalidate
import pytest
from google.protobuf.message import Message
from hypothesis import given, settings
from hypothesis import strategies as st

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2, query_pb2, slo_pb2, sre_pb2
from ameide_sre_contracts import cloudevents, kafka, testing, validation
from ameide_sre_contracts._descriptors import field_rules, is_map, reachable, service_messages
from ameide_sre_contracts._precheck import MAX_VIOLATIONS, precheck
from ameide_sre_contracts._wirescan import FIELDS_RULE, SCAN_FROM_BYTES, scan
from ameide_sre_contracts.grpc import MAX_DETAILS_BYTES, OMITTED_REASON, invalid_argument_status
from testkit.attacks import (
    BINARY_ATTACKS,
    ENTRIES,
    EXAMPLES,
    MAX_ERROR_TEXT,
    alias_keys,
    check_entry,
    header_variants,
)
from testkit.largest import inflate

FACTS = sre.DOMAIN_FACTS_TOPIC
FACTS_DESCRIPTOR = facts_pb2.SreDomainFact.DESCRIPTOR


def _fact(case: str) -> facts_pb2.SreDomainFact:
    return next(f for f in testing.examples(facts_pb2.SreDomainFact) if f.WhichOneof("fact") == case)


# --- 1. a work budget: container counts first, violations capped --------------------------------------------


def _contract_messages() -> list[Any]:
    roots = [topic.envelope_type.DESCRIPTOR for topic in sre.TOPICS.values()]
    roots += service_messages(query_pb2.DESCRIPTOR)
    return reachable(roots)[0]


def _bounded_containers() -> list[tuple[Any, Any, int]]:
    messages = _contract_messages()
    found = []
    for descriptor in messages:
        for field in descriptor.fields:
            rules = field_rules(field)
            if rules is None or not field.is_repeated:
                continue
            limit = rules.map.max_pairs if is_map(field) else rules.repeated.max_items
            if limit:
                found.append((descriptor, field, int(limit)))
    return found


CONTAINERS = _bounded_containers()


def test_every_container_of_the_contract_is_bounded_and_checked_first() -> None:
    assert len(CONTAINERS) > 60
    messages = _contract_messages()
    unbounded = [
        f"{descriptor.name}.{field.name}"
        for descriptor in messages
        for field in descriptor.fields
        if field.is_repeated and (descriptor, field) not in {(d, f) for d, f, _ in CONTAINERS}
    ]
    assert unbounded == []


def _fill(message: Message, field: Any, count: int, start: int = 0) -> None:
    container = getattr(message, field.name)
    if is_map(field):
        value = field.message_type.fields_by_name["value"]
        for index in range(start, start + count):
            if value.message_type is not None:
                container[str(index)].SetInParent()
            else:
                container[str(index)] = "" if value.type == value.TYPE_STRING else 0
    elif field.message_type is not None:
        for _ in range(count):
            container.add()
    elif field.type == field.TYPE_STRING:
        container.extend([str(index) for index in range(count)])
    else:
        container.extend([1] * count)


@pytest.mark.parametrize(
    ("descriptor", "field", "limit"), CONTAINERS, ids=[f"{d.name}.{f.name}" for d, f, _ in CONTAINERS]
)
def test_one_past_a_container_bound_is_one_violation_and_protovalidate_never_runs(
    descriptor: Any, field: Any, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = descriptor._concrete_class()
    _fill(message, field, limit)
    assert precheck(message)[1] == 0  # at the bound: nothing for the early check
    _fill(message, field, 1, start=limit)
    monkeypatch.setattr(validation, "_protovalidate", lambda message: pytest.fail("protovalidate ran"))
    found, count = validation.collect(message)
    rule = "map.max_pairs" if is_map(field) else "repeated.max_items"
    assert (count, found[0].rule_id, found[0].field_path) == (1, rule, field.name)


def _text_bounds() -> list[tuple[Any, Any, str, str, int]]:
    """Every upper bound on a text in the contract: (message, field, where, rule, bound); where is the
    field itself, each of its items, or each key or value of its map."""
    found = []
    for descriptor in _contract_messages():
        for field in descriptor.fields:
            rules = field_rules(field)
            if rules is None:
                continue
            if is_map(field):
                places = [("key", rules.map.keys), ("map value", rules.map.values)]
            else:
                places = [
                    ("item" if field.is_repeated else "value", rules.repeated.items if field.is_repeated else rules)
                ]
            for where, place in places:
                if place.WhichOneof("type") != "string":
                    continue
                for rule in ("max_len", "max_bytes"):
                    if place.string.HasField(rule):
                        found.append((descriptor, field, where, rule, int(getattr(place.string, rule))))
    return found


TEXT_BOUNDS = _text_bounds()


def _put_text(message: Message, field: Any, where: str, text: str) -> None:
    if where == "value":
        setattr(message, field.name, text)
    elif where == "item":
        getattr(message, field.name).append(text)
    else:
        container = getattr(message, field.name)
        value = field.message_type.fields_by_name["value"]
        key, item = (text, "" if value.type == value.TYPE_STRING else 0) if where == "key" else ("k", text)
        if value.message_type is not None:
            container[key].SetInParent()
        else:
            container[key] = item


def _over_text_bounds(bounds: list[tuple[Any, Any, str, str, int]]) -> pytest.MarkDecorator:
    """Parametrize a test over text bounds, each named `Message.field:where:rule`."""
    names = [f"{d.name}.{f.name}:{w}:{r}" for d, f, w, r, _ in bounds]
    return pytest.mark.parametrize(("descriptor", "field", "where", "rule", "bound"), bounds, ids=names)


@_over_text_bounds(TEXT_BOUNDS)
def test_one_past_a_text_bound_is_found_first_in_protovalidates_words(
    descriptor: Any, field: Any, where: str, rule: str, bound: int
) -> None:
    character = "a" if rule == "max_len" else "ж"  # two UTF-8 bytes: a byte bound is reached at half the characters
    at_bound = bound if rule == "max_len" else bound // 2
    message = descriptor._concrete_class()
    _put_text(message, field, where, character * at_bound)
    assert precheck(message)[1] == 0
    message = descriptor._concrete_class()
    _put_text(message, field, where, character * (at_bound + 1))
    early, count = precheck(message)
    theirs = [v for v in validation._protovalidate(message)[0] if v.rule_id == f"string.{rule}"]
    assert count == 1
    assert early == theirs


def test_a_four_megabyte_map_key_never_reaches_protovalidate(monkeypatch: pytest.MonkeyPatch) -> None:
    intent = testing.example(intents_pb2.CreateSLORequested)
    intent.slo.labels["ключ" * ((1 << 19) - 4096)].SetInParent()  # just under decode's 4 MiB
    envelope = testing.example_envelope(intent)
    monkeypatch.setattr(validation, "_protovalidate", lambda message: pytest.fail("protovalidate ran"))
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(sre.DOMAIN_INTENTS_TOPIC, envelope.SerializeToString())
    [violation] = refused.value.violations
    assert (violation.rule_id, violation.for_key) == ("string.max_len", True)
    assert len(str(refused.value)) < 1024


def test_half_a_million_empty_entries_are_one_violation() -> None:
    fact = _fact("incident_created")
    incident = fact.incident_created.incident
    del incident.affected_resources[:]
    for _ in range(520_000):
        incident.affected_resources.add()
    data = fact.SerializeToString()
    assert len(data) > 1_000_000
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(FACTS, data)
    assert len(refused.value.violations) == 1
    assert refused.value.violations[0].rule_id == "repeated.max_items"
    assert len(str(refused.value)) < 300


def test_a_runbook_of_ten_thousand_empty_steps_is_refused_not_an_evaluation_error() -> None:
    runbook = testing.example(intents_pb2.CreateRunbookRequested)
    del runbook.runbook.steps[:]
    for _ in range(10_000):
        runbook.runbook.steps.add()
    envelope = testing.example_envelope(runbook)
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(sre.DOMAIN_INTENTS_TOPIC, envelope.SerializeToString())
    assert [v.rule_id for v in refused.value.violations] == ["repeated.max_items"]


def test_many_violations_within_bounds_are_capped_and_counted() -> None:
    intent = testing.example(intents_pb2.CreateIncidentRequested)
    del intent.alert_ids[:]
    intent.alert_ids.extend(f"!{index}" for index in range(500))  # each breaks the pattern; the count is allowed
    envelope = testing.example_envelope(intent)
    with pytest.raises(sre.ValidationError) as refused:
        sre.validate(envelope)
    assert len(refused.value.violations) == MAX_VIOLATIONS
    assert refused.value.omitted == 500 - MAX_VIOLATIONS
    assert f"... and {500 - MAX_VIOLATIONS} more" in str(refused.value)
    assert len(str(refused.value)) < MAX_ERROR_TEXT
    assert len(sre.violations(envelope)) == MAX_VIOLATIONS


# --- 2. nothing but ContractError: times, CEL that cannot evaluate -------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "nanos", "rule"),
    [
        (-62135596800, 0, None),
        (-62135596801, 0, "timestamp.gte_lte"),
        (253402300799, 999_999_999, None),
        (253402300800, 0, "timestamp.gte_lte"),
        (0, -1, "timestamp.valid"),
        (0, 1_000_000_000, "timestamp.valid"),
    ],
)
def test_timestamps_at_and_past_protobufs_range(seconds: int, nanos: int, rule: str | None) -> None:
    fact = _fact("incident_created")
    fact.meta.occurred_at.seconds, fact.meta.occurred_at.nanos = seconds, nanos
    data = fact.SerializeToString()
    if rule is None:
        assert sre.decode(FACTS, data) == fact
        assert sre.to_json(fact)
        return
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(FACTS, data)
    assert (refused.value.violations[0].field_path, refused.value.violations[0].rule_id) == ("meta.occurred_at", rule)
    for produce in (kafka.to_kafka, cloudevents.to_http, sre.encode):
        with pytest.raises(sre.ValidationError):
            produce(fact)
    with pytest.raises(sre.ContractError):
        kafka.from_kafka(FACTS, None, data, None)


@pytest.mark.parametrize(
    ("seconds", "nanos", "rule"),
    [
        (315576000001, 0, "duration.valid"),  # past protobuf's range: CEL would stop with an error
        (3600, -1, "duration.valid"),
        (0, 1_000_000_000, "duration.valid"),
        (2592001, 0, "duration.gte_lte"),  # past the contract's bound only
    ],
)
def test_durations_past_their_range_are_violations_not_evaluation_errors(seconds: int, nanos: int, rule: str) -> None:
    intent = testing.example(intents_pb2.CreateSLORequested)
    alert = intent.slo.error_budget_policy.burn_rate_alerts.add(burn_rate=2, action=slo_pb2.BURN_RATE_ACTION_PAGE)
    alert.short_window.seconds = 300
    alert.long_window.seconds, alert.long_window.nanos = seconds, nanos
    envelope = testing.example_envelope(intent)
    for check in (sre.validate, sre.encode, lambda e: sre.decode(sre.DOMAIN_INTENTS_TOPIC, e.SerializeToString())):
        with pytest.raises(sre.ValidationError) as refused:
            check(envelope)
        assert rule in [v.rule_id for v in refused.value.violations]


def test_a_rule_protovalidate_cannot_evaluate_is_a_violation(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unevaluable:
        def collect_violations(self, message: Message) -> Any:
            raise protovalidate.EvaluationError("error evaluating some.rule: overflow")

    monkeypatch.setattr(validation, "_VALIDATOR", [Unevaluable()])
    fact = _fact("incident_created")
    fact.meta.tenant_id = ""  # not proven valid by the fast path: protovalidate is asked
    with pytest.raises(sre.ValidationError) as refused:
        sre.validate(fact)
    assert refused.value.violations[0].rule_id == validation.UNEVALUATED_RULE
    assert "some.rule" in refused.value.violations[0].message


# Found by atheris: upb parses an unknown group holding field number 0, which protovalidate's parser refuses.
MALFORMED_UNKNOWN_GROUP = b"+\x00\x00,"


def test_an_encoding_protovalidate_cannot_read_back_is_a_violation() -> None:
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(sre.DOMAIN_INTENTS_TOPIC, MALFORMED_UNKNOWN_GROUP)
    assert [v.rule_id for v in refused.value.violations] == [validation.UNEVALUATED_RULE]
    assert "read back" in refused.value.violations[0].message
    structured = json.dumps(
        {
            "specversion": "1.0",
            "id": "x",
            "source": "urn:x",
            "type": "x",
            "data_base64": base64.b64encode(MALFORMED_UNKNOWN_GROUP).decode(),
        }
    ).encode()
    with pytest.raises(sre.ContractError):
        kafka.from_kafka(
            sre.DOMAIN_INTENTS_TOPIC, None, structured, [("content-type", b"application/cloudevents+json")]
        )


def test_a_valid_envelope_keeps_an_unknown_group_upb_accepts() -> None:
    """What upb parses it keeps and re-emits byte for byte; other parsers may refuse it (docs/reliability.md)."""
    data = sre.encode(_fact("incident_created")) + b"\xfb\x0f\x00\x00\xfc\x0f"  # group 127 holding field 0
    assert sre.encode(sre.decode(sre.DOMAIN_FACTS_TOPIC, data)) == data


def test_to_json_of_an_unrenderable_message_is_a_contract_error() -> None:
    fact = _fact("incident_created")
    fact.meta.occurred_at.nanos = -5
    with pytest.raises(sre.ContractError):
        sre.to_json(fact)


# --- 3. no ambiguity ----------------------------------------------------------------------------------------------


def _json(envelope: Message) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(sre.to_json(envelope))
    return document


def test_a_field_under_two_names_is_refused() -> None:
    document = _json(_fact("incident_created"))
    text = json.dumps(document).replace('"tenantId": "', '"tenant_id": "b", "tenantId": "', 1)
    with pytest.raises(sre.DecodeError, match="tenant_id is given twice"):
        sre.from_json(FACTS, text)


def test_a_key_given_twice_is_refused() -> None:
    text = json.dumps(_json(_fact("incident_created"))).replace('"tenantId": "', '"tenantId": "b", "tenantId": "', 1)
    with pytest.raises(sre.DecodeError, match="twice"):
        sre.from_json(FACTS, text)


def test_a_lone_surrogate_is_refused() -> None:
    document = _json(_fact("incident_created"))
    document["incidentCreated"]["incident"]["title"] = "\ud800"
    with pytest.raises(sre.DecodeError, match="surrogate"):
        sre.from_json(FACTS, json.dumps(document))


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [("+23:59", True), ("-23:59", True), ("+24:00", False), ("+25:00", False), ("+01:60", False)],
)
def test_time_offsets_beyond_a_day_are_refused(offset: str, accepted: bool) -> None:
    document = _json(_fact("incident_created"))
    document["meta"]["occurredAt"] = f"2026-01-02T03:04:05{offset}"
    if accepted:
        sre.from_json(FACTS, json.dumps(document))
    else:
        with pytest.raises(sre.DecodeError, match="RFC 3339"):
            sre.from_json(FACTS, json.dumps(document))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32))
def test_alias_keys_anywhere_are_refused(seed: int) -> None:
    rng = random.Random(seed)
    topic = rng.choice(sorted(EXAMPLES))
    text = alias_keys(rng, rng.choice(EXAMPLES[topic]))
    with pytest.raises(sre.DecodeError, match="given twice"):
        sre.from_json(topic, text)


def _record() -> kafka.KafkaRecord[Any]:
    return kafka.to_kafka(_fact("incident_created"))


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        (lambda h: [*h, ("CE_ID", dict(h)["ce_id"])], False),
        (lambda h: [*h, ("ce_id", dict(h)["ce_id"])], False),
        (lambda h: [*h, ("Content-Type", b"application/protobuf")], False),
        (lambda h: [(n, None) if n == "ce_type" else (n, v) for n, v in h], False),
        (lambda h: [(n, 7) if n == "ce_type" else (n, v) for n, v in h], False),
        (lambda h: [(n, b"\xff") if n == "ce_type" else (n, v) for n, v in h], False),
        (lambda h: [*h, 3], False),
        (lambda h: [*h, ("x-trace", b"\xff\xfe"), (b"\xff", b"\x00"), ("x-none", None)], True),
        (lambda h: [(n.encode(), memoryview(v)) for n, v in h], True),
        (lambda h: [(n.upper(), v) for n, v in h], True),
        (lambda h: dict(h), True),
    ],
    ids=[
        "recased",
        "repeated",
        "content-type twice",
        "no value",
        "an int",
        "not UTF-8",
        "not a pair",
        "unrelated binary headers",
        "bytes names and memoryviews",
        "upper case",
        "a mapping",
    ],
)
def test_kafka_headers_are_read_strictly(change: Any, accepted: bool) -> None:
    record = _record()
    headers = change(list(record.headers))
    if accepted:
        assert kafka.from_kafka(record.topic, memoryview(record.key), record.value, headers) is not None
    else:
        with pytest.raises(sre.DecodeError):
            kafka.from_kafka(record.topic, record.key, record.value, headers)


@pytest.mark.parametrize("key", [42, 1.5, object()])
def test_an_odd_key_or_value_type_is_a_decode_error(key: Any) -> None:
    record = _record()
    with pytest.raises(sre.DecodeError):
        kafka.from_kafka(record.topic, key, record.value, record.headers)
    with pytest.raises(sre.DecodeError):
        kafka.from_kafka(record.topic, record.key, key, record.headers)


def test_a_structured_event_must_agree_with_its_headers_and_name_each_key_once() -> None:
    fact = _fact("incident_created")
    record = kafka.to_kafka(fact, mode="structured")
    agreeing = [*record.headers, ("ce_id", fact.meta.message_id.encode())]
    assert kafka.from_kafka(record.topic, record.key, record.value, agreeing) == fact
    disagreeing = [*record.headers, ("ce_id", b"00000000-0000-4000-8000-000000000000")]
    with pytest.raises(sre.DecodeError, match="disagrees"):
        kafka.from_kafka(record.topic, record.key, record.value, disagreeing)
    twice = record.value.replace(b'{"specversion":"1.0",', b'{"specversion":"1.0","specversion":"1.0",', 1)
    with pytest.raises(sre.DecodeError, match="twice"):
        kafka.from_kafka(record.topic, record.key, twice, record.headers)


@pytest.mark.parametrize("content_type", ["application/protobuf; charset=binary", "APPLICATION/PROTOBUF"])
def test_http_content_types_are_compared_as_media_types(content_type: str) -> None:
    fact = _fact("incident_created")
    headers, body = cloudevents.to_http(fact)
    headers["content-type"] = content_type
    assert cloudevents.from_http(headers, body) == fact
    recased = {**headers, "CE-ID": headers["ce-id"]}
    with pytest.raises(sre.DecodeError, match="twice"):
        cloudevents.from_http(recased, body)


# --- 4. producers validate ------------------------------------------------------------------------------------------


def test_producers_refuse_an_invalid_envelope_unless_told_not_to() -> None:
    fact = _fact("incident_created")
    fact.meta.tenant_id = ""
    for produce in (kafka.to_kafka, cloudevents.to_http, cloudevents.to_cloudevent):
        with pytest.raises(sre.ValidationError):
            produce(fact)
        assert produce(fact, validate=False) is not None


# --- 5. gRPC refusals fit -------------------------------------------------------------------------------------------


def test_a_refusal_fits_well_inside_grpcs_metadata_limit() -> None:
    request = query_pb2.ListIncidentsRequest()
    many = [sre.Violation("x" * 5000, "rule." + "y" * 300, "z" * 5000) for _ in range(1000)]
    status = invalid_argument_status(request, many, omitted=5000)
    assert status.ByteSize() <= MAX_DETAILS_BYTES
    assert len(status.message) < 600
    reasons = []
    for detail in status.details:
        if detail.type_url.endswith("ErrorInfo"):
            from google.rpc import error_details_pb2

            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reasons.append((info.reason, int(info.metadata["omitted"])))
    (reason, omitted) = reasons[0]
    assert reason == OMITTED_REASON
    assert omitted > 5000


def test_a_request_with_too_many_values_costs_one_violation() -> None:
    request = query_pb2.ListIncidentsRequest(tenant_id="acme", page_size=10)
    request.statuses.extend([sre_pb2.IncidentStatus.ValueType(99)] * 100_000)
    found, count = validation.collect(request)
    assert (count, found[0].rule_id) == (1, "repeated.max_items")


# --- 7. park only what is otherwise sound -------------------------------------------------------------------------


def _with_unknown(envelope: Message, number: int) -> bytes:
    from testkit.wire import length_delimited

    return envelope.SerializeToString() + length_delimited(number, b"\x0a\x01x")


def test_a_newer_case_is_parked_only_when_metadata_and_subject_are_valid() -> None:
    fact = _fact("incident_created")
    fact.ClearField("fact")
    data = _with_unknown(fact, 99)
    with pytest.raises(sre.UnknownPayloadError) as parked:
        sre.decode(FACTS, data)
    assert parked.value.field_number == 99
    assert parked.value.data == data  # byte for byte
    assert sre.encode(parked.value.envelope, validate=False) == data  # field for field, here also byte for byte
    fact.meta.tenant_id = ""
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(FACTS, _with_unknown(fact, 99))
    assert {v.field_path for v in refused.value.violations} == {"meta.tenant_id"}


def test_an_unknown_envelope_field_is_carried_not_reported_as_a_case() -> None:
    fact = _fact("incident_created")
    data = _with_unknown(fact, 3)
    decoded = sre.decode(FACTS, data)
    assert sre.encode(decoded) == data
    fact.ClearField("fact")
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(FACTS, _with_unknown(fact, 3))
    assert [v.rule_id for v in refused.value.violations] == ["required"]


# --- every entry point, inputs aimed at the rules ------------------------------------------------------------------


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**32),
    attack=st.sampled_from(sorted(BINARY_ATTACKS)),
    entry=st.sampled_from(range(len(ENTRIES))),
)
def test_rule_aimed_inputs_end_bounded_at_every_entry_point(seed: int, attack: str, entry: int) -> None:
    rng = random.Random(seed)
    topic = rng.choice(sorted(EXAMPLES))
    data = BINARY_ATTACKS[attack](rng, EXAMPLES[topic], 200_000)
    outcome = check_entry(ENTRIES[entry], topic, data)
    assert outcome != "accepted" or attack == "boundary times", outcome  # only a time at the edge may be valid


@settings(max_examples=100, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32))
def test_header_variants_are_accepted_or_a_decode_error(seed: int) -> None:
    rng = random.Random(seed)
    record = _record()
    with contextlib.suppress(sre.DecodeError):
        kafka.from_kafka(record.topic, record.key, record.value, header_variants(rng, record))


# --- 6. the CLI ---------------------------------------------------------------------------------------------------


def _cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "ameide_sre_contracts.cli", *args]
    return subprocess.run(command, input=stdin, capture_output=True, check=False, timeout=120)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["validate", "/dev/zero"], b""),
        (["validate"], b"y\n" * 3_000_000),
        (["validate", "--topic", FACTS], b"\x0a\xff\xff\xff\xff\x0f"),
        (["encode", "-o", "/nonexistent/dir/out"], b"{}"),
        (["decode", "--topic", FACTS, "/no/such/file"], b""),
        (["encode", "--schema-id", "99999999999"], b"{}"),
        (["validate", "--topic", "sre.nope.v1"], b"\x00"),
    ],
)
def test_the_cli_never_tracebacks_and_exits_2_on_bad_input(args: list[str], stdin: bytes) -> None:
    done = _cli(*args, stdin=stdin)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr


def test_the_cli_reports_a_hostile_message_in_bounded_lines() -> None:
    fact = _fact("incident_created")
    incident = fact.incident_created.incident
    del incident.correlated_alert_ids[:]
    incident.correlated_alert_ids.extend(f"!{index}" for index in range(500))
    done = _cli("validate", "--topic", FACTS, stdin=fact.SerializeToString())
    assert done.returncode == 1
    lines = done.stdout.decode().splitlines()
    assert len(lines) == MAX_VIOLATIONS + 1
    assert lines[-1] == f"... and {500 - MAX_VIOLATIONS} more"


def test_a_closed_pipe_ends_quietly() -> None:
    command = f"{sys.executable} -m ameide_sre_contracts.cli catalog | head -c 10"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, timeout=120, check=False)
    assert done.stdout == b"# SRE even"
    assert b"Traceback" not in done.stderr
    assert b"BrokenPipe" not in done.stderr


# --- the wire scan: large inputs are refused before parsing ----------------------------------------------------------


def _valid_envelopes() -> list[Message]:
    found: list[Message] = []
    for topic in sre.TOPICS.values():
        for example in testing.examples(topic.envelope_type):
            found.append(example)
            largest = type(example)()
            largest.CopyFrom(example)
            inflate(largest)
            found.append(largest)
    return found + list(testing.variants())


def test_the_wire_scan_never_refuses_a_valid_envelope() -> None:
    for envelope in _valid_envelopes():
        if sre.violations(envelope):
            continue  # an inflation a message rule refused as a whole
        assert scan(envelope.SerializeToString(), envelope.DESCRIPTOR) is None, envelope.DESCRIPTOR.name


@settings(max_examples=80, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32))
def test_the_wire_scan_finds_what_the_parsed_check_finds(seed: int) -> None:
    rng = random.Random(seed)
    topic = rng.choice(sorted(EXAMPLES))
    data = BINARY_ATTACKS["empty elements en masse"](rng, EXAMPLES[topic], rng.randrange(SCAN_FROM_BYTES, 300_000))
    envelope = sre.envelope_type(topic).FromString(data)
    found, _ = precheck(envelope)
    early = scan(data, envelope.DESCRIPTOR)
    assert early is not None
    assert (early.field_path, early.rule_id) in {(v.field_path, v.rule_id) for v in found}
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(topic, data)
    assert refused.value.violations == (early,)


WIRE_TEXT_BOUNDS = [bound for bound in TEXT_BOUNDS if bound[2] in ("item", "key")]


@_over_text_bounds(WIRE_TEXT_BOUNDS)
def test_a_list_item_or_map_key_past_its_text_bound_is_refused_before_parsing(
    descriptor: Any, field: Any, where: str, rule: str, bound: int
) -> None:
    """Read off the wire, the violation is the one the parsed check gives, word for word."""
    wire_bytes = 4 * bound if rule == "max_len" else bound
    message = descriptor._concrete_class()
    _put_text(message, field, where, "ж" * (max(wire_bytes, SCAN_FROM_BYTES) // 2 + 1))
    data = message.SerializeToString()
    early = scan(data, descriptor)
    found, count = precheck(descriptor._concrete_class.FromString(data))
    assert early is not None
    assert (count, [early]) == (1, found)
    message = descriptor._concrete_class()
    _put_text(message, field, where, "ж" * (wire_bytes // 2))  # within the wire bound: left to the parsed check
    assert scan(message.SerializeToString(), descriptor) is None


def test_a_map_entry_that_gives_its_key_twice_is_judged_by_the_last() -> None:
    from testkit.wire import length_delimited

    fact = _fact("alert_ingested")
    long_key, short_key = length_delimited(1, b"k" * 100_000), length_delimited(1, b"team")
    entry = length_delimited(2, b"payments")
    labels = fact.alert_ingested.alert.DESCRIPTOR.fields_by_name["labels"].number
    alert = fact.alert_ingested.DESCRIPTOR.fields_by_name["alert"].number
    case = fact.DESCRIPTOR.fields_by_name["alert_ingested"].number
    for key, refused in ((long_key + short_key, False), (short_key + long_key, True)):
        extra = length_delimited(case, length_delimited(alert, length_delimited(labels, key + entry)))
        data = fact.SerializeToString() + extra
        early = scan(data, FACTS_DESCRIPTOR)
        parsed, _ = precheck(facts_pb2.SreDomainFact.FromString(data))
        assert (early is not None) is refused
        assert parsed == ([early] if early is not None else [])


def test_a_level_of_endless_unknown_fields_is_refused_before_parsing() -> None:
    from testkit.wire import varint_field

    fact = _fact("incident_created")
    few = fact.SerializeToString() + varint_field(99, 1) * 1000
    assert sre.decode(FACTS, few) == sre.decode(FACTS, few, validate=False)  # newer fields, kept
    many = fact.SerializeToString() + varint_field(99, 1) * 200_000
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(FACTS, many)
    assert refused.value.violations[0].rule_id == FIELDS_RULE


def test_a_malformed_large_input_is_left_to_the_parser() -> None:
    assert scan(b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" + b"x" * SCAN_FROM_BYTES, FACTS_DESCRIPTOR) is None
    with pytest.raises(sre.DecodeError):
        sre.decode(FACTS, b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" + b"x" * SCAN_FROM_BYTES)


def test_json_lists_past_their_bound_are_refused_before_messages_are_built(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _json(_fact("incident_created"))
    document["incidentCreated"]["incident"]["affectedResources"] = [{}] * 51
    with pytest.raises(sre.ValidationError) as refused:
        sre.from_json(FACTS, json.dumps(document))
    assert [(v.field_path, v.rule_id) for v in refused.value.violations] == [
        ("incident_created.incident.affected_resources", "repeated.max_items")
    ]
    document["incidentCreated"]["incident"]["affectedResources"] = [{}] * 1_000_000

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("json.loads ran on a text no valid message could be")

    monkeypatch.setattr(json, "loads", never)
    with pytest.raises(sre.DecodeError, match="more than any valid SreDomainFact"):
        sre.from_json(FACTS, json.dumps(document))


def test_the_json_value_count_never_refuses_a_valid_envelope() -> None:
    for envelope in _valid_envelopes():
        if sre.violations(envelope):
            continue
        text = sre.to_json(envelope)
        assert sre.from_json(type(envelope), text) == envelope


def _mask_fields() -> list[tuple[Any, Any, int, str]]:
    from ameide_sre_contracts._precheck import mask_bound

    found = []
    for descriptor in _contract_messages():
        for field in descriptor.fields:
            bound = mask_bound(field)
            if bound is not None:
                found.append((descriptor, field, bound[0], bound[1]))
    return found


MASKS = _mask_fields()


@pytest.mark.parametrize(
    ("descriptor", "field", "limit", "rule"), MASKS, ids=[f"{d.name}.{f.name}" for d, f, _, _ in MASKS]
)
def test_an_update_mask_past_its_listed_paths_is_refused_early_in_every_form(
    descriptor: Any, field: Any, limit: int, rule: str
) -> None:
    message = descriptor._concrete_class()
    getattr(message, field.name).paths.extend(["x"] * (limit + 1))
    found, count = precheck(message)
    assert (count, found[0].rule_id, found[0].field_path) == (1, rule, field.name)
    getattr(message, field.name).paths.extend(["x"] * 200_000)
    early = scan(message.SerializeToString(), descriptor)
    assert early is not None
    assert (early.rule_id, early.field_path) == (rule, field.name)
    document = {field.camelcase_name: ",".join(["x"] * (limit + 1))}
    with pytest.raises(sre.ValidationError) as refused:
        sre.from_json(descriptor._concrete_class, json.dumps(document))
    assert refused.value.violations[0].rule_id == rule


def test_a_container_split_over_repeats_of_its_parent_still_counts_whole() -> None:
    """`incident` given 40 times with 50 resources each: the parser merges them into 2000, so the scan adds up."""
    from testkit.wire import length_delimited

    fact = _fact("incident_created")
    piece = facts_pb2.IncidentCreated()
    for _ in range(50):
        piece.incident.affected_resources.add(type="pod", id="p")
    extra = length_delimited(10, piece.SerializeToString()) * 40  # field 10: incident_created
    data = fact.SerializeToString() + extra
    assert len(data) >= SCAN_FROM_BYTES
    early = scan(data, FACTS_DESCRIPTOR)
    assert early is not None
    assert (early.field_path, early.rule_id) == ("incident_created.incident.affected_resources", "repeated.max_items")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32), flips=st.integers(0, 6))
def test_the_wire_scan_refuses_only_what_the_parsed_check_refuses(seed: int, flips: int) -> None:
    """Soundness: whenever the bytes parse, what the scan refuses the full check refuses too."""
    rng = random.Random(seed)
    topic = rng.choice(sorted(EXAMPLES))
    data = bytearray(BINARY_ATTACKS["empty elements en masse"](rng, EXAMPLES[topic], rng.randrange(100, 60_000)))
    for _ in range(flips):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    early = scan(bytes(data), sre.envelope_type(topic).DESCRIPTOR)
    try:
        envelope = sre.envelope_type(topic).FromString(bytes(data))
    except Exception:  # malformed after the flips: the parser refuses it either way
        return
    if early is not None:
        found, _ = precheck(envelope)
        assert (early.field_path, early.rule_id) in {(v.field_path, v.rule_id) for v in found} or (
            early.rule_id == FIELDS_RULE
        )


# --- refusals quote inputs, never megabytes of them --------------------------------------------------------------

_MEGABYTE_TEXT = "k" * 1_048_576


def _with_map_key() -> bytes:
    fact = _fact("alert_ingested")
    fact.alert_ingested.alert.labels[_MEGABYTE_TEXT] = "v"
    return fact.SerializeToString()


def _json_with(change: Any) -> str:
    document = json.loads(sre.to_json(_fact("incident_created")))
    change(document)
    return json.dumps(document)


_LONGEST_HEADER = "k" * 60_000  # within the 64 KiB of headers, far past what an error quotes


def _http_with(name: str) -> tuple[dict[str, str], bytes]:
    headers, body = cloudevents.to_http(_fact("incident_created"))
    return {**headers, name: _LONGEST_HEADER}, body


_QUOTING_ENTRIES: dict[str, Any] = {
    "map key in a field path": lambda: sre.decode(sre.DOMAIN_FACTS_TOPIC, _with_map_key()),
    "unknown JSON field": lambda: sre.from_json(
        sre.DOMAIN_FACTS_TOPIC, _json_with(lambda d: d.update({_MEGABYTE_TEXT: 1}))
    ),
    "unknown enum name": lambda: sre.from_json(
        sre.DOMAIN_FACTS_TOPIC,
        _json_with(lambda d: d["incidentCreated"]["incident"].update({"severity": _MEGABYTE_TEXT})),
    ),
    "time text": lambda: sre.from_json(
        sre.DOMAIN_FACTS_TOPIC, _json_with(lambda d: d["meta"].update({"occurredAt": _MEGABYTE_TEXT}))
    ),
    "topic name": lambda: sre.decode(_MEGABYTE_TEXT, b""),
    "Kafka header value": lambda: kafka.from_kafka(
        _record().topic,
        _record().key,
        _record().value,
        [(n, _LONGEST_HEADER.encode() if n == "ce_type" else v) for n, v in _record().headers],
    ),
    "Kafka key": lambda: kafka.from_kafka(_record().topic, _MEGABYTE_TEXT, _record().value, _record().headers),
    "HTTP content type": lambda: cloudevents.from_http(*_http_with("content-type")),
    "HTTP attribute": lambda: cloudevents.from_http(*_http_with("ce-source")),
}


@pytest.mark.parametrize("entry", sorted(_QUOTING_ENTRIES))
def test_a_refusal_quoting_a_megabyte_input_stays_short(entry: str) -> None:
    """The error names what was wrong and quotes a bounded piece of it, in its text and its repr."""
    with pytest.raises(sre.ContractError) as refused:
        _QUOTING_ENTRIES[entry]()
    assert len(str(refused.value)) <= sre.ContractError.MAX_TEXT + 100
    assert len(repr(refused.value)) <= sre.ContractError.MAX_TEXT + 200
    assert "kkkk" in str(refused.value)  # the quote is there, cut short


def test_a_long_map_key_is_cut_in_the_field_path() -> None:
    with pytest.raises(sre.ValidationError) as refused:
        sre.decode(sre.DOMAIN_FACTS_TOPIC, _with_map_key())
    (violation,) = refused.value.violations
    assert violation.field_path == 'alert_ingested.alert.labels["' + "k" * 64 + '…"]'
    assert violation.for_key
