"""ameide_sre_contracts.catalog: generated from descriptors, complete, current, and accepted by the AsyncAPI parser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import sre_pb2
from ameide_sre_contracts import catalog
from ameide_sre_contracts.adapters import ADAPTER_NAMESPACE
from ameide_sre_contracts.catalog import _diagrams
from tests.conftest import ROOT

VALIDATOR = ROOT / "tools" / "validate_asyncapi.mjs"


def _node_validate(path: Path) -> tuple[int, dict[str, object]]:
    node = shutil.which("node")
    assert node is not None, "node is not installed; the AsyncAPI check needs Node.js"
    assert (ROOT / "node_modules" / "@asyncapi" / "parser").is_dir(), "node_modules missing: run `make` (npm ci)"
    result = subprocess.run([node, str(VALIDATOR), str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return result.returncode, json.loads(result.stdout)


def test_committed_docs_are_current() -> None:
    """docs/catalog.md and docs/asyncapi.yaml equal what the package renders now."""
    assert (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8") == catalog.markdown()
    assert (ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8") == catalog.asyncapi()


def test_markdown_lists_every_case_of_every_envelope() -> None:
    """Each oneof case, found from the descriptors, has its section, CloudEvents type and field number."""
    text = catalog.markdown()
    for topic in sre.TOPICS.values():
        assert f"## `{topic.name}`" in text
        field: Any
        for field in topic.envelope_type.DESCRIPTOR.oneofs_by_name[topic.oneof].fields:
            info = sre.PAYLOADS[next(p for p in topic.payload_types if p.DESCRIPTOR is field.message_type)]
            assert f"### {field.message_type.name}\n" in text
            assert f"- CloudEvents type: `{info.event_type}`" in text
            assert f"- Oneof case: `{field.name}` (field {field.number})" in text


def test_asyncapi_has_a_channel_per_topic_and_a_message_per_payload() -> None:
    """Channels carry the topic address and Kafka binding; every payload is a message with its proto inlined."""
    document = catalog.asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    channels = document["channels"]
    assert sorted(channel["address"] for channel in channels.values()) == sorted(sre.TOPICS)
    messages = document["components"]["messages"]
    assert sorted(messages) == sorted(p.DESCRIPTOR.name for p in sre.PAYLOADS)
    for name, message in messages.items():
        assert message["contentType"] == "application/protobuf"
        assert message["payload"]["schemaFormat"] == "application/vnd.google.protobuf;version=3"
        assert f"message {name} {{" in message["payload"]["schema"]
        assert "partition key" in message["bindings"]["kafka"]["key"]["description"].lower()
    actions = sorted(operation["action"] for operation in document["operations"].values())
    assert actions == ["receive"] * 3 + ["send"] * 3


def test_official_parser_accepts_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    """@asyncapi/parser with the Protobuf schema parser reports no errors (warnings are printed)."""
    code, report = _node_validate(ROOT / "docs" / "asyncapi.yaml")
    with capsys.disabled():
        for warning in report["warnings"]:  # type: ignore[attr-defined]
            print(f"\nAsyncAPI warning: {warning}")
    assert code == 0, report
    assert report["errors"] == []
    assert report["summary"] == {"channels": 3, "messages": 68, "operations": 6}


def test_parser_check_has_teeth(tmp_path: Path) -> None:
    """A document with a broken inlined proto is reported as an error."""
    broken = catalog.asyncapi().replace("message IncidentCreated {", "message IncidentCreated {{", 1)
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    code, report = _node_validate(tmp_path / "broken.yaml")
    assert code == 1
    assert report["errors"]


def test_rules_and_presence_in_words() -> None:
    """Rules read as plain phrases; presence follows from whether the rules refuse the zero value."""
    fields = sre_pb2.SreMessageMeta.DESCRIPTOR.fields_by_name
    assert catalog.rules_in_words(fields["message_id"]) == "must be set; a UUID"
    assert catalog.presence(fields["message_id"]) == "required"
    assert catalog.rules_in_words(fields["causation_id"]) == "a UUID; checked only when set"
    assert catalog.presence(fields["causation_id"]) == "optional"
    assert catalog.presence(fields["tenant_id"]) == "required"
    assert "1 to 128 characters" in catalog.rules_in_words(fields["tenant_id"])
    assert catalog.comment(fields["tenant_id"].full_name).startswith("Required. The tenant")


def test_bundles_compile_as_standalone_protos(tmp_path: Path) -> None:
    """Each inlined proto is a valid file on its own (protoc compiles it)."""
    from grpc_tools import protoc  # type: ignore[import-untyped]

    for topic in sre.TOPICS.values():
        for payload in topic.payload_types:
            source = tmp_path / f"{payload.DESCRIPTOR.name}.proto"
            source.write_text(catalog.proto_bundle(topic, sre.PAYLOADS[payload].case), encoding="utf-8")
            include = str(Path(protoc.__file__).parent / "_proto")
            status = protoc.main(
                ["protoc", f"-I{tmp_path}", f"-I{include}", f"--descriptor_set_out={tmp_path}/out", source.name]
            )
            assert status == 0, source.name


def test_the_lifecycle_diagram_draws_every_declared_transition_and_nothing_else() -> None:
    text = "\n".join(_diagrams.lifecycle())
    drawn = set(re.findall(r"^    (\w+) --> (\w+)$", text, flags=re.MULTILINE))
    declared = {
        (_diagrams._status(current), _diagrams._status(successor))
        for current, successors in sre.INCIDENT_TRANSITIONS.items()
        for successor in successors
    }
    assert drawn == declared
    assert "    closed --> [*]" in text  # the final status has no successor


def test_the_flow_diagrams_name_every_event_once_per_aggregate() -> None:
    """One diagram per aggregate with its intents and facts by name; outcomes and the workflow's facts their own."""
    diagrams = dict(_diagrams.flows())
    assert list(diagrams) == [
        "Incident", "Alert", "Runbook", "SLO", "HealthCheck", "FleetState", "Service", "Postmortem", "Outcomes",
        "Triage workflow",
    ]  # fmt: skip
    for payload, info in sre.PAYLOADS.items():
        group = "Outcomes" if info.reports_outcome else info.aggregate_type or "Triage workflow"
        assert f'["{payload.DESCRIPTOR.name}"]' in "\n".join(diagrams[group]), payload.DESCRIPTOR.name
    assert "starts and informs" in "\n".join(diagrams["Incident"])
    assert "starts and informs" not in "\n".join(diagrams["Runbook"])


