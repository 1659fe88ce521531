"""The `sre-contracts` command, driven as a subprocess: every command, files and stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2
from ameide_sre_contracts import catalog, confluent, testing
from tests.conftest import tool

COMMANDS = ["topics", "catalog", "example", "validate", "decode", "encode"]


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([tool("sre-contracts"), *args], input=stdin, capture_output=True, timeout=120, cwd=cwd)


def _fact() -> facts_pb2.SreDomainFact:
    return testing.examples(facts_pb2.SreDomainFact)[0]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_everywhere(command: str | None) -> None:
    """--help works on the tool and every command, and documents the exit codes."""
    result = cli(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert b"exit codes" in result.stdout


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
