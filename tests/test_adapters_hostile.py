"""The adapters held to the core's standard: every payload ends as intents or an AdapterInputError, at bounded cost.

Bounded here (a sample of each real payload's mutants, every YAML attack);
`make fuzz` runs every mutant of every payload (tools/reliability_report.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from ameide_core_proto.sre.core.v1 import alert_pb2
from ameide_sre_contracts import encode
from ameide_sre_contracts.adapters import alertmanager, argocd, ingest, kubernetes, openslo
from ameide_sre_contracts.adapters._json import COUNT, integer_range, load_documents, load_json
from ameide_sre_contracts.codec import DEFAULT_MAX_BYTES
from ameide_sre_contracts.errors import AdapterInputError, printable
from testkit.hostile_adapters import (
    ENTRIES,
    INTENT_OVERHEAD,
    OUTPUT_FACTOR,
    check_adapter_input,
    real_documents,
    sampled_mutants,
    yaml_attacks,
)

TENANT = "acme"
PRODUCER = "hostile-tests"
MUTANTS_PER_PAYLOAD = 40
CASES = [
    (entry, name, document)
    for entry in ENTRIES
    for folder in entry.folders
    for name, document in real_documents(folder)
]


@pytest.mark.parametrize(("entry", "name", "document"), CASES, ids=[f"{e.name}:{n}" for e, n, _ in CASES])
def test_each_value_of_a_real_payload_replaced_by_hostile_ones_ends_as_intents_or_a_refusal(
    entry: Any, name: str, document: Any
) -> None:
    outcomes = {check_adapter_input(entry, data) for _, data in sampled_mutants(document, MUTANTS_PER_PAYLOAD, 1)}
    assert outcomes <= {"intents", "AdapterInputError"}
    assert "AdapterInputError" in outcomes  # the mutants reach the rules


YAML_CASES = [(entry, name, document) for entry, name, document in CASES if entry.name.startswith("ingest ")]


@pytest.mark.parametrize(("entry", "name", "document"), YAML_CASES, ids=[f"{e.name}:{n}" for e, n, _ in YAML_CASES])
def test_yaml_built_to_expand_recurse_or_construct_objects_is_refused(entry: Any, name: str, document: Any) -> None:
    for what, data in yaml_attacks(document):
        outcome = check_adapter_input(entry, data)
        if what in (
            "alias bomb",
            "recursive alias",
            "merge key",
            "non-string key",
            "integer key",
            "5,000-digit integer",
        ):
            assert outcome == "AdapterInputError", what
        if what.startswith(("alias", "a list of aliases", "tag ", "custom tag", "repeated key", "nesting")):
            assert outcome == "AdapterInputError", what


# --- the reader's bounds, just under and just over


def _webhook(**extra: Any) -> dict[str, Any]:
    alert = {"status": "firing", "labels": {"alertname": "Up"}, "startsAt": "2024-01-01T00:00:00Z"}
    return {"status": "firing", "alerts": [alert], **extra}


def _padded(document: dict[str, Any], size: int) -> bytes:
    text = json.dumps(document).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


@pytest.mark.parametrize("as_text", [False, True])
def test_input_is_capped_by_its_utf8_size_whether_bytes_or_text(as_text: bool) -> None:
    at_bound = _padded(_webhook(), DEFAULT_MAX_BYTES)
    over = _padded(_webhook(), DEFAULT_MAX_BYTES + 1)
    given: tuple[bytes | str, bytes | str] = (at_bound.decode(), over.decode()) if as_text else (at_bound, over)
    assert len(alertmanager.intents_from_webhook(given[0], tenant_id=TENANT, producer=PRODUCER)) == 1
    with pytest.raises(AdapterInputError, match="at most 4194304 bytes"):
        alertmanager.intents_from_webhook(given[1], tenant_id=TENANT, producer=PRODUCER)


def test_text_is_counted_in_utf8_bytes_not_characters() -> None:
    document = _webhook(receiver="é" * 1000)  # 1,000 characters, 2,000 bytes
    size = len(json.dumps(document, ensure_ascii=False).encode())
    text = json.dumps(document, ensure_ascii=False)
    assert load_json(text, what="x", max_bytes=size)
    with pytest.raises(AdapterInputError):
        load_json(text, what="x", max_bytes=size - 1)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"a": 1, "a": 2}', "twice"),
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": -Infinity}', "Infinity"),
        ('{"a": 1e400}', "finite"),
        ('{"a": "\\ud800"}', "lone surrogate"),
        ('{"\\udfff": 1}', "lone surrogate"),
        ('{"a": ' + "1" * 5000 + "}", "JSON integers of at most 32 digits"),
    ],
)
def test_strict_json_refuses_what_two_readers_could_read_two_ways(text: str, why: str) -> None:
    with pytest.raises(AdapterInputError, match=why):
        load_json(text, what="the body")


def test_nesting_is_bounded_at_64() -> None:
    assert load_json("[" * 64 + "]" * 64, what="x")
    with pytest.raises(AdapterInputError, match="nesting at most 64"):
        load_json("[" * 65 + "]" * 65, what="x")
    assert load_documents(b"a: " + b"[" * 63 + b"]" * 63)
    with pytest.raises(AdapterInputError, match="nesting at most 64"):
        load_documents(b"a: " + b"[" * 64 + b"]" * 64)


def test_json_is_read_as_json_whatever_the_kind() -> None:
    # YAML would read the tab-indented JSON wrongly (or not at all); `{"a": 1, "a": 2}` would pass YAML 1.1.
    with pytest.raises(AdapterInputError, match="twice"):
        ingest("kubernetes", b'{"kind": "Event", "kind": "Event"}', tenant_id=TENANT, producer=PRODUCER)
    with pytest.raises(AdapterInputError, match="NaN"):
        ingest("openslo", b'{"apiVersion": NaN}', tenant_id=TENANT, producer=PRODUCER)


def test_yaml_values_resolve_by_the_core_schema_of_yaml_1_2() -> None:
    text = b"a: no\nb: ~\nc: 0x1F\nd: 0o17\ne: 012\nf: -.5\ng: 1e3\nh: 2024-01-01\ni: '1'\nj: TRUE\nk:\n"
    assert load_documents(text) == [
        {"a": "no", "b": None, "c": 31, "d": 15, "e": 12, "f": -0.5, "g": 1000.0, "h": "2024-01-01"}
        | {"i": "1", "j": True, "k": None}
    ]
    assert load_documents(b"---\na: 1\n---\nb: !!str 2\n") == [{"a": 1}, {"b": "2"}]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (b"a: &x 1\nb: *x\n", r"\$\.b: expected YAML without aliases, found an alias at line 2, column 4"),
        (b"a: !!set {x}\n", r"\$\.a: .*the tag 'tag:yaml.org,2002:set' at line 1"),
        (b"a: !!binary aGk=\n", "binary"),
        (b"a: !!timestamp 0000-01-01\n", "timestamp"),
        (b"a: !!int x\n", "a YAML 1.2 int"),
        (b"!local x\n", "'!local'"),
        (b"? [1]\n: 2\n", "mapping keys that are strings"),
        (b"1: x\n", "mapping keys that are strings"),
        (b"a: 1\nb: 2\na: 3\n", "each key once, found 'a' again at line 3"),
        (b"a: " + b"1" * 33 + b"\n", "an integer of at most 32 characters"),
        (b'a: "\\ud800"\n', "invalid Unicode character escape code at line 1"),
        (b"a: [1\n", "YAML documents"),
    ],
)
def test_yaml_outside_the_core_schema_is_refused_saying_where(text: bytes, why: str) -> None:
    with pytest.raises(AdapterInputError, match=why):
        load_documents(text)


def test_a_stream_holds_at_most_ten_thousand_documents() -> None:
    """A million empty `---` took seconds to parse; the bound refuses the 10,001st document where it starts."""
    at_bound = b"---\na: 1\n" * 10_000
    assert len(load_documents(at_bound)) == 10_000
    with pytest.raises(AdapterInputError, match=r"at most 10000 documents, found more at line 20001"):
        load_documents(at_bound + b"---\na: 1\n")
    with pytest.raises(AdapterInputError, match="at most 10000 documents"):
        load_documents(b"---\n" * 1_000_000)


def test_text_dense_with_values_is_refused_before_it_is_built() -> None:
    flow = b"a: [" + b"1, " * 999 + b"1]\n"  # 1,003 values in 3 kB: a mapping, a key, a sequence, 1,000 items
    assert len(load_documents(flow, max_bytes=4 * 1003)[0]["a"]) == 1000
    with pytest.raises(AdapterInputError, match=r"at most 1002 values \(keys and items\)"):
        load_documents(flow, max_bytes=4 * 1002)
    dense = "[" + "[[[]]]," * 4000 + "[]]"  # 28 kB opening 12,002 arrays
    assert load_json(dense, what="x", max_bytes=16 * 12_002)
    with pytest.raises(AdapterInputError, match="at most one object or array per 16 bytes"):
        load_json(dense, what="x", max_bytes=16 * 12_001)
    brackets_in_strings = json.dumps({"a": ["[{" * 10] * 2000})  # 48 kB: 40,000 brackets, all in strings
    assert load_json(brackets_in_strings, what="x", max_bytes=65_536)


def test_shared_values_of_an_already_parsed_document_count_each_time() -> None:
    shared = ["x" * 1000] * 1000
    with pytest.raises(AdapterInputError, match="shared values"):
        load_json({"items": [shared] * 10}, what="x", max_bytes=1_000_000)
    assert load_json({"items": [shared]}, what="x", max_bytes=1_100_000)


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [("truncatedAlerts", 0, 1_000_000), ("orgId", 0, 2**63 - 1)],
)
def test_notification_integers_hold_at_their_fields_bounds(field: str, low: int, high: int) -> None:
    for value in (low, high):
        (intent,) = alertmanager.intents_from_webhook(
            {**_webhook(**{field: value}), "title": "t"}, tenant_id=TENANT, producer=PRODUCER
        )
        notification = intent.ingest_alert.alert.notification
        kept = notification.truncated_alerts if field == "truncatedAlerts" else notification.grafana.org_id
        assert kept == value
    wrong: tuple[object, ...] = (low - 1, high + 1, 1.5, True, "1")
    for bad in wrong:
        with pytest.raises(AdapterInputError) as refused:
            alertmanager.intents_from_webhook(
                {**_webhook(**{field: bad}), "title": "t"}, tenant_id=TENANT, producer=PRODUCER
            )
        assert refused.value.path == f"$.{field}"


def test_integer_ranges_come_from_the_descriptors() -> None:
    assert integer_range(alert_pb2.AlertNotification, "truncated_alerts") == (0, 1_000_000)
    assert integer_range(alert_pb2.GrafanaNotificationDetails, "org_id") == (0, 2**63 - 1)
    assert COUNT == (0, 2**31 - 1)


def _event(**extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "type": "Warning",
        "reason": "BackOff",
        "metadata": {"name": "web.1", "namespace": "shop", "uid": "0123456789abcdef"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "shop"},
        "firstTimestamp": "2024-01-01T00:00:00Z",
        **extra,
    }


def test_an_events_count_is_a_non_negative_32_bit_integer() -> None:
    for value in (0, 2**31 - 1):
        (intent,) = kubernetes.intents_from_event(_event(count=value), tenant_id=TENANT, producer=PRODUCER)
        assert intent.ingest_alert.alert.labels["count"] == str(value)
    wrong: tuple[object, ...] = (-1, 2**31, 1e400, "3")
    for bad in wrong:
        with pytest.raises(AdapterInputError) as refused:
            kubernetes.intents_from_event(_event(count=bad), tenant_id=TENANT, producer=PRODUCER)
        assert refused.value.path == "$.count"


def _application(**operation: Any) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "shop", "namespace": "argocd"},
        "status": {"health": {"status": "Healthy"}, "operationState": {"phase": "Succeeded", **operation}},
    }


def test_an_operations_retry_count_holds_at_its_bound() -> None:
    (intent,) = argocd.intents_from_application(_application(retryCount=1_000_000), tenant_id=TENANT, producer=PRODUCER)
    assert intent.record_health_check.health_check.operation.retry_count == 1_000_000
    for value in (-1, 1_000_001, 2**64):
        with pytest.raises(AdapterInputError) as refused:
            argocd.intents_from_application(_application(retryCount=value), tenant_id=TENANT, producer=PRODUCER)
        assert refused.value.path == "$.status.operationState.retryCount"


def _slo(calendar: dict[str, Any] | None = None, target: Any = 0.99) -> dict[str, Any]:
    window: dict[str, Any] = {"duration": "1M", "isRolling": calendar is None}
    if calendar is not None:
        window["calendar"] = calendar
    return {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "checkout"},
        "spec": {
            "service": "shop",
            "indicatorRef": "errors",
            "timeWindow": [window],
            "budgetingMethod": "Occurrences",
            "objectives": [{"target": target}],
        },
    }


def test_a_calendar_needs_a_time_zone_zoneinfo_knows_and_a_time_that_exists() -> None:
    for zone in ("UTC", "Europe/Amsterdam", "America/Argentina/Buenos_Aires"):
        (intent,) = openslo.intents_from_slo(
            _slo({"startTime": "2024-02-29 00:00:00", "timeZone": zone}), tenant_id=TENANT, producer=PRODUCER
        )
        assert intent.create_slo.slo.time_window.calendar.time_zone == zone
    for calendar, where in [
        ({"startTime": "2024-01-01 00:00:00", "timeZone": "Mars/Olympus_Mons"}, "timeZone"),
        ({"startTime": "2024-01-01 00:00:00", "timeZone": "../../etc/passwd"}, "timeZone"),
        ({"startTime": "2023-02-29 00:00:00", "timeZone": "UTC"}, "startTime"),
        ({"startTime": "2024-01-01 24:00:00", "timeZone": "UTC"}, "startTime"),
        ({"startTime": "2024-1-1 0:0:0", "timeZone": "UTC"}, "startTime"),
    ]:
        with pytest.raises(AdapterInputError) as refused:
            openslo.intents_from_slo(_slo(calendar), tenant_id=TENANT, producer=PRODUCER)
        assert refused.value.path.endswith(where)


def test_a_target_is_a_finite_number() -> None:
    for value in ("0.99", True, None):
        with pytest.raises(AdapterInputError):
            openslo.intents_from_slo(_slo(target=value), tenant_id=TENANT, producer=PRODUCER)
    with pytest.raises(AdapterInputError, match=r"a number a double holds"):
        openslo.intents_from_slo(_slo(target=10**310), tenant_id=TENANT, producer=PRODUCER)
    with pytest.raises(AdapterInputError, match=r"JSON integers of at most 32 digits"):  # refused before it is built
        openslo.intents_from_slo(
            json.dumps(_slo(target=0.99)).replace("0.99", "1" + "0" * 310).encode(), tenant_id=TENANT, producer=PRODUCER
        )


# --- output bounded by input


def test_a_notification_of_many_alerts_with_a_large_context_costs_its_own_size_once() -> None:
    context = {f"label{n}": "v" * 1000 for n in range(96)}  # the most labels, each the longest value
    annotations = {f"note{n}": "a" * 8000 for n in range(48)}  # the most annotations
    body = {
        "status": "firing",
        "receiver": "r" * 256,
        "commonLabels": context,
        "commonAnnotations": annotations,
        "groupLabels": context,
        "alerts": [
            {"labels": {"alertname": "Up", "n": str(n)}, "startsAt": "2024-01-01T00:00:00Z"}
            for n in range(alertmanager.MAX_ALERTS)
        ],
    }
    data = json.dumps(body).encode()
    intents = alertmanager.intents_from_webhook(data, tenant_id=TENANT, producer=PRODUCER)
    produced = sum(len(encode(intent)) for intent in intents)
    assert produced <= OUTPUT_FACTOR * len(data) + INTENT_OVERHEAD * len(intents)
    assert produced < 2 * len(data) + 400 * len(intents)  # the context once, not once per alert
    first, *others = intents
    assert dict(first.ingest_alert.alert.notification.common_labels) == context
    assert all(not intent.ingest_alert.alert.notification.common_labels for intent in others)
    assert {intent.meta.correlation_id for intent in intents} == {first.meta.message_id}
    assert [intent.ingest_alert.alert.notification.alert_index for intent in intents] == list(range(len(intents)))
    assert alertmanager.webhook_from_intents(reversed(intents))["commonLabels"] == context


def test_alerts_past_the_bound_are_refused_whole_saying_what_to_set() -> None:
    alert = {"labels": {"alertname": "Up"}, "startsAt": "2024-01-01T00:00:00Z"}
    body = {"status": "firing", "alerts": [alert] * (alertmanager.MAX_ALERTS + 1)}
    with pytest.raises(AdapterInputError, match="max_alerts") as refused:
        alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    assert refused.value.path == "$.alerts"
    few = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER, max_alerts=1001)
    assert len(few) == 1001


# --- identity a sender cannot take


def test_a_forged_fingerprint_does_not_decide_identity_and_is_kept_as_sent() -> None:
    honest = _webhook()
    forged = _webhook()
    victim = alertmanager.fingerprint({"alertname": "Payments", "severity": "critical"})
    forged["alerts"][0]["fingerprint"] = victim
    (mine,) = alertmanager.intents_from_webhook(honest, tenant_id=TENANT, producer=PRODUCER)
    (theirs,) = alertmanager.intents_from_webhook(forged, tenant_id=TENANT, producer=PRODUCER)
    assert theirs.ingest_alert.alert.fingerprint == alertmanager.fingerprint({"alertname": "Up"}) != victim
    assert theirs.ingest_alert.alert.sent_fingerprint == victim
    assert theirs.meta.message_id == mine.meta.message_id
    assert alertmanager.webhook_from_intents([theirs])["alerts"][0]["fingerprint"] == victim


def test_a_hand_written_senders_non_hex_fingerprint_maps() -> None:
    body = _webhook()
    body["alerts"][0]["fingerprint"] = "my-alert-1"
    (intent,) = alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    assert intent.ingest_alert.alert.sent_fingerprint == "my-alert-1"


def test_a_dash_ending_uid_and_a_negative_start_do_not_meet() -> None:
    left = _event(metadata={"name": "a", "uid": "db-"}, firstTimestamp="1970-01-01T00:00:05Z")
    right = _event(metadata={"name": "b", "uid": "db"}, firstTimestamp="1969-12-31T23:59:55Z")
    (one,) = kubernetes.intents_from_event(left, tenant_id=TENANT, producer=PRODUCER)
    (two,) = kubernetes.intents_from_event(right, tenant_id=TENANT, producer=PRODUCER)
    assert one.ingest_alert.alert.alert_id == "kubernetes:db-:5"
    assert two.ingest_alert.alert.alert_id == "kubernetes:db:-5"
    assert one.meta.message_id != two.meta.message_id


def test_a_kubernetes_uid_equal_to_an_alertmanager_fingerprint_is_another_identity() -> None:
    (alert,) = alertmanager.intents_from_webhook(_webhook(), tenant_id=TENANT, producer=PRODUCER)
    fingerprint = alert.ingest_alert.alert.fingerprint
    (event,) = kubernetes.intents_from_event(
        _event(metadata={"name": "x", "uid": fingerprint}), tenant_id=TENANT, producer=PRODUCER
    )
    assert event.ingest_alert.alert.fingerprint == fingerprint
    assert event.ingest_alert.alert.alert_id != alert.ingest_alert.alert.alert_id
    assert event.subject.aggregate_id != alert.subject.aggregate_id
    assert event.meta.message_id != alert.meta.message_id


def test_ids_are_derived_from_what_was_built_not_from_the_input_text() -> None:
    spaced = json.dumps(_application(), indent=4).encode()
    compact = json.dumps(_application(), separators=(",", ":")).encode()
    reordered = json.dumps(dict(reversed(list(_application().items())))).encode()
    ids = {
        argocd.intents_from_application(data, tenant_id=TENANT, producer=PRODUCER)[0].meta.message_id
        for data in (spaced, compact, reordered)
    }
    assert len(ids) == 1
    changed = _application(retryCount=2)
    assert argocd.intents_from_application(changed, tenant_id=TENANT, producer=PRODUCER)[0].meta.message_id not in ids
    slo_ids = {
        openslo.intents_from_slo(data, tenant_id=TENANT, producer=PRODUCER)[0].meta.message_id
        for data in (json.dumps(_slo()).encode(), json.dumps(_slo(), indent=2).encode())
    }
    assert len(slo_ids) == 1


# --- text that cannot attack a terminal or a log


def test_error_text_escapes_controls_and_bidi_overrides_and_is_bounded() -> None:
    body = _webhook(status="\x1b[2J\u202e" + "x" * 100_000)
    with pytest.raises(AdapterInputError) as refused:
        alertmanager.intents_from_webhook(body, tenant_id=TENANT, producer=PRODUCER)
    text = str(refused.value)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\\x1b" in text
    assert "\\u202e" in text
    assert len(text) < 1000
    assert printable("a\x85b\u2028c\ud800") == "a\\x85b\\u2028c\\ud800"


def _cli(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ameide_sre_contracts.cli", *args], input=stdin, capture_output=True, check=False
    )


def test_the_cli_prints_intents_with_terminal_controls_escaped() -> None:
    body = _webhook()
    body["alerts"][0]["annotations"] = {"summary": "\x9b31m red \u202e txt.exe \x07"}
    done = _cli(
        "ingest", "alertmanager", "-", "--tenant", TENANT, "--producer", PRODUCER, stdin=json.dumps(body).encode()
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.decode().strip()
    assert line.isprintable()
    assert "\\u009b" in line
    assert "\\u202e" in line
    printed = json.loads(line)
    assert printed["ingestAlert"]["alert"]["annotations"]["summary"] == "\x9b31m red \u202e txt.exe \x07"


@pytest.mark.parametrize(
    "stdin",
    [
        b"a: &a [*a]\n",
        b"\x1b]0;owned\x07: 1\n",
        b'{"kind": "Event", "count": 1e400}',
        b"n: " + b"9" * 5000,
        b"- !!python/object/apply:os.system ['echo owned']",
    ],
)
def test_the_cli_refuses_hostile_input_in_one_escaped_line_with_exit_2(stdin: bytes) -> None:
    done = _cli("ingest", "kubernetes", "-", "--tenant", TENANT, "--producer", PRODUCER, stdin=stdin)
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].isprintable()
    assert b"owned" not in done.stdout


def test_a_fault_of_the_cli_itself_is_one_line_and_exit_70() -> None:
    code = (
        "import sys; from ameide_sre_contracts import cli\n"
        "from ameide_sre_contracts.cli import _ingest\n"
        "def broken(*a, **k): raise RuntimeError('boom\\x1b[2J')\n"
        "_ingest.ingest = broken\n"
        "sys.exit(cli.main(['ingest', 'kubernetes', '-', '--tenant', 't', '--producer', 'p']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input=b"{}", capture_output=True, check=False)
    assert done.returncode == 70
    assert b"Traceback" not in done.stderr
    assert done.stderr.decode().strip() == "sre-contracts ingest: internal error: RuntimeError: 'boom\\x1b[2J'"
