"""The README's examples run as written, survive real streams and servers, and pass `mypy --strict`."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, incident_pb2, query_pb2, query_pb2_grpc, sre_pb2
from ameide_sre_contracts import aggregates, kafka, testing, validate
from ameide_sre_contracts.grpc import ValidatingInterceptor
from testkit import newer_contract
from tests.conftest import ROOT, run, tool
from tests.query_service import SEEDED_VERSION, Store, add_services

README = (ROOT / "README.md").read_text(encoding="utf-8")

# Each program is the README's python blocks under these headings, in order, as a reader would paste them.
PROGRAMS = {
    "consumer": ["Producing", "Consuming"],
    "wire": ["On the wire: Kafka, CloudEvents, Schema Registry"],
    "grpc": ["Query services over gRPC"],
    "integrations": ["Integrations"],
    "without_the_layer": ["Without the layer"],
}


def _blocks_under(heading: str) -> list[str]:
    section = README.split(f"### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def _program(name: str) -> str:
    blocks = [block for heading in PROGRAMS[name] for block in _blocks_under(heading)]
    assert blocks, f"no python example for {name!r}"
    return "\n".join(blocks)


def _run(name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"readme_{name}"}
    exec(compile(_program(name), f"README:{name}", "exec"), namespace)
    return namespace


def test_every_python_block_belongs_to_a_tested_program() -> None:
    """No example escapes the tests below: each python block is part of one program."""
    every_block = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    tested = [block for headings in PROGRAMS.values() for heading in headings for block in _blocks_under(heading)]
    assert sorted(every_block) == sorted(tested)


@pytest.mark.parametrize("index", range(len(re.findall(r"```python\n", README))))
def test_every_python_block_runs_on_its_own(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    """A reader may paste any one block into a fresh interpreter: it imports and defines what it uses."""
    block = re.findall(r"```python\n(.*?)```", README, flags=re.S)[index]
    exec(compile(block, f"README block {index + 1}", "exec"), {"__name__": f"readme_block_{index}"})
    capsys.readouterr()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_passes_mypy_strict(name: str, tmp_path: Path) -> None:
    """Written to a file as a service author would, each program type-checks with `mypy --strict`."""
    module = tmp_path / f"readme_{name}.py"
    module.write_text(_program(name), encoding="utf-8")
    result = run(
        [tool("mypy"), "--strict", "--no-incremental", "--python-executable", sys.executable, str(module)],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_producer_and_consumer_examples_run_together(capsys: pytest.CaptureFixture[str]) -> None:
    """The producer's fact flows through the consumer example: read, checked, dispatched, recorded."""
    namespace = _run("consumer")
    fact = namespace["fact"]
    (state,) = namespace["states"].values()
    assert (sre.dedupe_key(fact), state.version, state.incident) == (
        next(iter(namespace["states"])),
        1,
        fact.incident_created.incident,
    )
    assert namespace["set_aside"] == []
    assert "new incident: Checkout API returns 5xx" in capsys.readouterr().out


@pytest.fixture
def query_channel() -> Iterator[grpc.Channel]:
    """The reference query services on 127.0.0.1, behind the validating interceptor."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[ValidatingInterceptor()])
    store = Store()
    add_services(server, store)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            channel.store = store  # type: ignore[attr-defined]
            yield channel
    finally:
        server.stop(grace=None).wait()


def _renumbered(facts: list[facts_pb2.SreDomainFact]) -> list[facts_pb2.SreDomainFact]:
    """The examples as one aggregate's history each: versions 1, 2, 3 ... in stream order; a rejection at the last."""
    seen: dict[str, int] = {}
    history = []
    for example in facts:
        key = sre.dedupe_key(example)
        outcome = sre.payload_info(sre.payload_of(example)).reports_outcome  # at the version held, not advanced
        seen[key] = seen.get(key, 0) + (0 if outcome else 1)
        example.subject.aggregate_version = seen[key]
        validate(example)  # still valid: a creating fact comes first for its aggregate
        history.append(example)
    return history


