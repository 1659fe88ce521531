"""The `sre-contracts` command, driven as a subprocess: every command, files and stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, sre_pb2
from ameide_sre_contracts import catalog, confluent, testing
from tests.conftest import tool

COMMANDS = ["topics", "catalog", "example", "validate", "decode", "encode", "ingest"]


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([tool("sre-contracts"), *args], input=stdin, capture_output=True, timeout=120, cwd=cwd)


def _fact() -> facts_pb2.SreDomainFact:
    return testing.examples(facts_pb2.SreDomainFact)[0]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_everywhere(command: str | None) -> None:
    """--help works on the tool and every command, and documents the exit codes."""
    result = cli(*([command] if command else []), "--help")
    assert result.returncode == 0
    # The exit code table keeps its layout: one code per line, not reflowed into a paragraph.
    lines = result.stdout.decode().splitlines()
    assert "exit codes:" in lines
    assert [line.split()[0] for line in lines[lines.index("exit codes:") + 1 :][:3]] == ["0", "1", "2"]


def test_version_names_package_and_contract() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.decode().split() == [
        "sre-contracts",
        sre.__version__,
        "(SRE",
        "contract",
        sre.CONTRACT_VERSION + ")",
    ]


def test_topics() -> None:
    """A table of the three topics with their envelopes and payload counts."""
    result = cli("topics")
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines[0].split() == ["TOPIC", "ENVELOPE", "PAYLOADS"]
    rows = {line.split()[0]: (line.split()[1], int(line.split()[2])) for line in lines[1:]}
    assert rows == {
        topic.name: (topic.envelope_type.DESCRIPTOR.full_name, len(topic.payload_types))
        for topic in sre.TOPICS.values()
    }
    detailed = cli("topics", "--payloads").stdout.decode()
    assert "io.ameide.sre.process.fact.incident_triage_completed.v1" in detailed


def test_catalog_prints_and_writes_both_formats(tmp_path: Path) -> None:
    """Markdown on stdout; AsyncAPI to a file; both equal the library's rendering."""
    assert cli("catalog").stdout.decode() == catalog.markdown()
    result = cli("catalog", "--format", "asyncapi", "--output", str(tmp_path / "a.yaml"))
    assert result.returncode == 0
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == catalog.asyncapi()


def test_example_by_name_case_or_type() -> None:
    """The example is valid JSON of the payload, found by name, case or CloudEvents type."""
    for name in ("IncidentCreated", "incident_created", "io.ameide.sre.domain.fact.incident_created.v1"):
        result = cli("example", name)
        assert result.returncode == 0, result.stderr
        assert sre.from_json(facts_pb2.IncidentCreated, result.stdout) == testing.example(facts_pb2.IncidentCreated)
    assert cli("example", "NoSuchThing").returncode == 2


def test_example_created_incident_is_open() -> None:
    """A created incident has just opened: no resolution, no closing time."""
    created = sre.from_json(facts_pb2.IncidentCreated, cli("example", "IncidentCreated").stdout)
    assert created.incident.status == sre_pb2.INCIDENT_STATUS_OPEN
    assert not created.incident.HasField("closed_at")
    assert not created.incident.HasField("resolved_at")


def test_bare_payload_round_trip_with_type(tmp_path: Path) -> None:
    """example > x.json; validate, encode and decode it with --type, by short name, case or full name."""
    example = tmp_path / "created.json"
    example.write_bytes(cli("example", "IncidentCreated").stdout)
    assert cli("validate", str(example)).returncode == 2  # no payload case at the top: needs --type
    verdict = cli("validate", "--type", "IncidentCreated", str(example))
    assert (verdict.returncode, verdict.stdout) == (0, b"valid IncidentCreated\n")
    binary = tmp_path / "created.bin"
    assert cli("encode", "--type", "incident_created", str(example), "-o", str(binary)).returncode == 0
    assert facts_pb2.IncidentCreated.FromString(binary.read_bytes()) == testing.example(facts_pb2.IncidentCreated)
    full_name = facts_pb2.IncidentCreated.DESCRIPTOR.full_name
    decoded = cli("decode", "--type", full_name, str(binary))
    assert decoded.returncode == 0, decoded.stderr
    assert sre.from_json(facts_pb2.IncidentCreated, decoded.stdout) == testing.example(facts_pb2.IncidentCreated)
    assert cli("validate", "--type", "IncidentCreated", str(binary)).returncode == 0


