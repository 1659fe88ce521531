"""conformance/: Python and TypeScript give every vector its expected verdict, rule ids and paths."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message

import ameide_sre_contracts as sre
from ameide_sre_contracts import validation
from ameide_sre_contracts.cli._messages import message_type
from tests.conftest import ROOT

VECTORS_FILE = ROOT / "conformance" / "vectors.jsonl"
VECTORS: list[dict[str, Any]] = [json.loads(line) for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines()]
ENCODED = [vector for vector in VECTORS if "binary" in vector]
REFUSED_JSON = [vector for vector in VECTORS if "refused_json" in vector]
ES_BINDINGS = ROOT / "build" / "es"


def _decoded(vector: dict[str, Any]) -> Message:
    message = message_type(vector["type"])()
    message.ParseFromString(base64.b64decode(vector["binary"]))
    return message


def _pairs(found: list[sre.Violation]) -> list[list[str]]:
    return sorted([violation.field_path, violation.rule_id] for violation in found)


def test_the_vectors_cover_every_example_and_a_thousand_broken_rules() -> None:
    ids = [vector["id"] for vector in VECTORS]
    assert len(ids) == len(set(ids))
    examples = [vector for vector in VECTORS if "/example/" in vector["id"]]
    assert all(vector["valid"] and "json" in vector for vector in examples)
    assert len(examples) == sum(len(topic.payload_types) for topic in sre.TOPICS.values())  # one per case
    broken = {(path.split("[")[0], rule) for vector in ENCODED for path, rule in vector["violations"]}
    assert len(broken) >= 1000
    assert {"string.pattern", "enum.defined_only", "timestamp.gte_lte", "repeated.max_items"} <= {r for _, r in broken}


def test_plain_protovalidate_in_python_gives_every_verdict() -> None:
    """The oracle itself: protovalidate-python, reading only the .proto files, on every vector's bytes."""
    disagree = []
    for vector in ENCODED:
        if _pairs(validation.protovalidate_violations(_decoded(vector))) != vector["violations"]:
            disagree.append(vector["id"])
    assert disagree == []


def test_this_package_gives_every_verdict_or_the_documented_stricter_one() -> None:
    """`sre.violations`: the expected pairs, or where `package` says so, that (stricter times, early size stops)."""
    for vector in ENCODED:
        message = _decoded(vector)
        expected = vector.get("package", vector)
        assert _pairs(sre.violations(message)) == expected["violations"], vector["id"]
        if "package" in vector:  # only the documented differences
            extra = {rule for _, rule in expected["violations"]} - {rule for _, rule in vector["violations"]}
            assert extra <= {"timestamp.valid", "duration.valid"}, vector["id"]
            assert expected["valid"] == vector["valid"] or not expected["valid"]
        if "json" in vector:
            assert sre.from_json(type(message), vector["json"]) == message, vector["id"]


def test_the_json_this_package_refuses_on_purpose_is_refused() -> None:
    """Duplicate keys, a field under both names, offsets past 23:59, lone surrogates, unknown fields: per envelope."""
    assert len(REFUSED_JSON) == 5 * len(sre.TOPICS)
    for vector in REFUSED_JSON:
        with pytest.raises(sre.DecodeError):
            sre.from_json(message_type(vector["type"]), vector["refused_json"])


def test_a_known_field_of_the_wrong_wire_type_is_kept_aside_in_python() -> None:
    """upb keeps it as an unknown field: the envelope decodes and keeps its verdict (protobuf-es refuses the bytes)."""
    wire = [vector for vector in VECTORS if "wire" in vector]
    assert len(wire) == len(sre.TOPICS)
    for vector in wire:
        message = _decoded(vector)
        assert message.SerializeToString().endswith(b"\x08\x01")
        assert vector["valid"]
        assert sre.violations(message) == []


def test_typescript_gives_every_verdict(tmp_path: Path) -> None:
    """protobuf-es and protovalidate-es (pinned in package-lock.json) on every vector: the same verdicts."""
    node = shutil.which("node")
    assert node is not None, "node is not installed; the TypeScript runner needs Node.js"
    assert (ES_BINDINGS / ".generated").exists(), "build/es missing: run `make pytest` (buf generate --template ...)"
    done = subprocess.run(
        [node, str(ROOT / "tools" / "conformance_es.mjs"), str(VECTORS_FILE), str(ES_BINDINGS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["disagree"] == [], report["disagree"][:3]
    assert done.returncode == 0, done.stderr
    assert report["vectors"] == len(VECTORS)
    assert report["agree"] + sum(report["exceptions"].values()) == len(VECTORS)
    documented = (ROOT / "conformance" / "README.md").read_text(encoding="utf-8")
    assert all(kind.split(":")[0] in documented for kind in report["exceptions"]), report["exceptions"]


@pytest.mark.parametrize("flip", [0, 1])
def test_the_runners_are_not_rubber_stamps(tmp_path: Path, flip: int) -> None:
    """A vector whose expected verdict is wrong is reported by the TypeScript runner."""
    vector = dict(next(v for v in ENCODED if v["valid"] != bool(flip)))
    vector["valid"] = not vector["valid"]
    vector["violations"] = [] if flip == 0 else [["meta.tenant_id", "string.pattern"]]
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps(vector) + "\n", encoding="utf-8")
    done = subprocess.run(
        ["node", str(ROOT / "tools" / "conformance_es.mjs"), str(wrong), str(ES_BINDINGS)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["disagree"][0]["id"] == vector["id"]
