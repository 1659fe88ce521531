"""Consumers get real types: `mypy --strict` passes a correct consumer and reports misuse."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from tests.conftest import run, tool

CONSUMER = """
    import ameide_sre_contracts as sre
    from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2

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
"""

MISUSE = """
    import ameide_sre_contracts as sre
    from ameide_core_proto.sre.core.v1 import facts_pb2

    router = sre.Router(facts_pb2.SreDomainFact)

    @router.on(facts_pb2.IncidentCreated)
    def wrong(payload: facts_pb2.AlertIngested, envelope: facts_pb2.SreDomainFact) -> None: ...

    facts_pb2.IncidentCreated(incidnet=None)
    fact = facts_pb2.SreDomainFact()
    fact.WhichOneof("facts")
    sre.decode(facts_pb2.SreDomainFact, b"").meta.tenant = "x"
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
