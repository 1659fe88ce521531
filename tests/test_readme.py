"""The README's examples run as written."""

from __future__ import annotations

import re

from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts import validate
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks_under(heading: str) -> str:
    section = README.split(f"### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, f"no python example under {heading!r}"
    return "\n".join(blocks)


def test_producer_and_consumer_examples_run_together(capsys: object) -> None:
    """The producer's value flows through the consumer example: decoded, checked and dispatched."""
    namespace: dict[str, object] = {}
    exec(compile(_python_blocks_under("Producing"), "README:Producing", "exec"), namespace)
    exec(compile(_python_blocks_under("Consuming"), "README:Consuming", "exec"), namespace)
    assert namespace["last_applied"] == {"3f1c2a9e-6b7d-4e1f-9a2b-8c3d4e5f6a7b": 1}
    assert "new incident: Checkout API returns 5xx" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_plain_protovalidate_example_runs(capsys: object) -> None:
    """The example without the layer prints the broken rules."""
    exec(compile(_python_blocks_under("Without the layer"), "README:Without", "exec"), {})
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "string.uuid" in out
    assert "required" in out


def test_grpc_example_runs() -> None:
    """The gRPC example builds a server with the interceptor and defines a working client function."""
    namespace: dict[str, object] = {}
    exec(compile(_python_blocks_under("Query services over gRPC"), "README:gRPC", "exec"), namespace)
    server = namespace["server"]
    assert callable(namespace["list_open_incidents"])
    server.stop(None)  # type: ignore[attr-defined]


def test_wire_example_runs() -> None:
    """The Kafka, HTTP and Schema Registry example runs and its assertions hold."""
    namespace: dict[str, object] = {}
    exec(
        compile(_python_blocks_under("On the wire: Kafka, CloudEvents, Schema Registry"), "README:wire", "exec"),
        namespace,
    )
    assert namespace["same"] == namespace["fact"]


def test_integrations_example_runs() -> None:
    """The adapters example maps each payload into valid intents, and back where it says so."""
    namespace: dict[str, object] = {}
    exec(compile(_python_blocks_under("Integrations"), "README:Integrations", "exec"), namespace)
    intents = namespace["intents"]
    assert isinstance(intents, list)
    assert [intent.WhichOneof("intent") for intent in intents] == [
        "ingest_alert",
        "ingest_alert",
        "record_health_check",
        "create_slo",
    ]
    for intent in intents:
        validate(intent)
    alert = namespace["alert"]
    assert alert.severity == sre_pb2.SEVERITY_MEDIUM  # type: ignore[attr-defined]