def test_type_reaches_any_contract_message(tmp_path: Path) -> None:
    """Aggregates and query requests too, not only payloads; a broken one exits 1 naming the field."""
    incident = tmp_path / "incident.json"
    incident.write_text(sre.to_json(_fact().incident_created.incident), encoding="utf-8")
    assert cli("validate", "--type", "Incident", str(incident)).returncode == 0
    broken = _fact().incident_created.incident  # a fresh example each call
    broken.severity = sre_pb2.SEVERITY_UNSPECIFIED
    incident.write_text(sre.to_json(broken), encoding="utf-8")
    result = cli("validate", "--type", "ameide_core_proto.sre.core.v1.Incident", str(incident))
    assert result.returncode == 1
    assert result.stdout.decode().startswith("severity: ")
    request = tmp_path / "request.json"
    request.write_text('{"tenantId": "", "pageSize": 10}', encoding="utf-8")
    result = cli("validate", "--type", "ListIncidentsRequest", str(request))
    assert result.returncode == 1
    assert "tenant_id" in result.stdout.decode()


def test_type_refusals(tmp_path: Path) -> None:
    """An unknown name, and --type with --topic (both say what the bytes are): usage errors."""
    example = tmp_path / "created.json"
    example.write_bytes(cli("example", "IncidentCreated").stdout)
    unknown = cli("validate", "--type", "NoSuchMessage", str(example))
    assert unknown.returncode == 2
    assert b"unknown message 'NoSuchMessage'" in unknown.stderr
    both = cli("validate", "--type", "IncidentCreated", "--topic", "sre.domain.facts.v1", str(example))
    assert both.returncode == 2
    assert b"not both" in both.stderr


def test_validate_json_from_a_file_and_from_stdin(tmp_path: Path) -> None:
    """A valid envelope: exit 0 and a one-line verdict, topic inferred from the JSON."""
    envelope_json = cli("example", "IncidentCreated", "--envelope").stdout
    path = tmp_path / "fact.json"
    path.write_bytes(envelope_json)
    for result in (cli("validate", str(path)), cli("validate", stdin=envelope_json)):
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode().strip() == "valid SreDomainFact (incident_created)"


def test_validate_reports_each_violation_and_exits_1(tmp_path: Path) -> None:
    """One line per violation, field path first, rule id last."""
    fact = _fact()
    fact.meta.tenant_id = ""
    fact.incident_created.incident.title = ""
    result = cli("validate", stdin=sre.to_json(fact).encode())
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert "meta.tenant_id: must be at least 1 characters [string.min_len]" in lines
    assert "incident_created.incident.title: must be at least 1 characters [string.min_len]" in lines


def test_validate_binary_needs_a_topic() -> None:
    """Binary input validates with --topic; without it, or with garbage or a bad topic, exit 2."""
    data = sre.encode(_fact())
    assert cli("validate", "--topic", sre.DOMAIN_FACTS_TOPIC, stdin=data).returncode == 0
    missing = cli("validate", stdin=data)
    assert missing.returncode == 2
    assert b"--topic" in missing.stderr
    assert cli("validate", "--topic", sre.DOMAIN_FACTS_TOPIC, stdin=b"\xff\xff").returncode == 2
    assert cli("validate", "--topic", "sre.nope.v1", stdin=data).returncode == 2
    assert cli("validate", "/no/such/file").returncode == 2


def test_decode_binary_and_framed(tmp_path: Path) -> None:
    """Binary (plain or Schema Registry framed) to JSON that parses back to the envelope."""
    fact = _fact()
    path = tmp_path / "fact.bin"
    path.write_bytes(sre.encode(fact))
    result = cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, str(path))
    assert result.returncode == 0
    assert sre.from_json(facts_pb2.SreDomainFact, result.stdout) == fact
    framed = confluent.frame(sre.encode(fact), 9, confluent.message_indexes(facts_pb2.SreDomainFact))
    result = cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, "--framed", stdin=framed)
    assert result.returncode == 0
    assert b"schema id 9" in result.stderr
    assert json.loads(result.stdout)["meta"]["messageId"] == fact.meta.message_id
    assert cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, "--framed", stdin=sre.encode(fact)).returncode == 2


def test_encode_json_to_binary_and_framed(tmp_path: Path) -> None:
    """JSON to validated binary; invalid JSON exits 1; --schema-id frames it."""
    fact = _fact()
    text = sre.to_json(fact).encode()
    result = cli("encode", "--topic", sre.DOMAIN_FACTS_TOPIC, stdin=text)
    assert result.returncode == 0
    assert result.stdout == sre.encode(fact)
    cli("encode", "--output", str(tmp_path / "out.bin"), stdin=text)
    assert (tmp_path / "out.bin").read_bytes() == sre.encode(fact)
    framed = cli("encode", "--schema-id", "7", stdin=text).stdout
    assert confluent.unframe(framed) == (7, [0], sre.encode(fact))
    fact.meta.message_id = "x"
    invalid = cli("encode", stdin=sre.to_json(fact).encode())
    assert invalid.returncode == 1
    assert b"meta.message_id" in invalid.stdout
    assert cli("encode", stdin=b"\x0a\x00").returncode == 2