def _about(incident: incident_pb2.Incident, version: int) -> facts_pb2.SreDomainFact:
    """A severity change of `incident` (of the reference store's tenant) at `version`."""
    fact = testing.examples(facts_pb2.SreDomainFact)[1]
    assert fact.WhichOneof("fact") == "incident_severity_changed"
    fact.incident_severity_changed.incident_id = incident.incident_id
    fact.incident_severity_changed.previous_severity = incident.severity  # what the query service holds
    fact.incident_severity_changed.severity = sre_pb2.SEVERITY_INFO
    fact.subject.aggregate_id = incident.incident_id
    fact.subject.aggregate_version = version
    fact.meta.tenant_id = "tenant-acme"
    validate(fact)
    return fact


def test_readme_consumer_survives_a_real_stream(
    query_channel: grpc.Channel, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every fact type, redeliveries, another tenant's namesake, a gap caught up from a real query service,
    a newer contract's case and a broken record: nothing crashes, nothing is applied twice, nothing is lost."""
    namespace = _run("consumer")
    namespace["incident_queries"] = query_pb2_grpc.SreIncidentQueryServiceStub(query_channel)
    capsys.readouterr()
    consume = namespace["consume"]
    states: dict[str, aggregates.Aggregate] = namespace["states"]
    states.clear()

    def deliver(fact: facts_pb2.SreDomainFact, mode: str = "binary") -> None:
        record = kafka.to_kafka(fact, mode=mode)  # type: ignore[arg-type]
        consume(record.topic, record.key, record.value, record.headers)

    lifecycle = {"incident_resolved": 1, "incident_closed": 2}  # after acknowledged and investigating, as in life
    examples = sorted(
        testing.examples(facts_pb2.SreDomainFact), key=lambda f: lifecycle.get(f.WhichOneof("fact") or "", 0)
    )
    history = _renumbered(examples)
    assert {fact.WhichOneof("fact") for fact in history} == {
        field.name for field in facts_pb2.SreDomainFact.DESCRIPTOR.oneofs_by_name["fact"].fields
    }
    for index, fact in enumerate(history):
        deliver(fact, "structured" if index % 2 else "binary")
        deliver(fact)  # at-least-once: every fact arrives twice
    namesake = history[0].__deepcopy__()
    namesake.meta.tenant_id = "tenant-globex"
    namesake.meta.message_id = str(uuid.uuid4())
    deliver(namesake)  # the same aggregate id in another tenant: its own history, version 1 again
    assert capsys.readouterr().out.count("new incident:") == 2

    # Facts about an incident this consumer never saw, two versions in: caught up from the query service.
    store: Store = query_channel.store  # type: ignore[attr-defined]
    known = store.incidents["tenant-acme"][0]
    deliver(_about(known, SEEDED_VERSION + 1))
    caught_up = states[f"tenant-acme/Incident/{known.incident_id}"]
    assert isinstance(caught_up, aggregates.IncidentAggregate)
    assert caught_up.version == SEEDED_VERSION + 1
    assert caught_up.incident.severity == sre_pb2.SEVERITY_INFO  # the snapshot, then the fact on top
    assert caught_up.incident.title == known.title
    # The query service itself is behind this one: the consumer asks for a retry rather than skip facts.
    behind = store.incidents["tenant-acme"][1]
    with pytest.raises(RuntimeError, match="retry"):
        deliver(_about(behind, SEEDED_VERSION + 5))
    assert f"tenant-acme/Incident/{behind.incident_id}" not in states  # nothing skipped: the record is retried

    newer: Any = newer_contract.build()["ameide_core_proto.sre.core.v1.SreDomainFact"]()
    newer.ParseFromString(history[0].SerializeToString())
    newer.future_case.what = "a case this version does not know"
    newer_value = newer.SerializeToString()
    consume("sre.domain.facts.v1", None, newer_value, [])
    consume("sre.domain.facts.v1", b"tenant-acme/x", b"\x0a\x03abc", [("ce_id", b"1")])

    expected_versions: dict[str, int] = {}
    for fact in history:
        if not sre.payload_info(sre.payload_of(fact)).reports_outcome:  # an outcome advances no version
            expected_versions[sre.dedupe_key(fact)] = fact.subject.aggregate_version
    expected_versions[sre.dedupe_key(namesake)] = 1
    expected_versions[f"tenant-acme/Incident/{known.incident_id}"] = SEEDED_VERSION + 1
    assert {key: state.version for key, state in states.items()} == expected_versions
    resolved: Any = states[sre.dedupe_key(history[0])]
    (resolution,) = [f for f in history if f.HasField("incident_resolved")]
    assert resolved.incident.resolved_at == resolution.incident_resolved.resolved_at
    assert resolved.incident.status == sre_pb2.INCIDENT_STATUS_CLOSED
    other: Any = states[sre.dedupe_key(namesake)]
    assert not other.incident.HasField("resolved_at")  # the other tenant's
    parked, dead = namespace["set_aside"]
    assert (parked.topic, parked.value) == ("sre.domain.facts.v1.parked", newer_value)
    assert dead.topic == "sre.domain.facts.v1.dlq"
    assert dead.headers[0] == ("ce_id", b"1")
    assert dict(dead.headers)["sre-dlq-error"] in (b"DecodeError", b"ValidationError")


def test_plain_protovalidate_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The example without the layer prints the broken rules."""
    _run("without_the_layer")
    out = capsys.readouterr().out
    assert "string.uuid" in out
    assert "required" in out


def _read_model(open_count: int) -> dict[str, list[incident_pb2.Incident]]:
    def incident(number: int, status: sre_pb2.IncidentStatus.ValueType) -> incident_pb2.Incident:
        return incident_pb2.Incident(incident_id=str(uuid.uuid4()), title=f"incident {number}", status=status)

    acme = [incident(n, sre_pb2.INCIDENT_STATUS_OPEN) for n in range(open_count)]
    acme += [incident(open_count + n, sre_pb2.INCIDENT_STATUS_RESOLVED) for n in range(7)]
    return {"acme": acme, "globex": [incident(1000, sre_pb2.INCIDENT_STATUS_OPEN)]}


def test_grpc_servicer_example_pages_validates_and_guards_tokens() -> None:
    """The README's servicer on 127.0.0.1: three pages of open incidents, an invalid request refused with
    its field, a token replayed by another tenant or with other filters refused, other RPCs UNIMPLEMENTED."""
    namespace = _run("grpc")
    server: grpc.Server = namespace["server"]
    namespace["read_model"].update(_read_model(open_count=123))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            titles = namespace["list_open_incidents"](channel, "acme")
            assert titles == [f"incident {n}" for n in range(123)]
            assert namespace["list_open_incidents"](channel, "globex") == ["incident 1000"]
            with pytest.raises(sre.ValidationError) as invalid:
                namespace["list_open_incidents"](channel, "")
            assert {(v.field_path, v.rule_id) for v in invalid.value.violations} == {
                ("tenant_id", "string.min_len"),
                ("tenant_id", "string.pattern"),
            }

            stub = query_pb2_grpc.SreIncidentQueryServiceStub(channel)
            first = query_pb2.ListIncidentsRequest(tenant_id="acme", page_size=50)
            token = stub.ListIncidents(first).next_page_token
            assert token
            replays = [
                query_pb2.ListIncidentsRequest(tenant_id="globex", page_size=50, page_token=token),
                query_pb2.ListIncidentsRequest(
                    tenant_id="acme", page_size=50, page_token=token, statuses=[sre_pb2.INCIDENT_STATUS_RESOLVED]
                ),
                query_pb2.ListIncidentsRequest(tenant_id="acme", page_size=50, page_token=token[:-2] + "AA"),
            ]
            for replay in replays:
                with pytest.raises(grpc.RpcError) as refused:
                    stub.ListIncidents(replay)
                assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            resumed = stub.ListIncidents(
                query_pb2.ListIncidentsRequest(tenant_id="acme", page_size=10, page_token=token)
            )
            assert [i.title for i in resumed.incidents] == [f"incident {n}" for n in range(50, 60)]
            with pytest.raises(grpc.RpcError) as unimplemented:
                stub.GetIncident(query_pb2.GetIncidentRequest(tenant_id="acme", incident_id=str(uuid.uuid4())))
            assert unimplemented.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        server.stop(None).wait()


def test_wire_example_runs() -> None:
    """The Kafka, HTTP and Schema Registry example runs and its assertions hold."""
    namespace = _run("wire")
    assert namespace["same"] == namespace["fact"]


def test_integrations_example_runs() -> None:
    """The adapters example maps each payload into valid intents, and back where it says so."""
    namespace = _run("integrations")
    intents = namespace["intents"]
    assert [intent.WhichOneof("intent") for intent in intents] == [
        "ingest_alert",
        "ingest_alert",
        "record_health_check",
        "create_slo",
    ]
    for intent in intents:
        validate(intent)
    assert namespace["alert"].severity == sre_pb2.SEVERITY_MEDIUM
