"""Consumers get real types: `mypy --strict` passes a correct consumer and reports misuse."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from tests.conftest import run, tool

CONSUMER = """
    import ameide_sre_contracts as sre
    from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
    from ameide_sre_contracts import kafka

    router = sre.Router(facts_pb2.SreDomainFact)

    @router.on(facts_pb2.IncidentCreated)
    def created(payload: facts_pb2.IncidentCreated, envelope: facts_pb2.SreDomainFact) -> None:
        title: str = payload.incident.title
        version: int = envelope.subject.aggregate_version
        print(title, version)

    def handle(data: bytes) -> None:
        fact = sre.decode(facts_pb2.SreDomainFact, data)
        kind = fact.WhichOneof("fact")
        if kind == "incident_created":
            router.dispatch(fact)
        check: sre.VersionCheck = sre.check_version(None, fact)
        print(check, [v.field_path for v in sre.violations(fact)])

    intent: intents_pb2.SreDomainIntent = sre.new_intent(
        intents_pb2.CreateIncidentRequested(title="t"), tenant_id="t", producer="p", aggregate_id="a"
    )

    # A topic constant gives its envelope type, everywhere a topic is taken.
    topic_router = sre.Router(sre.DOMAIN_FACTS_TOPIC, unhandled="raise")

    @topic_router.on(facts_pb2.IncidentResolved)
    def resolved(payload: facts_pb2.IncidentResolved, envelope: facts_pb2.SreDomainFact) -> None: ...

    def read(value: bytes, headers: list[tuple[str, bytes]]) -> None:
        fact: facts_pb2.SreDomainFact = sre.decode(sre.DOMAIN_FACTS_TOPIC, value)
        same: facts_pb2.SreDomainFact = sre.from_json(sre.DOMAIN_FACTS_TOPIC, sre.to_json(fact))
        via_kafka: facts_pb2.SreDomainFact = kafka.from_kafka(sre.DOMAIN_FACTS_TOPIC, None, value, headers)
        requested: intents_pb2.SreDomainIntent = sre.decode(sre.DOMAIN_INTENTS_TOPIC, value)
        anything: sre.Envelope = kafka.from_kafka("sre.domain.facts.v1", None, value, headers)
        payload: sre.DomainFactPayload = sre.payload_of(fact)
        if isinstance(payload, facts_pb2.IncidentCreated):
            print(payload.incident.title)
        print(sre.dedupe_key(fact), sre.dedupe_key(anything), same, via_kafka, requested)
        topic_router.dispatch(fact)
        print(sre.__version__.split("."))

    # A record remembers its envelope; a router its handlers' return type.
    record = kafka.to_kafka(intent)
    back: intents_pb2.SreDomainIntent = kafka.from_kafka(record)
    counting: sre.Router[facts_pb2.SreDomainFact, int] = sre.Router(sre.DOMAIN_FACTS_TOPIC)

    @counting.on(facts_pb2.IncidentCreated)
    def count(payload: facts_pb2.IncidentCreated, envelope: facts_pb2.SreDomainFact) -> int:
        return len(payload.incident.title)

    def total(fact: facts_pb2.SreDomainFact) -> int:
        return counting.dispatch(fact) or 0
"""

MISUSE = """
    import ameide_sre_contracts as sre
    from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2

    router = sre.Router(facts_pb2.SreDomainFact)

    @router.on(facts_pb2.IncidentCreated)
    def wrong(payload: facts_pb2.AlertIngested, envelope: facts_pb2.SreDomainFact) -> None: ...

    facts_pb2.IncidentCreated(incidnet=None)
    fact = facts_pb2.SreDomainFact()
    fact.WhichOneof("facts")
    sre.decode(facts_pb2.SreDomainFact, b"").meta.tenant = "x"
    sre.new_fcat(facts_pb2.IncidentCreated(), tenant_id="t", producer="p", aggregate_id="a", aggregate_version=1)
    print(sre.DOMAIN_FACT_TOPIC)
    intent: intents_pb2.SreDomainIntent = sre.decode(sre.DOMAIN_FACTS_TOPIC, b"")
    sre.payload_of(sre.decode(sre.DOMAIN_FACTS_TOPIC, b"")).incident
    topic_router = sre.Router(sre.DOMAIN_INTENTS_TOPIC)

    @topic_router.on(facts_pb2.IncidentCreated)
    def not_an_intent(payload: facts_pb2.IncidentCreated, envelope: facts_pb2.SreDomainFact) -> None: ...

    # A payload goes only into its own envelope's builder.
    sre.new_fact(
        intents_pb2.CreateIncidentRequested(), tenant_id="t", producer="p", aggregate_id="a", aggregate_version=1
    )
    sre.new_intent(facts_pb2.IncidentCreated(), tenant_id="t", producer="p", aggregate_id="a")
    sre.new_process_fact(facts_pb2.IncidentCreated(), tenant_id="t", producer="p", workflow_id="w")
    from ameide_sre_contracts import kafka
    wrong_record: facts_pb2.SreDomainFact = kafka.from_kafka(kafka.to_kafka(sre.decode(sre.DOMAIN_INTENTS_TOPIC, b"")))
    strict: sre.Router[facts_pb2.SreDomainFact, None] = sre.Router(sre.DOMAIN_FACTS_TOPIC)

    @strict.on(facts_pb2.IncidentCreated)
    def returns_a_value(payload: facts_pb2.IncidentCreated, envelope: facts_pb2.SreDomainFact) -> int: ...
"""


def _mypy(tmp_path: Path, source: str) -> tuple[int, str]:
    module = tmp_path / "consumer.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    result = run(
        [tool("mypy"), "--strict", "--no-incremental", "--python-executable", sys.executable, str(module)],
        cwd=tmp_path,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_correct_consumer_type_checks(tmp_path: Path) -> None:
    """Handlers, decode, builders and version checks are typed precisely enough for --strict."""
    code, output = _mypy(tmp_path, CONSUMER)
    assert code == 0, output


def test_misuse_is_reported(tmp_path: Path) -> None:
    """A handler for the wrong payload, an unknown field, a wrong oneof name and a typo are all errors."""
    code, output = _mypy(tmp_path, MISUSE)
    assert code == 1, output
    assert 'Argument 1 has incompatible type "Callable[[AlertIngested, SreDomainFact], None]"' in output
    assert 'Unexpected keyword argument "incidnet"' in output
    assert "Literal['facts']" in output
    assert '"SreMessageMeta" has no attribute "tenant"' in output
    # Typos in the package's names are errors, not Any (no module-level __getattr__).
    assert 'Module has no attribute "new_fcat"' in output
    assert 'Module has no attribute "DOMAIN_FACT_TOPIC"' in output
    # A topic's envelope type is not another's; a payload union has no field of one member.
    assert (
        'Incompatible types in assignment (expression has type "SreDomainFact", variable has type "SreDomainIntent")'
        in output
    )
    assert 'Item "AlertIngested" of "IncidentCreated | ' in output
    assert 'expected "Callable[[IncidentCreated, SreDomainIntent], object]"' in output
    # Builders take only their envelope's payloads; records and routers keep their types.
    assert 'Argument 1 to "new_fact" has incompatible type "CreateIncidentRequested"' in output
    assert 'Argument 1 to "new_intent" has incompatible type "IncidentCreated"' in output
    assert 'Argument 1 to "new_process_fact" has incompatible type "IncidentCreated"' in output
    assert (
        'Incompatible types in assignment (expression has type "SreDomainIntent", variable has type "SreDomainFact")'
        in output
    )
    assert 'expected "Callable[[IncidentCreated, SreDomainFact], None]"' in output
