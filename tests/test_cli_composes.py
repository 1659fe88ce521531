"""`sre-contracts` commands compose: what one writes, the next reads; what goes wrong is named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import ameide_sre_contracts as sre
from ameide_core_proto.sre.core.v1 import facts_pb2, intents_pb2
from ameide_sre_contracts import confluent, testing
from tests.adapter_checks import REAL

CLI_PACKAGE = Path(sre.__file__).parent / "cli"
INTENTS = sre.DOMAIN_INTENTS_TOPIC


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "ameide_sre_contracts.cli", *args]
    return subprocess.run(command, input=stdin, capture_output=True, check=False, timeout=120)


def _ingest(kind: str, data: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return cli("ingest", kind, "-", "--tenant", "acme", "--producer", "p", *extra, stdin=data)


@pytest.mark.parametrize(
    ("kind", "fixture"),
    [
        ("alertmanager", "alertmanager/zulip-alert.json"),
        ("pagerduty", "pagerduty/zulip-resolved_v3.json"),
        ("opsgenie", "opsgenie/zulip-acknowledge.json"),
        ("jira", "jira/mattermost-issue-updated-resolved.json"),
        ("github", "github/octokit-issues-assigned.json"),
    ],
)
def test_ingest_reads_yaml_for_every_kind_as_it_reads_json(kind: str, fixture: str) -> None:
    data = (REAL / fixture).read_bytes()
    as_json = _ingest(kind, data)
    assert as_json.returncode == 0, as_json.stderr
    as_yaml = _ingest(kind, yaml.safe_dump(json.loads(data), sort_keys=False).encode())
    assert as_yaml.returncode == 0, as_yaml.stderr
    assert [json.loads(line) for line in as_yaml.stdout.splitlines()] == [
        json.loads(line) for line in as_json.stdout.splitlines()
    ]  # the same intents, ids included
    twice = _ingest(kind, b"---\n".join([yaml.safe_dump(json.loads(data), sort_keys=False).encode()] * 2))
    assert twice.stdout.count(b"\n") == 2 * as_json.stdout.count(b"\n")  # a stream maps each document


def test_ingest_json_lines_validate_one_verdict_per_line() -> None:
    lines = _ingest("alertmanager", (REAL / "alertmanager" / "zulip-alert.json").read_bytes()).stdout
    done = cli("validate", "-", stdin=lines)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == [
        "line 1: valid SreDomainIntent (ingest_alert)",
        "line 2: valid SreDomainIntent (ingest_alert)",
    ]
    broken = lines.split(b"\n")
    second = json.loads(broken[1])
    second["meta"]["tenantId"] = "not a tenant"
    broken[1] = json.dumps(second).encode()
    done = cli("validate", "-", stdin=b"\n".join(broken))
    assert done.returncode == 1
    verdicts = done.stdout.decode().splitlines()
    assert verdicts[0] == "line 1: valid SreDomainIntent (ingest_alert)"
    assert verdicts[1].startswith("line 2: meta.tenant_id: ")
    done = cli("validate", "-", stdin=lines + b'{"meta": [}\n')
    assert done.returncode == 2
    assert b"line 3: " in done.stderr


def test_binary_frames_go_through_validate_decode_and_encode() -> None:
    data = (REAL / "alertmanager" / "zulip-alert.json").read_bytes()
    framed = _ingest("alertmanager", data, "--format", "binary").stdout
    done = cli("validate", "--delimited", "--topic", INTENTS, "-", stdin=framed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == [
        "frame 1: valid SreDomainIntent (ingest_alert)",
        "frame 2: valid SreDomainIntent (ingest_alert)",
    ]
    decoded = cli("decode", "--delimited", "--topic", INTENTS, "-", stdin=framed)
    assert decoded.returncode == 0, decoded.stderr
    printed = _ingest("alertmanager", data).stdout.splitlines()
    assert [json.loads(line) for line in decoded.stdout.splitlines()] == [json.loads(line) for line in printed]
    encoded = cli("encode", "-", stdin=decoded.stdout)
    assert encoded.returncode == 0, encoded.stderr
    assert encoded.stdout == framed  # JSON lines encode to the frames they came from
    cut = cli("decode", "--delimited", "--topic", INTENTS, "-", stdin=framed[:-3])
    assert cut.returncode == 2
    assert b"frame 2: " in cut.stderr


@pytest.mark.parametrize("intent", testing.examples(intents_pb2.SreDomainIntent), ids=lambda i: i.WhichOneof("intent"))
def test_decode_validates_and_names_another_envelopes_bytes(intent: intents_pb2.SreDomainIntent) -> None:
    """An intent's bytes read as a fact are refused, naming the intents topic; where the two envelopes share the wire
    form (the same case number and field shapes), the fact they also are is printed with a warning."""
    done = cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, "-", stdin=sre.encode(intent))
    also = f"valid SreDomainIntent of {INTENTS}".encode()
    if done.returncode == 0:  # wire-compatible cases: never printed without saying what else they are
        assert b"warning: these bytes are also a " + also + b"; the topic decides" in done.stderr
    else:
        assert done.returncode == 2, done.stdout
        assert also + f", not an envelope of {sre.DOMAIN_FACTS_TOPIC}".encode() in done.stderr
        assert done.stdout == b""
    right = cli("decode", "--topic", INTENTS, "-", stdin=sre.encode(intent))
    assert right.returncode == 0
    assert json.loads(right.stdout) == json.loads(sre.to_json(intent))


def test_decode_refuses_an_invalid_envelope_unless_told_not_to_validate() -> None:
    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    fact.meta.tenant_id = "not a tenant"
    data = sre.encode(fact, validate=False)
    done = cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, "-", stdin=data)
    assert done.returncode == 1
    assert done.stdout.decode().startswith("meta.tenant_id: ")
    unchecked = cli("decode", "--no-validate", "--topic", sre.DOMAIN_FACTS_TOPIC, "-", stdin=data)
    assert unchecked.returncode == 0
    assert json.loads(unchecked.stdout)["meta"]["tenantId"] == "not a tenant"


def test_framed_bytes_without_framed_get_a_hint() -> None:
    fact = testing.examples(facts_pb2.SreDomainFact)[0]
    framed = confluent.frame(sre.encode(fact), 42, confluent.message_indexes(facts_pb2.SreDomainFact))
    done = cli("decode", "--topic", sre.DOMAIN_FACTS_TOPIC, "-", stdin=framed)
    assert done.returncode == 2
    assert b"framed for Schema Registry (schema id 42" in done.stderr
    assert b"pass --framed" in done.stderr
    assert cli("decode", "--framed", "--topic", sre.DOMAIN_FACTS_TOPIC, "-", stdin=framed).returncode == 0


def test_errors_say_whether_an_argument_or_the_input_was_wrong() -> None:
    bad_tenant = _ingest("alertmanager", b"{}", "--tenant", "a b")
    assert b"argument --tenant" in bad_tenant.stderr
    assert b"input:" not in bad_tenant.stderr
    bad_input = _ingest("alertmanager", b"{}")
    assert b"input: not alertmanager's payload: $.alerts" in bad_input.stderr
    no_topic = cli("decode", "-", stdin=b"\x0a\x00")
    assert b"argument --topic: required for binary input" in no_topic.stderr
    unknown = cli("validate", "--type", "NoSuchMessage", "-", stdin=b"{}")
    assert b"argument --type: unknown message" in unknown.stderr


def test_every_command_module_is_short() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in CLI_PACKAGE.glob("*.py")}
    assert {"_main.py", "_io.py", "_messages.py", "_ingest.py", "_info.py"} <= set(sizes)
    assert max(sizes.values()) < 350, sizes


def test_some_examples_are_wire_compatible_and_most_are_not() -> None:
    """The warning path above is taken, and not by most examples: the refusal is the rule."""
    ambiguous = set()
    for intent in testing.examples(intents_pb2.SreDomainIntent):
        try:
            sre.decode(sre.DOMAIN_FACTS_TOPIC, sre.encode(intent))
        except sre.ContractError:
            continue
        ambiguous.add(intent.WhichOneof("intent"))
    assert "ingest_alert" in ambiguous  # case 20 of both envelopes carries an Alert as field 1
    assert len(ambiguous) < len(testing.examples(intents_pb2.SreDomainIntent)) // 2