def test_every_diagram_parses_with_mermaids_own_parser() -> None:
    """mermaid.parse (Mermaid 11 in Node, its DOM from jsdom) accepts every diagram of the catalog and the README."""
    node = shutil.which("node")
    assert node is not None, "node is not installed; the diagram check needs Node.js"
    assert (ROOT / "node_modules" / "mermaid").is_dir(), "node_modules missing: run `make` (npm ci)"
    done = subprocess.run(
        [node, str(ROOT / "tools" / "check_mermaid.mjs"), str(ROOT / "docs" / "catalog.md"), str(ROOT / "README.md")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["errors"] == []
    assert report["diagrams"] >= len(_diagrams.flows()) + 1  # the flows and the lifecycle
    assert {"flowchart-v2", "stateDiagram"} <= set(report["types"])


def test_mermaids_parser_is_not_a_rubber_stamp(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("```mermaid\nflowchart LR\n    a[open --> \n```\n", encoding="utf-8")
    done = subprocess.run(
        ["node", str(ROOT / "tools" / "check_mermaid.mjs"), str(broken)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["file"] == str(broken)


def test_the_catalog_tables_every_severity_alias_and_the_id_recipes() -> None:
    document = catalog.markdown()
    for alias, value in sre.SEVERITY_ALIASES.items():
        row = next(line for line in document.splitlines() if line.startswith(f"| `{sre_pb2.Severity.Name(value)}` |"))
        assert f"`{alias}`" in row
    assert str(ADAPTER_NAMESPACE) in document
    assert "```mermaid" in document


def test_the_catalog_lists_every_paging_and_ticketing_table() -> None:
    """Each adapter's docstring tables and every event or action it maps or ignores by name are in the catalog."""
    from ameide_sre_contracts.adapters import github, jira, opsgenie, pagerduty

    text = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for module in (pagerduty, opsgenie, jira, github):
        rows = [line for line in (module.__doc__ or "").splitlines() if line.startswith("| `")]
        assert rows, module.__name__
        assert all(row in text for row in rows), module.__name__
    named = [*pagerduty.IGNORED_EVENTS, *opsgenie.IGNORED_ACTIONS, *jira.IGNORED_EVENTS]
    named += [f"{event}:{action}" for event, action in github.IGNORED_ACTIONS]
    assert all(f"`{name}`" in text for name in named)
    assert "| Highest | `SEVERITY_CRITICAL` |" not in text  # lowercase keys, as the adapter reads them
    assert "| highest | `SEVERITY_CRITICAL` |" in text


def test_the_catalog_documents_every_query_service_rpc_and_message() -> None:
    """Generated from query.proto: each service, each RPC with its request and response, each field's rules."""
    from ameide_core_proto.sre.core.v1 import query_pb2

    text = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    section = text.split("## Query services\n", 1)[1].split("\n## ", 1)[0]
    services = list(query_pb2.DESCRIPTOR.services_by_name.values())
    assert len(services) == 7
    assert sum(len(s.methods) for s in services) == 19
    for service in services:
        assert f"### {service.name}\n" in section
        for method in service.methods:
            assert f"| `{method.name}` | [{method.input_type.name}](#{method.input_type.name.lower()}) |" in section
            for message in (method.input_type, method.output_type):
                assert f"#### {message.name}\n" in section
    assert "`aggregate_version`" in section
    assert "0 means the server's default (50)" in section  # ListIncidents' page size, from its field comment
    assert "Lists incidents, newest first" in section
    assert "INVALID_ARGUMENT" in section
    assert "UNIMPLEMENTED" in section
    assert "TimeRange" in text.split("## Types\n", 1)[1]  # types the requests use are documented too
